"""The cells of the benchmark's table: a row, its plain name, and the units a cell is written in
(rows.py builds the rows of each measurement from them, rows_cost.py those of measurement 10).

    row("5d", name("5d"), "0.50 s", target="< 1 s", met=True)   # a TableRow
    ms(1234.5)                                                   # "1.23 s"
"""

from typing import Any, Dict, NamedTuple, Optional

from cluster_sim.words import lookup

# {"id", "measurement" (plain name), "clustersim", "original", "target", "met" (True, False, None: no
# verdict), "note" (the note's number), "detail" (how it was measured, for the notes)}
TableRow = Dict[str, Any]

DASH = "—"


def ms(value: Optional[float]) -> str:
    if value is None:
        return DASH
    if value < 10:
        return f"{value:.1f} ms"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"


class Name(NamedTuple):
    """A row's plain name before it is worded: its words key and fields (table_rows words it)."""
    key: str
    fields: Dict[str, Any]

    def worded(self, lang: str) -> str:
        return lookup(self.key, lang, **self.fields)


def row(id_: str, what: Any, cs: str = DASH, orig: str = DASH, target: str = DASH, met: Optional[bool] = None,
         detail: str = "") -> TableRow:
    """A row (``what``: a Name, or a name already worded); its note is its measurement's section
    number (the digits of its id)."""
    note = "".join(c for c in id_ if c.isdigit()) or id_
    return {"id": id_, "measurement": what, "clustersim": cs, "original": orig, "target": target,
            "met": met, "note": note, "detail": detail}


def name(key: str, **fields: Any) -> Name:
    return Name(f"bench.row.{key}", fields)
