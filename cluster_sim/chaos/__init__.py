"""`clustersim chaos`: a nemesis for a running cluster, ending in a verdict.

    from cluster_sim.chaos.plan import plan, KINDS
    from cluster_sim.chaos.verdict import build_verdict
    from cluster_sim.chaos.view import render

    p = plan(seed=1, duration=120, faults=KINDS, nodes=["1", "2", "3", "4", "5"], zk_servers=3)
    # run.py plays p on a live cluster through the control socket, then:
    verdict = build_verdict(p, executed, check_json, terms, rows, window=(t0, t1), settled=True)
    console.print(render(verdict)); json.dumps(verdict.to_json()); exit(0 if verdict.ok else 1)

plan.py and verdict.py are pure (no clock, no I/O) and view.py renders;
run.py is the only part that talks to a cluster; command.py is `clustersim
chaos` itself (a running cluster, or one it starts).
"""
