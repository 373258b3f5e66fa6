"""The screen quotes in docs/classroom.md, rendered from the code:  python scripts/classroom_quotes.py [--check]

A quote in the lesson plan is what a screen really says, so it is not typed
by hand: each one is marked with what it is rendered from, in an HTML comment
that a Markdown viewer does not show, right before the quote:

    <!--q event leader_elected node=4 epoch=2 failover_ms=15 after=1 how=left-->`leader elected: 4 ...`
    <!--q say fo_kill_soft leader=1-->`Step 1: stop the leader, node 1, gracefully (SIGTERM)`
    <!--q view state_crashed-->`crashed`
    <!--q event join_command "command=clustersim node --zk HOST:PORT"-->`students join with: ...`
    <!--q results failover-->
    ```
    graceful kill (SIGTERM)  15 ms: 1 → 4 (epoch 2)
    ...
    ```

`event` is wording.describe of that event, `say` a demo text (a narration
text's title when the quote is inline), `view` a word of the screen, `results`
a demo's results panel with sample figures (below), `error zk_unreachable` the
line `clustersim node` prints when it cannot reach ZooKeeper. `lang=es` renders a
quote in Spanish. The script puts the rendered text in place of each quote
and writes the file; with --check it writes nothing and exits 1 when a quote
differs from what the code renders (tests/test_classroom.py runs that).
"""

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "classroom.md"

# the marker, then an inline quote, or a fenced block on the next lines
QUOTE = re.compile(r"<!--q (?P<spec>[^>]*?)-->(?:`(?P<inline>[^`]*)`|\n```\n(?P<block>.*?)\n```)", re.S)

# figures of a failover demo as a class might see them (the session timeout 3 s and tick 0.2 s are the demo's)
FAILOVER = dict(first="1", second="4", third="5", soft_ms=15, hard_ms=2612, rounds=31, first_round="1",
                last_round="31")


def _value(text):
    if text in ("true", "false"):
        return text == "true"
    if "," in text and " " not in text:
        return [_value(part) for part in text.split(",")]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _parse(spec):
    kind, name, *rest = shlex.split(spec)
    values = dict(item.split("=", 1) for item in rest)
    lang = values.pop("lang", "en")
    return kind, name, lang, {k: _value(v) for k, v in values.items()}


def _results_failover(lang):
    from cluster_sim.demo import failover
    from cluster_sim.words.narration import say
    from cluster_sim.demo.runner import Summary, render_summary

    f = FAILOVER
    words = lambda key, **values: say(lang, key, **values)  # noqa: E731
    summary = Summary(title=words("results", scenario="failover"))
    summary.add(words("graceful"), words("handover", ms=f["soft_ms"], old=f["first"], new=f["second"], epoch=2))
    summary.add(words("hard"), words("handover", ms=f["hard_ms"], old=f["second"], new=f["third"], epoch=3))
    summary.add(words("rounds"), words("rounds_v", rounds=f["rounds"], first=f["first_round"], last=f["last_round"],
                                       missed=0, empty=0))
    summary.add(words("check"), words("check_ok"), verdict="ok")
    window = failover.expiry_window(3.0, 1.0, 0.2)
    summary.notes.extend(failover.notes(words, f["soft_ms"], f["hard_ms"], window))
    return render_summary(summary, plain=True)


# figures of a partition demo as a class might see them (3 nodes, session timeout 3 s)
PARTITION = dict(old="1", new="3", epoch=2, handover_ms=2870, stale_attempted=0, stale_refused=0, stale_stored=0,
                 partial_without_old=6, rows_after_heal={"3": 9}, two_leaders=False, rounds=24,
                 first_round="1", last_round="24")


