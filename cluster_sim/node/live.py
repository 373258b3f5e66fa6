"""The live view on a student's terminal: state from ZooKeeper and the node, drawn by screen.py.

    live = LiveScreen(node)       # a node.main.Node whose client is connected
    live.start(); ...; live.stop()

A watch keeps the leader znode's data (who leads, its epoch, the last round it
stored, whether its deliveries arrive); the rest is the node's own (its reading,
whether it leads, whether it reaches the API). Redrawn four times a second on this
thread; the node's own lines ("I'm the leader", "Media: ...") print above the view.
The language is the cluster's (rules.lang in /clustersim/rules), else English.
"""

import json
import sys
import threading
from typing import Any, Dict, Optional

from kazoo.exceptions import KazooException

from cluster_sim.protocol import paths
from cluster_sim.node.screen import FOLLOWING, LEADING, NodeScreen, render

REFRESH_HZ = 4.0


def _leader_info(data: Optional[bytes]) -> Optional[Dict[str, Any]]:
    try:
        info = json.loads((data or b"").decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return info if isinstance(info, dict) and "id" in info else None


def screen_of(node: Any, info: Optional[Dict[str, Any]]) -> NodeScreen:
    """The view's state from the node and the leader znode's data (no I/O)."""
    client = node.client
    connected = bool(client is not None and client.connected)
    term = node.term
    leading = term is not None and term.acting()
    in_election = node.election is not None
    value = None
    if node.sensor is not None:
        try:
            _, history = node.sensor.latest()
            value = history[-1][2] if history else None
        except (IndexError, ValueError, TypeError):
            value = None
    reach = node.reach
    info = info or {}
    ok = info.get("api_ok")
    since = info.get("api_down_since")
    last_round = info.get("delivered_round")
    last_mean = info.get("delivered_mean")
    return NodeScreen(
        node=node.s.node_id, connected=connected,
        role=LEADING if leading else FOLLOWING if in_election else "",
        value=value if isinstance(value, (int, float)) else None,
        leader=None if not info else str(info.get("id")),
        epoch=info.get("epoch") if isinstance(info.get("epoch"), int) else None,
        last_round=last_round if isinstance(last_round, int) else None,
        last_mean=last_mean if isinstance(last_mean, (int, float)) else None,
        delivery_ok=ok if isinstance(ok, bool) else None,
        api_url=str(info.get("api_url") or ""),
        api_since=since if isinstance(since, (int, float)) else None,
        api_error=str(info.get("api_error") or ""),
        own_api_ok=None if reach is None else reach.ok,
        own_api_url="" if reach is None else reach.shown,
        recipe=node.s.recipe,
    )


class LiveScreen(threading.Thread):
    def __init__(self, node: Any) -> None:
        super().__init__(name="live-screen", daemon=True)
        self.node = node
        self.lang = node.lang   # the cluster's, from the rules the node runs on
        self._info: Optional[Dict[str, Any]] = None
        self._stop = threading.Event()
        self._stopped = threading.Event()

    def _on_leader(self, data: Optional[bytes], stat: Any) -> None:
        self._info = _leader_info(data) if data is not None else None

    def run(self) -> None:
        from rich.console import Console
        from rich.live import Live

        try:
            self.node.client.DataWatch(paths.LEADER, self._on_leader)
        except KazooException:
            pass  # not connected yet: the view says so; the node goes on
        console = Console(file=sys.__stdout__)
        try:
            with Live(render(screen_of(self.node, self._info), self.lang), console=console,
                      auto_refresh=False, redirect_stdout=True, redirect_stderr=False) as live:
                # the node's own lines (the original's "I'm the leader", "Media: ...") above the view
                self.node.out = sys.stdout
                while not self._stop.wait(1.0 / REFRESH_HZ):
                    live.update(render(screen_of(self.node, self._info), self.lang), refresh=True)
                self.node.out = sys.__stdout__
        finally:
            self._stopped.set()

    def stop(self) -> None:
        self._stop.set()
        if self.is_alive():
            self._stopped.wait(2.0)
