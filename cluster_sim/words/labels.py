"""The screen's labels: a thin alias of the words catalogue (cluster_sim/words), kept for its callers.

    from cluster_sim.words.labels import label, plural, word

    label("leader")                              # "Leader"
    plural("readings", 4)                        # "4 readings"
    word("state", "crashed", "es")               # "caído"

The phrases live in cluster_sim/words/screen.py, English and Spanish side by side.
"""

from cluster_sim.words import label, plural, word

__all__ = ["label", "plural", "word"]
