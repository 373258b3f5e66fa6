"""What the demos say, in English and Spanish (the original course was in Spanish).

    say("es", "fo_soft_result", new="2", old="1", ms=14, epoch=3)
    # "El nodo 2 tomó el relevo en 14 ms (época 3)\nEl nodo 1 cerró su sesión: ..."

A narration text is "title\nexplanation": the title goes to the event log,
the whole text to the narration panel. A line break in a text is a paragraph
break, nothing else: no sentence is broken by the source's wrapping (the
strings are joined by Python, the screen wraps them). `say` fills the
values in the language's notation: whole numbers with its thousands
separator (3,096 ms; 3.096 ms), other numbers as typed, with its decimal
mark (0.5 s; 0,5 s); a string is put as it is (round numbers are passed as
strings: they are names, not quantities). "{n?round|rounds}" picks the
singular when the value n is 1.
"""

import re

from cluster_sim.lang import seconds, whole

LANGUAGES = ("en", "es")

TEXTS = {
    "start": {
        "en": "Starting {nodes} nodes on a real ZooKeeper\n"
              "Each node publishes its reading in an ephemeral znode, /mediciones/app<id>, and joins the "
              "election under /election with an ephemeral sequential znode. The lowest sequence number wins: "
              "that node is the leader, computes the mean of every round and sends it to the API.",
        "es": "Arrancando {nodes} nodos sobre un ZooKeeper real\n"
              "Cada nodo publica su lectura en un znode efímero, /mediciones/app<id>, y se presenta a la "
              "elección bajo /election con un znode efímero secuencial. Gana el número de secuencia más bajo: "
              "ese nodo es el líder, calcula la media de cada ronda y la envía a la API.",
    },
    "leader_up": {
        "en": "Node {leader} is the leader (epoch {epoch})\n"
              "Its znode under /election has the lowest sequence number. On winning it raised the epoch in "
              "/clustersim/epoch to {epoch}: every round it delivers carries that number.\n"
              "Watch the Mean line: a new round every {interval} s.",
        "es": "El nodo {leader} es el líder (época {epoch})\n"
              "Su znode bajo /election tiene el número de secuencia más bajo. Al ganar subió la época en "
              "/clustersim/epoch a {epoch}: cada ronda que entrega lleva ese número.\n"
              "Fijaos en la línea Media: una ronda nueva cada {interval} s.",
    },
    "step_hint": {
        "en": "⏎  Press Enter for the next step.",
        "es": "⏎  Pulsa Intro para el siguiente paso.",
    },
    "finished": {
        "en": "Demo finished\n"
              "Stopping the cluster; the measured results follow.",
        "es": "Fin de la demostración\n"
              "Paramos el clúster; a continuación, los resultados medidos.",
    },
    "failed": {
        "en": "The demo could not go on\n"
              "{error}",
        "es": "La demostración no ha podido continuar\n"
              "{error}",
    },
    "fo_kill_soft": {
        "en": "Step 1: stop the leader, node {leader}, gracefully (SIGTERM)\n"
              "As `clustersim kill {leader}` would. On its way out the node closes its ZooKeeper session, so "
              "ZooKeeper deletes its ephemeral znodes at once and the next candidate's watch fires.\n"
              "Watch: the Leader line, and the failover time in the event log.\n"
              "Ask the class: how long will the cluster be without a leader?",
        "es": "Paso 1: paramos al líder, el nodo {leader}, de forma ordenada (SIGTERM)\n"
              "Como haría `clustersim kill {leader}`. Al salir, el nodo cierra su sesión de ZooKeeper, así que "
              "ZooKeeper borra en el acto sus znodes efímeros y salta el watch del siguiente candidato.\n"
              "Mirad: la línea Líder y el tiempo de relevo en el registro de eventos.\n"
              "Pregunta a la clase: ¿cuánto tiempo estará el clúster sin líder?",
    },
    "fo_soft_result": {
        "en": "Node {new} took over in {ms} ms (epoch {epoch})\n"
              "Node {old} closed its session: ZooKeeper deleted its election znode immediately, the watch of "
              "node {new} (next in line) fired, {new} saw that its znode was now the lowest, raised the epoch "
              "to {epoch} and carried on from the last round. No round was lost.",
        "es": "El nodo {new} tomó el relevo en {ms} ms (época {epoch})\n"
              "El nodo {old} cerró su sesión: ZooKeeper borró al instante su znode de elección, saltó el watch "
              "del nodo {new} (el siguiente de la cola), {new} vio que su znode era ahora el más bajo, subió "
              "la época a {epoch} y siguió desde la última ronda. No se ha perdido ninguna ronda.",
    },
    "fo_kill_hard": {
        "en": "Step 2: kill the new leader, node {leader}, hard (SIGKILL)\n"
              "As `clustersim kill {leader} --hard` would: a crash, a power cut, a pulled cable. The process "
              "cannot say goodbye: its session stays open and its ephemeral znodes stay in place. ZooKeeper "
              "only finds out when no heartbeat has arrived for the session timeout ({timeout} s).\n"
              "Watch: for a while nothing happens, and no new mean arrives.",
        "es": "Paso 2: matamos al nuevo líder, el nodo {leader}, de golpe (SIGKILL)\n"
              "Como haría `clustersim kill {leader} --hard`: un fallo, un apagón, un cable arrancado. El "
              "proceso no puede despedirse: su sesión sigue abierta y sus znodes efímeros siguen ahí. "
              "ZooKeeper solo se entera cuando pasa el tiempo de sesión ({timeout} s) sin recibir ningún "
              "latido.\n"
              "Mirad: durante un rato no pasa nada y no llega ninguna media nueva.",
    },
    "fo_hard_result": {
        "en": "Node {new} took over after {ms} ms (epoch {epoch})\n"
              "ZooKeeper expired node {old}'s session {timeout} s after the last heartbeat it had received, at "
              "its next tick (it checks every {tick} s): so the wait lies between {low} and {high} s after the "
              "crash (plus a few ms for the handover), not exactly {timeout} s. Its ephemeral znodes were deleted, the watch of node {new} fired "
              "and it became the leader with epoch {epoch}. The rounds of the gap are computed from the nodes' "
              "histories: none is missing in the API.",
        "es": "El nodo {new} tomó el relevo tras {ms} ms (época {epoch})\n"
              "ZooKeeper dio por caducada la sesión del nodo {old}, {timeout} s después del último latido que "
              "había recibido, en su siguiente tick (lo comprueba cada {tick} s): por eso la espera queda entre "
              "{low} y {high} s después de la caída (más unos ms del relevo), y no es exactamente de {timeout} s. Borró sus znodes "
              "efímeros, saltó el watch del nodo {new} y este pasó a ser líder con la época {epoch}. Las rondas "
              "del hueco se calculan con los históricos de los nodos: no falta ninguna en la API.",
    },
    "fo_compare": {
        "en": "Graceful: {soft} ms · hard: {hard} ms\n"
              "Same election, same code. What differs is how ZooKeeper learns that the leader is gone: told at "
              "once (the session was closed) or by silence (the session timed out). A shorter timeout means a "
              "faster failover, and more false alarms on a slow network or a long GC pause.",
        "es": "Ordenado: {soft} ms · de golpe: {hard} ms\n"
              "Misma elección, mismo código. Lo que cambia es cómo se entera ZooKeeper de que el líder ya no "
              "está: se lo dicen en el acto (la sesión se cerró) o lo deduce del silencio (caducó la sesión). "
              "Un tiempo de sesión más corto da relevos más rápidos y más falsas alarmas si la red va lenta o "
              "hay una pausa larga del recolector de basura.",
    },
    "sb_pause": {
        "en": "Step 1: freeze the leader, node {leader} (SIGSTOP)\n"
              "As `clustersim pause {leader}` would: a long garbage-collection pause, a migrated VM, a laptop "
              "lid closed. The process is alive but does nothing, not even heartbeats. After the session "
              "timeout ({timeout} s) ZooKeeper declares its session dead.\n"
              "Ask the class: the frozen node still believes it is the leader. Is it?",
        "es": "Paso 1: congelamos al líder, el nodo {leader} (SIGSTOP)\n"
              "Como haría `clustersim pause {leader}`: una pausa larga del recolector de basura, una máquina "
              "virtual migrada, un portátil con la tapa cerrada. El proceso sigue vivo pero no hace nada, ni "
              "siquiera latidos. Pasado el tiempo de sesión ({timeout} s), ZooKeeper da su sesión por "
              "muerta.\n"
              "Pregunta a la clase: el nodo congelado sigue creyéndose líder. ¿Lo es?",
    },
    "sb_new": {
        "en": "Node {new} is the new leader: epoch {epoch} > {old_epoch}\n"
              "Node {old} sent no heartbeat for {timeout} s: ZooKeeper expired its session and deleted its "
              "ephemeral znodes (its reading and its election znode). The watch of node {new} fired, it won "
              "and raised the epoch to {epoch}. Node {old} knows nothing of this: it is frozen and still "
              "believes it leads with epoch {old_epoch}.",
        "es": "El nodo {new} es el nuevo líder: época {epoch} > {old_epoch}\n"
              "El nodo {old} no envió latidos durante {timeout} s: ZooKeeper dio por caducada su sesión y "
              "borró sus znodes efímeros (su lectura y su znode de elección). Saltó el watch del nodo {new}, "
              "ganó y subió la época a {epoch}. El nodo {old} no sabe nada: está congelado y sigue creyendo "
              "que es el líder con la época {old_epoch}.",
    },
    "sb_resume": {
        "en": "Step 2: wake node {old} up (SIGCONT)\n"
              "It resumes exactly where it stopped, in the middle of its leader loop, with a round to send.\n"
              "Watch the event log: will it deliver with its old epoch {old_epoch}?",
        "es": "Paso 2: despertamos al nodo {old} (SIGCONT)\n"
              "Continúa exactamente donde se quedó, en mitad de su bucle de líder y con una ronda por enviar.\n"
              "Mirad el registro de eventos: ¿entregará con su época antigua, la {old_epoch}?",
    },
    "sb_resume_unsafe": {
        "en": "Step 2: wake node {old} up (SIGCONT), with no guard and no fencing\n"
              "These nodes run --unsafe, like the original design: the leader just sends each round, with no "
              "check against ZooKeeper and no epoch. It resumes in the middle of its leader loop.\n"
              "Watch the table: how many leaders do you see?",
        "es": "Paso 2: despertamos al nodo {old} (SIGCONT), sin guarda y sin fencing\n"
              "Estos nodos funcionan con --unsafe, como el diseño original: el líder envía cada ronda sin "
              "comprobar nada en ZooKeeper y sin época. Continúa en mitad de su bucle de líder.\n"
              "Mirad la tabla: ¿cuántos líderes veis?",
    },
    "sb_fenced": {
        "en": "Node {old} stepped down: it was fenced\n"
              "Before acting it asks ZooKeeper about its session and its election znode: the session has "
              "expired and the znode is gone, so it stops leading and rejoins as a follower. Had a round "
              "slipped out, the API would have refused it: it has seen epoch {epoch}, so epoch {old_epoch} "
              "gets HTTP 409. The epoch is the fencing token.",
        "es": "El nodo {old} se ha retirado: le han aplicado fencing\n"
              "Antes de actuar pregunta a ZooKeeper por su sesión y por su znode de elección: la sesión ha "
              "caducado y el znode ya no existe, así que deja de liderar y vuelve como seguidor. Si se le "
              "hubiera escapado una ronda, la API la habría rechazado: ya ha visto la época {epoch}, así que "
              "la época {old_epoch} recibe un HTTP 409. La época es el token de fencing.",
    },
    "sb_two": {
        "en": "Two leaders at once: nodes {old} and {new}\n"
              "Node {old} woke up and went on sending rounds, and so does node {new}. Nothing stops the old "
              "one: it never asks ZooKeeper whether it still leads, and its deliveries carry no epoch the API "
              "could refuse. The API stores what both of them send.",
        "es": "Dos líderes a la vez: los nodos {old} y {new}\n"
              "El nodo {old} se despertó y siguió enviando rondas, y el nodo {new} también. Nada frena al "
              "antiguo: nunca pregunta a ZooKeeper si sigue siendo líder y sus entregas no llevan una época "
              "que la API pueda rechazar. La API guarda lo que envían los dos.",
    },
    "sb_no_two": {
        "en": "No second leader appeared\n"
              "Node {old} did not act as a leader again: these nodes still guard their leadership (the unsafe "
              "mode may not be available in this version of the nodes).",
        "es": "No ha aparecido un segundo líder\n"
              "El nodo {old} no ha vuelto a actuar como líder: estos nodos siguen protegiendo su liderazgo "
              "(puede que esta versión de los nodos no tenga el modo inseguro).",
    },
    "q_intro": {
        "en": "A ZooKeeper ensemble of three servers\n"
              "ZooKeeper itself is replicated: every write needs a majority of the servers (a quorum), 2 of 3. "
              "The ensemble row shows each server's role: one ZooKeeper leader, two followers — not to be "
              "confused with our nodes' leader, node {leader}.",
        "es": "Un ensemble de tres servidores ZooKeeper\n"
              "ZooKeeper también está replicado: cada escritura necesita la mayoría de los servidores (un "
              "quórum), 2 de 3. La fila del ensemble muestra el papel de cada servidor: un líder de ZooKeeper "
              "y dos seguidores, que no hay que confundir con el líder de nuestros nodos, el nodo {leader}.",
    },
    "q_kill_follower": {
        "en": "Step 1: stop ZooKeeper server #{index} (a follower)\n"
              "Two of three servers are left: still a majority. Nodes connected to #{index} lose their "
              "connection for a moment and reconnect to another server, in the same session.\n"
              "Watch: the rounds keep coming.",
        "es": "Paso 1: paramos el servidor ZooKeeper #{index} (un seguidor)\n"
              "Quedan dos de tres servidores: sigue habiendo mayoría. Los nodos conectados a #{index} pierden "
              "la conexión un momento y se reconectan a otro servidor, con la misma sesión.\n"
              "Mirad: las rondas siguen llegando.",
    },
    "q_one_down": {
        "en": "Rounds go on with two servers of three\n"
              "{rounds} {rounds?round|rounds} stored while server #{index} was down. A quorum is a majority, "
              "not all of them.",
        "es": "Las rondas siguen con dos servidores de tres\n"
              "{rounds} {rounds?ronda guardada|rondas guardadas} con el servidor #{index} parado. Un quórum es "
              "una mayoría, no todos.",
    },
    "q_kill_leader": {
        "en": "Step 2: stop ZooKeeper server #{index} (the ZooKeeper leader)\n"
              "Only one server of three is left: no majority, so it stops serving clients. Every node's "
              "connection goes SUSPENDED, and our leader holds still: it cannot know whether its session is "
              "still valid.\n"
              "Watch: the Mean line freezes, no round is delivered.",
        "es": "Paso 2: paramos el servidor ZooKeeper #{index} (el líder de ZooKeeper)\n"
              "Solo queda un servidor de tres: no hay mayoría y deja de atender a los clientes. La conexión de "
              "todos los nodos pasa a SUSPENDED y nuestro líder se queda quieto: no puede saber si su sesión "
              "sigue siendo válida.\n"
              "Mirad: la línea Media se congela, no se entrega ninguna ronda.",
    },
    "q_lost": {
        "en": "Quorum lost: every node SUSPENDED, no rounds\n"
              "SUSPENDED is not LOST: without a quorum nobody can expire a session either. The sensors go on "
              "sampling into their history; nothing is delivered and nothing is decided.",
        "es": "Quórum perdido: todos los nodos en SUSPENDED, ninguna ronda\n"
              "SUSPENDED no es LOST: sin quórum nadie puede dar una sesión por caducada. Los sensores siguen "
              "midiendo y guardando en su histórico; no se entrega nada ni se decide nada.",
    },
    "q_restore": {
        "en": "Step 3: start ZooKeeper server #{index} again\n"
              "Two of three again: the servers elect a ZooKeeper leader, the sessions reconnect, and our "
              "leader first fills the rounds missed during the outage from the nodes' histories.",
        "es": "Paso 3: volvemos a arrancar el servidor ZooKeeper #{index}\n"
              "Otra vez dos de tres: los servidores eligen un líder de ZooKeeper, las sesiones se reconectan y "
              "nuestro líder rellena primero las rondas perdidas durante el corte con los históricos.",
    },
    "q_back": {
        "en": "Quorum is back: rounds again after {secs} s, {filled} {filled?round|rounds} filled from the histories\n"
              "The rounds of the outage were computed late, from readings the nodes had kept: the API has no "
              "gap. Losing quorum made the cluster wait; it did not make it wrong.",
        "es": "Vuelve el quórum: rondas de nuevo a los {secs} s, {filled} {filled?rellenada|rellenadas} "
              "con los históricos\n"
              "Las rondas del corte se calcularon tarde, con lecturas que los nodos habían guardado: en la API "
              "no hay huecos. Perder el quórum hizo esperar al clúster, pero no lo hizo equivocarse.",
    },
    "q_back_empty": {
        "en": "Quorum is back: rounds again after {secs} s, but {empty} of {filled} late "
              "{filled?round|rounds} {empty?is|are} empty\n"
              "The API has no gap, yet the leader found no reading for {empty} {empty?round|rounds} and stored "
              "{empty?it|them} with count 0.\n"
              "Ask the class: the sensors kept sampling during the outage — where did the readings go?",
        "es": "Vuelve el quórum: rondas de nuevo a los {secs} s, pero {empty} de {filled} "
              "{filled?ronda tardía|rondas tardías} {empty?está vacía|están vacías}\n"
              "En la API no hay huecos, pero el líder no encontró lecturas para {empty} {empty?ronda|rondas} y "
              "{empty?la guardó vacía|las guardó vacías}, con 0 lecturas.\n"
              "Pregunta a la clase: los sensores siguieron midiendo durante el corte, ¿dónde están esas lecturas?",
    },
    "api_stop": {
        "en": "Step 1: stop the API\n"
              "As `clustersim api-stop` would. The leader still computes every round and puts it in the outbox "
              "— persistent znodes under /clustersim/outbox — in the same ZooKeeper transaction that advances "
              "the watermark. Its sender retries with backoff.\n"
              "Watch the Outbox line grow.",
        "es": "Paso 1: paramos la API\n"
              "Como haría `clustersim api-stop`. El líder sigue calculando cada ronda y la deja en la bandeja "
              "de salida (znodes persistentes bajo /clustersim/outbox), en la misma transacción de ZooKeeper "
              "que avanza la marca de agua. Su emisor reintenta con espera creciente.\n"
              "Mirad cómo crece la línea Bandeja.",
    },
    "api_growing": {
        "en": "{depth} {depth?round waits|rounds wait} in the outbox\n"
              "Nothing is lost: the rounds wait in ZooKeeper, not in the leader's memory. If the leader "
              "crashed now, the next one would adopt the outbox and deliver it.",
        "es": "{depth} {depth?ronda espera|rondas esperan} en la bandeja de salida\n"
              "No se pierde nada: las rondas esperan en ZooKeeper, no en la memoria del líder. Si el líder "
              "cayera ahora, el siguiente adoptaría la bandeja y la entregaría.",
    },
    "api_start": {
        "en": "Step 2: start the API again\n"
              "The sender delivers the outbox oldest first, each round exactly once (a round sent again is "
              "answered with the row already stored).\n"
              "Watch the Outbox line drain to zero.",
        "es": "Paso 2: volvemos a arrancar la API\n"
              "El emisor entrega la bandeja de la más antigua a la más nueva, cada ronda una sola vez (una "
              "ronda reenviada recibe como respuesta la fila ya guardada).\n"
              "Mirad cómo la línea Bandeja baja a cero.",
    },
    "api_back": {
        "en": "API back: {delivered} {delivered?round|rounds} delivered in {secs} s\n"
              "The outbox is empty again and the rounds of the outage are in the API, in order, once each.",
        "es": "La API ha vuelto: {delivered} {delivered?ronda entregada|rondas entregadas} en {secs} s\n"
              "La bandeja vuelve a estar vacía y las rondas del corte están en la API, en orden y una vez cada "
              "una.",
    },

    # ------------------------------------------------------------------ partition
    "pt_cut": {
        "en": "Step 1: cut the leader, node {leader}, off from ZooKeeper\n"
              "As `clustersim partition {leader}` would: the network between node {leader} and ZooKeeper goes "
              "silent, with no error and no reset, like a cable pulled between two switches. The node keeps "
              "running, keeps its clock and still reaches the API. In ZooKeeper its session lives on until no "
              "heartbeat has arrived for the session timeout ({timeout} s).\n"
              "Ask the class: node {leader} cannot hear ZooKeeper. Is it still the leader? What should it do?",
        "es": "Paso 1: aislamos al líder, el nodo {leader}, de ZooKeeper\n"
              "Como haría `clustersim partition {leader}`: la red entre el nodo {leader} y ZooKeeper enmudece, "
              "sin error y sin reset, como un cable arrancado entre dos switches. El nodo sigue en marcha, con "
              "su reloj, y sigue llegando a la API. En ZooKeeper su sesión sigue viva hasta que pasa el tiempo "
              "de sesión ({timeout} s) sin ningún latido.\n"
              "Pregunta a la clase: el nodo {leader} no oye a ZooKeeper. ¿Sigue siendo el líder? ¿Qué debería "
              "hacer?",
    },
    "pt_new": {
        "en": "Node {new} is the new leader: epoch {epoch} > {old_epoch}\n"
              "ZooKeeper heard nothing from node {old} for {timeout} s and expired its session: its election "
              "znode went, the watch of node {new} fired and it won with epoch {epoch}. Node {old} still runs "
              "and still reaches the API, but its connection is SUSPENDED: it cannot know whether its session "
              "lives, so it holds still, no round and no delivery. Had it sent one, the API would have "
              "answered 409: it has seen epoch {epoch}.",
        "es": "El nodo {new} es el nuevo líder: época {epoch} > {old_epoch}\n"
              "ZooKeeper no supo nada del nodo {old} durante {timeout} s y dio por caducada su sesión: su "
              "znode de elección desapareció, saltó el watch del nodo {new} y ganó con la época {epoch}. El "
              "nodo {old} sigue en marcha y sigue llegando a la API, pero su conexión está en SUSPENDED: no "
              "puede saber si su sesión vive, así que se queda quieto, sin rondas ni entregas. Si hubiera "
              "enviado una, la API habría respondido 409: ya ha visto la época {epoch}.",
    },
    "pt_new_unsafe": {
        "en": "Node {new} is the new leader\n"
              "ZooKeeper heard nothing from node {old} for {timeout} s and expired its session; node {new} won "
              "the election. These nodes run --unsafe, like the original design: node {old} never asks whether "
              "it still leads. It only waits because it cannot read the readings from ZooKeeper.",
        "es": "El nodo {new} es el nuevo líder\n"
              "ZooKeeper no supo nada del nodo {old} durante {timeout} s y dio por caducada su sesión; el nodo "
              "{new} ganó la elección. Estos nodos funcionan con --unsafe, como el diseño original: el nodo "
              "{old} nunca pregunta si sigue siendo líder. Solo espera porque no puede leer las lecturas de "
              "ZooKeeper.",
    },
    "pt_heal": {
        "en": "Step 2: heal the network\n"
              "As `clustersim heal {old}` would. What node {old} had queued reaches ZooKeeper at last, and the "
              "answer is bad news: its session expired while it was cut off.\n"
              "Watch the event log: what does node {old} do now?",
        "es": "Paso 2: reparamos la red\n"
              "Como haría `clustersim heal {old}`. Lo que el nodo {old} tenía en cola llega por fin a "
              "ZooKeeper, y la respuesta es una mala noticia: su sesión caducó mientras estaba aislado.\n"
              "Mirad el registro de eventos: ¿qué hace ahora el nodo {old}?",
    },
    "pt_heal_unsafe": {
        "en": "Step 2: heal the network, with no guard and no fencing\n"
              "As `clustersim heal {old}` would. Node {old} reconnects in a new session and never checks "
              "whether it still leads. Watch the table: how many leaders do you see?",
        "es": "Paso 2: reparamos la red, sin guarda y sin fencing\n"
              "Como haría `clustersim heal {old}`. El nodo {old} se reconecta con una sesión nueva y nunca "
              "comprueba si sigue siendo líder. Mirad la tabla: ¿cuántos líderes veis?",
    },
    "pt_rejoined": {
        "en": "Node {old} stepped down and rejoined as a follower\n"
              "On reconnecting it learned that its session had expired (LOST): its term was over, so it "
              "stepped down and joined the election again as a fresh candidate, behind node {new}. Nothing it "
              "might have computed while cut off was stored: a SUSPENDED leader holds still.",
        "es": "El nodo {old} se retiró y volvió como seguidor\n"
              "Al reconectarse supo que su sesión había caducado (LOST): su mandato había terminado, así que "
              "se retiró y volvió a presentarse a la elección como un candidato nuevo, detrás del nodo {new}. "
              "No se guardó nada de lo que pudiera haber calculado mientras estaba aislado: un líder en "
              "SUSPENDED se queda quieto.",
    },
    "pt_two": {
        "en": "Two leaders at once: nodes {old} and {new}\n"
              "Node {old} came back in a new session and went on leading as if nothing had happened, and node "
              "{new} leads too. Its deliveries carry no epoch the API could refuse: the API stores what both "
              "of them send.",
        "es": "Dos líderes a la vez: los nodos {old} y {new}\n"
              "El nodo {old} volvió con una sesión nueva y siguió mandando como si nada, y el nodo {new} "
              "también manda. Sus entregas no llevan una época que la API pueda rechazar: la API guarda lo que "
              "envían los dos.",
    },
}

