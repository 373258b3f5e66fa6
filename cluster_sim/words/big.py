"""A large cluster's summary (issue 22): the terminal, `clustersim status` and the web page.

    from cluster_sim.words import lookup
    lookup("big.cond.paused", "es", n=2)           # "2 congelados"
    lookup("big.not_fine", "en", n=3, total="1,000")  # "Not fine: 3 of 1,000"

One key a condition of engine/digest.py (`big.cond.<condition>`, a count `n`); the page reads
them from the catalogue it is given, as every other key.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    # at shutdown (supervisor/manager.py stop_all): SIGKILLed and still there after its wait
    "big.unkillable": {"en": "clustersim: node processes still running after SIGKILL: pid {pids}",
                       "es": "clustersim: procesos de nodo que siguen tras SIGKILL: pid {pids}"},
    "big.next": {"en": "Next", "es": "Siguientes"},
    "big.next_value": {"en": "{nodes}   ({n} in the election)", "es": "{nodes}   ({n} en la elección)"},
    "big.next_none": {"en": "nobody waits in line", "es": "nadie espera en la cola"},
    "big.nodes": {"en": "Nodes", "es": "Nodos"},
    "big.total": {"en": "{n} in all", "es": "{n} en total"},
    "big.readings": {"en": "Readings", "es": "Lecturas"},
    "big.spread": {"en": "{n} fresh · min {low} · median {median} · max {high}",
                   "es": "{n} {n?reciente|recientes} · mín {low} · mediana {median} · máx {high}"},
    "big.no_readings": {"en": "no fresh reading", "es": "ninguna lectura reciente"},
    "big.not_fine": {"en": "Not fine: {n} of {total}", "es": "Con problemas: {n} de {total}"},
    "big.all_fine": {"en": "every node is fine", "es": "todos los nodos están bien"},
    "big.more": {"en": "… {n} more not fine (clustersim status)", "es": "… {n} más con problemas (clustersim status)"},
    # one a condition (engine/digest.py CONDITIONS), worst first
    "big.cond.crashed": {"en": "{n} crashed", "es": "{n} {n?caído|caídos}"},
    "big.cond.stopped": {"en": "{n} stopped", "es": "{n} {n?parado|parados}"},
    "big.cond.paused": {"en": "{n} paused", "es": "{n} {n?congelado|congelados}"},
    "big.cond.partitioned": {"en": "{n} cut off", "es": "{n} {n?aislado|aislados}"},
    "big.cond.disconnected": {"en": "{n} without a session", "es": "{n} sin sesión"},
    "big.cond.waiting": {"en": "{n} waiting for an id", "es": "{n} a la espera de un id"},
    "big.cond.silent": {"en": "{n} silent", "es": "{n} sin lecturas"},
    "big.cond.unpublished": {"en": "{n} not publishing yet", "es": "{n} sin publicar aún"},
    "big.cond.slow": {"en": "{n} slow", "es": "{n} {n?lento|lentos}"},
    "big.cond.no_api": {"en": "{n} cannot reach the API", "es": "{n} sin acceso a la API"},
    "big.cond.starting": {"en": "{n} starting", "es": "{n} arrancando"},
    "big.cond.publishing": {"en": "{n} publishing", "es": "{n} publicando"},
}
