"""The demos' summaries and why a demo could not go on, in English and Spanish side by side.

    from cluster_sim.words.narration import say
    say("es", "check_failed", n=2)           # "FALLA — 2 infracciones"

Keys "demo.<name>"; "demo.w_..." are what a demo was waiting for when it
gave up (the "failed" step and the line on stderr).
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "demo.results": {"en": "Results · {scenario}", "es": "Resultados · {scenario}"},
    "demo.graceful": {"en": "graceful kill (SIGTERM)", "es": "parada ordenada (SIGTERM)"},
    "demo.hard": {"en": "hard kill (SIGKILL)", "es": "muerte de golpe (SIGKILL)"},
    "demo.handover": {"en": "{ms} ms: {old} → {new} (epoch {epoch})",
                      "es": "{ms} ms: {old} → {new} (época {epoch})"},
    "demo.graceful_why": {
        "en": "graceful: {ms} ms — the session was closed, the ephemeral znode vanished at once",
        "es": "ordenada: {ms} ms — la sesión se cerró y el znode efímero desapareció en el acto",
    },
    "demo.hard_why": {
        "en": ("hard: {ms} ms — ZooKeeper expired the session {timeout} s after the last heartbeat it had "
               "received, at its next tick (every {tick} s): between {low} and {high} s after the crash, "
               "then a few ms for the handover"),
        "es": ("de golpe: {ms} ms — ZooKeeper dio la sesión por caducada {timeout} s después del último "
               "latido que había recibido, en su siguiente tick (cada {tick} s): entre {low} y {high} s "
               "después de la caída, más unos ms del relevo"),
    },
    "demo.ratio": {"en": "the hard kill took {ratio}× longer", "es": "la muerte de golpe tardó {ratio} veces más"},
    "demo.pause_handover": {"en": "leader paused → new leader", "es": "líder congelado → nuevo líder"},
    "demo.overlap_rows": {"en": "rows stored after the resume", "es": "filas guardadas tras despertar"},
    "demo.rows_by": {"en": "node {node}: {rows}", "es": "nodo {node}: {rows}"},
    "demo.old_fate": {"en": "old leader {old}", "es": "líder antiguo {old}"},
    "demo.old_fenced": {"en": "stepped down: {how}", "es": "se retiró: {how}"},
    "demo.old_fenced_api": {
        "en": "fenced: the API refused its epoch {epoch} (409)",
        "es": "fencing: la API rechazó su época {epoch} (409)",
    },
    "demo.late_rows": {
        "en": "rows of an older epoch after the new one",
        "es": "filas de una época anterior tras la nueva",
    },
    "demo.two_leaders": {"en": "two leaders acting at once", "es": "dos líderes actuando a la vez"},
    "demo.yes": {"en": "yes", "es": "sí"},
    "demo.no": {"en": "no", "es": "no"},
    "demo.unsafe_why": {
        "en": ("Both leaders stored rows for the same moments: whoever reads the API gets two means per "
               "round and cannot tell which one is right. That is why the guard exists: before each send, a "
               "leader checks with ZooKeeper that its session and its election znode are still there, and "
               "every write carries its epoch, so ZooKeeper and the API refuse a deposed leader (fencing)."),
        "es": ("Los dos líderes guardaron filas para los mismos instantes: quien lea la API ve dos medias "
               "por ronda y no puede saber cuál es la buena. Por eso existe la guarda: antes de cada envío, "
               "el líder comprueba en ZooKeeper que su sesión y su znode de elección siguen ahí, y cada "
               "escritura lleva su época, así que ZooKeeper y la API rechazan a un líder depuesto (fencing)."),
    },
    "demo.unsafe_none": {
        "en": ("Only one leader delivered after the resume: the nodes did not run without their guard, so "
               "there was nothing to see (the unsafe mode may not be available in this version)."),
        "es": ("Solo un líder entregó tras despertar: los nodos no funcionaron sin su guarda y no hubo nada "
               "que ver (puede que esta versión no tenga el modo inseguro)."),
    },
    "demo.safe_why": {
        "en": ("The paused leader woke up believing it still led, and was stopped: its session had expired "
               "and its epoch was lower. Nothing of the old epoch was stored after the new one."),
        "es": ("El líder congelado se despertó creyendo que seguía mandando y se le detuvo: su sesión había "
               "caducado y su época era menor. No se guardó nada de la época antigua después de la nueva."),
    },
    "demo.pt_handover": {"en": "leader cut off → new leader", "es": "líder aislado → nuevo líder"},
    "demo.stale": {"en": "stale deliveries of the old leader", "es": "entregas obsoletas del líder antiguo"},
    "demo.stale_v": {
        "en": "{attempted} attempted: {refused} refused (409), {stored} stored",
        "es": "{attempted} intentadas: {refused} rechazadas (409), {stored} guardadas",
    },
    "demo.pt_partial": {"en": "rounds stored without node {old}", "es": "rondas guardadas sin el nodo {old}"},
    "demo.pt_partial_v": {
        "en": "{n}, declared partial (its readings could not reach ZooKeeper)",
        "es": "{n}, declaradas parciales (sus lecturas no podían llegar a ZooKeeper)",
    },
    "demo.heal_rows": {"en": "rows stored after the heal", "es": "filas guardadas tras reparar la red"},
    "demo.pt_safe_why": {
        "en": ("The leader cut off from ZooKeeper could still reach the API, and sent nothing: SUSPENDED, "
               "it could not know whether it still led, so it held still until ZooKeeper answered, and the "
               "answer was that its session had expired. Had it sent anyway, its epoch was lower than the "
               "new leader's and the API would have refused it (409). A partition is where split brain "
               "comes from in real life; the session, the guard and the epoch are what stop it."),
        "es": ("El líder aislado de ZooKeeper seguía llegando a la API y no envió nada: en SUSPENDED no "
               "podía saber si seguía siendo líder, así que se quedó quieto hasta que ZooKeeper respondió, "
               "y la respuesta fue que su sesión había caducado. Si hubiera enviado de todos modos, su "
               "época era menor que la del nuevo líder y la API lo habría rechazado (409). Una partición de "
               "red es de donde sale el cerebro dividido en la vida real; la sesión, la guarda y la época "
               "son lo que lo frena."),
    },
    "demo.pt_unsafe_why": {
        "en": ("After the heal both nodes acted as leader and the API stored what both sent: two means for "
               "the same moments, and no way to tell which is right. Nothing told the old leader it had "
               "been replaced: it never asked. With the guard it would have stepped down on reconnecting, "
               "and with the epoch the API would have refused it (409)."),
        "es": ("Tras reparar la red los dos nodos actuaron como líder y la API guardó lo que enviaron los "
               "dos: dos medias para los mismos instantes y ninguna forma de saber cuál es la buena. Nada "
               "le dijo al líder antiguo que lo habían sustituido: nunca lo preguntó. Con la guarda se "
               "habría retirado al reconectarse, y con la época la API lo habría rechazado (409)."),
    },
    "demo.zk_ensemble": {"en": "ZooKeeper servers", "es": "servidores ZooKeeper"},
    "demo.zk_one_down": {"en": "with server #{index} down", "es": "con el servidor #{index} parado"},
    "demo.zk_rounds": {
        "en": "{rounds} {rounds?round|rounds} stored",
        "es": "{rounds} {rounds?ronda guardada|rondas guardadas}",
    },
    "demo.zk_no_quorum": {"en": "without quorum (#{a} and #{b} down)", "es": "sin quórum (#{a} y #{b} parados)"},
    "demo.zk_no_quorum_v": {
        "en": "{secs} s; rounds delivered meanwhile: {rounds}",
        "es": "{secs} s; rondas entregadas mientras tanto: {rounds}",
    },
    "demo.zk_back": {"en": "rounds again after", "es": "rondas de nuevo tras"},
    "demo.zk_filled": {"en": "rounds filled from the histories", "es": "rondas rellenadas con los históricos"},
    "demo.zk_filled_empty": {
        "en": ", {empty} of them empty (no reading)",
        "es": ", {empty} de ellas {empty?vacía|vacías} (sin lecturas)",
    },
    "demo.api_outage": {"en": "API down for", "es": "API caída durante"},
    "demo.api_depth": {"en": "outbox at its deepest", "es": "bandeja de salida en su máximo"},
    "demo.api_drained": {"en": "delivered when it came back", "es": "entregadas a su vuelta"},
    "demo.api_drained_v": {
        "en": "{delivered} {delivered?round|rounds} in {secs} s",
        "es": "{delivered} {delivered?ronda|rondas} en {secs} s",
    },
    "demo.rounds": {"en": "rounds in the API", "es": "rondas en la API"},
    "demo.rounds_v": {
        "en": "{rounds} delivered (rounds {first}–{last} of this cluster), {missed} missed, {empty} empty",
        "es": ("{rounds} {rounds?entregada|entregadas} (rondas {first}–{last} de este clúster), {missed} "
               "{missed?perdida|perdidas}, {empty} {empty?vacía|vacías}"),
    },
    "demo.rounds_v.own": {      # the cluster's start unknown: the rounds' own numbers
        "en": "{rounds} delivered ({first}–{last}), {missed} missed, {empty} empty",
        "es": ("{rounds} {rounds?entregada|entregadas} ({first}–{last}), {missed} "
               "{missed?perdida|perdidas}, {empty} {empty?vacía|vacías}"),
    },
    "demo.rounds_none": {"en": "none", "es": "ninguna"},
    "demo.unrounded": {"en": "rows without a round", "es": "filas sin ronda"},
    "demo.unrounded_v": {
        "en": "{n} (original-style deliveries: check cannot verify them)",
        "es": "{n} (entregas al estilo original: check no puede verificarlas)",
    },
    "demo.check": {"en": "check", "es": "check"},
    "demo.check_ok": {
        "en": "OK — every round once, no gaps, epochs never go back",
        "es": "OK — cada ronda una vez, sin huecos, las épocas nunca retroceden",
    },
    "demo.check_nothing": {
        "en": "nothing it can verify: no row carries a round or an epoch",
        "es": "nada que pueda verificar: ninguna fila lleva ronda ni época",
    },
    "demo.check_failed": {
        "en": "FAILED — {n} {n?violation|violations}",
        "es": "FALLA — {n} {n?infracción|infracciones}",
    },
    "demo.check_unreachable": {"en": "not run: {error}", "es": "no se pudo ejecutar: {error}"},
    "demo.interrupted": {"en": "interrupted", "es": "interrumpida"},
    "demo.seconds": {"en": "{secs} s", "es": "{secs} s"},
    "demo.w_timeout": {
        "en": "timed out after {secs} s waiting for {what}",
        "es": "tras {secs} s de espera, sin {what}",
    },
    "demo.w_no_answer": {
        "en": "the cluster did not answer {cmd} within {secs} s",
        "es": "el clúster no respondió a {cmd} en {secs} s",
    },
    "demo.w_refused": {"en": "{cmd} refused: {error}", "es": "{cmd} rechazado: {error}"},
    "demo.w_ready": {
        "en": "{nodes} running nodes, a leader and {rounds} rounds in the API",
        "es": "{nodes} nodos en marcha, un líder y {rounds} rondas en la API",
    },
    "demo.w_new_leader": {"en": "a leader other than node {old}", "es": "un líder distinto del nodo {old}"},
    "demo.w_stored": {"en": "{more} more rounds in the API", "es": "{more} rondas más en la API"},
    "demo.w_step_down": {"en": "node {old} stepping down", "es": "que el nodo {old} deje de ser líder"},
    "demo.w_zk_modes": {
        "en": "one ZooKeeper leader and two followers",
        "es": "un líder de ZooKeeper y dos seguidores",
    },
    "demo.w_zk_down": {"en": "server #{index} shown down", "es": "el servidor #{index} parado"},
    "demo.w_suspended": {"en": "every node SUSPENDED", "es": "todos los nodos en SUSPENDED"},
    "demo.w_connected": {"en": "every node CONNECTED again", "es": "todos los nodos de nuevo en CONNECTED"},
    "demo.w_outbox": {"en": "{depth} rounds in the outbox", "es": "{depth} rondas en la bandeja de salida"},
    "demo.w_drain": {"en": "the outbox to drain", "es": "que se vacíe la bandeja de salida"},
    "demo.w_rows": {"en": "the API's rows ({error})", "es": "las filas de la API ({error})"},
}
