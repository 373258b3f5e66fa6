"""The exporter: every event, as it happens, to a file people analyse (JSON lines or CSV).

    exporter = EventExporter("session.jsonl")          # or EventExporter("session.csv", fmt="csv")
    manager.listeners.append(exporter)
    ...
    exporter.close()

One line per event, flushed at once, so the file is complete up to the last
event even if the supervisor is killed. A JSON line is `to_record(event)`
(ts, kind, the event's own fields) plus "text": the sentence a person read in
the event log (null for events that are data only: readings, rounds, role
changes). The CSV export has the same records, one column per field name
over all kinds (COLUMNS; empty where a kind has no such field, lists joined
with spaces). The schema is in docs/design.md ("Event export").
"""

import csv
import dataclasses
import json
import math
from typing import IO, Any, Dict, List, Optional

from cluster_sim.engine.round_count import round_base
from cluster_sim.engine.events import KINDS, ClusterStarted, Event, to_record
from cluster_sim.presentation.listeners import Listener
from cluster_sim.presentation.wording import describe

__all__ = ["EventExporter", "COLUMNS", "FORMATS", "record_of"]

FORMATS = ("jsonl", "csv")


def _columns() -> List[str]:
    names = {f.name for cls in KINDS.values() for f in dataclasses.fields(cls)} - {"ts", "node"}
    return ["ts", "kind", "node"] + sorted(names) + ["text"]


COLUMNS = _columns()


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no word for NaN or infinity
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def record_of(event: Event, lang: str = "en", base: Optional[int] = None) -> Dict[str, Any]:
    """What the exporter writes for `event`: its record (rounds by their own numbers) and the
    sentence people read (or None), rounds counted from `base` there as on the screen."""
    record = {k: _clean(v) for k, v in to_record(event).items()}
    record["text"] = describe(event, lang, base) if event.logged else None
    return record


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


class EventExporter(Listener):
    """Writes each event to `path` as it comes. Opening fails with OSError; a write that
    fails later is kept in `error` and the rest of the session is not written."""

    def __init__(self, path: str, fmt: str = "jsonl", lang: str = "en"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
        self.path = str(path)
        self.fmt = fmt
        self.lang = lang
        self._base: Optional[int] = None
        self.error: Optional[str] = None
        self.written = 0
        self._file: Optional[IO[str]] = open(self.path, "w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)
            self._file.flush()

    def event(self, event: Event) -> None:
        if self._file is None:
            return
        if isinstance(event, ClusterStarted):
            self._base = round_base(event.ts, event.interval)   # the text counts rounds from the cluster's start
        record = record_of(event, self.lang, self._base)
        try:
            if self._csv is not None:
                self._csv.writerow([_cell(record.get(c)) for c in COLUMNS])
            else:
                self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"),
                                            allow_nan=False, default=str) + "\n")
            self._file.flush()
            self.written += 1
        except (OSError, ValueError) as exc:  # disk full, file gone: stop writing, say so at the end
            self.error = f"cannot write {self.path}: {getattr(exc, 'strerror', None) or exc}"
            self.close()

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError as exc:
                self.error = self.error or f"cannot write {self.path}: {exc.strerror or exc}"
            self._file = None
