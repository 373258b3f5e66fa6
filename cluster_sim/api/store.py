"""Durable storage behind the API: every delivered mean, plus one fence per cluster.

    store = Store("clustersim-api.db")      # Store(":memory:") for tests
    status, body = store.record(21.5, {"cluster": "c1", "epoch": 3, "round": 7})
    # -> (200, {"id": 1, "duplicate": False, "row": {"id": 1, "dato": 21.5, ...}})
    store.rows(after_id=0)                  # [{"id": 1, "dato": 21.5, "at": ..., ...}]
    store.stats()                           # {"rows": 1, "last": {...}, "fences": {"c1": 3}}
    store.close()

Fencing: the highest epoch accepted from each cluster is remembered, and a
delivery with a lower epoch comes from a deposed leader, so it is refused
(409). Idempotence: a (cluster, round) is stored once; sending it again answers
with the row already stored. Rows without round or epoch (what the original
leader sends) are always stored.

One connection serves every thread, guarded by a lock: the API's load is one
row per round, and a single writer keeps check-then-insert atomic. Row count
and last row are cached, assuming this Store is the only writer of its file.
"""

import json
import math
import sqlite3
import threading
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

# fields with a column of their own; any other field goes to `extra` as JSON
COLUMNS = ("cluster", "epoch", "round", "leader", "count", "min", "max")
# names a row dict uses for itself: an extra field may not shadow them
RESERVED = ("id", "dato", "at") + COLUMNS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dato REAL,                      -- NULL only for an empty round (count = 0)
    at TEXT NOT NULL,
    cluster TEXT,
    epoch INTEGER,
    round INTEGER,
    leader TEXT,
    count INTEGER,
    min REAL,
    max REAL,
    extra TEXT
);
-- ifnull(): in a UNIQUE index NULLs never collide, but rounds from a leader
-- that sends no cluster id must still be stored once.
CREATE UNIQUE INDEX IF NOT EXISTS rows_cluster_round
    ON rows (ifnull(cluster, ''), round) WHERE round IS NOT NULL;
CREATE TABLE IF NOT EXISTS fences (
    cluster TEXT PRIMARY KEY,
    epoch INTEGER
);
"""


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE below)
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=10
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        count, rounds = self._db.execute("SELECT COUNT(*), COUNT(round) FROM rows").fetchone()
        last = self._db.execute("SELECT * FROM rows ORDER BY id DESC LIMIT 1").fetchone()
        # one tuple, replaced whole, so health() can read it without the lock
        self._summary = (count, _row_dict(last) if last else None, rounds)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, dato: Optional[float], fields: Optional[Dict[str, Any]] = None) -> Tuple[int, dict]:
        """Store one delivery; returns (HTTP status, JSON body). One transaction."""
        columns, extra = _split(fields or {})
        if dato is None:
            # an empty round: nobody had a reading; stored so silence differs from loss
            if columns.get("count") != 0:
                raise ValueError("dato is missing and count is not 0")
        else:
            dato = _finite("dato", dato)
        with self._lock:
            # IMMEDIATE: take the write lock before reading the fence, so a
            # second process on the same file cannot slip in between
            self._db.execute("BEGIN IMMEDIATE")
            try:
                status, body, inserted = self._record(dato, columns, extra)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # sqlite may have rolled back already
                    self._db.execute("ROLLBACK")
                raise
            if inserted is not None:
                count, _, rounds = self._summary
                self._summary = (count + 1, inserted, rounds + (inserted.get("round") is not None))
        return status, body

    def _record(self, dato: Optional[float], columns: Dict[str, Any],
                extra: Dict[str, Any]) -> Tuple[int, Dict[str, Any], Optional[Dict[str, Any]]]:
        key = columns["cluster"] or ""
        epoch, round_no = columns["epoch"], columns["round"]
        if epoch is not None:
            highest = self._fence(key)
            if highest is not None and epoch < highest:
                error = f"fenced: epoch {epoch} < {highest}"
                return 409, {"error": error, "epoch": epoch, "highest_epoch": highest}, None
            if highest is None or epoch > highest:
                self._db.execute(
                    "INSERT OR REPLACE INTO fences (cluster, epoch) VALUES (?, ?)", (key, epoch)
                )
        if round_no is not None:
            found = self._db.execute(
                "SELECT * FROM rows WHERE ifnull(cluster, '') = ? AND round = ?", (key, round_no)
            ).fetchone()
            if found is not None:
                return 200, {"id": found["id"], "duplicate": True, "row": _row_dict(found)}, None
        cursor = self._db.execute(
            "INSERT INTO rows (dato, at, extra, " + ", ".join(COLUMNS) + ")"
            " VALUES (?, ?, ?" + ", ?" * len(COLUMNS) + ")",
            (dato, _now(), json.dumps(extra) if extra else None)
            + tuple(columns[c] for c in COLUMNS),
        )
        row = _row_dict(
            self._db.execute("SELECT * FROM rows WHERE id = ?", (cursor.lastrowid,)).fetchone()
        )
        return 200, {"id": row["id"], "duplicate": False, "row": row}, row

    def _fence(self, key: str) -> Optional[int]:
        found = self._db.execute("SELECT epoch FROM fences WHERE cluster = ?", (key,)).fetchone()
        return None if found is None else found[0]

    def rows(self, after_id: int = 0, limit: Optional[int] = None) -> List[dict]:
        """Stored rows with id > after_id, in id order."""
        with self._lock:
            found = self._db.execute(
                "SELECT * FROM rows WHERE id > ? ORDER BY id LIMIT ?",
                (after_id, -1 if limit is None else limit),  # -1: no limit
            ).fetchall()
        return [_row_dict(r) for r in found]

    def health(self) -> dict:
        """{"rows": N, "rounds": rows with a round, "last": row or None} from the cache: no query, no lock."""
        count, last, rounds = self._summary
        return {"rows": count, "rounds": rounds, "last": dict(last) if last else None}

    def stats(self) -> dict:
        with self._lock:
            fences = self._db.execute("SELECT cluster, epoch FROM fences ORDER BY cluster").fetchall()
        return dict(self.health(), fences={c: e for c, e in fences})


def _now() -> str:
    """ISO-8601 UTC with milliseconds; '+00:00' parses with fromisoformat on 3.9."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value}")
    return value


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    return value


def _split(fields: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Typed column values (None when absent) and the remaining extra fields."""
    columns = {c: fields.get(c) for c in COLUMNS}
    for name in ("epoch", "round", "count"):
        if columns[name] is not None:
            columns[name] = _integer(name, columns[name])
    for name in ("min", "max"):
        if columns[name] is not None:
            columns[name] = _finite(name, columns[name])
    for name in ("cluster", "leader"):
        # "" means "not given": an empty cluster id shares the no-cluster key
        columns[name] = str(columns[name]) if columns[name] not in (None, "") else None
    extra = {k: v for k, v in fields.items() if k not in COLUMNS and v is not None}
    clash = sorted(k for k in extra if k in RESERVED)
    if clash:
        raise ValueError(f"field {clash[0]!r} is reserved")
    return columns, extra


def _row_dict(row: sqlite3.Row) -> dict:
    out = {"id": row["id"], "dato": row["dato"], "at": row["at"]}
    for name in COLUMNS:
        if row[name] is not None:
            out[name] = row[name]
    if row["extra"]:
        for key, value in json.loads(row["extra"]).items():
            out.setdefault(key, value)  # never let an extra field shadow a column
    return out
