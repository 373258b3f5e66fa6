"""Events from two successive status dicts, for a feed that only has `status --json` to go on.

    derive = StatusChanges()
    for record in derive(status, now):     # the first call only remembers
        view.publish(record)

What a status poll can tell (who leads, each node's process state and
connection, readings, stored rounds, the API, the ensemble, the narration)
becomes records in the event spine's export schema (kind, ts, fields),
timed at the poll: to within one polling period of when it happened. The
supervisor's own event stream is exact and says more (failover times,
reasons); this is the feed for a view attached from outside
(cluster_sim.web.follow) and for tests. Data only: it never reads the
status's event texts.
"""

from typing import Any, Dict, List, Optional

from cluster_sim.supervisor.state import Shown

__all__ = ["StatusChanges"]


def _nodes(status: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {str(n.get("id")): n for n in status.get("nodes") or [] if isinstance(n, dict) and n.get("id") is not None}


class StatusChanges:
    def __init__(self) -> None:
        self.previous: Optional[Dict[str, Any]] = None
        self.lost_at: Optional[float] = None       # when the last leader went (for the failover time)
        self.lost_leader: Optional[str] = None
        self.lost_how: Optional[str] = None

    def __call__(self, status: Dict[str, Any], now: float) -> List[Dict[str, Any]]:
        before, self.previous = self.previous, status
        if before is None:
            out: List[Dict[str, Any]] = []
            if status.get("leader") is not None:
                out.append({"kind": "leader_elected", "ts": now, "node": str(status["leader"]),
                            "epoch": status.get("epoch")})
            return out
        out = []

        def emit(kind: str, **fields: Any) -> None:
            out.append(dict(fields, kind=kind, ts=now))

        old, new = _nodes(before), _nodes(status)
        for node_id, n in new.items():
            o = old.get(node_id)
            if o is None:
                if n.get("remote"):
                    emit("remote_joined", node=node_id, host=n.get("host"), pid=n.get("pid"))
                continue
            was, state = o.get("state"), n.get("state")
            if state != was:
                if state == "stopped":
                    emit("node_stopped", node=node_id, exit=n.get("exit_code"), crashed=False)
                elif state == "crashed":
                    emit("node_stopped", node=node_id, exit=n.get("exit_code"), crashed=True)
                elif state == "paused":
                    emit("node_paused", node=node_id, was_leader=node_id == before.get("leader"))
                elif was == "paused" and state == "running":
                    emit("node_resumed", node=node_id)
                elif was in ("stopped", "crashed") and state in ("starting", "running"):
                    emit("node_started", node=node_id, pid=n.get("pid"), requested=True)
            conn, was_conn = n.get("connection"), o.get("connection")
            if conn != was_conn:
                if conn == "SUSPENDED":
                    emit("suspended", node=node_id)
                elif conn == "LOST":
                    emit("session_expired", node=node_id)
                elif conn == "CONNECTED" and was_conn in ("SUSPENDED", "LOST"):
                    emit("reconnected", node=node_id, same_session=was_conn == "SUSPENDED")
            if n.get("value") != o.get("value") and n.get("value") is not None:
                emit("reading_published", node=node_id, value=n.get("value"))
        for node_id, o in old.items():
            if node_id not in new and o.get("remote"):
                emit("remote_left", node=node_id)

        leader, was_leader = status.get("leader"), before.get("leader")
        if was_leader is not None and leader != was_leader:
            gone = new.get(str(was_leader), {})
            self.lost_at, self.lost_leader = now, str(was_leader)
            self.lost_how = {"crashed": "crashed", "paused": "paused"}.get(str(gone.get("state")), "left")
            if leader is None:
                emit("leader_lost", node=str(was_leader))
        if leader is not None and (leader != was_leader or status.get("epoch") != before.get("epoch")):
            record: Dict[str, Any] = {"node": str(leader), "epoch": status.get("epoch")}
            if self.lost_leader is not None and self.lost_leader != str(leader):
                record.update(after=self.lost_leader, how=self.lost_how)
            emit("leader_elected", **record)
            self.lost_at = self.lost_leader = self.lost_how = None

        if status.get("last_round") != before.get("last_round") and status.get("last_round") is not None:
            emit("round_stored", node=None if leader is None else str(leader), round=status.get("last_round"),
                 mean=status.get("last_mean"), epoch=status.get("epoch"))
        api, was_api = status.get("api_ok"), before.get("api_ok")
        if api is False and was_api is not False:
            emit("api_down", node=None, since=status.get("api_down_since"))
        elif api is True and was_api is False:
            emit("api_back", node=None)
        delivery, was_delivery = status.get("delivery"), before.get("delivery")
        delivery = delivery if isinstance(delivery, dict) else {}
        was_delivery = was_delivery if isinstance(was_delivery, dict) else {}
        same_leader = delivery.get("leader") == was_delivery.get("leader")
        if delivery.get("ok") is False and not (same_leader and was_delivery.get("ok") is False):
            emit("api_down", node=delivery.get("leader"), url=delivery.get("url"), since=delivery.get("since"),
                 error=delivery.get("error"))
        elif delivery.get("ok") is True and same_leader and was_delivery.get("ok") is False:
            emit("api_back", node=delivery.get("leader"), url=delivery.get("url"))
        old_zk = {s.get("index"): s.get("mode") for s in before.get("zk_servers") or [] if isinstance(s, dict)}
        for server in status.get("zk_servers") or []:
            if not isinstance(server, dict):
                continue
            mode, was_mode = server.get("mode"), old_zk.get(server.get("index"))
            if was_mode is not None and mode != was_mode:
                if mode == "down":
                    emit("zk_server_stopped", index=server.get("index"))
                elif was_mode == "down":
                    emit("zk_server_starting", index=server.get("index"))
        narration = status.get("narration")
        if narration and narration != before.get("narration"):
            shown = Shown.from_json(narration)
            if shown is not None:
                asked = {"question": shown.question} if shown.question else {}
                emit("narration", title=shown.title, body=shown.body, **asked)
        return out
