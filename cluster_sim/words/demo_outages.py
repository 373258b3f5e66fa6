"""What the demos of outages say (quorum, API outage, partition), in English and Spanish side by side.

    from cluster_sim.words.narration import told
    told("en", "api_growing", depth=3).title      # "3 rounds wait in the outbox"

Typed as in demo.py: "demo.<step>.title", ".body" and ".question".
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "demo.q_intro.title": {
        "en": "A ZooKeeper ensemble of three servers",
        "es": "Un ensemble de tres servidores ZooKeeper",
    },
    "demo.q_intro.body": {
        "en": ("ZooKeeper itself is replicated: every write needs a majority of the servers (a quorum), 2 "
               "of 3. The ensemble row shows each server's role: one ZooKeeper leader, two followers — not "
               "to be confused with our nodes' leader, node {leader}."),
        "es": ("ZooKeeper también está replicado: cada escritura necesita la mayoría de los servidores (un "
               "quórum), 2 de 3. La fila del ensemble muestra el papel de cada servidor: un líder de "
               "ZooKeeper y dos seguidores, que no hay que confundir con el líder de nuestros nodos, el "
               "nodo {leader}."),
    },
    "demo.q_kill_follower.title": {
        "en": "Step 1: stop ZooKeeper server #{index} (a follower)",
        "es": "Paso 1: paramos el servidor ZooKeeper #{index} (un seguidor)",
    },
    "demo.q_kill_follower.body": {
        "en": ("Two of three servers are left: still a majority. Nodes connected to #{index} lose their "
               "connection for a moment and reconnect to another server, in the same session.\nWatch: the "
               "rounds keep coming."),
        "es": ("Quedan dos de tres servidores: sigue habiendo mayoría. Los nodos conectados a #{index} "
               "pierden la conexión un momento y se reconectan a otro servidor, con la misma "
               "sesión.\nMirad: las rondas siguen llegando."),
    },
    "demo.q_one_down.title": {
        "en": "Rounds go on with two servers of three",
        "es": "Las rondas siguen con dos servidores de tres",
    },
    "demo.q_one_down.body": {
        "en": ("{rounds} {rounds?round|rounds} stored while server #{index} was down. A quorum is a "
               "majority, not all of them."),
        "es": ("{rounds} {rounds?ronda guardada|rondas guardadas} con el servidor #{index} parado. Un "
               "quórum es una mayoría, no todos."),
    },
    "demo.q_kill_leader.title": {
        "en": "Step 2: stop ZooKeeper server #{index} (the ZooKeeper leader)",
        "es": "Paso 2: paramos el servidor ZooKeeper #{index} (el líder de ZooKeeper)",
    },
    "demo.q_kill_leader.body": {
        "en": ("Only one server of three is left: no majority, so it stops serving clients. Every node's "
               "connection goes SUSPENDED, and our leader holds still: it cannot know whether its session "
               "is still valid.\nWatch: the Mean line freezes, no round is delivered."),
        "es": ("Solo queda un servidor de tres: no hay mayoría y deja de atender a los clientes. La "
               "conexión de todos los nodos pasa a SUSPENDED y nuestro líder se queda quieto: no puede "
               "saber si su sesión sigue siendo válida.\nMirad: la línea Media se congela, no se entrega "
               "ninguna ronda."),
    },
    "demo.q_lost.title": {
        "en": "Quorum lost: every node SUSPENDED, no rounds",
        "es": "Quórum perdido: todos los nodos en SUSPENDED, ninguna ronda",
    },
    "demo.q_lost.body": {
        "en": ("SUSPENDED is not LOST: without a quorum nobody can expire a session either. The sensors go "
               "on sampling into their history; nothing is delivered and nothing is decided."),
        "es": ("SUSPENDED no es LOST: sin quórum nadie puede dar una sesión por caducada. Los sensores "
               "siguen midiendo y guardando en su histórico; no se entrega nada ni se decide nada."),
    },
    "demo.q_restore.title": {
        "en": "Step 3: start ZooKeeper server #{index} again",
        "es": "Paso 3: volvemos a arrancar el servidor ZooKeeper #{index}",
    },
    "demo.q_restore.body": {
        "en": ("Two of three again: the servers elect a ZooKeeper leader, the sessions reconnect, and our "
               "leader first fills the rounds missed during the outage from the nodes' histories."),
        "es": ("Otra vez dos de tres: los servidores eligen un líder de ZooKeeper, las sesiones se "
               "reconectan y nuestro líder rellena primero las rondas perdidas durante el corte con los "
               "históricos."),
    },
    "demo.q_back.title": {
        "en": ("Quorum is back: rounds again after {secs} s, {filled} {filled?round|rounds} filled from the "
               "histories"),
        "es": ("Vuelve el quórum: rondas de nuevo a los {secs} s, {filled} {filled?rellenada|rellenadas} "
               "con los históricos"),
    },
    "demo.q_back.body": {
        "en": ("The rounds of the outage were computed late, from readings the nodes had kept: the API has "
               "no gap. Losing quorum made the cluster wait; it did not make it wrong."),
        "es": ("Las rondas del corte se calcularon tarde, con lecturas que los nodos habían guardado: en la "
               "API no hay huecos. Perder el quórum hizo esperar al clúster, pero no lo hizo equivocarse."),
    },
    "demo.q_back_empty.title": {
        "en": ("Quorum is back: rounds again after {secs} s, but {empty} of {filled} late "
               "{filled?round|rounds} {empty?is|are} empty"),
        "es": ("Vuelve el quórum: rondas de nuevo a los {secs} s, pero {empty} de {filled} {filled?ronda "
               "tardía|rondas tardías} {empty?está vacía|están vacías}"),
    },
    "demo.q_back_empty.body": {
        "en": ("The API has no gap, yet the leader found no reading for {empty} {empty?round|rounds} and "
               "stored {empty?it|them} with count 0."),
        "es": ("En la API no hay huecos, pero el líder no encontró lecturas para {empty} "
               "{empty?ronda|rondas} y {empty?la guardó vacía|las guardó vacías}, con 0 lecturas."),
    },
    "demo.q_back_empty.question": {
        "en": "the sensors kept sampling during the outage — where did the readings go?",
        "es": "los sensores siguieron midiendo durante el corte, ¿dónde están esas lecturas?",
    },
    "demo.api_stop.title": {"en": "Step 1: stop the API", "es": "Paso 1: paramos la API"},
    "demo.api_stop.body": {
        "en": ("As `clustersim api-stop` would. The leader still computes every round and puts it in the "
               "outbox — persistent znodes under /clustersim/outbox — in the same ZooKeeper transaction "
               "that advances the watermark. Its sender retries with backoff.\nWatch the Outbox line grow."),
        "es": ("Como haría `clustersim api-stop`. El líder sigue calculando cada ronda y la deja en la "
               "bandeja de salida (znodes persistentes bajo /clustersim/outbox), en la misma transacción de "
               "ZooKeeper que avanza la marca de agua. Su emisor reintenta con espera creciente.\nMirad "
               "cómo crece la línea Bandeja."),
    },
    "demo.api_growing.title": {
        "en": "{depth} {depth?round waits|rounds wait} in the outbox",
        "es": "{depth} {depth?ronda espera|rondas esperan} en la bandeja de salida",
    },
    "demo.api_growing.body": {
        "en": ("Nothing is lost: the rounds wait in ZooKeeper, not in the leader's memory. If the leader "
               "crashed now, the next one would adopt the outbox and deliver it."),
        "es": ("No se pierde nada: las rondas esperan en ZooKeeper, no en la memoria del líder. Si el líder "
               "cayera ahora, el siguiente adoptaría la bandeja y la entregaría."),
    },
    "demo.api_start.title": {"en": "Step 2: start the API again", "es": "Paso 2: volvemos a arrancar la API"},
    "demo.api_start.body": {
        "en": ("The sender delivers the outbox oldest first, each round exactly once (a round sent again is "
               "answered with the row already stored).\nWatch the Outbox line drain to zero."),
        "es": ("El emisor entrega la bandeja de la más antigua a la más nueva, cada ronda una sola vez (una "
               "ronda reenviada recibe como respuesta la fila ya guardada).\nMirad cómo la línea Bandeja "
               "baja a cero."),
    },
    "demo.api_back.title": {
        "en": "API back: {delivered} {delivered?round|rounds} delivered in {secs} s",
        "es": "La API ha vuelto: {delivered} {delivered?ronda entregada|rondas entregadas} en {secs} s",
    },
    "demo.api_back.body": {
        "en": "The outbox is empty again and the rounds of the outage are in the API, in order, once each.",
        "es": ("La bandeja vuelve a estar vacía y las rondas del corte están en la API, en orden y una vez "
               "cada una."),
    },
    "demo.pt_cut.title": {
        "en": "Step 1: cut the leader, node {leader}, off from ZooKeeper",
        "es": "Paso 1: aislamos al líder, el nodo {leader}, de ZooKeeper",
    },
    "demo.pt_cut.body": {
        "en": ("As `clustersim partition {leader}` would: the network between node {leader} and ZooKeeper "
               "goes silent, with no error and no reset, like a cable pulled between two switches. The node "
               "keeps running, keeps its clock and still reaches the API. In ZooKeeper its session lives on "
               "until no heartbeat has arrived for the session timeout ({timeout} s)."),
        "es": ("Como haría `clustersim partition {leader}`: la red entre el nodo {leader} y ZooKeeper "
               "enmudece, sin error y sin reset, como un cable arrancado entre dos switches. El nodo sigue "
               "en marcha, con su reloj, y sigue llegando a la API. En ZooKeeper su sesión sigue viva hasta "
               "que pasa el tiempo de sesión ({timeout} s) sin ningún latido."),
    },
    "demo.pt_cut.question": {
        "en": "node {leader} cannot hear ZooKeeper. Is it still the leader? What should it do?",
        "es": "el nodo {leader} no oye a ZooKeeper. ¿Sigue siendo el líder? ¿Qué debería hacer?",
    },
    "demo.pt_new.title": {
        "en": "Node {new} is the new leader: epoch {epoch} > {old_epoch}",
        "es": "El nodo {new} es el nuevo líder: época {epoch} > {old_epoch}",
    },
    "demo.pt_new.body": {
        "en": ("ZooKeeper heard nothing from node {old} for {timeout} s and expired its session: its "
               "election znode went, the watch of node {new} fired and it won with epoch {epoch}. Node "
               "{old} still runs and still reaches the API, but its connection is SUSPENDED: it cannot know "
               "whether its session lives, so it holds still, no round and no delivery. Had it sent one, "
               "the API would have answered 409: it has seen epoch {epoch}."),
        "es": ("ZooKeeper no supo nada del nodo {old} durante {timeout} s y dio por caducada su sesión: su "
               "znode de elección desapareció, saltó el watch del nodo {new} y ganó con la época {epoch}. "
               "El nodo {old} sigue en marcha y sigue llegando a la API, pero su conexión está en "
               "SUSPENDED: no puede saber si su sesión vive, así que se queda quieto, sin rondas ni "
               "entregas. Si hubiera enviado una, la API habría respondido 409: ya ha visto la época "
               "{epoch}."),
    },
    "demo.pt_new_unsafe.title": {"en": "Node {new} is the new leader", "es": "El nodo {new} es el nuevo líder"},
    "demo.pt_new_unsafe.body": {
        "en": ("ZooKeeper heard nothing from node {old} for {timeout} s and expired its session; node {new} "
               "won the election. These nodes run --unsafe, like the original design: node {old} never asks "
               "whether it still leads. It only waits because it cannot read the readings from ZooKeeper."),
        "es": ("ZooKeeper no supo nada del nodo {old} durante {timeout} s y dio por caducada su sesión; el "
               "nodo {new} ganó la elección. Estos nodos funcionan con --unsafe, como el diseño original: "
               "el nodo {old} nunca pregunta si sigue siendo líder. Solo espera porque no puede leer las "
               "lecturas de ZooKeeper."),
    },
    "demo.pt_heal.title": {"en": "Step 2: heal the network", "es": "Paso 2: reparamos la red"},
    "demo.pt_heal.body": {
        "en": ("As `clustersim heal {old}` would. What node {old} had queued reaches ZooKeeper at last, and "
               "the answer is bad news: its session expired while it was cut off.\nWatch the event log: "
               "what does node {old} do now?"),
        "es": ("Como haría `clustersim heal {old}`. Lo que el nodo {old} tenía en cola llega por fin a "
               "ZooKeeper, y la respuesta es una mala noticia: su sesión caducó mientras estaba "
               "aislado.\nMirad el registro de eventos: ¿qué hace ahora el nodo {old}?"),
    },
    "demo.pt_heal_unsafe.title": {
        "en": "Step 2: heal the network, with no guard and no fencing",
        "es": "Paso 2: reparamos la red, sin guarda y sin fencing",
    },
    "demo.pt_heal_unsafe.body": {
        "en": ("As `clustersim heal {old}` would. Node {old} reconnects in a new session and never checks "
               "whether it still leads. Watch the table: how many leaders do you see?"),
        "es": ("Como haría `clustersim heal {old}`. El nodo {old} se reconecta con una sesión nueva y nunca "
               "comprueba si sigue siendo líder. Mirad la tabla: ¿cuántos líderes veis?"),
    },
    "demo.pt_rejoined.title": {
        "en": "Node {old} stepped down and rejoined as a follower",
        "es": "El nodo {old} se retiró y volvió como seguidor",
    },
    "demo.pt_rejoined.body": {
        "en": ("On reconnecting it learned that its session had expired (LOST): its term was over, so it "
               "stepped down and joined the election again as a fresh candidate, behind node {new}. Nothing "
               "it might have computed while cut off was stored: a SUSPENDED leader holds still."),
        "es": ("Al reconectarse supo que su sesión había caducado (LOST): su mandato había terminado, así "
               "que se retiró y volvió a presentarse a la elección como un candidato nuevo, detrás del nodo "
               "{new}. No se guardó nada de lo que pudiera haber calculado mientras estaba aislado: un "
               "líder en SUSPENDED se queda quieto."),
    },
    "demo.pt_two.title": {
        "en": "Two leaders at once: nodes {old} and {new}",
        "es": "Dos líderes a la vez: los nodos {old} y {new}",
    },
    "demo.pt_two.body": {
        "en": ("Node {old} came back in a new session and went on leading as if nothing had happened, and "
               "node {new} leads too. Its deliveries carry no epoch the API could refuse: the API stores "
               "what both of them send."),
        "es": ("El nodo {old} volvió con una sesión nueva y siguió mandando como si nada, y el nodo {new} "
               "también manda. Sus entregas no llevan una época que la API pueda rechazar: la API guarda lo "
               "que envían los dos."),
    },
}
