"""A large cluster on the live view: the next in line, counts by condition and the spread of the
readings, drawn instead of a list nobody can read (the not-fine nodes get rows, view_table.py).

    from cluster_sim.engine.digest import digest
    from cluster_sim.presentation.view_big import summary_rows

    summary_rows(state, digest(state, now))     # [("Next", Text("1 ★ → 2 → 3 → 4 → …  (998 in the election)")), ...]

The words and the histogram are status_view.py's (`clustersim status` says the same, without rich).

A pure function of the digest (engine/digest.py), as the rest of the view: rows of the header
(view_header.py), under the leader (id, epoch, since).
"""

from typing import List, Tuple

from rich.text import Text

from cluster_sim.engine.digest import Digest
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.status_view import count_parts, histogram, next_line, spread_line
from cluster_sim.presentation.view_common import _lang, _num
from cluster_sim.words.labels import label
from cluster_sim.words.lang import whole

__all__ = ["summary_rows", "not_fine_title", "counts_text", "spread_text", "next_text", "COND_STYLES"]

COND_STYLES = {
    "crashed": "bold red", "stopped": "dim", "paused": "yellow", "partitioned": "bold magenta",
    "disconnected": "red", "waiting": "yellow", "silent": "red", "unpublished": "yellow", "slow": "magenta", "no_api": "bold red",
    "starting": "blue", "publishing": "green",
}


def counts_text(d: Digest, lang: str) -> Text:
    """"1,000 in all: 990 publishing · 2 paused · 1 crashed": the fine first, the worst last."""
    text = Text(label("big.total", lang, n=d.nodes) + ": ", style="bold")
    text.append_text(Text(" · ").join(Text(words, style=COND_STYLES.get(condition, ""))
                                      for condition, words in count_parts(d.counts, lang)))
    return text


def spread_text(d: Digest, lang: str) -> Text:
    r = d.readings
    if r is None:
        return Text(label("big.no_readings", lang), style="dim")
    return Text(spread_line(r.count, r.low, r.median, r.high, lang))


def next_text(state: ClusterState, d: Digest) -> Text:
    line = next_line(state.leader, d.next_in_line, d.candidates, _lang(state))
    return Text(label("big.next_none", _lang(state)), style="dim") if line is None else Text(line)


def summary_rows(state: ClusterState, d: Digest) -> List[Tuple[str, Text]]:
    """The header's rows for a large cluster: next in line, the counts, the readings (and their
    histogram)."""
    lang = _lang(state)
    rows = [(label("big.next", lang), next_text(state, d)), (label("big.nodes", lang), counts_text(d, lang)),
            (label("big.readings", lang), spread_text(d, lang))]
    if d.readings is not None and d.readings.count > 1:
        r = d.readings
        rows.append(("", Text.assemble((_num(r.low, 1, lang) + " ", "dim"), (histogram(r.bins), "cyan"),
                                       (" " + _num(r.high, 1, lang), "dim"))))
    return rows


def not_fine_title(d: Digest, lang: str) -> Text:
    """"Not fine: 7 of 1,000", or that every node is fine."""
    if not d.not_fine:
        return Text(label("big.all_fine", lang), style="green")
    return Text(label("big.not_fine", lang, n=len(d.not_fine), total=whole(lang, d.nodes)), style="bold")
