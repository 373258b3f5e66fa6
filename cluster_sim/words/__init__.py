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

Standard library only, and each topic loaded when a key of it is first
looked up: `clustersim status` imports this and must stay fast (it needs the
screen's words, not the demos').
"""

import importlib
import re
from typing import Any, Dict, Mapping, Optional

from cluster_sim.words.lang import seconds, whole

__all__ = ["LANGUAGES", "add", "catalogue", "entries", "entry", "fill", "has", "label", "lookup", "plural", "word"]

LANGUAGES = ("en", "es")

Entry = Dict[str, str]

# which modules hold the keys that start with which prefix (the screen's keys have none)
GROUPS = (("ev.", ("events", "events_node", "events_faults", "events_herd")),
          ("demo.", ("demo", "demo_outages", "results", "demo_herd")), ("page.", ("page", "page_big")), ("big.", ("big",)),
          ("bench.", ("bench",)), ("", ("screen", "connections", "herd")))
_LOADED: Dict[str, Dict[str, Entry]] = {}


def _group(key: str) -> Dict[str, Entry]:
    for prefix, modules in GROUPS:
        if key.startswith(prefix):
            table = _LOADED.get(prefix)
            if table is None:
                table = {}
                for name in modules:
                    for k, e in importlib.import_module(f"cluster_sim.words.{name}").ENTRIES.items():
                        if k in table or not k.startswith(prefix) or (not prefix and _prefixed(k)):
                            raise ValueError(f"words: key {k!r} declared twice, or in the wrong module ({name})")
                        table[k] = e
                _LOADED[prefix] = table
            return table
    raise AssertionError("the last group takes every key")


def _prefixed(key: str) -> bool:
    return any(prefix and key.startswith(prefix) for prefix, _ in GROUPS)


_ADDED: Dict[str, Entry] = {}     # entries brought by code that declares its own words (a fault kind's)


def add(new: Mapping[str, Mapping[str, str]]) -> None:
    """Put entries into the catalogue (a fault kind's words, declared in its registry entry):
    looked up, filled and given to the page like every other. ValueError for a key the
    catalogue already has with other words, or an entry without both languages."""
    for key, e in new.items():
        if set(e) != set(LANGUAGES) or not all(e.values()):
            raise ValueError(f"words: {key!r} needs both languages ({', '.join(LANGUAGES)})")
        known = entry(key)
        if known is not None and dict(known) != dict(e):
            raise ValueError(f"words: key {key!r} declared twice")
        _ADDED[key] = dict(e)


def entry(key: str) -> Optional[Entry]:
    """The entry `key` ({"en": ..., "es": ...}), or None."""
    return _group(key).get(key) or _ADDED.get(key)


def has(key: str) -> bool:
    return entry(key) is not None


def entries() -> Dict[str, Entry]:
    """The whole catalogue, every topic loaded."""
    out: Dict[str, Entry] = {}
    for prefix, _ in GROUPS:
        out.update(_group(prefix))
    out.update(_ADDED)
    return out

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
    found = entry(key)
    if found is None:
        return key
    return fill(found.get(lang) or found["en"], lang, **fields)


label = lookup          # the name the screen's helpers have always called


def plural(key: str, n: Any, lang: str = "en", **fields: Any) -> str:
    """`key` for a count n (its entry holds "{n?one|many}")."""
    return lookup(key, lang, n=n, **fields)


def word(kind: str, value: Any, lang: str = "en") -> str:
    """A state's value in words: word("state", "crashed", "es") -> "caído"; unknown values as they are."""
    key = f"{kind}_{value}"
    return lookup(key, lang) if has(key) else ("" if value is None else str(value))


def catalogue(lang: str, prefix: str = "") -> Mapping[str, str]:
    """Every phrase in `lang` (English where it has none) whose key starts with `prefix`: what the page gets."""
    return {key: e.get(lang) or e["en"] for key, e in entries().items() if key.startswith(prefix)}
