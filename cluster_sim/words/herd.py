"""Screen words for the coordination recipes and a failover's cost: the live header, `status`, a
student's terminal, the web page (`--recipe herd` is for teaching and every screen says so).

    from cluster_sim.words import label
    label("recipe_teaching", "es", recipe="herd")
"""

ENTRIES = {
    "recipe": {"en": "Recipe", "es": "Receta"},
    "recipe_name.election": {"en": "election", "es": "elección"},
    "recipe_name.herd": {"en": "herd", "es": "manada"},
    "recipe_teaching": {
        "en": "{recipe}: FOR TEACHING (every candidate watches the one leader znode: the herd effect)",
        "es": "{recipe}: PARA ENSEÑAR (cada candidato vigila el único znode de líder: el efecto manada)",
    },
    "recipe_mark": {"en": "RECIPE {recipe}: FOR TEACHING", "es": "RECETA {recipe}: PARA ENSEÑAR"},
    "failover": {"en": "Failover", "es": "Relevo"},
    "failover_cost": {
        "en": "{after} → {node}: {notifications} watch {notifications?notification|notifications} (before "
              "{nbaseline}/s), {requests} "
              "requests in {window} s (before {baseline}/s), {woken} woken, leader in {leader} ms, latency {avg} ms "
              "(p99.9 {max} ms)",
        "es": "{after} → {node}: {notifications} {notifications?notificación|notificaciones} de watch (antes "
              "{nbaseline}/s), {requests} "
              "peticiones en {window} s (antes {baseline}/s), {woken} despertados, líder en {leader} ms, latencia "
              "{avg} ms (p99,9 {max} ms)",
    },
    "failover_cost_nodes": {
        "en": "{after} → {node}: {woken} woken, leader in {leader} ms (the nodes' count: no mntr)",
        "es": "{after} → {node}: {woken} despertados, líder en {leader} ms (cuenta de los nodos: sin mntr)",
    },
}
