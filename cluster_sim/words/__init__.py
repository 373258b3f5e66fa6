"""Every phrase clustersim shows, in English and Spanish, and the one function that fills them.

    from cluster_sim.words import label, catalogue

    label("leader")                              # "Leader"
    label("readings", "es", n=1)                 # "1 lectura"
    label("ev.api_stopped", "es")                # "API parada"
    catalogue("es")["page.live"]                 # "en directo": the page gets the whole table

One catalogue, one entry per key with its `en` and `es` side by side, in
modules by topic: screen.py (the live view, `status`, a student's
terminal, control answers), events.py (the event log: keys "ev.<kind>..."),
demo.py and results.py (the demos' narration "demo.<step>.title|body|
question" and their summary "demo.<key>"), page.py (the web page's own
words, "page.<key>"). tests/test_words.py checks that every key has both
languages with the same placeholders.

One placeholder syntax, `{name}`, and one plural syntax, `{name?one|many}`
(the singular when the value of `name` is 1). Filling: a count `n` takes the
language's thousands separator (1,233 / 1.233); other whole numbers are put
as given (ids, pids, rounds, epochs are names, and the event log is copied
into scripts); other numbers take the language's decimal mark (0.5 / 0,5);
None is "?". The page's words.js fills the same syntax the same way.

Standard library only: `clustersim status` imports it and must stay fast.
"""

import re
from typing import Any, Dict, Mapping

from cluster_sim.lang import seconds, whole
from cluster_sim.words import demo, demo_outages, events, events_node, page, results, screen

__all__ = ["ENTRIES", "LANGUAGES", "catalogue", "fill", "label", "lookup", "plural", "word"]

LANGUAGES = ("en", "es")

ENTRIES: Dict[str, Dict[str, str]] = {}
for _module in (screen, events, events_node, demo, demo_outages, results, page):
    for _key, _entry in _module.ENTRIES.items():
        if _key in ENTRIES:
            raise ValueError(f"words: key {_key!r} declared twice")
        ENTRIES[_key] = _entry

PLURAL = re.compile(r"\{(\w+)\?([^|{}]*)\|([^{}]*)\}")
FIELD = re.compile(r"\{(\w+)\}")


def _is_one(value: Any) -> bool:
    return not isinstance(value, bool) and str(value) in ("1", "1.0")


def _shown(lang: str, name: str, value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return whole(lang, value) if name == "n" else str(value)
    if isinstance(value, float):
        return seconds(lang, value)
    return str(value)


def fill(text: str, lang: str = "en", **fields: Any) -> str:
    """`text` with its plurals chosen and its placeholders filled; a placeholder with no value stays."""
    text = PLURAL.sub(lambda m: m.group(2) if _is_one(fields.get(m.group(1))) else m.group(3), text)
    return FIELD.sub(lambda m: _shown(lang, m.group(1), fields[m.group(1)]) if m.group(1) in fields
                     else m.group(0), text)


def lookup(key: str, lang: str = "en", **fields: Any) -> str:
    """The phrase `key` in `lang` (English when that language has none), filled with `fields`."""
    entry = ENTRIES.get(key)
    if entry is None:
        return key
    return fill(entry.get(lang) or entry["en"], lang, **fields)


label = lookup          # the name the screen's helpers have always called


def plural(key: str, n: Any, lang: str = "en", **fields: Any) -> str:
    """`key` for a count n (its entry holds "{n?one|many}")."""
    return lookup(key, lang, n=n, **fields)


def word(kind: str, value: Any, lang: str = "en") -> str:
    """A state's value in words: word("state", "crashed", "es") -> "caído"; unknown values as they are."""
    key = f"{kind}_{value}"
    return lookup(key, lang) if key in ENTRIES else ("" if value is None else str(value))


def catalogue(lang: str, prefix: str = "") -> Mapping[str, str]:
    """Every phrase in `lang` (English where it has none) whose key starts with `prefix`: what the page gets."""
    return {key: entry.get(lang) or entry["en"] for key, entry in ENTRIES.items() if key.startswith(prefix)}
