"""The event log's words, in English and Spanish side by side: one entry per kind of event
("ev.<kind>", variants "ev.<kind>.<variant>"), filled from the event's typed fields.

    from cluster_sim.presentation.wording import describe
    describe(NodeKilled(ts=t, node="3", hard=True, was_leader=True), "es")
    # "nodo 3 (el líder) matado de golpe (SIGKILL)"

presentation/wording.py chooses the entry and its fields (it holds no words);
a node's warnings (NodeSaid, by code) are in events_node.py. Proper names stay
(ZooKeeper, API, SIGKILL, SUSPENDED, LOST, command names). The event log
groups no thousands (it is copied into scripts): counts are `{count}`, never `{n}`.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # pieces that several sentences share
    "ev.the_leader": {"en": " (the leader)", "es": " (el líder)"},
    "ev.at_url": {"en": " at {url}", "es": " en {url}"},
    "ev.and": {"en": " and ", "es": " y "},
    "ev.link.zk": {"en": "ZooKeeper", "es": "ZooKeeper"},
    "ev.link.api": {"en": "the API", "es": "la API"},
    "ev.link.all": {"en": "ZooKeeper and the API", "es": "ZooKeeper y la API"},
    # processes
    "ev.node_started": {"en": "node {node} started (pid {pid})", "es": "nodo {node} arrancado (pid {pid})"},
    "ev.node_started.waits": {
        "en": "node {node} started (pid {pid}); it waits up to {waits} s for the old session of id {node} to end",
        "es": "nodo {node} arrancado (pid {pid}); espera hasta {waits} s a que termine la sesión anterior del id "
              "{node}",
    },
    "ev.node_killed.hard": {"en": "node {node}{leader} killed (SIGKILL)",
                            "es": "nodo {node}{leader} matado de golpe (SIGKILL)"},
    "ev.node_killed.soft": {"en": "node {node}{leader} killed (SIGTERM)", "es": "nodo {node}{leader} parado (SIGTERM)"},
    "ev.node_paused": {
        "en": "the supervisor sent SIGSTOP to node {node}{leader}: ZooKeeper expires its session {timeout} s after "
              "its last heartbeat",
        "es": "el supervisor envió SIGSTOP al nodo {node}{leader}: ZooKeeper da por caducada su sesión {timeout} s "
              "después de su último latido",
    },
    "ev.node_resumed": {"en": "node {node} resumed (SIGCONT)", "es": "nodo {node} despierta (SIGCONT)"},
    "ev.node_stopped.dead": {
        "en": "node {node} is dead (SIGKILL): ZooKeeper notices when its session times out, {timeout} s after its "
              "last heartbeat",
        "es": "nodo {node} muerto (SIGKILL): ZooKeeper se entera cuando caduca su sesión, {timeout} s después de "
              "su último latido",
    },
    "ev.node_stopped": {"en": "node {node} stopped (exit {exit})", "es": "nodo {node} parado (salida {exit})"},
    "ev.node_stopped.crashed": {"en": "node {node} crashed (exit {exit}); its log: {log}",
                                "es": "nodo {node} caído (salida {exit}); su registro: {log}"},
    # a node's ZooKeeper connection and leadership
    "ev.suspended": {"en": "node {node} lost its connection to ZooKeeper (SUSPENDED): its session may still live",
                     "es": "nodo {node} perdió su conexión con ZooKeeper (SUSPENDED): su sesión puede seguir viva"},
    "ev.session_expired": {"en": "node {node} learns its ZooKeeper session expired (LOST)",
                           "es": "nodo {node} se entera de que su sesión de ZooKeeper caducó (LOST)"},
    # said for a node that cannot speak (frozen, dead, cut off): ZooKeeper knows, the node does not
    "ev.session_expired.zookeeper": {"en": "ZooKeeper expired node {node}'s session: its znodes are gone",
                                     "es": "ZooKeeper dio por caducada la sesión del nodo {node}: sus znodes ya no están"},
    "ev.takes_over": {"en": "{node} takes over: its znode …{seq} is now the lowest; it was watching {watched}",
                      "es": "{node} toma el relevo: su znode …{seq} es ahora el más bajo; vigilaba a {watched}"},
    "ev.takes_over.first": {"en": "{node} takes over: its znode …{seq} is now the lowest",
                            "es": "{node} toma el relevo: su znode …{seq} es ahora el más bajo"},
    "ev.reconnected": {"en": "node {node}: ZooKeeper connection back",
                       "es": "nodo {node}: vuelve la conexión con ZooKeeper"},
    "ev.reconnected.new": {"en": "node {node}: ZooKeeper connection back (a new session)",
                           "es": "nodo {node}: vuelve la conexión con ZooKeeper (con una sesión nueva)"},
    "ev.stepped_down": {"en": "node {node} stepped down (epoch {epoch}): {why}",
                        "es": "nodo {node}: deja de ser líder (época {epoch}): {why}"},
    "ev.stepped_down.own": {"en": "node {node} {reason}", "es": "nodo {node}: {reason}"},
    "ev.why.session_expired": {"en": "its ZooKeeper session expired", "es": "su sesión de ZooKeeper caducó"},
    "ev.why.fenced": {"en": "fenced (the epoch moved on, or its election znode is gone)",
                      "es": "fencing (la época avanzó o su znode de elección ya no existe)"},
    "ev.why.error": {"en": "{error} talking to ZooKeeper", "es": "{error} al hablar con ZooKeeper"},
    "ev.why.an_error": {"en": "an error", "es": "un error"},
    "ev.why.internal_error": {"en": "internal error {error} (trace in the node's log)",
                              "es": "error interno {error} (la traza está en el registro del nodo)"},
    "ev.why.other": {"en": "stepped down", "es": "se retiró"},
    "ev.fenced": {"en": "node {node} fenced by the API: its epoch {epoch} refused (409); stepping down",
                  "es": "nodo {node}: la API rechaza su época {epoch} (fencing, 409); deja de ser líder"},
    "ev.outbox_full": {"en": "outbox full", "es": "bandeja de salida llena"},
    "ev.outbox_full.bound": {"en": "outbox full ({bound})", "es": "bandeja de salida llena ({bound})"},
    "ev.outbox_dropped": {
        "en": "node {node}: {full}: dropped {count?round|rounds} {span}, {total} dropped in all",
        "es": "nodo {node}: {full}: {count?descartada la ronda|descartadas las rondas} {span}, {total} en total",
    },
    "ev.outbox_dropped.none": {"en": "node {node}: {full}: {total} rounds dropped in all",
                               "es": "nodo {node}: {full}: {total} rondas descartadas en total"},
    "ev.api_down": {
        "en": "leader {node} cannot reach the API{at} since {time}{error}; rounds wait in its outbox",
        "es": "el líder {node} no puede acceder a la API{at} desde las {time}{error}; las rondas esperan en su "
              "bandeja de salida",
    },
    "ev.api_back": {"en": "API back: {count} {count?round|rounds} delivered",
                    "es": "la API ha vuelto: {count} {count?ronda entregada|rondas entregadas}"},
    "ev.api_back.leader": {"en": "leader {node} reaches the API{at} again: its outbox drains",
                           "es": "el líder {node} vuelve a acceder a la API{at}: su bandeja de salida se vacía"},
    "ev.zk_connection.up": {"en": "supervisor connected to ZooKeeper", "es": "supervisor conectado a ZooKeeper"},
    "ev.zk_connection.down": {"en": "supervisor lost its ZooKeeper connection",
                              "es": "el supervisor ha perdido su conexión con ZooKeeper"},
    "ev.remote_joined": {"en": "remote node {node} joined", "es": "nodo remoto {node} se une"},
    "ev.remote_joined.from": {"en": "remote node {node} joined from {host}",
                              "es": "nodo remoto {node} se une desde {host}"},
    "ev.remote_left": {"en": "remote node {node} left", "es": "nodo remoto {node} se va"},
    "ev.unreadable_reading": {"en": "node {node} publishes an unreadable reading ({why}): skipped",
                              "es": "nodo {node}: publica una lectura ilegible ({why}): se ignora"},
    "ev.leader_elected": {"en": "leader elected: {node} (epoch {epoch})",
                          "es": "líder elegido: {node} (época {epoch})"},
    "ev.leader_elected.after": {
        "en": "leader elected: {node} (epoch {epoch}, failover {ms} ms after {after} {how})",
        "es": "líder elegido: {node} (época {epoch}, relevo en {ms} ms después de que {after} {how})",
    },
    "ev.leader_elected.original": {
        "en": "leader elected: {node} (a node of the original design: no fencing, no rounds)",
        "es": "líder elegido: {node} (un nodo del diseño original: sin fencing, sin rondas)",
    },
    "ev.how.left": {"en": "left", "es": "se fuera"},
    "ev.how.crashed": {"en": "crashed", "es": "cayera"},
    "ev.how.paused": {"en": "paused", "es": "se congelara"},
    "ev.how.partitioned": {"en": "was cut off", "es": "quedara aislado"},
    # what ZooKeeper shows (the leader znode went), not what the old leader knows (maybe nothing yet)
    "ev.leader_lost": {"en": "no leader: {node}'s leader znode is gone, election in progress",
                       "es": "sin líder: el znode de líder de {node} ya no está, elección en curso"},
    "ev.split_brain": {"en": "two leaders acting at once: {nodes}", "es": "dos líderes actuando a la vez: {nodes}"},
    # network faults
    "ev.partitioned": {"en": "node {node}{leader} cut off from {link}", "es": "nodo {node}{leader} aislado de {link}"},
    "ev.partitioned.zk": {"en": " (it still reaches the API)", "es": " (sigue llegando a la API)"},
    "ev.partitioned.api": {"en": " (ZooKeeper still answers it)", "es": " (ZooKeeper sigue respondiéndole)"},
    "ev.partitioned.expires": {"en": ": its session expires in {timeout} s unless healed",
                               "es": ": su sesión caduca en {timeout} s si no se repara la red"},
    "ev.healed": {"en": "node {node} healed: it reaches {link} again",
                  "es": "nodo {node} reparado: vuelve a llegar a {link}"},
    "ev.slowed": {"en": "node {node}'s links to {link} slowed: {latency}{jitter} ms each way",
                  "es": "nodo {node}: sus enlaces con {link} ralentizados: {latency}{jitter} ms en cada sentido"},
    "ev.slowed.drops": {
        "en": "; a round trip of up to {trip} s is more than a {timeout} s session tolerates ({limit} s): its "
              "ZooKeeper connection will drop",
        "es": "; un viaje de ida y vuelta de hasta {trip} s es más de lo que tolera una sesión de {timeout} s "
              "({limit} s): su conexión con ZooKeeper se cortará",
    },
    # the API and the ensemble
    "ev.api_stopped": {"en": "API stopped", "es": "API parada"},
    "ev.api_started": {"en": "API started", "es": "API arrancada"},
    "ev.zk_server_stopped": {"en": "ZooKeeper server {index} stopped", "es": "servidor ZooKeeper {index} parado"},
    "ev.zk_server_starting": {"en": "ZooKeeper server {index} starting", "es": "servidor ZooKeeper {index} arrancando"},
    "ev.zk_server_paused": {
        "en": "ZooKeeper server {index} frozen (SIGSTOP): it hangs, its clients' connections stay open",
        "es": "servidor ZooKeeper {index} congelado (SIGSTOP): no responde, las conexiones de sus clientes siguen "
              "abiertas",
    },
    "ev.zk_server_resumed": {"en": "ZooKeeper server {index} resumed (SIGCONT)",
                             "es": "servidor ZooKeeper {index} reanudado (SIGCONT)"},
    # the supervisor
    "ev.cluster_started": {
        "en": "cluster '{name}': ZooKeeper {zk}, API {api}, {count} {count?node|nodes}, interval {interval} s, "
              "session timeout {timeout} s",
        "es": "clúster '{name}': ZooKeeper {zk}, API {api}, {count} {count?nodo|nodos}, intervalo {interval} s, "
              "tiempo de sesión {timeout} s",
    },
    "ev.cluster_open": {
        "en": "no --secret: the cluster is open, as the original (anyone who reaches ZooKeeper can change it)",
        "es": "sin --secret: el clúster está abierto, como el original (cualquiera que llegue a ZooKeeper puede "
              "cambiarlo)",
    },
    "ev.join_command": {"en": "students join with: {command}", "es": "los estudiantes se unen con: {command}"},
    "ev.command_via.page": {"en": "from the teacher's page: {cmd} {target}",
                            "es": "desde la página docente: {cmd} {target}"},
    "ev.command_via": {"en": "from {via}: {cmd} {target}", "es": "desde {via}: {cmd} {target}"},
    "ev.web_view_started": {"en": "web view (read-only, for the projector and the students): {url}",
                            "es": "vista web (solo lectura, para el proyector y los estudiantes): {url}"},
    "ev.recording_written": {
        "en": "recording written: {path} ({size} MB; open it in a browser, or clustersim replay {path})",
        "es": "grabación escrita: {path} ({size} MB; ábrela en un navegador, o clustersim replay {path})",
    },
    "ev.listener_failed": {"en": "{listener} failed: {error}", "es": "{listener} falló: {error}"},
    # shutting down: why (events.StopWhy), the drain, what was left (events.Unsaved)
    "ev.shutting_down": {"en": "shutting down ({why})", "es": "apagando ({why})"},
    "ev.stop.stop": {"en": "stop", "es": "parada"},
    "ev.stop.command": {"en": "clustersim stop", "es": "clustersim stop"},
    "ev.stop.SIGINT": {"en": "SIGINT", "es": "SIGINT"},
    "ev.stop.SIGTERM": {"en": "SIGTERM", "es": "SIGTERM"},
    "ev.stop.SIGHUP": {"en": "SIGHUP", "es": "SIGHUP"},
    "ev.stop.demo_finished": {"en": "demo finished", "es": "fin de la demostración"},
    "ev.stop.demo_interrupted": {"en": "demo interrupted", "es": "demostración interrumpida"},
    "ev.stop.demo_failed": {"en": "demo failed", "es": "la demostración falló"},
    "ev.stop.chaos_finished": {"en": "chaos finished", "es": "fin del caos"},
    "ev.settle_started": {
        "en": "{count} {count?node|nodes} stopped sampling; the leader computes every round they published (up to "
              "{timeout} s; Ctrl-C again to skip)...",
        "es": "{count} {count?nodo dejó|nodos dejaron} de medir; el líder calcula todas las rondas que publicaron "
              "(hasta {timeout} s; Ctrl-C otra vez para no esperar)...",
    },
    "ev.settle_ended.unknown": {
        "en": "cannot tell whether every published round is computed ({why}): not waiting any longer",
        "es": "no se puede saber si todas las rondas publicadas están calculadas ({why}): sin esperar más",
    },
    "ev.settle_ended.done": {
        "en": "every round the nodes published is computed: delivered or in the outbox",
        "es": "todas las rondas que publicaron los nodos están calculadas: entregadas o en la bandeja de salida",
    },
    "ev.settle_ended.last": {"en": " (the last: round {last})", "es": " (la última: ronda {last})"},
    "ev.settle_ended.skipped": {
        "en": "not waiting any longer: {count} {count?round|rounds} the nodes published ({span}) not computed yet",
        "es": "sin esperar más: {count} {count?ronda publicada|rondas publicadas} por los nodos ({span}) aún sin "
              "calcular",
    },
    "ev.settle_ended": {
        "en": "{count} {count?round|rounds} the nodes published ({span}) still not computed after {timeout} s",
        "es": "{count} {count?ronda publicada|rondas publicadas} por los nodos ({span}) {count?sigue|siguen} sin "
              "calcular tras {timeout} s",
    },
    "ev.rounds_uncomputed": {
        "en": "{count} {count?round|rounds} the nodes published never computed ({span}): in neither the API nor a "
              "saved file; ",
        "es": "{count} {count?ronda publicada|rondas publicadas} por los nodos nunca se {count?calculó|calcularon} "
              "({span}): no {count?está|están} ni en la API ni en un archivo guardado; ",
    },
    "ev.rounds_uncomputed.lost": {"en": "their readings are lost with the embedded ZooKeeper",
                                  "es": "sus lecturas se pierden con el ZooKeeper embebido"},
    "ev.rounds_uncomputed.stay": {"en": "their readings stay in ZooKeeper at {zk} for the next leader",
                                  "es": "sus lecturas siguen en ZooKeeper en {zk} para el próximo líder"},
    "ev.drain_started": {
        "en": "delivering {count} {count?round|rounds} left in the outbox (up to {timeout} s; Ctrl-C again to "
              "skip)...",
        "es": "entregando {count} {count?ronda|rondas} que quedan en la bandeja de salida (hasta {timeout} s; "
              "Ctrl-C otra vez para no esperar)...",
    },
    "ev.drain_ended.empty": {"en": "outbox empty: every round delivered",
                             "es": "bandeja de salida vacía: todas las rondas entregadas"},
    "ev.drain_ended.skipped": {
        "en": "not waiting any longer: {count} {count?round|rounds} still in the outbox",
        "es": "sin esperar más: {count} {count?ronda sigue|rondas siguen} en la bandeja de salida",
    },
    "ev.drain_ended": {
        "en": "{count} {count?round|rounds} still in the outbox after {timeout} s",
        "es": "{count} {count?ronda sigue|rondas siguen} en la bandeja de salida tras {timeout} s",
    },
    "ev.outbox_uncounted": {"en": "cannot count the outbox ({why}): not waiting for deliveries",
                            "es": "no se puede contar la bandeja de salida ({why}): sin esperar a las entregas"},
    "ev.outbox_uncounted.draining": {"en": "cannot count the outbox ({why}): not waiting any longer",
                                     "es": "no se puede contar la bandeja de salida ({why}): sin esperar más"},
    "ev.unsaved.api_down": {"en": "API down", "es": "API caída"},
    "ev.unsaved.no_leader": {"en": "no leader", "es": "sin líder"},
    "ev.unsaved.late": {"en": "not delivered in time", "es": "no entregadas a tiempo"},
    "ev.rounds_saved": {"en": "{count} {count?round|rounds} left undelivered ({reason})",
                        "es": "{count} {count?ronda|rondas} sin entregar ({reason})"},
    "ev.rounds_saved.failed": {"en": "{what}: could not save them ({error})",
                               "es": "{what}: no se han podido guardar ({error})"},
    "ev.rounds_saved.lost": {"en": "; they are lost with the embedded ZooKeeper",
                             "es": "; se pierden con el ZooKeeper embebido"},
    "ev.rounds_saved.stay": {"en": "; they stay in the outbox at {zk} for the next leader",
                             "es": "; siguen en la bandeja de salida de {zk} para el próximo líder"},
    "ev.rounds_saved.saved": {
        "en": "{what}: saved to {path}; send them later with: clustersim deliver {path}",
        "es": "{what}: guardadas en {path}; envíalas más tarde con: clustersim deliver {path}",
    },
    "ev.rounds_saved.also": {
        "en": " (they also stay in the outbox at {zk}, so the next leader delivers them too: the API stores each "
              "round once, a double send is harmless)",
        "es": " (también siguen en la bandeja de salida de {zk}, así que el próximo líder las entregará: la API "
              "guarda cada ronda una sola vez, enviarla dos veces no hace daño)",
    },
    "ev.outbox_unread": {
        "en": "could not read the outbox to save undelivered rounds: {why}",
        "es": "no se ha podido leer la bandeja de salida para guardar las rondas sin entregar: {why}",
    },
    "ev.outbox_unread.lost": {"en": "; any rounds in it are lost with the embedded ZooKeeper",
                              "es": "; las que hubiera se pierden con el ZooKeeper embebido"},
    "ev.outbox_unread.stay": {"en": "; any rounds in it stay at {zk} for the next leader",
                              "es": "; las que hubiera siguen en {zk} para el próximo líder"},
}
