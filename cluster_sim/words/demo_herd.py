"""What `clustersim demo herd` says (the same kill under kazoo's Election and under the herd), its
results, and the words of a demo that runs more than one cluster, in English and Spanish side by side.

    from cluster_sim.words.narration import told
    told("es", "hd_compare", e_woken=1, h_woken=99, ...).title   # "Despertados: 1 con la receta, 99 con la manada"

Typed as in demo.py: "demo.<step>.title", ".body" and ".question"; the results' words "demo.<key>".
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # -- a demo of more than one cluster (runner.py: a scenario run once per recipe) -----------------
    "demo.next_cluster.title": {
        "en": "This cluster stops; the next one starts",
        "es": "Este clúster se para; arranca el siguiente",
    },
    "demo.next_cluster.body": {
        "en": ("The same scenario again on a fresh cluster, only its recipe changed: the recipe is a rule of "
               "the cluster (every node of a cluster waits for the leadership the same way)."),
        "es": ("El mismo escenario otra vez en un clúster nuevo, solo cambia la receta: la receta es una regla "
               "del clúster (todos los nodos de un clúster esperan el liderazgo de la misma manera)."),
    },
    "demo.scoped": {"en": "{label} ({scope})", "es": "{label} ({scope})"},

    # -- the narration ------------------------------------------------------------------------------
    "demo.hd_intro.title": {
        "en": "The herd effect: the same kill of the leader under two recipes",
        "es": "El efecto manada: la misma caída del líder con dos recetas",
    },
    "demo.hd_intro.body": {
        "en": ("ZooKeeper's election recipe has each candidate watch only the znode just before its own: when "
               "the leader goes, one candidate is woken. The obvious alternative, every candidate watching the "
               "one leader znode, wakes all of them at once and they all rush the server: the herd effect.\n"
               "We run {nodes} nodes twice, first with the recipe (kazoo's Election), then with the herd (for "
               "teaching only), stop the leader the same way in each, and read what each failover cost the "
               "ZooKeeper server from its own figures (mntr)."),
        "es": ("La receta de elección de ZooKeeper hace que cada candidato vigile solo el znode justo anterior "
               "al suyo: cuando el líder se va, se despierta un candidato. La alternativa obvia, que todos los "
               "candidatos vigilen el único znode de líder, los despierta a todos a la vez y todos se lanzan "
               "sobre el servidor: el efecto manada.\nArrancamos {nodes} nodos dos veces, primero con la "
               "receta de elección de kazoo y luego con la manada (solo para enseñar), paramos al líder de "
               "la misma manera en cada una y leemos lo que le costó cada relevo al servidor ZooKeeper en sus "
               "propias cifras (mntr)."),
    },
    "demo.hd_watch_election.title": {
        "en": "The recipe: each candidate watches its predecessor; only node {watcher} watches the leader",
        "es": "La receta: cada candidato vigila a su predecesor; solo el nodo {watcher} vigila al líder",
    },
    "demo.hd_watch_election.body": {
        "en": ("Under /election the {nodes} candidates form a queue by sequence number. Each one set a watch on "
               "the znode just before its own: node {watcher} watches the znode of node {leader}, the leader; "
               "every other candidate watches someone else's. One watch on the leader."),
        "es": ("Bajo /election los {nodes} candidatos forman una cola por número de secuencia. Cada uno puso un "
               "watch en el znode justo anterior al suyo: el nodo {watcher} vigila el znode del nodo {leader}, "
               "el líder; los demás candidatos vigilan el de otro. Un solo watch sobre el líder."),
    },
    "demo.hd_herd_start.title": {
        "en": "Starting {nodes} nodes again, with --recipe herd (FOR TEACHING ONLY)",
        "es": "Arrancamos otra vez {nodes} nodos, con --recipe herd (SOLO PARA ENSEÑAR)",
    },
    "demo.hd_herd_start.body": {
        "en": ("Same nodes, same fencing, same kill. One thing changes: every candidate watches the one leader "
               "znode, /clustersim/herd, and when it goes all of them race to create it; the winner leads. "
               "ZooKeeper's own recipes warn against this: no real cluster should run it, and every screen "
               "marks it."),
        "es": ("Mismos nodos, mismo fencing, misma caída. Cambia una cosa: todos los candidatos vigilan el "
               "único znode de líder, /clustersim/herd, y cuando desaparece todos corren a crearlo; el que "
               "gana es el líder. Las recetas de ZooKeeper lo desaconsejan: ningún clúster de verdad debería "
               "usarlo, y todas las pantallas lo señalan."),
    },
    "demo.hd_herd_leader.title": {
        "en": "Node {leader} won the race (epoch {epoch}); {watchers} candidates watch its znode",
        "es": "El nodo {leader} ganó la carrera (época {epoch}); {watchers} candidatos vigilan su znode",
    },
    "demo.hd_herd_leader.body": {
        "en": ("Every other candidate holds a watch on /clustersim/herd: {watchers} watches on one znode. When it "
               "goes, ZooKeeper must tell every one of them."),
        "es": ("Todos los demás candidatos tienen un watch sobre /clustersim/herd: {watchers} watches sobre un "
               "solo znode. Cuando desaparezca, ZooKeeper tendrá que avisar a todos."),
    },
    "demo.hd_kill.title": {
        "en": "Stop the leader, node {leader} ({recipe})",
        "es": "Paramos al líder, el nodo {leader} ({recipe})",
    },
    "demo.hd_kill.body": {
        "en": ("As `clustersim kill {leader}` would (SIGTERM): its session is closed, ZooKeeper deletes its "
               "ephemeral znodes at once and fires every watch on them. Meanwhile the supervisor reads the "
               "server's counters (mntr) four times a second: watch notifications delivered, requests "
               "received, latency.\nWatch the Failover line of the header."),
        "es": ("Como haría `clustersim kill {leader}` (SIGTERM): su sesión se cierra, ZooKeeper borra en el acto "
               "sus znodes efímeros y dispara todos los watches que hay sobre ellos. Mientras tanto el "
               "supervisor lee los contadores del servidor (mntr) cuatro veces por segundo: notificaciones de "
               "watch entregadas, peticiones recibidas, latencia.\nMirad la línea Relevo de la cabecera."),
    },
    "demo.hd_kill.question": {
        "en": "how many candidates will ZooKeeper wake?",
        "es": "¿a cuántos candidatos despertará ZooKeeper?",
    },
    "demo.hd_cost.title": {
        "en": ("{recipe}: {woken} {woken?candidate|candidates} woken, {notifications} watch "
               "{notifications?notification|notifications} and {requests} requests in {window} s"),
        "es": ("{recipe}: {woken} {woken?candidato despertado|candidatos despertados}, {notifications} "
               "{notifications?notificación|notificaciones} de watch y {requests} peticiones en {window} s"),
    },
    "demo.hd_cost.body": {
        "en": ("Node {node} took over from node {after} in {leader} ms. In the {window} s after the leader left, the "
               "server delivered {notifications} watch notifications (at that moment of an earlier round, {nbaseline} "
               "a second: every reading a node publishes notifies the leader's and the supervisor's watches) "
               "and received {requests} requests (then, {baseline} a second). Its latency: {avg} ms on average, {max} ms "
               "at the 99.9th percentile."),
        "es": ("El nodo {node} tomó el relevo del nodo {after} en {leader} ms. En los {window} s que siguieron a "
               "la marcha del líder, el servidor entregó {notifications} notificaciones de watch (en ese momento de una ronda anterior, "
               "{nbaseline} por segundo: cada lectura que publica un nodo avisa a los watches del líder y del "
               "supervisor) y recibió {requests} peticiones (entonces, {baseline} por segundo). Su latencia: "
               "{avg} ms de media, {max} ms en el percentil 99,9."),
    },
    "demo.hd_compare.title": {
        "en": "Woken: {e_woken} under the recipe, {h_woken} under the herd",
        "es": "Despertados: {e_woken} con la receta, {h_woken} con la manada",
    },
    "demo.hd_compare.body": {
        "en": ("Same cluster size ({nodes} nodes), same kill. Under the recipe the leader's znode had one "
               "watcher: ZooKeeper woke one candidate, which found itself first in the queue and led. Under the "
               "herd it had {h_watchers}: all were woken at once, all sent a create, all but one failed and "
               "set a new watch. What each failover added to the usual traffic (notifications, requests): under "
               "the recipe {e_extra} and {e_rextra}, under the herd {h_extra} and {h_rextra}. New leader after "
               "{e_ms} ms and {h_ms} ms."),
        "es": ("Mismo tamaño de clúster ({nodes} nodos), misma caída. Con la receta el znode del líder tenía un "
               "solo vigilante: ZooKeeper despertó a un candidato, que se vio el primero de la cola y pasó a "
               "líder. Con la manada tenía {h_watchers}: todos despertaron a la vez, todos enviaron un create, "
               "todos menos uno fallaron y pusieron un watch nuevo. Lo que "
               "añadió cada relevo al tráfico habitual (notificaciones, peticiones): con la receta, {e_extra} y "
               "{e_rextra}; con la manada, {h_extra} y {h_rextra}. Nuevo líder tras {e_ms} ms y {h_ms} ms."),
    },
    "demo.hd_compare.question": {
        "en": ("why does the herd's cost grow with the number of nodes while the recipe's does not? What would "
               "happen to the server, and to the new leader, with 10,000 candidates?"),
        "es": ("¿por qué el coste de la manada crece con el número de nodos y el de la receta no? ¿Qué le "
               "pasaría al servidor, y al nuevo líder, con 10.000 candidatos?"),
    },

    # -- the results --------------------------------------------------------------------------------
    "demo.hd_nodes": {"en": "nodes", "es": "nodos"},
    "demo.hd_nodes_v": {
        "en": "{nodes} in each cluster; the leader stopped (SIGTERM), {left} candidates left",
        "es": "{nodes} en cada clúster; el líder parado (SIGTERM), quedan {left} candidatos",
    },
    "demo.hd_woken": {"en": "candidates woken", "es": "candidatos despertados"},
    "demo.hd_notifications": {
        "en": "watch notifications as the leader left",
        "es": "notificaciones de watch al irse el líder",
    },
    "demo.hd_requests": {
        "en": "server requests as the leader left",
        "es": "peticiones al servidor al irse el líder",
    },
    "demo.hd_leader": {"en": "new leader after", "es": "nuevo líder tras"},
    "demo.hd_latency": {"en": "server latency", "es": "latencia del servidor"},
    # one recipe's figure in a row (the rows put the recipes side by side, " · " between)
    "demo.hd_v": {"en": "{recipe} {value}", "es": "{recipe} {value}"},
    # a count in the window measured (about the second after the leader left), and what the usual
    # rate before it gives in as long
    "demo.hd_v_window": {
        "en": "{recipe} {value} in {window} s (usual: {usual})",
        "es": "{recipe} {value} en {window} s (lo habitual: {usual})",
    },
    "demo.hd_v_ms": {"en": "{recipe} {value} ms", "es": "{recipe} {value} ms"},
    "demo.hd_v_latency": {
        "en": "{recipe} {avg} ms on average, p99.9 {max} ms",
        "es": "{recipe} {avg} ms de media, p99,9 {max} ms",
    },
    "demo.hd_why_herd": {
        "en": ("herd: the leader znode went and ZooKeeper notified all {woken} waiting candidates at once; each "
               "sent a create, the losers a new exists and watch: the cost grows with the number of candidates"),
        "es": ("manada: desapareció el znode de líder y ZooKeeper avisó a la vez a los {woken} candidatos que "
               "esperaban; cada uno envió un create y los perdedores un exists y un watch nuevos: el coste crece "
               "con el número de candidatos"),
    },
    "demo.hd_why_election": {
        "en": ("election: only the successor's watch fired ({woken} woken): the cost stays the same whatever the "
               "number of candidates"),
        "es": ("elección: solo saltó el watch del sucesor ({woken} {woken?despertado|despertados}): el coste es "
               "el mismo sea cual sea el número de candidatos"),
    },
    "demo.hd_usual": {
        "en": ("usual: the server's count over as long at the same moment of an earlier round (the nodes publish on "
               "the round's grid, and every reading notifies the leader's and the supervisor's watches)"),
        "es": ("lo habitual: la cuenta del servidor en un intervalo igual, en el mismo momento de una ronda anterior "
               "(los nodos publican al ritmo de las rondas y cada lectura avisa a los watches del líder y del "
               "supervisor)"),
    },
    "demo.hd_no_mntr": {
        "en": "this ZooKeeper did not answer mntr: only the nodes' own count (woken) and the times are known",
        "es": "este ZooKeeper no respondió a mntr: solo se conocen la cuenta de los nodos (despertados) y los tiempos",
    },
    "demo.w_cost": {
        "en": "the cost of the failover from node {old}",
        "es": "el coste del relevo desde el nodo {old}",
    },
    "demo.w_queued": {
        "en": "{nodes} candidates in the election",
        "es": "{nodes} candidatos en la elección",
    },
}
