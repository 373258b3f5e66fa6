"""Run the measurements on one ZooKeeper, then write JSON, Markdown and a table.

Everything started is stopped, also on failure, Ctrl-C or SIGTERM (and a
reaper process cleans up if this process is SIGKILLed). A measurement that
fails records its error in its row; the others still run.
"""

import json
import os
import shlex
import signal
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence

from cluster_sim.base import procfs
from cluster_sim.bench.config import Config
from cluster_sim.bench.measure import MEASUREMENTS, OPT_IN
from cluster_sim.bench.notes import notes
from cluster_sim.bench.report import markdown, print_table, print_targets
from cluster_sim.bench.rows import step_title, table_rows
from cluster_sim.bench.support import BenchSession

if TYPE_CHECKING:
    from rich.console import Console

TICK_MS = 200


def _version(package: str) -> str:
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:  # noqa: BLE001 - a version we cannot read is shown as '?'
        return "?"


def _short_path(path: str) -> str:
    """``path`` relative to the working directory when it is below it (.venv/bin/python), else its name."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return os.path.basename(path)
    return os.path.basename(path) if rel.startswith("..") else rel


def _command(argv: Sequence[str]) -> str:
    args = list(argv)
    if args:
        head = args[0]
        try:
            rel = os.path.relpath(head)
            if not rel.startswith(".."):
                head = rel if os.sep in rel else os.path.join(".", rel)
        except ValueError:
            pass
        args[0] = head
        if os.path.basename(args[0]) == "__main__.py":
            package = os.path.basename(os.path.dirname(os.path.abspath(argv[0])))
            module = "cluster_sim.bench" if package == "bench" else "cluster_sim"
            args[0:1] = [_short_path(sys.executable), "-m", module]
    return shlex.join(args)


def _console(Console: Any) -> "Console":
    """The terminal's console; on a pipe or a file, one that never wraps a line (a log is read whole)."""
    if sys.stdout.isatty():
        return Console()
    return Console(soft_wrap=True, width=200)


def run(quick: bool = False, json_path: Optional[str] = None, markdown_path: Optional[str] = None,
        only: Optional[Sequence[str]] = None, config: Optional[Config] = None, command: Optional[str] = None,
        console: Optional["Console"] = None, merge_path: Optional[str] = None, lang: str = "en") -> int:
    from rich.console import Console

    console = console or _console(Console)
    cfg = config or (Config.quick() if quick else Config.full())
    names = [name for name, _, _ in MEASUREMENTS]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            console.print(f"clustersim bench: unknown measurement(s) {', '.join(unknown)}; "
                          f"choose from {', '.join(names)}")
            return 2
    earlier = None
    if merge_path:
        # read it before measuring anything: a bad file must not cost a whole run
        try:
            earlier = _load_report(merge_path)
        except (OSError, ValueError, KeyError) as exc:
            console.print(f"clustersim bench: cannot merge into {merge_path}: {exc}", highlight=False)
            return 2
    selected = [m for m in MEASUREMENTS
                if (m[0] in only if only else m[0] not in OPT_IN and m[0] not in cfg.leaves_out())]
    began = time.time()
    began_mono = time.monotonic()

    def log(text: str) -> None:
        console.print(f"{time.monotonic() - began_mono:7.1f}s  {text}", highlight=False, markup=False,
                      soft_wrap=True)

    previous = None
    if threading.current_thread() is threading.main_thread():
        def on_term(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, on_term)
    results = {}
    meta = {
        "command": command or _command(sys.argv),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": procfs.machine(),
        "python": sys.version.split()[0],
        "kazoo": _version("kazoo"),
        "clustersim": _version("clustersim"),
        "tick_ms": TICK_MS,
        "config": cfg.name,
        "loadavg_start": procfs.loadavg(),
        "only": list(only) if only else None,
    }
    session = BenchSession(tick_ms=TICK_MS, log=log)
    try:
        log(f"starting ZooKeeper (tickTime {TICK_MS} ms)")
        session.start()
        meta["zookeeper"] = session.zk_version
        log(f"ZooKeeper {session.zk_version} on {session.address}; logs in {session.tmp}")
        for i, (name, title, fn) in enumerate(selected, 1):
            title = step_title(name, cfg.to_dict(), fallback=title, lang=lang)   # what this config makes it run
            log(f"[{i}/{len(selected)}] {title}")
            t = time.monotonic()
            try:
                result = fn(session, cfg, log)
                if result.get("error"):
                    result["partial"] = True
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                result = {"error": f"{type(exc).__name__}: {exc}",
                          "traceback": traceback.format_exc(limit=6)}
                log(f"{title}: failed: {result['error']}")
            result["duration_s"] = round(time.monotonic() - t, 1)
            results[name] = result
    except KeyboardInterrupt:
        console.print("clustersim bench: interrupted; cleaning up (nothing written)")
        _cleanup(session)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line instead of a traceback; cleanup runs below
        console.print(f"clustersim bench: {type(exc).__name__}: {exc}")
        _cleanup(session)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    _cleanup(session)
    meta["duration_s"] = round(time.time() - began, 1)
    meta["loadavg_end"] = procfs.loadavg()
    meta.setdefault("zookeeper", "")
    report: Dict[str, Any] = {"meta": meta, "config": cfg.to_dict(), "results": results}
    if earlier is not None:
        report = merge(earlier, report)
    report["table"] = rows = table_rows(report["results"], report.get("config"), lang)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(report, f, indent=1, default=str)
            f.write("\n")
    if markdown_path:
        write_markdown(markdown_path, markdown(report["meta"], rows, notes(report["results"]), report.get("reruns", ())))
    print_table(console, meta, rows, lang)
    failed = [name for name, res in results.items() if res.get("error")]
    if json_path:
        console.print(f"JSON: {json_path}", highlight=False)
    if markdown_path:
        console.print(f"Markdown: {markdown_path}", highlight=False)
    if failed:
        console.print(f"failed measurements: {', '.join(failed)}", highlight=False)
    print_targets(console, rows, lang)   # the last line
    return 1 if failed else 0