def _results_partition(lang):
    from cluster_sim.demo import partition
    from cluster_sim.words.narration import say
    from cluster_sim.demo.runner import Summary, render_summary

    f = dict(PARTITION)
    words = lambda key, **values: say(lang, key, **values)  # noqa: E731
    from cluster_sim.engine.events import SteppedDown
    from cluster_sim.presentation.wording import step_down_why

    gone = SteppedDown(0.0, f["old"], epoch=1, code="session_expired")
    f["old_fate"] = words("old_fenced", how=step_down_why(gone, lang))
    summary = Summary(title=words("results", scenario="partition"))
    partition.report(summary, words, f, unsafe=False)
    summary.add(words("rounds"), words("rounds_v", rounds=f["rounds"], first=f["first_round"], last=f["last_round"],
                                       missed=0, empty=0))
    summary.add(words("check"), words("check_ok"), verdict="ok")
    return render_summary(summary, plain=True)


# figures of a herd demo at 100 nodes as a class might see them (`clustersim demo herd --yes` on the
# 2-core machine, its own pace: rounds every 3 s)
HERD = dict(nodes=100, election=dict(woken=1, notifications=11, requests=570, window_s=1.61, leader_ms=18,
                                     notifications_baseline_per_s=0.6, baseline_per_s=220.5,
                                     latency_avg_ms=0.34, latency_max_ms=173.0),
            herd=dict(woken=99, notifications=108, requests=879, window_s=1.76, leader_ms=169,
                      notifications_baseline_per_s=0.0, baseline_per_s=148.9, latency_avg_ms=3.38,
                      latency_max_ms=195.0))


def _results_herd(lang):
    from cluster_sim.demo import herd
    from cluster_sim.demo.runner import Summary, render_summary
    from cluster_sim.engine.events import FailoverCost
    from cluster_sim.words.narration import say

    costs = {recipe: FailoverCost(0.0, "3", after="2", recipe=recipe, **HERD[recipe]) for recipe in herd.RECIPES}
    summary = Summary(title=say(lang, "results", scenario="herd"))
    rows, notes = herd.figures(costs, HERD["nodes"], lang)
    for label, value in rows:
        summary.add(label, value)
    summary.notes.extend(notes)
    return render_summary(summary, plain=True)


RESULTS = {"failover": _results_failover, "partition": _results_partition, "herd": _results_herd}


def render(spec, inline):
    """The text `spec` renders to (one line when `inline`)."""
    kind, name, lang, values = _parse(spec)
    if kind == "event":
        from cluster_sim.engine.events import from_record
        from cluster_sim.presentation.wording import describe

        text = describe(from_record({"ts": 0.0, "kind": name, **values}), lang) or ""
    elif kind == "say":
        from cluster_sim.words.narration import say

        text = say(lang, name, **values)
    elif kind == "view":
        from cluster_sim.words.labels import label, plural

        text = plural(name, values.pop("n"), lang, **values) if "n" in values else label(name, lang, **values)
    elif kind == "results":
        text = RESULTS[name](lang)
    elif kind == "error" and name == "zk_unreachable":
        from cluster_sim.base.zkclient import _unreachable

        text = "clustersim: " + _unreachable(values["hosts"], values["timeout"])
    else:
        raise ValueError(f"unknown quote kind {kind!r} in <!--q {spec}-->")
    return text.split("\n", 1)[0] if inline else text


def refresh(document):
    """The document with every quote rendered again."""
    def again(match):
        spec = match.group("spec")
        if match.group("block") is None:
            return f"<!--q {spec}-->`{render(spec, inline=True)}`"
        return f"<!--q {spec}-->\n```\n{render(spec, inline=False)}\n```"
    return QUOTE.sub(again, document)


def stale(document):
    """(what the doc says, what the code renders) for every quote that differs."""
    out = []
    for match in QUOTE.finditer(document):
        inline = match.group("block") is None
        said = match.group("inline") if inline else match.group("block")
        rendered = render(match.group("spec"), inline)
        if said != rendered:
            out.append((said, rendered))
    return out


def main(argv):
    document = DOC.read_text(encoding="utf-8")
    if "--check" in argv:
        differ = stale(document)
        for said, rendered in differ:
            print(f"docs/classroom.md says:\n  {said}\nthe screen says:\n  {rendered}\n")
        return 1 if differ else 0
    DOC.write_text(refresh(document), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
