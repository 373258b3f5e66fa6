"""`clustersim bench`: clustersim against the original design, on this machine.

    from cluster_sim.bench import main
    exit_code = main(quick=True, json_path="/tmp/bench.json", markdown_path="docs/benchmarks.md")

    # a subset, with the test suite's tiny sizes
    from cluster_sim.bench.config import Config
    main(only=["round", "handover"], config=Config.tiny(), json_path="out.json")

Measurements (names for ``only``): handover, crash, kill, first_mean, round,
scale. See ``cluster_sim/bench/measure.py``; the baseline is
``cluster_sim/bench/original_app.py``. Also runnable as
``python -m cluster_sim.bench [--quick] [--only NAME ...]``.
"""

__all__ = ["main"]


def main(quick=False, json_path=None, markdown_path=None, only=None, config=None, command=None, console=None):
    """Run the benchmark; returns an exit code (0, 1 if a measurement failed, 130 on Ctrl-C)."""
    from cluster_sim.bench.runner import run

    return run(quick=quick, json_path=json_path, markdown_path=markdown_path, only=only, config=config,
               command=command, console=console)
