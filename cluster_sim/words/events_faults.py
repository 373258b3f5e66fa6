"""The event log's words for a fault kind declared only in the fault registry, in English and Spanish.

    from cluster_sim.presentation.wording import describe
    describe(FaultChanged(ts=t, cmd="drop", node="3"), "es")    # a kind whose Words name no sentence
    # "nodo 3: drop (ZooKeeper y la API)"

A kind's own sentence is declared with it (faults/registry.py, Words.said and Words.phrases);
this is what the log says of one that names none.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "ev.fault_changed": {"en": "node {node}: {cmd} ({link})", "es": "nodo {node}: {cmd} ({link})"},
}
