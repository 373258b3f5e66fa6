"""The page: one self-contained HTML document, for the live view and for recordings alike.

    html = render_page({"title": "clustersim · default", "lang": "es", "mode": "live"})
    html = render_page({"title": "...", "lang": "en", "mode": "replay"}, recording=data)

The template, the CSS and the scripts are files next to this module
(page.html, page.css, and SCRIPTS in order, which share one function
scope), put inline: the page loads nothing from
anywhere (its Content-Security-Policy says so too), so it works in an
offline classroom and as a file opened from disk. Data goes in as JSON
blocks that cannot end their <script> element and hold no literal URL;
the config block carries the catalogue of the page's language (cluster_sim/
words): words.js holds no phrase, it fills these.
"""

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

from cluster_sim.faults.registry import fault_word_keys
from cluster_sim.web.adapt import clean
from cluster_sim.words import catalogue

__all__ = ["render_page", "LANGUAGES"]

LANGUAGES = ("en", "es")
SCRIPTS = ("words.js", "model.js", "picture.js", "big.js", "panels.js", "teacher.js", "scrub.js", "play.js")
_HERE = Path(__file__).resolve().parent
_SCRIPT_HEAD = """/* clustersim web view: one picture for the live stream (/events) and for recordings.
 *
 * Input, live: Server-Sent Events "hello" {title, lang, now}, "event" (a record of the event
 * export schema: ts, kind, fields, text), "snapshot" {ts, state: ClusterState.to_json()},
 * "ready" (the backlog is over: animate from now on).
 * Input, recording: <script id="cs-recording"> {t0, frames: [[ms, patch]], events: [[ms, record]],
 * results, final_text} (cluster_sim/web/recording.py writes it; applyPatch mirrors apply_patch).
 * Everything read from the cluster is tolerated: unknown kinds, fields and fault names are shown
 * plainly. Memory is bounded: the log, the timeline and the animations are capped.
 */
(function () {
"use strict";
"""


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def script() -> str:
    """The page's script: SCRIPTS in order, in one strict-mode function."""
    return _SCRIPT_HEAD + "\n".join(_asset(name) for name in SCRIPTS) + "})();\n"


def json_for_script(data: Any) -> str:
    """JSON that cannot end a <script> block: "<", ">", "&" and "/" escaped (still valid JSON)."""
    text = json.dumps(clean(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_page(config: Dict[str, Any], recording: Optional[Dict[str, Any]] = None) -> str:
    """The page for `config` (title, lang, mode), with the words of its language (the catalogue's, for
    words.js to fill): a recording written with it plays standalone, in its own language. A node's
    faults are worded by the keys the fault registry names ("faults": {"partitioned": key, ...})."""
    lang = str(config.get("lang")) if config.get("lang") in LANGUAGES else "en"
    config = dict(config, lang=lang, words=dict(catalogue(lang)), faults=fault_word_keys())
    block = ""
    if recording is not None:
        block = '<script type="application/json" id="cs-recording">%s</script>' % json_for_script(recording)
    values: Dict[str, str] = {
        "lang": str(lang),
        "title": html.escape(str(config.get("title") or "clustersim")),
        "mode": "replay" if recording is not None else "live",
        "css": _asset("page.css"),
        "config": json_for_script(config),
        "recording": block,
        "js": script(),
    }
    page = _asset("page.html")
    # one pass over the template: a value is never searched for placeholders itself
    out, i = [], 0
    while True:
        j = page.find("{", i)
        if j < 0:
            out.append(page[i:])
            break
        k = page.find("}", j)
        name = page[j + 1:k]
        if k < 0 or name not in values:
            out.append(page[i:j + 1])
            i = j + 1
            continue
        out.append(page[i:j])
        out.append(values[name])
        i = k + 1
    return "".join(out)
