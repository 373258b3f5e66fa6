"""click parameter types for what people type: counts, seconds, ports, node ids, addresses.

    @click.option("-n", "--nodes", type=Count(1, 200), default=5)
    @click.option("--interval", type=Seconds(0.05, 3600), default=5.0)
    @click.option("--listen", type=LISTEN, default="127.0.0.1")

Each type turns the text into a typed value or fails with one sentence that
says what is wrong and what is expected ("-n '2.5' is not a whole number");
`one_line(exc)` makes the line the CLI prints for any click usage error, so
no bad option ever prints a usage block or a traceback. Kept light (click
and the standard library): control commands import it.
"""

import ipaddress
import math
import os
import socket
from typing import Any, Optional

import click

from cluster_sim.base.validate import BadInput, parse_node_id, parse_port, parse_zk_hosts

__all__ = ["Count", "Seconds", "Millis", "Finite", "NodeIdType", "ZkHostsType", "UrlType", "PortType", "ListenType",
           "SecretType", "ClusterName", "NODE_ID", "ZK_HOSTS", "URL", "PORT", "LISTEN", "SECRET", "CLUSTER_NAME",
           "one_line"]


def _hint(param: Optional[click.Parameter], ctx: Optional[click.Context] = None) -> str:
    """How the user typed the parameter: "-n", "--interval", "NODE_ID"."""
    if param is None:
        return "value"
    if isinstance(param, click.Option):
        return param.opts[0] if param.opts else str(param.name)
    return str(param.metavar or param.human_readable_name or param.name or "value").upper()


class Count(click.ParamType):
    """A whole number in [low, high]; `raise_hint` is added to the out-of-range line."""

    name = "integer"

    def __init__(self, low: int, high: int, raise_hint: str = "") -> None:
        self.low, self.high, self.raise_hint = low, high, raise_hint

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "N"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            try:
                number = int(text)
            except ValueError:
                self.fail(f"{_hint(param)} {text!r} is not a whole number (between {self.low} and {self.high})",
                          param, ctx)
        if not self.low <= number <= self.high:
            extra = f"; {self.raise_hint}" if self.raise_hint else ""
            self.fail(f"{_hint(param)} must be between {self.low} and {self.high} (got {number}{extra})",
                      param, ctx)
        return number


class Seconds(click.ParamType):
    """A finite number of seconds in [low, high]; with `zero`, 0 too (it means "none" or "derived")."""

    name = "seconds"

    def __init__(self, low: float, high: float, zero: bool = False) -> None:
        self.low, self.high, self.zero = low, high, zero

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "S"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{_hint(param)} {str(value)!r} is not a number of seconds", param, ctx)
        if self.zero and seconds == 0:
            return 0.0
        if not (math.isfinite(seconds) and self.low <= seconds <= self.high):
            zero = " (or 0)" if self.zero else ""
            self.fail(f"{_hint(param)} must be between {self.low:g} and {self.high:g} seconds{zero} "
                      f"(got {str(value)})", param, ctx)
        return seconds


class Millis(click.ParamType):
    """A finite number of milliseconds in [low, high] (a network delay)."""

    name = "milliseconds"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "MS"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> float:
        try:
            ms = float(value)
        except (TypeError, ValueError):
            self.fail(f"{_hint(param)} {str(value)!r} is not a number of milliseconds", param, ctx)
        if not (math.isfinite(ms) and self.low <= ms <= self.high):
            self.fail(f"{_hint(param)} must be between {self.low:g} and {self.high:g} milliseconds "
                      f"(got {str(value)})", param, ctx)
        return ms


class Finite(click.ParamType):
    """Any finite number (no nan, no inf)."""

    name = "number"

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "X"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            self.fail(f"{_hint(param)} {str(value)!r} is not a finite number", param, ctx)
        return number


class _Checked(click.ParamType):
    """A text checked by one of validate.py's parse_* functions."""

    @staticmethod
    def check(value: Any) -> Any:
        return value

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        try:
            return type(self).check(value)
        except BadInput as exc:
            self.fail(str(exc), param, ctx)