# ---------------------------------------------------------------------- summary and failures
LABELS = {
    "results": {"en": "Results · {scenario}", "es": "Resultados · {scenario}"},
    "graceful": {"en": "graceful kill (SIGTERM)", "es": "parada ordenada (SIGTERM)"},
    "hard": {"en": "hard kill (SIGKILL)", "es": "muerte de golpe (SIGKILL)"},
    "handover": {"en": "{ms} ms: {old} → {new} (epoch {epoch})", "es": "{ms} ms: {old} → {new} (época {epoch})"},
    "graceful_why": {
        "en": "graceful: {ms} ms — the session was closed, the ephemeral znode vanished at once",
        "es": "ordenada: {ms} ms — la sesión se cerró y el znode efímero desapareció en el acto",
    },
    "hard_why": {
        "en": "hard: {ms} ms — ZooKeeper expired the session {timeout} s after the last heartbeat it had "
              "received, at its next tick (every {tick} s): between {low} and {high} s after the crash, "
              "then a few ms for the handover",
        "es": "de golpe: {ms} ms — ZooKeeper dio la sesión por caducada {timeout} s después del último latido "
              "que había recibido, en su siguiente tick (cada {tick} s): entre {low} y {high} s después de la caída, "
              "más unos ms del relevo",
    },
    "ratio": {"en": "the hard kill took {ratio}× longer", "es": "la muerte de golpe tardó {ratio} veces más"},
    "pause_handover": {"en": "leader paused → new leader", "es": "líder congelado → nuevo líder"},
    "overlap_rows": {"en": "rows stored after the resume", "es": "filas guardadas tras despertar"},
    "rows_by": {"en": "node {node}: {rows}", "es": "nodo {node}: {rows}"},
    "old_fate": {"en": "old leader {old}", "es": "líder antiguo {old}"},
    "old_fenced": {"en": "stepped down: {how}", "es": "se retiró: {how}"},
    "old_fenced_api": {"en": "fenced: the API refused its epoch {epoch} (409)",
                       "es": "fencing: la API rechazó su época {epoch} (409)"},
    "late_rows": {"en": "rows of an older epoch after the new one", "es": "filas de una época anterior tras la nueva"},
    "two_leaders": {"en": "two leaders acting at once", "es": "dos líderes actuando a la vez"},
    "yes": {"en": "yes", "es": "sí"},
    "no": {"en": "no", "es": "no"},
    "unsafe_why": {
        "en": "Both leaders stored rows for the same moments: whoever reads the API gets two means per round "
              "and cannot tell which one is right. That is why the guard exists: before each send, a leader "
              "checks with ZooKeeper that its session and its election znode are still there, and every write "
              "carries its epoch, so ZooKeeper and the API refuse a deposed leader (fencing).",
        "es": "Los dos líderes guardaron filas para los mismos instantes: quien lea la API ve dos medias por "
              "ronda y no puede saber cuál es la buena. Por eso existe la guarda: antes de cada envío, el líder "
              "comprueba en ZooKeeper que su sesión y su znode de elección siguen ahí, y cada escritura lleva su "
              "época, así que ZooKeeper y la API rechazan a un líder depuesto (fencing).",
    },
    "unsafe_none": {
        "en": "Only one leader delivered after the resume: the nodes did not run without their guard, so "
              "there was nothing to see (the unsafe mode may not be available in this version).",
        "es": "Solo un líder entregó tras despertar: los nodos no funcionaron sin su guarda y no hubo nada "
              "que ver (puede que esta versión no tenga el modo inseguro).",
    },
    "safe_why": {
        "en": "The paused leader woke up believing it still led, and was stopped: its session had expired "
              "and its epoch was lower. Nothing of the old epoch was stored after the new one.",
        "es": "El líder congelado se despertó creyendo que seguía mandando y se le detuvo: su sesión había "
              "caducado y su época era menor. No se guardó nada de la época antigua después de la nueva.",
    },
    "pt_handover": {"en": "leader cut off → new leader", "es": "líder aislado → nuevo líder"},
    "stale": {"en": "stale deliveries of the old leader", "es": "entregas obsoletas del líder antiguo"},
    "stale_v": {"en": "{attempted} attempted: {refused} refused (409), {stored} stored",
                "es": "{attempted} intentadas: {refused} rechazadas (409), {stored} guardadas"},
    "pt_partial": {"en": "rounds stored without node {old}", "es": "rondas guardadas sin el nodo {old}"},
    "pt_partial_v": {"en": "{n}, declared partial (its readings could not reach ZooKeeper)",
                     "es": "{n}, declaradas parciales (sus lecturas no podían llegar a ZooKeeper)"},
    "heal_rows": {"en": "rows stored after the heal", "es": "filas guardadas tras reparar la red"},
    "pt_safe_why": {
        "en": "The leader cut off from ZooKeeper could still reach the API, and sent nothing: SUSPENDED, it "
              "could not know whether it still led, so it held still until ZooKeeper answered, and the answer "
              "was that its session had expired. Had it sent anyway, its epoch was lower than the new leader's "
              "and the API would have refused it (409). A partition is where split brain comes from in real "
              "life; the session, the guard and the epoch are what stop it.",
        "es": "El líder aislado de ZooKeeper seguía llegando a la API y no envió nada: en SUSPENDED no podía "
              "saber si seguía siendo líder, así que se quedó quieto hasta que ZooKeeper respondió, y la "
              "respuesta fue que su sesión había caducado. Si hubiera enviado de todos modos, su época era "
              "menor que la del nuevo líder y la API lo habría rechazado (409). Una partición de red es de "
              "donde sale el cerebro dividido en la vida real; la sesión, la guarda y la época son lo que lo "
              "frena.",
    },
    "pt_unsafe_why": {
        "en": "After the heal both nodes acted as leader and the API stored what both sent: two means for the "
              "same moments, and no way to tell which is right. Nothing told the old leader it had been "
              "replaced: it never asked. With the guard it would have stepped down on reconnecting, and with "
              "the epoch the API would have refused it (409).",
        "es": "Tras reparar la red los dos nodos actuaron como líder y la API guardó lo que enviaron los dos: "
              "dos medias para los mismos instantes y ninguna forma de saber cuál es la buena. Nada le dijo al "
              "líder antiguo que lo habían sustituido: nunca lo preguntó. Con la guarda se habría retirado al "
              "reconectarse, y con la época la API lo habría rechazado (409).",
    },
    "zk_ensemble": {"en": "ZooKeeper servers", "es": "servidores ZooKeeper"},
    "zk_one_down": {"en": "with server #{index} down", "es": "con el servidor #{index} parado"},
    "zk_rounds": {"en": "{rounds} {rounds?round|rounds} stored",
                  "es": "{rounds} {rounds?ronda guardada|rondas guardadas}"},
    "zk_no_quorum": {"en": "without quorum (#{a} and #{b} down)", "es": "sin quórum (#{a} y #{b} parados)"},
    "zk_no_quorum_v": {"en": "{secs} s; rounds delivered meanwhile: {rounds}",
                       "es": "{secs} s; rondas entregadas mientras tanto: {rounds}"},
    "zk_back": {"en": "rounds again after", "es": "rondas de nuevo tras"},
    "zk_filled": {"en": "rounds filled from the histories", "es": "rondas rellenadas con los históricos"},
    "zk_filled_empty": {"en": ", {empty} of them empty (no reading)",
                        "es": ", {empty} de ellas {empty?vacía|vacías} (sin lecturas)"},
    "api_outage": {"en": "API down for", "es": "API caída durante"},
    "api_depth": {"en": "outbox at its deepest", "es": "bandeja de salida en su máximo"},
    "api_drained": {"en": "delivered when it came back", "es": "entregadas a su vuelta"},
    "api_drained_v": {"en": "{delivered} {delivered?round|rounds} in {secs} s",
                      "es": "{delivered} {delivered?ronda|rondas} en {secs} s"},
    "rounds": {"en": "rounds in the API", "es": "rondas en la API"},
    "rounds_v": {"en": "{rounds} delivered ({first}–{last}), {missed} missed, {empty} empty",
                 "es": "{rounds} {rounds?entregada|entregadas} ({first}–{last}), {missed} {missed?perdida|perdidas}, "
                       "{empty} {empty?vacía|vacías}"},
    "rounds_none": {"en": "none", "es": "ninguna"},
    "unrounded": {"en": "rows without a round", "es": "filas sin ronda"},
    "unrounded_v": {"en": "{n} (original-style deliveries: check cannot verify them)",
                    "es": "{n} (entregas al estilo original: check no puede verificarlas)"},
    "check": {"en": "check", "es": "check"},
    "check_ok": {"en": "OK — every round once, no gaps, epochs never go back",
                 "es": "OK — cada ronda una vez, sin huecos, las épocas nunca retroceden"},
    "check_nothing": {"en": "nothing it can verify: no row carries a round or an epoch",
                      "es": "nada que pueda verificar: ninguna fila lleva ronda ni época"},
    "check_failed": {"en": "FAILED — {n} {n?violation|violations}",
                     "es": "FALLA — {n} {n?infracción|infracciones}"},
    "check_unreachable": {"en": "not run: {error}", "es": "no se pudo ejecutar: {error}"},
    "interrupted": {"en": "interrupted", "es": "interrumpida"},
    "seconds": {"en": "{secs} s", "es": "{secs} s"},
    # why a demo could not go on (the "failed" narration and the line on stderr)
    "w_timeout": {"en": "timed out after {secs} s waiting for {what}", "es": "tras {secs} s de espera, sin {what}"},
    "w_no_answer": {"en": "the cluster did not answer {cmd} within {secs} s",
                    "es": "el clúster no respondió a {cmd} en {secs} s"},
    "w_refused": {"en": "{cmd} refused: {error}", "es": "{cmd} rechazado: {error}"},
    "w_ready": {"en": "{nodes} running nodes, a leader and {rounds} rounds in the API",
                "es": "{nodes} nodos en marcha, un líder y {rounds} rondas en la API"},
    "w_new_leader": {"en": "a leader other than node {old}", "es": "un líder distinto del nodo {old}"},
    "w_stored": {"en": "{more} more rounds in the API", "es": "{more} rondas más en la API"},
    "w_step_down": {"en": "node {old} stepping down", "es": "que el nodo {old} deje de ser líder"},
    "w_zk_modes": {"en": "one ZooKeeper leader and two followers", "es": "un líder de ZooKeeper y dos seguidores"},
    "w_zk_down": {"en": "server #{index} shown down", "es": "el servidor #{index} parado"},
    "w_suspended": {"en": "every node SUSPENDED", "es": "todos los nodos en SUSPENDED"},
    "w_connected": {"en": "every node CONNECTED again", "es": "todos los nodos de nuevo en CONNECTED"},
    "w_outbox": {"en": "{depth} rounds in the outbox", "es": "{depth} rondas en la bandeja de salida"},
    "w_drain": {"en": "the outbox to drain", "es": "que se vacíe la bandeja de salida"},
    "w_rows": {"en": "the API's rows ({error})", "es": "las filas de la API ({error})"},
}

_PLURAL = re.compile(r"\{(\w+)\?([^|{}]*)\|([^{}]*)\}")


def _shown(lang: str, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return whole(lang, value) if isinstance(value, int) else seconds(lang, value)


def fill(lang: str, template: str, **values) -> str:
    """`template` with its plurals chosen and its values put in the language's notation."""
    template = _PLURAL.sub(lambda m: m.group(2) if values.get(m.group(1)) == 1 else m.group(3), template)
    return template.format(**{k: _shown(lang, v) for k, v in values.items()})


def say(lang: str, key: str, **values) -> str:
    """The text `key` in `lang` (English when missing), filled with `values`."""
    entry = TEXTS.get(key) or LABELS.get(key)
    if entry is None:
        raise KeyError(key)
    return fill(lang, entry.get(lang) or entry["en"], **values)


def split(text: str):
    """(title, explanation) of a narration text."""
    title, _, body = text.partition("\n")
    return title, body
