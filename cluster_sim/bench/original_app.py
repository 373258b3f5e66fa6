"""The original design, rebuilt from the report: the benchmark's baseline.

One process per node, as ``src/app.py`` of the university exercise did:

* a sensor thread writes ``str(random.uniform(75, 85))`` every interval to
  the ephemeral znode ``/mediciones/app{ID}`` (created, then set);
* the main thread runs kazoo's ``Election("/election", ID)``; the leader loops
  forever: list ``/mediciones``, read every child one by one (a child that
  vanished meanwhile is skipped), take the mean, ``GET {api}/nuevo?dato=mean``
  inside a try/except, print two lines and sleep one interval;
* SIGINT (and SIGTERM) stop and close the ZooKeeper client and exit.

Nothing else, on purpose: no rounds, no fencing, no retries, no outbox, no
request timeout. It has to behave like the original, weaknesses included, or
the comparison would not be honest.

    python -m cluster_sim.bench.original_app 1 --zk 127.0.0.1:2181 \\
        --api http://127.0.0.1:8080 --interval 5 --session-timeout 10
"""

import argparse
import random
import signal
import sys
import threading
import time
from typing import Any, List, Optional, Sequence

import requests
from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError

READINGS = "/mediciones"
ELECTION = "/election"


def read_mean(client: KazooClient) -> Optional[float]:
    """The original leader's round: list, then read every child one by one."""
    values: List[float] = []
    for child in client.get_children(READINGS):
        try:
            data, _ = client.get(f"{READINGS}/{child}")
        except NoNodeError:  # the node left while we were reading
            continue
        values.append(float(data.decode()))
    if not values:
        return None
    return sum(values) / len(values)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="A node of the original design (baseline).")
    parser.add_argument("id")
    parser.add_argument("--zk", default="127.0.0.1:2181")
    parser.add_argument("--api", default="http://localhost:8080")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--session-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)

    client = KazooClient(hosts=args.zk, timeout=args.session_timeout)
    client.start()
    client.ensure_path(READINGS)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        print("Interrupt received", flush=True)
        stop.set()
        client.stop()
        client.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    def sensor() -> None:
        path = f"{READINGS}/app{args.id}"
        while not stop.is_set():
            value = str(random.uniform(75, 85)).encode()
            if client.exists(path):
                client.set(path, value)
            else:
                client.create(path, value, ephemeral=True)
            stop.wait(args.interval)

    threading.Thread(target=sensor, daemon=True).start()

    def leader_loop() -> None:
        while True:
            mean = read_mean(client)
            if mean is not None:
                try:
                    requests.get(f"{args.api}/nuevo", params={"dato": mean})
                except Exception as exc:
                    print(f"API error: {exc}")
            print(f"I'm the leader: (id = {args.id})")
            print(f"Media: {mean}", flush=True)
            time.sleep(args.interval)

    client.Election(ELECTION, str(args.id)).run(leader_loop)


if __name__ == "__main__":
    main()
