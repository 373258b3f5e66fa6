"""The web page's own words (cluster_sim/web), in English and Spanish side by side.

    from cluster_sim.words import catalogue
    catalogue("es", "page.")["page.live"]      # "en directo"

The page gets the whole catalogue of its language in its inline data
(web/page.py): these keys, the event log's "ev.*" and the screen's labels.
web/words.js fills them with the same syntax as words.fill and holds no
phrase of its own. A state, connection or mode is "page.<kind>.<value>"; a node's fault
is worded by the fault registry's keys (screen.py, "fault_short_*").
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "page.leader": {"en": "Leader", "es": "Líder"},
    "page.noLeader": {"en": "no leader", "es": "sin líder"},
    "page.epoch": {"en": "epoch", "es": "época"},
    "page.forT": {"en": "for", "es": "desde hace"},
    "page.mean": {"en": "Mean", "es": "Media"},
    "page.stored": {"en": "Stored", "es": "Guardadas"},
    "page.rounds": {"en": "rounds", "es": "rondas"},
    "page.ok": {"en": "OK", "es": "OK"},
    "page.down": {"en": "DOWN", "es": "CAÍDA"},
    "page.zkOk": {"en": "connected", "es": "conectado"},
    "page.zkLost": {"en": "disconnected", "es": "desconectado"},
    "page.noQuorum": {"en": "no quorum", "es": "sin quórum"},
    "page.timeline": {"en": "Leadership timeline", "es": "Cronología del liderazgo"},
    "page.events": {"en": "Events", "es": "Eventos"},
    "page.live": {"en": "live", "es": "en directo"},
    "page.connecting": {"en": "connecting…", "es": "conectando…"},
    "page.reconnecting": {"en": "reconnecting…", "es": "reconectando…"},
    "page.replay": {"en": "recording", "es": "grabación"},
    "page.ended": {"en": "session over", "es": "sesión terminada"},
    "page.stopped": {"en": "the cluster has stopped: nothing left to control",
                     "es": "el clúster se ha parado: no queda nada que controlar"},
    "page.staysUp": {"en": "the web page stays up with the results: Ctrl-C to end",
                     "es": "la página web sigue con los resultados: Ctrl-C para terminar"},
    "page.play": {"en": "▶ play", "es": "▶ reproducir"},
    "page.pause": {"en": "❚❚ pause", "es": "❚❚ pausa"},
    "page.speed": {"en": "speed", "es": "velocidad"},
    "page.results": {"en": "Results", "es": "Resultados"},
    "page.outbox": {"en": "outbox", "es": "bandeja de salida"},
    "page.join": {"en": "Students join with:", "es": "Los estudiantes se unen con:"},
    "page.node": {"en": "node", "es": "nodo"},
    "page.cluster": {"en": "cluster", "es": "clúster"},
    "page.noEvents": {"en": "no events yet", "es": "aún no hay eventos"},
    "page.now": {"en": "now", "es": "ahora"},
    "page.waitsForId": {"en": "waits for its id", "es": "espera su id"},
    "page.said": {"en": "node {node}: {message}", "es": "nodo {node}: {message}"},
    "page.states.running": {"en": "running", "es": "en marcha"},
    "page.states.starting": {"en": "starting", "es": "arrancando"},
    "page.states.paused": {"en": "paused", "es": "pausado"},
    "page.states.stopped": {"en": "stopped", "es": "parado"},
    "page.states.crashed": {"en": "crashed", "es": "caído"},
    "page.states.remote": {"en": "remote", "es": "remoto"},
    "page.conn.SUSPENDED": {"en": "suspended", "es": "suspendido"},
    "page.conn.LOST": {"en": "session lost", "es": "sesión perdida"},
    "page.modes.leader": {"en": "leader", "es": "líder"},
    "page.modes.follower": {"en": "follower", "es": "seguidor"},
    "page.modes.standalone": {"en": "standalone", "es": "único"},
    "page.modes.down": {"en": "down", "es": "caído"},
    # the teacher's page: its controls (web/teacher.js); each sends a command of the fault registry
    "page.teacher": {"en": "teacher", "es": "docente"},
    "page.act.kill": {"en": "kill", "es": "parar"},
    "page.act.hardKill": {"en": "hard kill", "es": "matar de golpe"},
    "page.act.pause": {"en": "pause", "es": "pausar"},
    "page.act.resume": {"en": "resume", "es": "reanudar"},
    "page.act.partitionZk": {"en": "cut off ZooKeeper", "es": "aislar de ZooKeeper"},
    "page.act.partitionApi": {"en": "cut off the API", "es": "aislar de la API"},
    "page.act.partitionAll": {"en": "cut off both", "es": "aislar de ambos"},
    "page.act.slow": {"en": "slow ({ms} ms)", "es": "ralentizar ({ms} ms)"},
    "page.act.heal": {"en": "heal", "es": "sanar"},
    "page.act.start": {"en": "start", "es": "arrancar"},
    "page.act.addNode": {"en": "add node {id}", "es": "añadir nodo {id}"},
    "page.act.apiStop": {"en": "stop the API", "es": "parar la API"},
    "page.act.apiStart": {"en": "start the API", "es": "arrancar la API"},
    "page.act.zkKill": {"en": "kill ZK {index}", "es": "parar ZK {index}"},
    "page.act.zkStart": {"en": "start ZK {index}", "es": "arrancar ZK {index}"},
    "page.act.zkPause": {"en": "pause ZK {index}", "es": "pausar ZK {index}"},
    "page.act.zkResume": {"en": "resume ZK {index}", "es": "reanudar ZK {index}"},
    "page.act.close": {"en": "close", "es": "cerrar"},
    "page.act.failed": {"en": "not sent: {error}", "es": "no enviado: {error}"},
}
