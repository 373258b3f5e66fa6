"""The screen's words: the live view, `clustersim status`, a student's terminal and plain output, and the
answers of control commands, in English and Spanish side by side.

    from cluster_sim.words import label
    label("rounds_stored", "es", n=3)        # "3 rondas guardadas"

Keys are the labels' names as the screen's helpers call them (no prefix);
a state, role or mode is "<kind>_<value>" (see words.word). Proper names
stay as they are (ZooKeeper, API, OK, command names).
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # header rows
    "leader": {"en": "Leader", "es": "Líder"},
    "mean": {"en": "Mean", "es": "Media"},
    "zookeeper": {"en": "ZooKeeper", "es": "ZooKeeper"},
    "api": {"en": "API", "es": "API"},
    "outbox": {"en": "Outbox", "es": "Bandeja"},
    "uptime": {"en": "Uptime", "es": "En marcha"},
    "join": {"en": "Join", "es": "Unirse"},
    "join_line": {"en": "Students join with:", "es": "Los estudiantes se unen con:"},
    "teacher_url": {"en": "teacher's page (controls; keep this address to yourself): {url}",
                    "es": "página docente (con controles; no compartas esta dirección): {url}"},
    "picked_id": {
        "en": "took id {id}: the lowest free one in this cluster",
        "es": "tomó el id {id}: el menor libre de este clúster",
    },
    "title": {"en": "clustersim", "es": "clustersim"},
    "up_for": {"en": "up {duration}", "es": "en marcha desde hace {duration}"},
    # the leader
    "no_leader": {"en": "none — election in progress", "es": "ninguno — elección en curso"},
    "no_leader_no_node": {"en": "none — no node is running", "es": "ninguno — no hay ningún nodo en marcha"},
    "node": {"en": "node", "es": "nodo"},
    "epoch": {"en": "epoch", "es": "época"},
    "leading_for": {"en": "(for {duration})", "es": "(desde hace {duration})"},
    "original_leader": {
        "en": "original design: unfenced, no rounds",
        "es": "diseño original: sin fencing, sin rondas",
    },
    # the mean
    "no_round": {"en": "no round delivered yet", "es": "aún no se ha entregado ninguna ronda"},
    "round": {"en": "round {round}", "es": "ronda {round}"},
    "readings": {"en": "{n} {n?reading|readings}", "es": "{n} {n?lectura|lecturas}"},
    "no_readings": {"en": "no readings", "es": "sin lecturas"},
    "row": {"en": "row {row}", "es": "fila {row}"},
    "waits_for": {"en": "round {round} waits for {who}", "es": "la ronda {round} espera {who}"},
    "waits_node": {"en": "node {nodes}", "es": "al nodo {nodes}"},
    "waits_nodes": {"en": "nodes {nodes}", "es": "a los nodos {nodes}"},
    # ZooKeeper, the API, the outbox
    "connected": {"en": "connected", "es": "conectado"},
    "not_connected": {"en": "not connected", "es": "sin conexión"},
    "api_ok": {"en": "OK", "es": "OK"},
    "api_down": {"en": "UNREACHABLE", "es": "INACCESIBLE"},
    "api_down_since": {"en": "UNREACHABLE since {time}", "es": "INACCESIBLE desde las {time}"},
    # the leader's own deliveries fail (the API may answer the supervisor all the same)
    "delivery_down": {
        "en": "leader {node} cannot reach the API at {url} since {time}; rounds wait in its outbox",
        "es": ("el líder {node} no puede acceder a la API en {url} desde las {time}; las rondas esperan en "
               "su bandeja de salida"),
    },
    "no_api": {"en": "cannot reach the API", "es": "sin acceso a la API"},
    # a student's terminal (clustersim node in the foreground): node/screen.py
    "me_title": {"en": "clustersim · node {id}", "es": "clustersim · nodo {id}"},
    "me_you": {"en": "This node", "es": "Este nodo"},
    "me_leader_you": {"en": "LEADER (epoch {epoch})", "es": "LÍDER (época {epoch})"},
    "me_follower": {"en": "follower", "es": "seguidor"},
    "me_candidate": {"en": "not in the election yet", "es": "aún fuera de la elección"},
    "me_reading": {"en": "reading {value}", "es": "lectura {value}"},
    "me_no_reading": {"en": "no reading yet", "es": "sin lectura todavía"},
    "me_leader_is": {"en": "node {id} (epoch {epoch})", "es": "nodo {id} (época {epoch})"},
    "me_last_round": {"en": "Last stored", "es": "Última guardada"},
    "me_delivers": {"en": "the leader delivers to {url}", "es": "el líder entrega en {url}"},
    "me_delivers_wait": {
        "en": "the leader has not delivered yet ({url})",
        "es": "el líder aún no ha entregado ({url})",
    },
    "me_own_api": {
        "en": "this node cannot reach the API at {url}",
        "es": "este nodo no puede acceder a la API en {url}",
    },
    "me_no_zk": {"en": "not connected to ZooKeeper: waiting", "es": "sin conexión con ZooKeeper: esperando"},
    # a student's plain output (not a terminal): node/say.py
    "say_api_down": {
        "en": "cannot reach the API at {url} since {time} ({error}); rounds wait in the outbox",
        "es": ("no se puede acceder a la API en {url} desde las {time} ({error}); las rondas esperan en la "
               "bandeja de salida"),
    },
    "say_api_back": {
        "en": "the API at {url} answers again: {rounds} delivered",
        "es": "la API en {url} vuelve a responder: {rounds} entregadas",
    },
    "say_rounds": {"en": "{n} {n?round|rounds}", "es": "{n} {n?ronda|rondas}"},
    "say_node": {"en": "[node {id}]", "es": "[nodo {id}]"},
    "say_started": {"en": "started on {host}, ZooKeeper {zk}", "es": "arrancado en {host}, ZooKeeper {zk}"},
    "say_connection": {"en": "ZooKeeper connection {state}", "es": "conexión con ZooKeeper: {state}"},
    "say_leader": {"en": "leader, epoch {epoch}", "es": "líder, época {epoch}"},
    "say_stopped": {"en": "stopped ({reason})", "es": "parado ({reason})"},
    # why a node stops (node/stopping.Stop)
    "say_stop.stop": {"en": "asked to stop", "es": "se le pidió parar"},
    "say_stop.SIGINT": {"en": "SIGINT", "es": "SIGINT"},
    "say_stop.SIGTERM": {"en": "SIGTERM", "es": "SIGTERM"},
    "say_stop.id_taken_over": {"en": "its id was taken by another process",
                               "es": "otro proceso le ha quitado su id"},
    "say_stop.supervisor_gone": {"en": "its supervisor is gone", "es": "su supervisor ya no está"},
    "say_stop.rules": {"en": "the cluster's rules cannot be followed",
                       "es": "no puede seguir las reglas del clúster"},
    "rounds_stored": {"en": "{n} {n?round stored|rounds stored}", "es": "{n} {n?ronda guardada|rondas guardadas}"},
    "rows_unrounded": {
        "en": "{n} {n?row without a round|rows without a round}",
        "es": "{n} {n?fila sin ronda|filas sin ronda}",
    },
    "pending": {"en": "{n} pending", "es": "{n} {n?pendiente|pendientes}"},
    "oldest_round": {
        "en": "(oldest: round {round}, waiting {duration})",
        "es": "(la más antigua: ronda {round}, esperando desde hace {duration})",
    },
    "dropped": {"en": "{n} dropped", "es": "{n} {n?descartada|descartadas}"},
    "ensemble": {"en": "ZooKeeper ensemble:", "es": "Ensemble de ZooKeeper:"},
    "leaders_session": {"en": "← leader's session", "es": "← sesión del líder"},
    "no_quorum": {
        "en": "→ no quorum: nobody can read or write, every session waits",
        "es": "→ sin quórum: nadie puede leer ni escribir, todas las sesiones esperan",
    },
    # the node table
    "col_id": {"en": "id", "es": "id"},
    "col_pid": {"en": "pid", "es": "pid"},
    "col_state": {"en": "state", "es": "estado"},
    "col_role": {"en": "role", "es": "papel"},
    "col_reading": {"en": "reading", "es": "lectura"},
    "col_age": {"en": "age", "es": "edad"},
    "col_notes": {"en": "host / notes", "es": "host / notas"},
    "no_nodes": {"en": "no nodes", "es": "ningún nodo"},
    "more_nodes": {"en": "… {n} more (clustersim status)", "es": "… {n} más (clustersim status)"},
    "remote": {"en": "remote", "es": "remoto"},
    "bad_readings": {"en": "{n} bad", "es": "{n} {n?ilegible|ilegibles}"},
    # a node's network faults (clustersim partition / slow), in its row's notes
    "fault_cut_zk": {"en": "cut off from zk", "es": "aislado de zk"},
    "fault_cut_api": {"en": "cut off from api", "es": "aislado de la api"},
    "fault_cut_all": {"en": "cut off from zk+api", "es": "aislado de zk y api"},
    "fault_slow": {"en": "slow {delay} ms", "es": "lento {delay} ms"},
    "fault_slow_zk": {"en": "slow {delay} ms (zk)", "es": "lento {delay} ms (zk)"},
    "fault_slow_api": {"en": "slow {delay} ms (api)", "es": "lento {delay} ms (api)"},
    # the page's word for a node's fault (faults/registry.py names these keys)
    "fault_short_partitioned": {"en": "cut off", "es": "aislado"},
    "fault_short_slow": {"en": "slow", "es": "lento"},
    "exit": {"en": "exit {code}", "es": "salida {code}"},
    "session_open": {"en": "session still open", "es": "su sesión sigue abierta"},
    "waits_for_id": {"en": "waits for id {id} (held by {holder})", "es": "espera al id {id} (lo tiene {holder})"},
    "holder": {"en": "pid {pid} on {host}", "es": "el pid {pid} en {host}"},
    "another_process": {"en": "another process", "es": "otro proceso"},
    "original": {"en": "original design", "es": "diseño original"},
    # the event log
    "events": {"en": "events", "es": "eventos"},
    "no_events": {"en": "no events yet", "es": "aún no hay eventos"},
    # `clustersim status`
    "status_cluster": {"en": "cluster {name}", "es": "clúster {name}"},
    "status_nodes": {"en": "Nodes", "es": "Nodos"},
    # a node's process state and role, a ZooKeeper server's mode (as the state holds them: the key's end)
    "state_running": {"en": "running", "es": "en marcha"},
    "state_starting": {"en": "starting", "es": "arrancando"},
    "state_paused": {"en": "paused", "es": "congelado"},
    "state_stopped": {"en": "stopped", "es": "parado"},
    "state_crashed": {"en": "crashed", "es": "caído"},
    "state_remote": {"en": "remote", "es": "remoto"},
    "role_LEADER": {"en": "LEADER", "es": "LÍDER"},
    "role_follower": {"en": "follower", "es": "seguidor"},
    "mode_leader": {"en": "leader", "es": "líder"},
    "mode_follower": {"en": "follower", "es": "seguidor"},
    "mode_observer": {"en": "observer", "es": "observador"},
    "mode_standalone": {"en": "standalone", "es": "autónomo"},
    "mode_down": {"en": "down", "es": "parado"},
    "mode_no quorum": {"en": "no quorum", "es": "sin quórum"},
    # after the cluster stops
    "timeline": {"en": "Leadership timeline", "es": "Cronología del liderazgo"},
    "no_leader_yet": {"en": "no leader yet", "es": "todavía sin líder"},
    "view_error": {"en": "view error: {error}", "es": "error de la vista: {error}"},
    # a control command's answer when it refuses (commands.py)
    "answer_remote": {
        "en": "node {id} is remote ({host}): stop it where it runs",
        "es": "el nodo {id} es remoto ({host}): páralo donde se ejecuta",
    },
    "answer_not_running": {
        "en": "node {id} is not running ({state})",
        "es": "el nodo {id} no está en marcha ({state})",
    },
    "answer_no_node": {
        "en": "no node {id} in cluster '{name}'",
        "es": "no hay ningún nodo {id} en el clúster '{name}'",
    },
    "answer_paused": {"en": "node {id} is already paused", "es": "el nodo {id} ya está congelado"},
    "answer_not_paused": {"en": "node {id} is not paused", "es": "el nodo {id} no está congelado"},
    "answer_running": {
        "en": "node {id} is already running (pid {pid})",
        "es": "el nodo {id} ya está en marcha (pid {pid})",
    },
    "answer_held": {
        "en": "node {id} is held by another process ({holder}): stop that one first",
        "es": "otro proceso tiene el nodo {id} ({holder}): páralo antes",
    },
    "answer_holder": {"en": "pid {pid} on {host}", "es": "pid {pid} en {host}"},
    "answer_unknown_host": {"en": "unknown host", "es": "máquina desconocida"},
    "answer_no_log": {
        "en": "no log for node {id}: this supervisor did not start it",
        "es": "no hay registro del nodo {id}: este supervisor no lo arrancó",
    },
    "answer_external_api": {
        "en": "the API is external (--api-url): control it where it runs",
        "es": "la API es externa (--api-url): contrólala donde se ejecuta",
    },
    "answer_no_ensemble": {
        "en": "no embedded ensemble: start one with clustersim up --zk-servers 3",
        "es": "no hay un ensemble embebido: arranca uno con clustersim up --zk-servers 3",
    },
    "answer_no_server": {
        "en": "no ZooKeeper server {index} (1-{count})",
        "es": "no hay ningún servidor ZooKeeper {index} (1-{count})",
    },
    "answer_stopping": {"en": "stopping cluster '{name}'", "es": "parando el clúster '{name}'"},
    "answer_remote_network": {
        "en": ("node {id} runs elsewhere on {host}, not under this supervisor: its network cannot be cut "
               "from here"),
        "es": ("el nodo {id} se ejecuta en otra máquina ({host}), no bajo este supervisor: su red no se "
               "puede cortar desde aquí"),
    },
    "answer_no_relays": {
        "en": "this cluster runs without relays (up --no-relays): its network cannot be cut",
        "es": "este clúster funciona sin relés (up --no-relays): su red no se puede cortar",
    },
    "answer_not_a_link": {
        "en": "'{target}' is not a link: choose zk, api or all",
        "es": "'{target}' no es un enlace: elige zk, api o all",
    },
    "answer_already_cut_zk": {
        "en": "node {id} is already cut off from ZooKeeper",
        "es": "el nodo {id} ya está aislado de ZooKeeper",
    },
    "answer_already_cut_api": {
        "en": "node {id} is already cut off from the API",
        "es": "el nodo {id} ya está aislado de la API",
    },
    "answer_already_cut_all": {
        "en": "node {id} is already cut off from ZooKeeper and the API",
        "es": "el nodo {id} ya está aislado de ZooKeeper y de la API",
    },
    "answer_how_slow": {"en": "say how slow: --latency MS", "es": "di cuánto más lento: --latency MS"},
    "answer_heal_which": {
        "en": "say which node to heal (heal ID), or heal them all (heal --all)",
        "es": "di qué nodo reparar (heal ID), o repáralos todos (heal --all)",
    },
    "answer_no_fault": {
        "en": "node {id} has no network fault to heal",
        "es": "el nodo {id} no tiene ningún fallo de red que reparar",
    },
    "answer_nothing_to_heal": {"en": "no network fault to heal", "es": "no hay ningún fallo de red que reparar"},
    "answer_external_zk": {
        "en": "ZooKeeper is external (--zk): freeze it where it runs",
        "es": "ZooKeeper es externo (--zk): congélalo donde se ejecuta",
    },
    "answer_zk_frozen": {
        "en": "ZooKeeper server {index} is already frozen",
        "es": "el servidor ZooKeeper {index} ya está congelado",
    },
    "answer_zk_not_frozen": {
        "en": "ZooKeeper server {index} is not frozen",
        "es": "el servidor ZooKeeper {index} no está congelado",
    },
    "answer_zk_not_running": {
        "en": "ZooKeeper server {index} is not running",
        "es": "el servidor ZooKeeper {index} no está en marcha",
    },
}
