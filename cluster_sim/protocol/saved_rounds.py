"""Rounds saved at shutdown, for `clustersim deliver`: one JSON-lines file.

The first line is a header (the cluster, the epoch and the API the rounds were
meant for); then one line per round, the outbox entry as the leader wrote it
(an Aggregate's JSON). Written atomically (a temporary file, then a link to a
name nobody else has), in a directory that survives the exit. Standard
library only.

    header = SavedHeader(name="default", cluster="ab12cd", epoch=3, leader="2",
                         api_url="http://127.0.0.1:8080", zk="127.0.0.1:2181", zk_embedded=True)
    path = write_rounds(state_dir(), header, [{"round": 7, "mean": 80.1, "count": 3, ...}])
    header, rounds = read_rounds(path)      # SavedRoundsError: one line, never a traceback
"""

import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Tuple

from cluster_sim.base.userfile import read_text

KIND = "clustersim-undelivered-rounds"
VERSION = 1
MAX_LINE = 1024 * 1024  # a round is a few hundred bytes: anything this long is not ours


class SavedRoundsError(Exception):
    """The file cannot be read as saved rounds; the message is one line."""


@dataclass
class SavedHeader:
    name: str                       # the cluster's name (`up --name`)
    cluster: str                    # its id, /clustersim/cluster: the API keys rounds by it
    epoch: int                      # /clustersim/epoch when saved: the fencing token to send with
    leader: str = ""                # the last leader's id, sent as `leader`
    api_url: Optional[str] = None   # where the rounds were meant to go
    zk: str = ""
    zk_embedded: bool = True        # False: the rounds also stay in that ZooKeeper's outbox
    secret: bool = False            # the cluster had a secret: the API wants its token
    saved_at: float = 0.0
    rounds: int = 0


def state_dir() -> str:
    """$CLUSTERSIM_STATE_DIR, else $XDG_STATE_HOME/clustersim, else ~/.local/state/clustersim."""
    explicit = os.environ.get("CLUSTERSIM_STATE_DIR")
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_STATE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec says to ignore a relative one
        return os.path.join(xdg, "clustersim")
    return os.path.join(os.path.expanduser("~"), ".local", "state", "clustersim")


def write_rounds(directory: str, header: SavedHeader, rounds: List[dict], now: Optional[float] = None) -> str:
    """Write the file under `directory` (created 0700 if missing); returns its path.

    Raises OSError when the directory cannot be made or written."""
    now = time.time() if now is None else now
    header.saved_at = now
    header.rounds = len(rounds)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    lines = [json.dumps(dict(kind=KIND, version=VERSION, **asdict(header)), separators=(",", ":"))]
    lines += [json.dumps(r, separators=(",", ":")) for r in sorted(rounds, key=lambda r: r["round"])]
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".undelivered-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        base = f"undelivered-{_safe(header.name)}-{stamp}"
        for n in range(1, 1000):
            path = os.path.join(directory, base + (f"-{n}" if n > 1 else "") + ".jsonl")
            try:
                os.link(tmp, path)  # unlike rename, never replaces a file saved before
                return path
            except FileExistsError:
                continue
        raise FileExistsError(f"{directory} already holds 999 files named {base}-*")
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "cluster"


def read_rounds(path: str) -> Tuple[SavedHeader, List[dict]]:
    """The header and the rounds (each a dict with at least an integer `round`),
    in round order, once each. Raises SavedRoundsError with one line."""
    done = path + ".delivered"
    hint = f" (already delivered: {done})" if os.path.exists(done) else ""
    text = read_text(path, "a file of saved rounds", SavedRoundsError, missing_hint=hint)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise SavedRoundsError(f"{path} is empty: not a file of saved rounds")
    header = _header(path, lines[0])
    rounds: Dict[int, dict] = {}
    for number, line in enumerate(lines[1:], start=2):
        entry = _round(path, number, line)
        rounds.setdefault(entry["round"], entry)
    return header, [rounds[r] for r in sorted(rounds)]


def _json_object(line: str) -> Optional[Dict[str, Any]]:
    if len(line) > MAX_LINE:
        return None
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _header(path: str, line: str) -> SavedHeader:
    obj = _json_object(line)
    if obj is None or obj.get("kind") != KIND:
        raise SavedRoundsError(f"{path} is not a file of saved rounds (line 1 is not its header)")
    if obj.get("version") != VERSION:
        raise SavedRoundsError(f"{path}: version {obj.get('version')!r} of the format is not known here "
                               f"(this clustersim reads version {VERSION})")
    epoch, cluster = obj.get("epoch"), obj.get("cluster")
    if not _natural(epoch) or not isinstance(cluster, str) or not cluster:
        raise SavedRoundsError(f"{path}: the header has no valid cluster id and epoch")
    api_url = obj.get("api_url")
    fields = {k: obj[k] for k in SavedHeader.__dataclass_fields__ if k in obj}
    fields["api_url"] = api_url if isinstance(api_url, str) and api_url else None
    fields["leader"] = str(obj.get("leader") or "")
    fields["name"] = str(obj.get("name") or "")
    return SavedHeader(**fields)


def _round(path: str, number: int, line: str) -> dict:
    obj = _json_object(line)
    if obj is None or not _natural(obj.get("round")) or not _natural(obj.get("count")):
        raise SavedRoundsError(f"{path} line {number}: not a saved round")
    if obj["count"] and not all(isinstance(obj.get(k), (int, float)) and not isinstance(obj.get(k), bool)
                                for k in ("mean", "min", "max")):
        raise SavedRoundsError(f"{path} line {number}: round {obj['round']} has readings but no mean")
    return obj


def _natural(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
