"""docs/classroom.md quotes what the screens really say.

Every screen line the lesson plan quotes carries the spec it is rendered from
(scripts/classroom_quotes.py); these tests render each one again from the
code and compare, and make sure no screen text is quoted without a spec."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("classroom_quotes", ROOT / "scripts" / "classroom_quotes.py")
quotes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quotes)

DOC = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")


def test_every_quote_is_what_the_code_renders():
    found = list(quotes.QUOTE.finditer(DOC))
    assert len(found) >= 25                       # the lesson quotes the screens a lot
    assert quotes.stale(DOC) == []                # else: python scripts/classroom_quotes.py


def test_a_changed_wording_makes_the_quote_stale():
    altered = DOC.replace("`leader elected: 4 (epoch 2, failover 15 ms after 1 left)`",
                          "`leader elected: 4 (epoch 2, failover 15 ms after node 1 left)`")
    assert altered != DOC
    assert quotes.stale(altered) == [("leader elected: 4 (epoch 2, failover 15 ms after node 1 left)",
                                      "leader elected: 4 (epoch 2, failover 15 ms after 1 left)")]
    assert quotes.refresh(altered) == DOC


def test_the_results_quote_is_the_demo_panel_and_both_kill_times_are_explained():
    block = re.search(r"<!--q results failover-->\n```\n(.*?)\n```", DOC, re.S).group(1)
    assert block.startswith("Results · failover\n") and "2,612 ms: 4 → 5 (epoch 3)" in block
    assert "between 2 and 3.2 s after the crash" in block


def test_what_is_quoted_without_a_spec_is_a_command_a_path_or_an_option():
    rest = re.sub(r"<!--q [^>]*?-->(`[^`]*`|\n```\n.*?\n```)", "", DOC, flags=re.S)
    rest = re.sub(r"```.*?```", "", rest, flags=re.S)
    for span in re.findall(r"`([^`\n]+)`", rest):
        assert (span.startswith(("clustersim", "--", "/", "… --", "bash ", "pip ", "scripts/", "docs/", "python -m "))
                or span in ("up", "check", "status", "clase.html")
                or re.fullmatch(r"(kill|pause|resume|start) ID( --hard)?", span)), span