def _load_report(path: str) -> Dict[str, Any]:
    with open(path) as f:
        report = json.load(f)
    if not isinstance(report, dict) or not isinstance(report.get("results"), dict) or "meta" not in report:
        raise ValueError("not a JSON written by clustersim bench --json")
    return report


def merge(earlier: Dict[str, Any], later: Dict[str, Any]) -> Dict[str, Any]:
    """``earlier`` with ``later``'s measurements in place of its own.

    The earlier run stays the report's main run (``meta``, ``config``); the
    later one is listed in ``reruns`` with its own meta, config and the names
    it measured (``meta["only"]``), so every figure keeps the command, date and
    machine that produced it. An older rerun whose measurements were all
    measured again is dropped.
    """
    names = list(later["results"])
    reruns = []
    for rerun in earlier.get("reruns", []):
        left = [name for name in rerun["meta"].get("only") or [] if name not in names]
        if left:
            reruns.append(dict(rerun, meta=dict(rerun["meta"], only=left)))
    reruns.append({"meta": dict(later["meta"], only=names), "config": later["config"]})
    results = dict(earlier["results"])
    results.update(later["results"])
    return {"meta": earlier["meta"], "config": earlier.get("config"), "results": results, "reruns": reruns}


def render(json_path: str, markdown_path: Optional[str] = None, console: Optional["Console"] = None,
           lang: str = "en") -> int:
    """Rebuild the table (and the Markdown) from a JSON written by an earlier run."""
    from rich.console import Console

    console = console or _console(Console)
    report = _load_report(json_path)
    rows = table_rows(report["results"], report.get("config"), lang)
    if markdown_path:
        write_markdown(markdown_path, markdown(report["meta"], rows, notes(report["results"]), report.get("reruns", ())))
    print_table(console, report["meta"], rows, lang)
    print_targets(console, rows, lang)
    return 0


def _cleanup(session: BenchSession) -> None:
    """Stop everything; a second Ctrl-C must not cut the clean-up short."""
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        session.close()
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, old)


WEB_VIEW_HEADING = "## The web view (from docs/web.md"


def write_markdown(markdown_path: str, generated: str) -> None:
    """Write the run's table and notes, then the web view's section, then the sections written by
    hand that the file already holds (each "## " section after the generated notes: measurements
    made by scripts or by hand, which a rerun of the bench must not drop)."""
    with open(markdown_path, "w" if not _exists(markdown_path) else "r+") as f:
        kept = _hand_sections(f.read() if f.mode == "r+" else "")
        f.seek(0)
        f.write(generated + web_view_section(markdown_path) + kept)
        f.truncate()


def _exists(path: str) -> bool:
    import os

    return os.path.exists(path)


def _hand_sections(text: str) -> str:
    """The "## " sections of an earlier benchmarks page other than its notes and the web view's."""
    import re

    parts = re.split(r"(?m)^(?=## )", text)
    kept = [p for p in parts[1:] if not p.startswith("## Notes") and not p.startswith(WEB_VIEW_HEADING)]
    return ("\n" + "".join(kept).rstrip() + "\n") if kept else ""


def web_view_section(markdown_path: str) -> str:
    """The web view's measured cost (issue 14), measured by scripts/web_measure.py and kept in
    docs/web.md: carried into the benchmarks page so every figure is found in one place."""
    import os

    source = os.path.join(os.path.dirname(os.path.abspath(markdown_path)), "web.md")
    try:
        with open(source) as f:
            text = f.read()
    except OSError:
        return ""
    start = text.find("## Measured")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)].strip()
    return ("\n\n" + WEB_VIEW_HEADING + "; command: `.venv/bin/python scripts/web_measure.py`)\n\n"
            + section.split("\n", 1)[1].strip() + "\n")
