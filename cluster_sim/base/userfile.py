"""Reading a file a user named on the command line, with one-line errors.

Recordings, event exports and saved rounds are all files a user hands back to
clustersim; each can be missing, a directory, unreadable, too large or not
text. One function says so in one line, in the caller's own error class.
And the one way a file for the user is written: whole, or not at all.

    text = read_text(path, "an event file", EventsFileError, max_bytes=1 << 30)
    # EventsFileError("x.jsonl is a directory, not an event file")
    write_atomically("class.html", page)     # OSError if it cannot; never a half-written file
"""

import json
import os
import re
import tempfile
from typing import Any, Optional, Type


def write_atomically(path: str, text: str) -> None:
    """`text` to `path` through a temporary file in the same folder, renamed over it."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".clustersim-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_text(path: str, kind: str, error: Type[Exception], max_bytes: Optional[int] = None,
              missing_hint: str = "") -> str:
    """The file's text (UTF-8). `kind` names what it should be ("a recording");
    `missing_hint` is added to the no-such-file line."""
    try:
        with open(path, "rb") as f:
            raw = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such file{missing_hint}") from None
    except IsADirectoryError:
        raise error(f"{path} is a directory, not {kind}") from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise error(f"{path} is larger than {max_bytes >> 20} MB: not {kind}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path} is not {kind} (not UTF-8 text)") from None


def embedded_json(path: str, block: "re.Pattern[str]", kind: str, error: Type[Exception],
                  max_bytes: int) -> Any:
    """The JSON inside the first match of `block` (an HTML page's data script), for a
    file that should be `kind` ("a clustersim recording"). One-line errors, as above."""
    text = read_text(path, kind, error, max_bytes=max_bytes)
    found = block.search(text)
    if found is None:
        raise error(f"{path} is not {kind} (no recording data in it)")
    try:
        return json.loads(found.group(1))
    except ValueError as exc:
        raise error(f"{path}: the recording is corrupt ({str(exc).splitlines()[0]})") from None