class NodeIdType(_Checked):
    name = "node id"
    check = staticmethod(parse_node_id)

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "ID"


class ClusterName(_Checked):
    name = "cluster name"

    @staticmethod
    def check(value: object) -> str:
        try:
            return parse_node_id(value)
        except BadInput as exc:
            raise BadInput(str(exc).replace("node id", "cluster name")) from None

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "NAME"


class ZkHostsType(_Checked):
    name = "ZooKeeper address"
    check = staticmethod(parse_zk_hosts)

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "HOST:PORT[,...]"


class UrlType(click.ParamType):
    name = "url"

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "URL"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> str:
        text = str(value).strip()
        if not text.startswith(("http://", "https://")) or len(text) <= len("https://"):
            self.fail(f"{_hint(param)} {text!r} must start with http:// or https://", param, ctx)
        return text


class PortType(click.ParamType):
    name = "port"

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "PORT"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> int:
        try:
            return parse_port(value, _hint(param))
        except BadInput as exc:
            self.fail(str(exc), param, ctx)


class ListenType(click.ParamType):
    """An address of this machine to listen on: an IP address or a name that resolves to one here."""

    name = "address"

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "ADDRESS"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> str:
        text = str(value).strip()
        try:
            address = str(ipaddress.ip_address(text.strip("[]")))
        except ValueError:
            try:
                infos = socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError):
                self.fail(f"{_hint(param)} {text!r} is neither an IP address nor a host name this machine "
                          "can resolve (e.g. 127.0.0.1, or 0.0.0.0 for every interface)", param, ctx)
            address = str(infos[0][4][0])
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.bind((address, 0))
        except OSError as exc:
            self.fail(f"{_hint(param)} {text!r}: cannot listen there ({exc.strerror or exc}); "
                      "use an address of this machine, or 0.0.0.0 for every interface", param, ctx)
        return text


class SecretType(click.ParamType):
    name = "secret"

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "SECRET"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> str:
        text = str(value)
        if not text:
            self.fail("--secret is empty: give the cluster's secret, or leave --secret out for an open cluster",
                      param, ctx)
        if len(text) > 256 or any(ord(c) < 33 or ord(c) == 127 for c in text):
            self.fail("--secret must be at most 256 printable characters without spaces", param, ctx)
        return text


NODE_ID = NodeIdType()
CLUSTER_NAME = ClusterName()
ZK_HOSTS = ZkHostsType()
URL = UrlType()
PORT = PortType()
LISTEN = ListenType()
SECRET = SecretType()


def writable_file(path: str) -> Optional[str]:
    """None when a file at `path` can be created or written, else why not (one phrase)."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return f"{path} is a directory"
    if not os.path.isdir(directory):
        return f"{directory} is not a directory"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return f"{path} is not writable"
    if not os.access(directory, os.W_OK):
        return f"{directory} is not writable"
    return None


def one_line(exc: click.ClickException) -> str:
    """The one line the CLI prints for a usage error (no usage block, no "Try --help" lines)."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else ""
    where = path.partition(" ")[2] or path      # "demo", not "clustersim demo": the prefix says clustersim
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        what = _hint(param) if param is not None else "a value"
        choices = getattr(getattr(param, "type", None), "choices", None)
        if choices:
            return (f"{where}: which {what.lower()}? one of {', '.join(map(str, choices))} "
                    f"({path} --help says what each one does)")
        return f"{where}: {what} is missing ({path} --help)"
    if isinstance(exc, click.BadParameter):
        param = exc.param
        kind = getattr(param, "type", None)
        if isinstance(kind, click.Choice):
            return f"{_hint(param)} must be one of {', '.join(map(str, kind.choices))}"
        if type(kind).__module__ == __name__:    # our own types say it all, with the option's name
            return exc.message
        return f"{_hint(param)}: {exc.message}" if param is not None else exc.message
    if isinstance(exc, click.NoSuchOption):
        return f"{where}: no such option {exc.option_name} ({path} --help lists them)"
    text = " ".join(exc.format_message().split())
    return f"{where}: {text}" if where else text
