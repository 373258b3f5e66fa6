"""python -m cluster_sim.bench [--quick | --tiny] [--only NAME ...] [--merge FILE] [--json FILE] [--markdown FILE] [--lang es]
python -m cluster_sim.bench --from-json FILE [--markdown FILE] [--lang es]"""

import argparse
import sys
from typing import Optional, Sequence

from cluster_sim.bench import main
from cluster_sim.bench.config import Config


def cli(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster_sim.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tiny", action="store_true", help="the test suite's sizes: checks the code, not the numbers")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="handover crash kill first_mean round takeover scale latency relay hall failover_cost "
                             "(hall: only when named)")
    parser.add_argument("--hall-minutes", type=float, default=0.0,
                        help="hall: run the 1,000 nodes this many minutes from the start, then clustersim check")
    parser.add_argument("--cost-nodes", type=int, nargs="+", metavar="N",
                        help="failover_cost: the cluster sizes (default 100; the issue's pair: 100 1000)")
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--markdown", dest="markdown_path")
    parser.add_argument("--merge", metavar="FILE", dest="merge_path",
                        help="put the results into this earlier run's JSON in place of the same measurements "
                             "(each keeps its own command and date); --json/--markdown then write the merge")
    parser.add_argument("--from-json", metavar="FILE",
                        help="measure nothing: rebuild the table (and --markdown) from an earlier run's JSON")
    parser.add_argument("--lang", default="en", choices=("en", "es"),
                        help="language of the rows' names, their verdicts and the last line")
    args = parser.parse_args(argv)
    if args.from_json:
        from cluster_sim.bench.runner import render

        return render(args.from_json, args.markdown_path, lang=args.lang)
    config = Config.tiny() if args.tiny else None
    if args.hall_minutes or args.cost_nodes:
        from dataclasses import replace

        if args.cost_nodes and min(args.cost_nodes) < 2:
            parser.error("--cost-nodes: a failover needs at least 2 nodes")
        config = config or (Config.quick() if args.quick else Config.full())
        if args.hall_minutes:
            config = replace(config, hall_minutes=args.hall_minutes)
        if args.cost_nodes:
            config = replace(config, cost_sizes=tuple(args.cost_nodes), cost_kills=config.cost_kills or 3)
    return main(quick=args.quick, json_path=args.json_path, markdown_path=args.markdown_path, only=args.only,
                config=config, merge_path=args.merge_path, lang=args.lang)


if __name__ == "__main__":
    sys.exit(cli())
