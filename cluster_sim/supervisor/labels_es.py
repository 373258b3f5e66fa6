"""The screen's labels in Spanish: labels.py's English table, translated (the original course was in Spanish).

    from cluster_sim.supervisor.labels import label
    label("rounds_stored", "es", n=3)        # "3 rondas guardadas"

One entry per key of labels.LABELS (tests/test_words.py checks that none is
missing); a "_1" key is the singular. Proper names stay as they are
(ZooKeeper, API, OK, command names).
"""

from typing import Dict

__all__ = ["ES"]

ES: Dict[str, str] = {
    # header rows
    "leader": "Líder",
    "mean": "Media",
    "zookeeper": "ZooKeeper",
    "api": "API",
    "outbox": "Bandeja",
    "uptime": "En marcha",
    "join": "Unirse",
    "join_line": "Los estudiantes se unen con:",
    "title": "clustersim",
    "up_for": "en marcha desde hace {duration}",
    # the leader
    "no_leader": "ninguno — elección en curso",
    "no_leader_no_node": "ninguno — no hay ningún nodo en marcha",
    "node": "nodo",
    "epoch": "época",
    "leading_for": "(desde hace {duration})",
    "original_leader": "diseño original: sin fencing, sin rondas",
    # the mean
    "no_round": "aún no se ha entregado ninguna ronda",
    "round": "ronda {round}",
    "readings": "{n} lecturas",
    "readings_1": "1 lectura",
    "no_readings": "sin lecturas",
    "row": "fila {row}",
    "waits_for": "la ronda {round} espera {who}",
    "waits_node": "al nodo {nodes}",
    "waits_nodes": "a los nodos {nodes}",
    # ZooKeeper, the API, the outbox
    "connected": "conectado",
    "not_connected": "sin conexión",
    "api_ok": "OK",
    "api_down": "INACCESIBLE",
    "api_down_since": "INACCESIBLE desde las {time}",
    "rounds_stored": "{n} rondas guardadas",
    "rounds_stored_1": "1 ronda guardada",
    "rows_unrounded": "{n} filas sin ronda",
    "rows_unrounded_1": "1 fila sin ronda",
    "pending": "{n} pendientes",
    "pending_1": "1 pendiente",
    "oldest_round": "(la más antigua: ronda {round}, esperando desde hace {duration})",
    "dropped": "{n} descartadas",
    "dropped_1": "1 descartada",
    "ensemble": "Ensemble de ZooKeeper:",
    "leaders_session": "← sesión del líder",
    "no_quorum": "→ sin quórum: nadie puede leer ni escribir, todas las sesiones esperan",
    # the node table
    "col_id": "id",
    "col_pid": "pid",
    "col_state": "estado",
    "col_role": "papel",
    "col_reading": "lectura",
    "col_age": "edad",
    "col_notes": "host / notas",
    "no_nodes": "ningún nodo",
    "more_nodes": "… {n} más (clustersim status)",
    "remote": "remoto",
    "bad_readings": "{n} ilegibles",
    "bad_readings_1": "1 ilegible",
    "exit": "salida {code}",
    "session_open": "su sesión sigue abierta",
    "waits_for_id": "espera al id {id} (lo tiene {holder})",
    "holder": "el pid {pid} en {host}",
    "another_process": "otro proceso",
    "original": "diseño original",
    # the event log
    "events": "eventos",
    "no_events": "aún no hay eventos",
    # `clustersim status`
    "status_cluster": "clúster {name}",
    "status_nodes": "Nodos",
    # a node's process state and role, a ZooKeeper server's mode
    "state_running": "en marcha",
    "state_starting": "arrancando",
    "state_paused": "congelado",
    "state_stopped": "parado",
    "state_crashed": "caído",
    "state_remote": "remoto",
    "role_LEADER": "LÍDER",
    "role_follower": "seguidor",
    "mode_leader": "líder",
    "mode_follower": "seguidor",
    "mode_observer": "observador",
    "mode_standalone": "autónomo",
    "mode_down": "parado",
    "mode_no quorum": "sin quórum",
    # after the cluster stops
    "timeline": "Cronología del liderazgo",
    "no_leader_yet": "todavía sin líder",
    "view_error": "error de la vista: {error}",
    # a control command's answer when it refuses (commands.py)
    "answer_remote": "el nodo {id} es remoto ({host}): páralo donde se ejecuta",
    "answer_not_running": "el nodo {id} no está en marcha ({state})",
    "answer_no_node": "no hay ningún nodo {id} en el clúster {name!r}",
    "answer_paused": "el nodo {id} ya está congelado",
    "answer_not_paused": "el nodo {id} no está congelado",
    "answer_running": "el nodo {id} ya está en marcha (pid {pid})",
    "answer_held": "otro proceso tiene el nodo {id} ({holder}): páralo antes",
    "answer_holder": "pid {pid} en {host}",
    "answer_unknown_host": "máquina desconocida",
    "answer_no_log": "no hay registro del nodo {id}: este supervisor no lo arrancó",
    "answer_external_api": "la API es externa (--api-url): contrólala donde se ejecuta",
    "answer_no_ensemble": "no hay un ensemble embebido: arranca uno con clustersim up --zk-servers 3",
    "answer_no_server": "no hay ningún servidor ZooKeeper {index} (1-{count})",
    "answer_stopping": "parando el clúster {name!r}",
}
