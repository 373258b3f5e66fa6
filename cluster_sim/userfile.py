"""Reading a file a user named on the command line, with one-line errors.

Recordings, event exports and saved rounds are all files a user hands back to
clustersim; each can be missing, a directory, unreadable, too large or not
text. One function says so in one line, in the caller's own error class.

    text = read_text(path, "an event file", EventsFileError, max_bytes=1 << 30)
    # EventsFileError("x.jsonl is a directory, not an event file")
"""

from typing import Optional, Type


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
