"""`clustersim bench`: clustersim against the original design, on this machine.

    from cluster_sim.bench import main
    exit_code = main(quick=True, json_path="/tmp/bench.json", markdown_path="docs/benchmarks.md")

    # a subset, with the test suite's tiny sizes
    from cluster_sim.bench.config import Config
    main(only=["round", "handover"], config=Config.tiny(), json_path="out.json")

    # measure two again and put them in the recorded run, each figure with its own command and date
    main(only=["round", "latency"], merge_path="docs/benchmarks.json",
         json_path="docs/benchmarks.json", markdown_path="docs/benchmarks.md")

Measurements (names for ``only``): handover, crash, kill, first_mean, round,
scale, latency. See ``cluster_sim/bench/measure.py``; the baseline is
``cluster_sim/bench/original_app.py``. Also runnable as
``python -m cluster_sim.bench [--quick] [--only NAME ...] [--merge FILE]``.
"""

from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:  # nothing heavy on the way to --help
    from rich.console import Console

    from cluster_sim.bench.config import Config

__all__ = ["main"]


def main(quick: bool = False, json_path: Optional[str] = None, markdown_path: Optional[str] = None,
         only: Optional[Sequence[str]] = None, config: Optional["Config"] = None, command: Optional[str] = None,
         console: Optional["Console"] = None, merge_path: Optional[str] = None, lang: str = "en") -> int:
    """Run the benchmark; returns an exit code (0, 1 if a measurement failed, 2 on bad
    arguments, 130 on Ctrl-C). With ``merge_path``, the results replace those
    measurements in that earlier JSON, and the JSON and Markdown written are the merge. ``lang``: the
    language of the rows' names, their verdicts and the last line (en, es)."""
    from cluster_sim.bench.runner import run

    return run(quick=quick, json_path=json_path, markdown_path=markdown_path, only=only, config=config,
               command=command, console=console, merge_path=merge_path, lang=lang)
