"""Reading an event export back (`up --events FILE`), and `clustersim events FILE` as a table.

    records = read_events("session.jsonl")       # [{"ts": ..., "kind": "leader_elected", ...}, ...]
    for line in table(records, kinds={"leader_elected"}, node="2"):
        print(line)

Both export formats are read (JSON lines, and the CSV with its header); a
file that is neither, or a garbled line, raises EventsFileError with one
line that says where. A last line cut short (the supervisor was killed while
writing it) is skipped: everything before it is complete.
"""

import csv
import io
import json
import time
from typing import Any, Dict, Iterable, List, Optional

from cluster_sim.base.userfile import read_text

__all__ = ["EventsFileError", "read_events", "table"]

MAX_BYTES = 1 << 30


class EventsFileError(Exception):
    """The file is not an event export; the message is one line."""


def _text(path: str) -> str:
    return read_text(path, "an event file", EventsFileError, max_bytes=MAX_BYTES)


def _checked(record: Any, path: str, line: int) -> Dict[str, Any]:
    if not isinstance(record, dict) or not isinstance(record.get("kind"), str):
        raise EventsFileError(f"{path}: line {line} is not an event (no kind)")
    ts = record.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, (int, float)):
        raise EventsFileError(f"{path}: line {line} is not an event (no time)")
    return record


def _json_lines(text: str, path: str) -> List[Dict[str, Any]]:
    lines = text.split("\n")
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if n == len(lines) and not text.endswith("\n"):
                break  # cut short while being written: what came before is whole
            raise EventsFileError(f"{path}: line {n} is not JSON") from None
        records.append(_checked(record, path, n))
    return records


def _number(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(value, value)


def _csv_rows(text: str, path: str) -> List[Dict[str, Any]]:
    records = []
    reader = csv.DictReader(io.StringIO(text))
    for n, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise EventsFileError(f"{path}: line {n} does not have the header's columns")
        record: Dict[str, Any] = {k: (None if v == "" else v) for k, v in row.items()}
        try:
            record["ts"] = float(row["ts"])
        except (TypeError, ValueError):
            raise EventsFileError(f"{path}: line {n} is not an event (no time)") from None
        for key, value in record.items():
            if key not in ("ts", "kind", "node", "text") and isinstance(value, str):
                record[key] = _number(value)
        records.append(_checked(record, path, n))
    return records


def read_events(path: str) -> List[Dict[str, Any]]:
    """Every event in an export, in order, as dicts (CSV cells back to numbers where they are)."""
    text = _text(path)
    head = text.lstrip()[:64]
    if not head:
        return []
    if head.startswith("{"):
        return _json_lines(text, path)
    if head.startswith("ts,kind,"):
        return _csv_rows(text, path)
    raise EventsFileError(f"{path} is not an event file (neither JSON lines nor the CSV export)")


def _clock(ts: float) -> str:
    seconds, ms = divmod(int(round(ts * 1000)), 1000)
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + ".%03d" % ms


def _what(record: Dict[str, Any]) -> str:
    if record.get("text"):
        return " ".join(str(record["text"]).split())
    fields = [f"{k}={v if not isinstance(v, list) else ','.join(map(str, v))}" for k, v in record.items()
              if k not in ("ts", "kind", "node", "text") and v not in (None, "", [], ())]
    return " ".join(fields)


def table(records: Iterable[Dict[str, Any]], kinds: Optional[Iterable[str]] = None,
          node: Optional[str] = None) -> List[str]:
    """The records as aligned lines in time order: time, seconds since the first event, kind, node,
    what happened. An export is in the order the supervisor learnt of each event, and a node's report
    carries when it happened there (a round computed before the snapshot that came first): sorted by
    that time, stably, so events of one instant keep their order."""
    records = sorted(records, key=lambda r: r["ts"])
    start = records[0]["ts"] if records else 0.0
    wanted = set(kinds) if kinds else None
    rows = [(_clock(r["ts"]), "+%.3f" % (r["ts"] - start), r["kind"], "" if r.get("node") is None else str(r["node"]),
             _what(r))
            for r in records
            if (wanted is None or r["kind"] in wanted) and (node is None or str(r.get("node")) == node)]
    header = ("time", "since", "kind", "node", "what")
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(4)]
    lines = []
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]), row[3].ljust(widths[3])]
        lines.append("  ".join(cells + [row[4]]).rstrip())
    return lines
