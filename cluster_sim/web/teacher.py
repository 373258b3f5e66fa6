"""The teacher's page: its key, and which control requests the web view takes from it.

    key = teacher_key("s3cret")                    # HMAC of the cluster secret (a random key when open)
    view = WebView(..., control=run_command, key=key)
    view.teacher_url                               # http://host:port/teacher/<key>/: the page with controls
    refusal = check_control(headers, body, key)    # None, or (HTTP status, why): nothing was done
    request = page_request(json.loads(body))       # {"cmd": "kill", "id": "2", "via": "page"}

The students' address (`/`) is the read-only page; the teacher's carries
the key in its path. A control request is a POST of JSON to control (relative to the page) with
the key in the `X-Clustersim-Key` header (a custom header: a cross-origin
page cannot send it without a CORS preflight, which this server never
grants), its Origin the server's own Host, and a command of the fault
registry; the key is compared in constant time. Nothing is remembered
between requests (no cookie). The request then goes to the supervisor's
one command registry (control/commands.py), which answers in the
cluster's language, exactly as to `clustersim kill`.
"""

import hashlib
import hmac
import json
import secrets
from http import HTTPStatus
from typing import Any, Dict, Optional, Protocol, Tuple
from urllib.parse import urlsplit

__all__ = ["KEY_HEADER", "MAX_BODY", "NEXT_STEP", "teacher_key", "page_commands", "check_control", "page_request"]

KEY_HEADER = "X-Clustersim-Key"
MAX_BODY = 4096


def teacher_key(secret: Optional[str]) -> str:
    """The teacher page's key: derived from the cluster secret (stable across restarts), or random."""
    if not secret:
        return secrets.token_hex(16)
    return hmac.new(secret.encode(), b"clustersim-teacher-page", hashlib.sha256).hexdigest()[:32]


NEXT_STEP = "next-step"    # not a fault: a demo run with --step runs the step it waits for (Demo.press)


def page_commands() -> Dict[str, Tuple[str, ...]]:
    """The commands the page may send (the fault registry's, and NEXT_STEP) -> the argument names each takes."""
    from cluster_sim.faults.registry import actions

    commands = {a.command.name: tuple(arg.name for arg in a.command.args) for a in actions()}
    commands[NEXT_STEP] = ()
    return commands


class Headers(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


def key_matches(expected: str, given: Any) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


def check_control(headers: Headers, length: int, key: Optional[str]) -> Optional[Tuple[int, str]]:
    """Why a POST /control must be refused (status, a short reason in English: for programs), or None."""
    if key is None:
        return HTTPStatus.FORBIDDEN, "this web view takes no control requests (read-only)"
    origin, host = headers.get("Origin"), headers.get("Host")
    if not origin or not host or urlsplit(origin).netloc.lower() != host.lower():
        return HTTPStatus.FORBIDDEN, "cross-origin request refused (Origin must be this server)"
    if not key_matches(key, headers.get(KEY_HEADER)):
        return HTTPStatus.FORBIDDEN, "missing or wrong teacher key"
    if (headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
        return HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "the request must be JSON (Content-Type: application/json)"
    if length <= 0 or length > MAX_BODY:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request must be 1..{MAX_BODY} bytes"
    return None


def page_request(body: bytes) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """The command request for the registry (only its own arguments, marked as from the page), or why not."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "the request is not JSON"
    if not isinstance(data, dict):
        return None, "the request must be a JSON object"
    allowed = page_commands()
    cmd = data.get("cmd")
    if not isinstance(cmd, str) or cmd not in allowed:
        return None, f"unknown command {cmd!r} (one of {', '.join(sorted(allowed))})"
    request: Dict[str, Any] = {"cmd": cmd, "via": "page"}
    for name in allowed[cmd]:
        value = data.get(name)
        if isinstance(value, (str, int, float, bool)):    # typed values only: nothing nested
            request[name] = value
    return request, None
