"""The event log's words for the coordination recipes and what a failover costs ZooKeeper
(`--recipe herd`, engine/events.py TakesOver, RecipeForTeaching, FailoverCost).

    from cluster_sim.words import lookup
    lookup("ev.recipe_for_teaching", "es")
"""

ENTRIES = {
    "ev.takes_over.herd": {
        "en": "{node} takes over: it won the race for the one leader znode; {racers} {racers?candidate|candidates} "
              "woken at once raced for it (the herd)",
        "es": "{node} toma el relevo: ganó la carrera por el único znode de líder; {racers} "
              "{racers?candidato despertado|candidatos despertados} a la vez corrieron a crearlo (la manada)",
    },
    "ev.recipe_for_teaching": {
        "en": "--recipe herd, FOR TEACHING: every candidate watches the one leader znode, and when it goes all of "
              "them race to create it (the herd effect); a real cluster runs --recipe election",
        "es": "--recipe herd, PARA ENSEÑAR: cada candidato vigila el único znode de líder y, cuando desaparece, "
              "todos corren a crearlo (el efecto manada); un clúster de verdad usa la receta de elección de kazoo, "
              "la predeterminada",
    },
    "ev.failover_cost": {
        "en": "the failover {after} → {node} ({recipe}) cost ZooKeeper {notifications} watch "
              "{notifications?notification|notifications} (before: {nbaseline}/s) and {requests} requests in "
              "{window} s (before: {baseline}/s); {woken} {woken?candidate|candidates} woken; new leader in {leader} ms; server "
              "latency {avg} ms on average, p99.9 {max} ms (mntr)",
        "es": "el relevo {after} → {node} ({recipe}) le costó a ZooKeeper {notifications} "
              "{notifications?notificación|notificaciones} de watch (antes: {nbaseline}/s) y {requests} peticiones "
              "en {window} s (antes: {baseline}/s); {woken} {woken?candidato despertado|candidatos despertados}; nuevo líder en {leader} "
              "ms; latencia del servidor {avg} ms de media, p99,9 {max} ms (mntr)",
    },
    "ev.failover_cost.nodes": {
        "en": "the failover {after} → {node} ({recipe}): {woken} {woken?candidate|candidates} woken, new leader in "
              "{leader} ms (counted by the nodes: this ZooKeeper does not answer mntr)",
        "es": "el relevo {after} → {node} ({recipe}): {woken} {woken?candidato despertado|candidatos despertados}, "
              "nuevo líder en {leader} ms (contado por los nodos: este ZooKeeper no responde a mntr)",
    },
}
