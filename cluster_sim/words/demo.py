"""What the demos say (the cluster, failover, split brain), in English and Spanish side by side.

    from cluster_sim.words.narration import told
    told("es", "fo_soft_result", new="2", old="1", ms=14, epoch=3).title
    # "El nodo 2 tomó el relevo en 14 ms (época 3)"

A step of a demo is typed: "demo.<step>.title" (the event log's line),
"demo.<step>.body" (the panel's explanation; a line break is a paragraph
break) and, where the class is asked something, "demo.<step>.question".
The other demos' steps are in demo_outages.py, their summaries in results.py.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # put before a step's question, wherever it is shown (the view, the plain output, the page)
    "demo.ask": {"en": "Ask the class:", "es": "Pregunta a la clase:"},
    "demo.start.title": {
        "en": "Starting {nodes} nodes on a real ZooKeeper",
        "es": "Arrancando {nodes} nodos sobre un ZooKeeper real",
    },
    "demo.start.body": {
        "en": ("Each node publishes its reading in an ephemeral znode, /mediciones/app<id>, and joins the "
               "election under /election with an ephemeral sequential znode. The lowest sequence number "
               "wins: that node is the leader, computes the mean of every round and sends it to the API."),
        "es": ("Cada nodo publica su lectura en un znode efímero, /mediciones/app<id>, y se presenta a la "
               "elección bajo /election con un znode efímero secuencial. Gana el número de secuencia más "
               "bajo: ese nodo es el líder, calcula la media de cada ronda y la envía a la API."),
    },
    "demo.leader_up.title": {
        "en": "Node {leader} is the leader (epoch {epoch})",
        "es": "El nodo {leader} es el líder (época {epoch})",
    },
    "demo.leader_up.body": {
        "en": ("Its znode under /election has the lowest sequence number. On winning it raised the epoch in "
               "/clustersim/epoch to {epoch}: every round it delivers carries that number.\nWatch the Mean "
               "line: a new round every {interval} s."),
        "es": ("Su znode bajo /election tiene el número de secuencia más bajo. Al ganar subió la época en "
               "/clustersim/epoch a {epoch}: cada ronda que entrega lleva ese número.\nFijaos en la línea "
               "Media: una ronda nueva cada {interval} s."),
    },
    "demo.step_hint": {"en": "⏎  Press Enter to run: {title}", "es": "⏎  Pulsa Intro para ejecutar: {title}"},
    "demo.finished.title": {"en": "Demo finished", "es": "Fin de la demostración"},
    "demo.finished.body": {
        "en": "Stopping the cluster; the measured results follow.",
        "es": "Paramos el clúster; a continuación, los resultados medidos.",
    },
    "demo.failed.title": {"en": "The demo could not go on", "es": "La demostración no ha podido continuar"},
    "demo.failed.body": {"en": "{error}", "es": "{error}"},
    "demo.fo_kill_soft.title": {
        "en": "Step 1: stop the leader, node {leader}, gracefully (SIGTERM)",
        "es": "Paso 1: paramos al líder, el nodo {leader}, de forma ordenada (SIGTERM)",
    },
    "demo.fo_kill_soft.body": {
        "en": ("As `clustersim kill {leader}` would. On its way out the node closes its ZooKeeper session, "
               "so ZooKeeper deletes its ephemeral znodes at once and the next candidate's watch "
               "fires.\nWatch: the Leader line, and the failover time in the event log."),
        "es": ("Como haría `clustersim kill {leader}`. Al salir, el nodo cierra su sesión de ZooKeeper, así "
               "que ZooKeeper borra en el acto sus znodes efímeros y salta el watch del siguiente "
               "candidato.\nMirad: la línea Líder y el tiempo de relevo en el registro de eventos."),
    },
    "demo.fo_kill_soft.question": {
        "en": "how long will the cluster be without a leader?",
        "es": "¿cuánto tiempo estará el clúster sin líder?",
    },
    "demo.fo_soft_result.title": {
        "en": "Node {new} took over in {ms} ms (epoch {epoch})",
        "es": "El nodo {new} tomó el relevo en {ms} ms (época {epoch})",
    },
    "demo.fo_soft_result.body": {
        "en": ("Node {old} closed its session: ZooKeeper deleted its election znode immediately, the watch "
               "of node {new} (next in line) fired, {new} saw that its znode was now the lowest, raised the "
               "epoch to {epoch} and carried on from the last round. No round was lost."),
        "es": ("El nodo {old} cerró su sesión: ZooKeeper borró al instante su znode de elección, saltó el "
               "watch del nodo {new} (el siguiente de la cola), {new} vio que su znode era ahora el más "
               "bajo, subió la época a {epoch} y siguió desde la última ronda. No se ha perdido ninguna "
               "ronda."),
    },
    "demo.fo_kill_hard.title": {
        "en": "Step 2: kill the new leader, node {leader}, hard (SIGKILL)",
        "es": "Paso 2: matamos al nuevo líder, el nodo {leader}, de golpe (SIGKILL)",
    },
    "demo.fo_kill_hard.body": {
        "en": ("As `clustersim kill {leader} --hard` would: a crash, a power cut, a pulled cable. The "
               "process cannot say goodbye: its session stays open and its ephemeral znodes stay in place. "
               "ZooKeeper only finds out when no heartbeat has arrived for the session timeout ({timeout} "
               "s).\nWatch: for a while nothing happens, and no new mean arrives."),
        "es": ("Como haría `clustersim kill {leader} --hard`: un fallo, un apagón, un cable arrancado. El "
               "proceso no puede despedirse: su sesión sigue abierta y sus znodes efímeros siguen ahí. "
               "ZooKeeper solo se entera cuando pasa el tiempo de sesión ({timeout} s) sin recibir ningún "
               "latido.\nMirad: durante un rato no pasa nada y no llega ninguna media nueva."),
    },
    "demo.fo_hard_result.title": {
        "en": "Node {new} took over after {ms} ms (epoch {epoch})",
        "es": "El nodo {new} tomó el relevo tras {ms} ms (época {epoch})",
    },
    "demo.fo_hard_result.body": {
        "en": ("ZooKeeper expired node {old}'s session {timeout} s after the last heartbeat it had "
               "received, at its next tick (it checks every {tick} s): so the wait lies between {low} and "
               "{high} s after the crash (plus a few ms for the handover), not exactly {timeout} s. Its "
               "ephemeral znodes were deleted, the watch of node {new} fired and it became the leader with "
               "epoch {epoch}. The rounds of the gap are computed from the nodes' histories: none is "
               "missing in the API."),
        "es": ("ZooKeeper dio por caducada la sesión del nodo {old}, {timeout} s después del último latido "
               "que había recibido, en su siguiente tick (lo comprueba cada {tick} s): por eso la espera "
               "queda entre {low} y {high} s después de la caída (más unos ms del relevo), y no es "
               "exactamente de {timeout} s. Borró sus znodes efímeros, saltó el watch del nodo {new} y este "
               "pasó a ser líder con la época {epoch}. Las rondas del hueco se calculan con los históricos "
               "de los nodos: no falta ninguna en la API."),
    },
    "demo.fo_compare.title": {
        "en": "Graceful: {soft} ms · hard: {hard} ms",
        "es": "Ordenado: {soft} ms · de golpe: {hard} ms",
    },
    "demo.fo_compare.body": {
        "en": ("Same election, same code. What differs is how ZooKeeper learns that the leader is gone: "
               "told at once (the session was closed) or by silence (the session timed out). A shorter "
               "timeout means a faster failover, and more false alarms on a slow network or a long GC pause."),
        "es": ("Misma elección, mismo código. Lo que cambia es cómo se entera ZooKeeper de que el líder ya "
               "no está: se lo dicen en el acto (la sesión se cerró) o lo deduce del silencio (caducó la "
               "sesión). Un tiempo de sesión más corto da relevos más rápidos y más falsas alarmas si la "
               "red va lenta o hay una pausa larga del recolector de basura."),
    },
    "demo.sb_pause.title": {
        "en": "Step 1: freeze the leader, node {leader} (SIGSTOP)",
        "es": "Paso 1: congelamos al líder, el nodo {leader} (SIGSTOP)",
    },
    "demo.sb_pause.body": {
        "en": ("As `clustersim pause {leader}` would: a long garbage-collection pause, a migrated VM, a "
               "laptop lid closed. The process is alive but does nothing, not even heartbeats. After the "
               "session timeout ({timeout} s) ZooKeeper declares its session dead."),
        "es": ("Como haría `clustersim pause {leader}`: una pausa larga del recolector de basura, una "
               "máquina virtual migrada, un portátil con la tapa cerrada. El proceso sigue vivo pero no "
               "hace nada, ni siquiera latidos. Pasado el tiempo de sesión ({timeout} s), ZooKeeper da su "
               "sesión por muerta."),
    },
    "demo.sb_pause.question": {
        "en": "the frozen node still believes it is the leader. Is it?",
        "es": "el nodo congelado sigue creyéndose líder. ¿Lo es?",
    },
    "demo.sb_new.title": {
        "en": "Node {new} is the new leader: epoch {epoch} > {old_epoch}",
        "es": "El nodo {new} es el nuevo líder: época {epoch} > {old_epoch}",
    },
    "demo.sb_new.body": {
        "en": ("Node {old} sent no heartbeat for {timeout} s: ZooKeeper expired its session and deleted its "
               "ephemeral znodes (its reading and its election znode). The watch of node {new} fired, it "
               "won and raised the epoch to {epoch}. Node {old} knows nothing of this: it is frozen and "
               "still believes it leads with epoch {old_epoch}."),
        "es": ("El nodo {old} no envió latidos durante {timeout} s: ZooKeeper dio por caducada su sesión y "
               "borró sus znodes efímeros (su lectura y su znode de elección). Saltó el watch del nodo "
               "{new}, ganó y subió la época a {epoch}. El nodo {old} no sabe nada: está congelado y sigue "
               "creyendo que es el líder con la época {old_epoch}."),
    },
    "demo.sb_resume.title": {
        "en": "Step 2: wake node {old} up (SIGCONT)",
        "es": "Paso 2: despertamos al nodo {old} (SIGCONT)",
    },
    "demo.sb_resume.body": {
        "en": ("It resumes exactly where it stopped, in the middle of its leader loop, with a round to "
               "send.\nWatch the event log: will it deliver with its old epoch {old_epoch}?"),
        "es": ("Continúa exactamente donde se quedó, en mitad de su bucle de líder y con una ronda por "
               "enviar.\nMirad el registro de eventos: ¿entregará con su época antigua, la {old_epoch}?"),
    },
    "demo.sb_resume_unsafe.title": {
        "en": "Step 2: wake node {old} up (SIGCONT), with no guard and no fencing",
        "es": "Paso 2: despertamos al nodo {old} (SIGCONT), sin guarda y sin fencing",
    },
    "demo.sb_resume_unsafe.body": {
        "en": ("These nodes run --unsafe, like the original design: the leader just sends each round, with "
               "no check against ZooKeeper and no epoch. It resumes in the middle of its leader "
               "loop.\nWatch the table: how many leaders do you see?"),
        "es": ("Estos nodos funcionan con --unsafe, como el diseño original: el líder envía cada ronda sin "
               "comprobar nada en ZooKeeper y sin época. Continúa en mitad de su bucle de líder.\nMirad la "
               "tabla: ¿cuántos líderes veis?"),
    },
    "demo.sb_fenced.title": {
        "en": "Node {old} stepped down: it was fenced",
        "es": "El nodo {old} se ha retirado: le han aplicado fencing",
    },
    "demo.sb_fenced.body": {
        "en": ("Before acting it asks ZooKeeper about its session and its election znode: the session has "
               "expired and the znode is gone, so it stops leading and rejoins as a follower. Had a round "
               "slipped out, the API would have refused it: it has seen epoch {epoch}, so epoch {old_epoch} "
               "gets HTTP 409. The epoch is the fencing token."),
        "es": ("Antes de actuar pregunta a ZooKeeper por su sesión y por su znode de elección: la sesión ha "
               "caducado y el znode ya no existe, así que deja de liderar y vuelve como seguidor. Si se le "
               "hubiera escapado una ronda, la API la habría rechazado: ya ha visto la época {epoch}, así "
               "que la época {old_epoch} recibe un HTTP 409. La época es el token de fencing."),
    },
    "demo.sb_two.title": {
        "en": "Two leaders at once: nodes {old} and {new}",
        "es": "Dos líderes a la vez: los nodos {old} y {new}",
    },
    "demo.sb_two.body": {
        "en": ("Node {old} woke up and went on sending rounds, and so does node {new}. Nothing stops the "
               "old one: it never asks ZooKeeper whether it still leads, and its deliveries carry no epoch "
               "the API could refuse. The API stores what both of them send."),
        "es": ("El nodo {old} se despertó y siguió enviando rondas, y el nodo {new} también. Nada frena al "
               "antiguo: nunca pregunta a ZooKeeper si sigue siendo líder y sus entregas no llevan una "
               "época que la API pueda rechazar. La API guarda lo que envían los dos."),
    },
    "demo.sb_no_two.title": {"en": "No second leader appeared", "es": "No ha aparecido un segundo líder"},
    "demo.sb_no_two.body": {
        "en": ("Node {old} did not act as a leader again: these nodes still guard their leadership (the "
               "unsafe mode may not be available in this version of the nodes)."),
        "es": ("El nodo {old} no ha vuelto a actuar como líder: estos nodos siguen protegiendo su liderazgo "
               "(puede que esta versión de los nodos no tenga el modo inseguro)."),
    },
}
