"""`clustersim bench`'s words: each measurement's and each row's plain name, a row's verdict, and the
closing "N of M targets met", in English and Spanish side by side.

    from cluster_sim.words import lookup
    lookup("bench.scale", "en", nodes=20)          # "`up -n 20`: start-up, CPU and memory"
    lookup("bench.targets_met", "es", met=17, targets=19)   # "17 de 19 objetivos cumplidos"

Keys "bench.<measurement>" (a step's header and its note's title), "bench.row.<id>" (a row's name:
how it was measured, with the jargon, is in the notes of docs/benchmarks.md, "note N"),
"bench.verdict.<met|missed|unmeasured|none>".
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # the measurements (a step's header while it runs, an error row's name)
    "bench.handover": {"en": "the leader stops: the next one takes over ({nodes} nodes, {trials} times)",
                       "es": "el líder se detiene: el siguiente toma el relevo ({nodes} nodos, {trials} veces)"},
    "bench.crash": {"en": "the leader crashes: ZooKeeper notices ({nodes} nodes, session timeouts {timeouts} s)",
                    "es": "el líder cae: ZooKeeper lo nota ({nodes} nodos, caducidad de sesión {timeouts} s)"},
    "bench.kill": {"en": "`clustersim kill` and `clustersim status` typed ({trials} times)",
                   "es": "`clustersim kill` y `clustersim status` tecleados ({trials} veces)"},
    "bench.first_mean": {"en": "`up -n {nodes}` to the first mean", "es": "`up -n {nodes}` hasta la primera media"},
    "bench.round": {"en": "a leader's round over {sizes} readings", "es": "una ronda del líder con {sizes} lecturas"},
    "bench.takeover": {"en": "a new leader among {members} members: its first complete round",
                       "es": "un nuevo líder entre {members} miembros: su primera ronda completa"},
    "bench.scale": {"en": "`up -n {nodes}`: start-up, CPU and memory", "es": "`up -n {nodes}`: arranque, CPU y memoria"},
    "bench.hall": {"en": "a lecture hall: `up -n {nodes}` as typed", "es": "un aula magna: `up -n {nodes}` tal cual"},
    "bench.failover_cost": {"en": "what a failover costs ZooKeeper, election against herd ({sizes} nodes, {kills} kills each)",
                            "es": "lo que cuesta un relevo a ZooKeeper, elección frente a manada ({sizes} nodos, {kills} muertes cada uno)"},
    "bench.latency": {"en": "steady state: a round's close to its row in the API ({rounds} rounds)",
                      "es": "régimen estable: del cierre de una ronda a su fila en la API ({rounds} rondas)"},
    "bench.relay": {"en": "what the fault relays cost ({rounds} rounds with and without)",
                    "es": "lo que cuestan los relés de fallos ({rounds} rondas con y sin)"},
    "bench.relay_echo": {"en": "what one fault relay adds to a round trip ({trips} echoes)",
                         "es": "lo que añade un relé de fallos a un viaje de ida y vuelta ({trips} ecos)"},
    # the rows: what a reader asks, plainly
    "bench.row.1a": {"en": "Leader stopped → new leader elected", "es": "Líder detenido → nuevo líder elegido"},
    "bench.row.1b": {"en": "Leader stopped → the new leader's first mean stored",
                     "es": "Líder detenido → primera media del nuevo líder guardada"},
    "bench.row.1c": {"en": "How late a handover makes the next round", "es": "Cuánto retrasa un relevo la ronda siguiente"},
    "bench.row.1d": {"en": "Rounds lost during the handovers", "es": "Rondas perdidas en los relevos"},
    "bench.row.crash_gone": {"en": "Leader crashed → ZooKeeper drops it, session timeout {timeout} s",
                             "es": "Líder caído → ZooKeeper lo retira, caducidad de sesión {timeout} s"},
    "bench.row.crash_elected": {"en": "Leader crashed → new leader elected, session timeout {timeout} s",
                                "es": "Líder caído → nuevo líder elegido, caducidad de sesión {timeout} s"},
    "bench.row.crash_lost": {"en": "Rounds lost across the crashes", "es": "Rondas perdidas en las caídas"},
    "bench.row.3a": {"en": "`clustersim kill` on the leader → new leader", "es": "`clustersim kill` al líder → nuevo líder"},
    "bench.row.3b": {"en": "`clustersim status` answers", "es": "`clustersim status` responde"},
    "bench.row.4": {"en": "`up -n {nodes}` → first mean stored", "es": "`up -n {nodes}` → primera media guardada"},
    "bench.row.5": {"en": "Leader's round over {n} readings", "es": "Ronda del líder con {n} lecturas"},
    "bench.row.5d": {"en": "A new leader's first load of every member's readings",
                     "es": "Primera carga de las lecturas de todos los miembros por un nuevo líder"},
    "bench.row.5e": {"en": "A new leader among {members} members → its first round stored",
                     "es": "Un nuevo líder entre {members} miembros → su primera ronda guardada"},
    "bench.row.6a": {"en": "`up -n {nodes}` → every node publishing", "es": "`up -n {nodes}` → todos los nodos publican"},
    "bench.row.6b": {"en": "Supervisor's CPU, live table shown", "es": "CPU del supervisor, con la tabla en directo"},
    "bench.row.6c": {"en": "Memory of each of {nodes} nodes (median / largest)",
                     "es": "Memoria de cada uno de {nodes} nodos (mediana / mayor)"},
    "bench.row.6d": {"en": "Live table redraws per second", "es": "Redibujados por segundo de la tabla en directo"},
    "bench.row.6e": {"en": "Memory of one node started by hand", "es": "Memoria de un nodo arrancado a mano"},
    "bench.row.7a": {"en": "A round's close → its row stored by the API", "es": "Cierre de una ronda → su fila guardada en la API"},
    "bench.row.7b": {"en": "Rounds stored incomplete or never", "es": "Rondas guardadas incompletas o nunca"},
    "bench.row.8a": {"en": "What one relay adds to a round trip", "es": "Lo que un relé añade a un viaje de ida y vuelta"},
    "bench.row.8b": {"en": "Round close → stored, without and with the relays",
                     "es": "Cierre de ronda → guardada, sin y con los relés"},
    "bench.row.9a": {"en": "`up -n {nodes}` → every node publishing", "es": "`up -n {nodes}` → todos los nodos publican"},
    "bench.row.9b": {"en": "Supervisor's CPU at {nodes} nodes", "es": "CPU del supervisor con {nodes} nodos"},
    "bench.row.9c": {"en": "Memory of each of {nodes} nodes (median / largest)",
                     "es": "Memoria de cada uno de {nodes} nodos (mediana / mayor)"},
    "bench.row.9d": {"en": "Leader crashed at {nodes} nodes → new leader; its first round stored",
                     "es": "Líder caído con {nodes} nodos → nuevo líder; su primera ronda guardada"},
    "bench.row.9e": {"en": "{minutes} minutes at {nodes} nodes: every round stored",
                     "es": "{minutes} minutos con {nodes} nodos: todas las rondas guardadas"},
    "bench.row.10woken": {"en": "Candidates a failover wakes, recipe {recipe}",
                          "es": "Candidatos que despierta un relevo, receta {recipe}"},
    "bench.row.10notifications": {"en": "Watch notifications a failover adds, recipe {recipe}",
                                  "es": "Notificaciones de watches que añade un relevo, receta {recipe}"},
    "bench.row.10requests": {"en": "Requests to ZooKeeper a failover adds, recipe {recipe}",
                             "es": "Peticiones a ZooKeeper que añade un relevo, receta {recipe}"},
    "bench.row.10leader": {"en": "Leader gone → new leader, recipe {recipe}",
                           "es": "Líder ido → nuevo líder, receta {recipe}"},
    "bench.row.10error": {"en": "Failover cost, recipe {recipe} at {nodes} nodes", "es": "Coste de un relevo, receta {recipe} con {nodes} nodos"},
    "bench.see_note": {"en": "note {n}", "es": "nota {n}"},
    # a row's verdict, and the last line
    "bench.verdict.met": {"en": "target met", "es": "objetivo cumplido"},
    "bench.verdict.missed": {"en": "target missed", "es": "objetivo no cumplido"},
    "bench.verdict.unmeasured": {"en": "target not measured", "es": "objetivo sin medir"},
    "bench.verdict.none": {"en": "no target", "es": "sin objetivo"},
    "bench.targets_met": {"en": "{met} of {targets} targets met", "es": "{met} de {targets} objetivos cumplidos"},
}
