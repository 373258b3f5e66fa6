"""The web page's words for a large cluster's summary (issue 22), in English and Spanish.

    from cluster_sim.words import catalogue
    catalogue("es", "page.big.")["page.big.title"]    # "El clúster de un vistazo"

The counts and the spread are the screen's (words/big.py, "big.*"): the page gets the whole
catalogue and fills them with say().
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "page.big.title": {"en": "The cluster at a glance", "es": "El clúster de un vistazo"},
    "page.big.drawn": {"en": "drawn: the leader, the next in line and the {n} not fine",
                       "es": "dibujados: el líder, los siguientes y {n} con problemas"},
    "page.big.hidden": {"en": "+{n} more, not drawn", "es": "+{n} más, sin dibujar"},
}
