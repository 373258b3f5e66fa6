"""What the demos say, typed: a step is a title, a body and perhaps a question for the class.

    told("es", "fo_soft_result", new="2", old="1", ms=14, epoch=3)
    # Told(title="El nodo 2 tomó el relevo en 14 ms (época 3)", body="El nodo 1 cerró su sesión: ...", question="")
    say("en", "check_failed", n=2)           # "FAILED — 2 violations"

The words are in the catalogue (cluster_sim/words/demo.py, demo_outages.py,
results.py: keys "demo.<step>.title|body|question" and "demo.<key>"). The
title goes to the event log, the body and the question to the narration
panel; a line break in a body is a paragraph break, nothing else. Values
are put in the language's notation: whole numbers with its thousands
separator (3,096 ms; 3.096 ms), other numbers with its decimal mark (0.5 s;
0,5 s); a string as it is (round numbers are passed as strings: they are
names, not quantities).
"""

from dataclasses import dataclass
from typing import Any

from cluster_sim.words.lang import whole
from cluster_sim.words import has, lookup

__all__ = ["LANGUAGES", "Told", "say", "told"]

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Told:
    """A step of a demo as shown: its title (logged), its explanation, and what to ask the class."""
    title: str
    body: str = ""
    question: str = ""


def _shown(lang: str, values: Any) -> Any:
    return {k: whole(lang, v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()}


def say(lang: str, key: str, **values: Any) -> str:
    """The phrase "demo.<key>" in `lang`, filled with `values`; KeyError for a key the catalogue lacks."""
    if not has(f"demo.{key}"):
        raise KeyError(key)
    return lookup(f"demo.{key}", lang, **_shown(lang, values))


def told(lang: str, step: str, **values: Any) -> Told:
    """The step `step` of a demo in `lang`; KeyError for a step the catalogue lacks."""
    base = f"demo.{step}"
    if not has(f"{base}.title"):
        raise KeyError(step)
    shown = _shown(lang, values)
    part = lambda name: lookup(f"{base}.{name}", lang, **shown) if has(f"{base}.{name}") else ""  # noqa: E731
    return Told(part("title"), part("body"), part("question"))
