"""At shutdown, what the outbox still holds: counted, read and saved to a file.

An embedded ZooKeeper takes its data with it when `up` exits, outbox
included; so whatever the leader could not deliver is read with the
supervisor's own client (after the nodes stopped, before ZooKeeper does) and
written where it survives, for `clustersim deliver FILE` to send later.

    left = outbox_depth(client)                       # raises LeftoverError
    outbox = read_outbox(client)                      # Outbox(cluster, epoch, rounds)
    path, where = save(header, outbox.rounds)         # (None, why) if no directory would take it

What `up` says about it is an event (events.RoundsSaved), worded in wording.py.
"""

import json
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths
from cluster_sim.protocol.saved_rounds import SavedHeader, state_dir, write_rounds

if TYPE_CHECKING:
    from kazoo.client import KazooClient

BATCH = 500  # reads in flight at once: thousands of rounds are read in a second or two


class LeftoverError(Exception):
    """ZooKeeper could not be read; the message is one line."""


@dataclass
class Outbox:
    cluster: str
    epoch: int
    rounds: List[dict] = field(default_factory=list)   # entries as the leader wrote them, in round order


def waiter(client: "KazooClient", timeout: float) -> Callable[[Any], Any]:
    """wait(async result) -> its value; a read that takes longer than `timeout`
    (a server gone, a lost quorum) raises LeftoverError. Per read, not in total:
    a day of rounds takes a few seconds to read, and must not be cut short."""
    if not client.connected:
        raise LeftoverError("the supervisor is not connected to ZooKeeper")

    def wait(result: Any) -> Any:
        try:
            return result.get(timeout=timeout)
        except NoNodeError:
            raise
        except Exception as exc:  # a timeout, a lost connection, a refused read
            raise LeftoverError(f"ZooKeeper did not answer ({type(exc).__name__})") from None
    return wait


def outbox_depth(client: "KazooClient", timeout: float = 2.0) -> int:
    wait = waiter(client, timeout)
    stat = wait(client.exists_async(paths.OUTBOX))
    return stat.numChildren if stat else 0


def read_outbox(client: "KazooClient", timeout: float = 5.0) -> Outbox:
    """Every outbox entry, plus the cluster id and the current epoch to send them with."""
    wait = waiter(client, timeout)
    try:
        cluster = wait(client.get_async(paths.CLUSTER_ID))[0].decode()
        epoch = int(wait(client.get_async(paths.EPOCH))[0] or b"0")
    except NoNodeError:
        raise LeftoverError("the cluster's id or epoch is missing in ZooKeeper") from None
    except (UnicodeDecodeError, ValueError):
        raise LeftoverError("the cluster's id or epoch in ZooKeeper is garbage") from None
    try:
        children = sorted(wait(client.get_children_async(paths.OUTBOX)))
    except NoNodeError:
        children = []
    out = Outbox(cluster=cluster, epoch=epoch)
    for start in range(0, len(children), BATCH):
        pending = [client.get_async(f"{paths.OUTBOX}/{c}") for c in children[start:start + BATCH]]
        for result in pending:
            try:
                data, _ = wait(result)
            except NoNodeError:
                continue  # delivered (or dropped) meanwhile
            entry = _entry(data)
            if entry is not None:  # not an aggregate: no API would take it either
                out.rounds.append(entry)
    out.rounds.sort(key=lambda e: e["round"])
    return out


def _entry(data: bytes) -> Optional[dict]:
    try:
        obj = json.loads(data.decode())
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    if not isinstance(obj, dict):
        return None
    rnd, count = obj.get("round"), obj.get("count")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (rnd, count)):
        return None
    return obj


def save(header: SavedHeader, rounds: List[dict]) -> Tuple[Optional[str], Optional[str]]:
    """Write the rounds to the state directory (the temp dir if that fails).
    Returns (path, None), or (None, why) when no directory would take them."""
    errors = []
    for directory in (state_dir(), tempfile.gettempdir()):
        try:
            return write_rounds(directory, header, rounds), None
        except OSError as exc:
            errors.append(f"{directory}: {exc.strerror or exc}")
    return None, "; ".join(errors)
