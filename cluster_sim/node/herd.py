"""The herd recipe, for teaching: every candidate watches ONE leader znode and, when it goes,
all of them race to create it.

This is the recipe ZooKeeper's own documentation warns against (the *herd effect*): each
failover wakes every candidate at once, and all of them hit the server together (a create
each, then an exists and a new watch for each loser), so a failover costs the server work
that grows with the number of candidates. kazoo's Election (the cluster's default recipe,
`--recipe election`) has each candidate watch only its predecessor: a failover wakes one.
`clustersim up --recipe herd` runs this one so that a class can measure the difference
(engine/events.py FailoverCost); nothing else changes, the fencing included:

- each candidate first creates its own ephemeral sequential znode in /election, named
  ``<uuid>__herd__<seq>`` (kazoo's Election ignores it; the supervisor shows it in the
  queue). It is the term's *own leadership znode*: every write of a leader is a transaction
  that checks the epoch and this znode (node/term.py), and it is unique to the candidate's
  session, so a leader whose session expired can never pass the check, even once another
  candidate holds the leader znode (which, unlike it, has the same path in every term);
- the leader znode, ``/clustersim/herd`` (ephemeral), says who won: {"id", "candidate"}.

Like kazoo's Election it offers run(func) and cancel():

    election = HerdElection(client, "/election", "/clustersim/herd", identifier="3",
                            on_woken=lambda: print("the leader znode went"))
    election.run(lead)          # blocks until this candidate won the race, then calls lead()
    election.node               # our candidate znode's name in /election
    election.cancel()           # from another thread: stop waiting (a shutdown)

`on_woken` is called (on kazoo's thread: it must not block) for each notification ZooKeeper
delivers about the leader znode (the node counts them for the failover's cost).
"""

import json
import threading
import uuid
from typing import TYPE_CHECKING, Any, Callable, Optional

from kazoo.exceptions import ConnectionLoss, KazooException, NodeExistsError, NoNodeError, SessionExpiredError
from kazoo.protocol.states import EventType

if TYPE_CHECKING:
    from kazoo.client import KazooClient

__all__ = ["HerdElection", "HERD_NAME"]

HERD_NAME = "__herd__"   # a herd candidate's znode: <uuid>__herd__<10-digit sequence>


class Cancelled(Exception):
    """cancel() was called while waiting."""


class HerdElection:
    def __init__(self, client: "KazooClient", path: str, leader_path: str, identifier: str,
                 on_woken: Optional[Callable[[], None]] = None) -> None:
        self.client = client
        self.path = path.rstrip("/")
        self.leader_path = leader_path
        self.identifier = identifier
        self.on_woken = on_woken
        self.prefix = uuid.uuid4().hex + HERD_NAME
        self.node: Optional[str] = None          # our candidate znode's name in `path`, once created
        self._wake = threading.Event()
        self._cancelled = threading.Event()

    # -- kazoo Election's interface ---------------------------------------------------
    def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Wait to win the race for the leader znode, call func, then give both znodes back.
        Returns at once (without calling func) once cancelled; KazooException as kazoo's does."""
        self.client.add_listener(self._on_state)
        try:
            if not self._win():
                return
            try:
                func(*args, **kwargs)
            finally:
                self._give_back()
        finally:
            self.client.remove_listener(self._on_state)

    def cancel(self) -> None:
        self._cancelled.set()
        self._wake.set()

    # -- the race ----------------------------------------------------------------------
    def _win(self) -> bool:
        """True once we created the leader znode; False if cancelled first."""
        while not self._cancelled.is_set():
            self._wake.clear()
            try:
                if self._race():
                    return True
            except (ConnectionLoss, SessionExpiredError):
                # disconnected (kazoo's Lock retries too): once connected again, our candidate znode
                # is looked for again (an expired session took it) and the race goes on
                while not self.client.connected and not self._cancelled.is_set():
                    self._cancelled.wait(0.1)
                continue
            self._wake.wait()
        return False

    def _race(self) -> bool:
        """One try: True if we created the leader znode; else a watch is set on it (or it went
        meanwhile, and _wake is set to race again at once)."""
        self.client.ensure_path(self.path)
        self._ensure_candidate()
        data = json.dumps({"id": self.identifier, "candidate": self.node}).encode()
        try:
            self.client.create(self.leader_path, data, ephemeral=True, makepath=True)
            return True
        except NodeExistsError:
            pass
        # lost the race (or someone leads): watch the one leader znode, like every other candidate
        if self.client.exists(self.leader_path, watch=self._on_leader_event) is None:
            self._wake.set()        # gone meanwhile: race again at once
        return False

    def _ensure_candidate(self) -> None:
        """Our candidate znode, created once per session (an expired session took the old one)."""
        if self.node is not None and self.client.exists(f"{self.path}/{self.node}") is not None:
            return
        created = self.client.create(f"{self.path}/{self.prefix}", self.identifier.encode(),
                                     ephemeral=True, sequence=True)
        self.node = created[len(self.path) + 1:]

    def _give_back(self) -> None:
        """The term is over: delete the leader znode if it is still ours, and our candidate znode
        (the node rejoins with a fresh one, as after kazoo's Election)."""
        session = self.client.client_id[0] if self.client.client_id else None
        try:
            stat = self.client.exists(self.leader_path)
            if stat is not None and session is not None and stat.ephemeralOwner == session:
                self.client.delete(self.leader_path, version=stat.version)
            if self.node is not None:
                self.client.delete(f"{self.path}/{self.node}")
        except (NoNodeError, KazooException):
            pass   # gone with the session, or disconnected: the session's end removes both
        self.node = None

    # -- kazoo's threads: never block -----------------------------------------------
    def _on_leader_event(self, event: Any) -> None:
        # DELETED: the leader went (CHANGED: its data changed, which a leader never does). Not
        # CREATED: an exists watch set while the znode was gone fires on our own create
        if event.type in (EventType.DELETED, EventType.CHANGED) and self.on_woken is not None:
            try:
                self.on_woken()
            except Exception:  # noqa: BLE001 - counting must never stop the race
                pass
        self._wake.set()

    def _on_state(self, state: Any) -> bool:
        self._wake.set()      # a disconnect or a new session: look again (our candidate znode may be gone)
        return False
