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
    "next_step_ran": {"en": "running: {title}", "es": "en marcha: {title}"},
    "no_step_waits": {"en": "no demo step waits for a press (next step is for a demo run with --step)",
                      "es": "ningún paso de una demostración espera (siguiente paso es para una demo con --step)"},
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
    "mean_held": {"en": "waiting for the API", "es": "esperando a la API"},
    "mean_stored": {"en": "last stored: round {round}", "es": "última guardada: ronda {round}"},
    "mean_none_stored": {"en": "none stored yet", "es": "ninguna guardada aún"},
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
    "say_stop.teacher": {"en": "killed by the teacher", "es": "parado por el profesor"},
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
    # the election queue and sessions as ZooKeeper holds them (issue 19)
    "col_queue": {"en": "queue", "es": "cola"},
    "holding": {"en": "HOLDING: it does nothing until it knows it still leads",
                "es": "EN ESPERA: no hace nada hasta saber si sigue siendo líder"},
    "holding_short": {"en": "holding", "es": "en espera"},
    "expires_in": {"en": "ZooKeeper gives up on it in {time}", "es": "ZooKeeper la da por perdida en {time}"},
    "expires_short": {"en": "expires in {time}", "es": "caduca en {time}"},
    "session_silent": {"en": "ZooKeeper hears nothing for {time}", "es": "ZooKeeper no oye nada desde hace {time}"},
    "session_expired": {"en": "session expired", "es": "sesión caducada"},
    "deposed": {"en": "deposed: it does not know yet", "es": "destituido: aún no lo sabe"},
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
    # issue 21: ported from the branch's label tables
    'zk_member_starting': {
        "en": 'ZooKeeper server {id} of {size} on {host}, clients on port {port} (it serves while {quorum} of the {size} servers see each other; Ctrl-C to stop)',
        "es": 'servidor ZooKeeper {id} de {size} en {host}, clientes en el puerto {port} (sirve mientras {quorum} de los {size} servidores se vean; Ctrl-C para parar)',
    },
    'zk_member_others': {
        "en": 'the other machines type:',
        "es": 'las otras máquinas escriben:',
    },
    'zk_member_teacher': {
        "en": 'the teacher types:',
        "es": 'el profesor escribe:',
    },
    'zk_member_waiting': {
        "en": 'server {id}: waiting for a quorum ({quorum} of {size} servers)',
        "es": 'servidor {id}: esperando quórum ({quorum} de {size} servidores)',
    },
    'zk_member_leader': {
        "en": 'server {id}: leader, serving on {address}',
        "es": 'servidor {id}: líder, sirviendo en {address}',
    },
    'zk_member_follower': {
        "en": 'server {id}: follower, serving on {address}',
        "es": 'servidor {id}: seguidor, sirviendo en {address}',
    },
    'zk_member_no_quorum': {
        "en": 'server {id}: no quorum (fewer than {quorum} of {size} servers see each other): not serving',
        "es": 'servidor {id}: sin quórum (menos de {quorum} de {size} servidores se ven): no sirve',
    },
    'zk_member_down': {
        "en": 'server {id}: does not answer',
        "es": 'servidor {id}: no responde',
    },
    'zk_member_listening': {
        "en": "server {id}: the teacher's zk-kill/zk-pause {id} reach it now ({taker} listens on ZooKeeper)",
        "es": "servidor {id}: los zk-kill/zk-pause {id} del profesor ya llegan ({taker} escucha en ZooKeeper)",
    },
    'zk_member_exited': {
        "en": 'ZooKeeper server {id} exited: {reason}',
        "es": 'el servidor ZooKeeper {id} terminó: {reason}',
    },
    # issue 21: ported from the branch's label tables
    'answer_remote_how_long': {
        "en": 'node {id} runs on another machine ({host}): say how long (pause {id} --for S); it comes back by itself',
        "es": 'el nodo {id} se ejecuta en otra máquina ({host}): di cuánto tiempo (pause {id} --for S); vuelve solo',
    },
    'answer_remote_gone': {
        "en": 'node {id} is not in the cluster now',
        "es": 'el nodo {id} no está ahora en el clúster',
    },
    'answer_remote_cannot': {
        "en": 'node {id} on {host} cannot take requests: a node of the original design (or of an older clustersim)',
        "es": 'el nodo {id} en {host} no puede recibir órdenes: es un nodo del diseño original (o de un clustersim anterior)',
    },
    'answer_remote_not_listening': {
        "en": 'node {id} on {host} does not listen for requests (it is just starting, or an older clustersim runs it)',
        "es": 'el nodo {id} en {host} no atiende órdenes (está arrancando, o lo ejecuta un clustersim anterior)',
    },
    'answer_remote_no_relays': {
        "en": 'node {id} on {host} has no relays of its own: its network cannot be cut',
        "es": 'el nodo {id} en {host} no tiene relés propios: su red no se puede cortar',
    },
    'answer_remote_no_auth': {
        "en": "ZooKeeper refused the request: this supervisor does not hold the cluster's secret",
        "es": 'ZooKeeper rechazó la orden: este supervisor no tiene el secreto del clúster',
    },
    'answer_remote_no_answer': {
        "en": 'node {id} on {host} did not answer within {duration} (asleep, frozen or cut off?)',
        "es": 'el nodo {id} en {host} no respondió en {duration} (¿dormido, congelado o aislado?)',
    },
    'answer_remote_failed': {
        "en": 'node {id} on {host} could not do it: {error}',
        "es": 'el nodo {id} en {host} no pudo hacerlo: {error}',
    },
    'answer_zk_remote_no_member': {
        "en": 'ZooKeeper server {index} has no clustersim zk member listening ({taker}): its machine runs clustersim zk --id {index}?',
        "es": 'el servidor ZooKeeper {index} no tiene un miembro clustersim zk escuchando ({taker}): ¿su máquina ejecuta clustersim zk --id {index}?',
    },
    'answer_zk_remote_no_answer': {
        "en": 'ZooKeeper server {index} on {host} did not answer within {duration}',
        "es": 'el servidor ZooKeeper {index} en {host} no respondió en {duration}',
    },
    'answer_zk_running': {
        "en": 'ZooKeeper server {index} is already running',
        "es": 'el servidor ZooKeeper {index} ya está en marcha',
    },
    'answer_remote_where': {
        "en": '(on {host}, through ZooKeeper)',
        "es": '(en {host}, a través de ZooKeeper)',
    },
    'say_listening': {
        "en": 'the teacher can stop, pause, cut off or slow this node from their machine',
        "es": 'el profesor puede parar, congelar, aislar o ralentizar este nodo desde su máquina',
    },
    'say_request': {
        "en": 'the teacher asked: {cmd}',
        "es": 'el profesor pidió: {cmd}',
    },
}
