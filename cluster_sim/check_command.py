"""`clustersim check`, the command: fetch the rows, judge them (check_judge.py), print the verdict.

    run_check("http://127.0.0.1:8080")           # printed; 0 ok, 1 not, 2 unreachable
    render(report, truth)                        # the verdict as a rich renderable (check_view.py)

It sits above the modules it puts together, so that none of them imports it:
check.py (the rows' rules) <- check_truth.py (the truth logs) <- check_view.py
(the words) and check_judge.py (one judgement for check and chaos) <- here.
"""

import json
import os
import sys
from typing import TYPE_CHECKING, Any, Optional, Sequence

from cluster_sim.check import CheckError, Report

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cluster_sim.check_truth import TruthReport


def render(report: Report, truth: Optional["TruthReport"] = None, note: str = "",
           horizon: Any = None, base: Optional[int] = None) -> "RenderableType":
    """The report as a rich renderable; see cluster_sim.check_view (pure)."""
    from cluster_sim.check_view import render as render_view

    return render_view(report, truth, note, horizon, base=base)


def run_check(api_url: str, truth_dirs: Sequence[str] = (), truth_given: bool = False,
              as_json: bool = False, round_base: Optional[int] = None, **sources: Any) -> int:
    """Fetch, verify, print; 0 when the history is sound and nothing due is missing, 1 when
    not, 2 when unreachable or when --truth names no directory.

    truth_dirs: the nodes' truth logs; truth_given: the user named them (so they must
    exist), else they are the running cluster's, used when they exist. round_base: the
    running cluster's first round, the table's rounds are counted from it. `sources`: the
    rest of check_judge.Sources (grid, running, saved_paths, cluster, known_nodes)."""
    from cluster_sim.check_judge import Sources, judge

    for d in truth_dirs:
        if truth_given and not os.path.isdir(d):
            print(f"clustersim check: --truth {d}: no such directory", file=sys.stderr)
            return 2
    try:
        judged = judge(Sources(api_url, truth_dirs=list(truth_dirs), **sources))
    except CheckError as e:
        print(f"clustersim check: {e}", file=sys.stderr)
        return 2
    from cluster_sim import check_view

    code = check_view.exit_code(judged.report, judged.truth, judged.horizon)
    if code == 2 and not as_json:
        print(f"clustersim check: {judged.horizon.unreachable}", file=sys.stderr)
        return code
    if as_json:
        print(json.dumps(check_view.as_json(judged.report, judged.truth, judged.note, judged.horizon), indent=1))
        return code
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        # piped into a file or a pager: rich would cut lines at 80 columns
        console = Console(width=200)
    console.print(check_view.render(judged.report, judged.truth, judged.note, judged.horizon, base=round_base))
    return code
