"""A leadership term: the epoch (fencing token) and whether it may still act.

A term belongs to one ZooKeeper session. It may act only while the client is
CONNECTED in that same session and nobody ended it. SUSPENDED pauses it (the
session may still be alive: ZooKeeper decides); LOST or a new session ends it
for good, as does a fencing answer from ZooKeeper or the API. Every write the
leader makes to ZooKeeper is a transaction that re-checks the epoch's version
and the term's election znode, so a deposed leader cannot write either.

    epoch, version = claim_epoch(client)
    term = Term(client, election_node="/election/..lock-0000000007",
                epoch=epoch, epoch_version=version)
    txn = term.transaction(); txn.create(...); results = term.commit(txn)
    if term.acting(): ...          # connected, same session, not ended
"""

import threading
from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from kazoo.exceptions import BadVersionError, NoNodeError

from cluster_sim.protocol import paths
from cluster_sim.protocol.acl import secure_layout

if TYPE_CHECKING:
    from kazoo.client import KazooClient


class StepDown(Exception):
    """The term is over; the message says why."""


class Fenced(StepDown):
    pass


def ensure_layout(client: "KazooClient") -> None:
    """Create the znodes every node relies on. With a secret, first give the
    existing ones the cluster ACL (acl.LayoutLocked, one line, if one cannot)."""
    secure_layout(client)
    for path in (paths.READINGS, paths.ELECTION, paths.OUTBOX, paths.HISTORY):
        client.ensure_path(path)
    for path, initial in ((paths.EPOCH, b"0"), (paths.LAST_ROUND, b"")):
        if client.exists(path) is None:
            try:
                client.create(path, initial, makepath=True)
            except Exception:  # created meanwhile by another node
                pass


def cluster_id(client: "KazooClient") -> str:
    """This cluster's id, created once: keeps clusters apart in a shared API."""
    import os

    from kazoo.exceptions import NodeExistsError

    try:
        client.create(paths.CLUSTER_ID, os.urandom(6).hex().encode(), makepath=True)
    except NodeExistsError:
        pass
    data, _ = client.get(paths.CLUSTER_ID)
    return data.decode()


def claim_epoch(client: "KazooClient") -> Tuple[int, int]:
    """Bump /clustersim/epoch with a versioned set: a strictly larger epoch,
    over the cluster's whole history, for every new leadership."""
    while True:
        data, stat = client.get(paths.EPOCH)
        try:
            epoch = int(data or b"0") + 1
        except ValueError:
            epoch = stat.version + 1
        try:
            new_stat = client.set(paths.EPOCH, str(epoch).encode(), version=stat.version)
            return epoch, new_stat.version
        except BadVersionError:
            continue


class Term:
    def __init__(self, client: "KazooClient", election_node: str, epoch: int, epoch_version: int,
                 unsafe: bool = False) -> None:
        self.client = client
        self.unsafe = unsafe  # the original design: nothing but a stop ends the term
        self.election_node = election_node
        self.epoch = epoch
        self.epoch_version = epoch_version
        client_id = client.client_id
        self.session_id: Optional[int] = client_id[0] if client_id else None
        self.ended = threading.Event()
        self.reason = ""

    def same_session(self) -> bool:
        client_id = self.client.client_id
        return client_id is not None and client_id[0] == self.session_id

    def over(self) -> bool:
        """Ended for good: stepped down, fenced, or the session changed."""
        if self.ended.is_set():
            return True
        if self.unsafe:
            return False
        if self.client.client_id is not None and not self.same_session():
            self.end("session expired: a new session started")
            return True
        return False

    def acting(self) -> bool:
        """May act right now (a SUSPENDED connection pauses the term)."""
        return not self.over() and self.client.connected and self.same_session()

    def end(self, reason: str) -> None:
        if not self.ended.is_set():
            self.reason = reason
            self.ended.set()

    def transaction(self) -> Any:
        txn = self.client.transaction()
        txn.check(paths.EPOCH, self.epoch_version)
        txn.check(self.election_node, 0)
        return txn

    def commit(self, txn: Any) -> List[Any]:
        """Commit a fenced transaction; ends the term and raises Fenced if the
        epoch moved on or our election znode is gone."""
        results = txn.commit()
        if results and isinstance(results[0], BadVersionError):
            self.end("fenced in ZooKeeper: a newer epoch exists")
            raise Fenced(self.reason)
        if len(results) > 1 and isinstance(results[1], (NoNodeError, BadVersionError)):
            self.end("our election znode is gone")
            raise Fenced(self.reason)
        return results
