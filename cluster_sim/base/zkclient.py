"""Connecting to ZooKeeper the way every clustersim process does.

Short reconnect delays (a restored quorum is noticed within a second), an
explicit session timeout, a chroot created if missing, and one clear line
when the server cannot be reached.

    client = connect("127.0.0.1:2181", session_timeout=4.0, secret="s3cret")
    ...
    close(client)

With a cluster secret, the client authenticates with ZooKeeper's digest
scheme and every znode it creates gets an ACL that lets only members (who
know the secret) create, change or delete, and lets anyone read: a student's
watcher without the secret sees the cluster but cannot touch it.
"""

import logging
from typing import Any, Dict, List, Optional

from kazoo.client import KazooClient
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.retry import KazooRetry
from kazoo.security import make_acl, make_digest_acl

MEMBER = "clustersim"

# kazoo logs every refused connection attempt; we report what matters in one
# line ourselves. (Node processes of `up` log kazoo's warnings to their file.)
logging.getLogger("kazoo").addHandler(logging.NullHandler())
logging.getLogger("kazoo").propagate = False


def cluster_acl(secret: str) -> List[Any]:
    """Members may do anything; everyone else may only read."""
    return [make_digest_acl(MEMBER, secret, all=True), make_acl("world", "anyone", read=True)]


class ZkUnreachable(RuntimeError):
    """The ZooKeeper address did not answer; the message is one line."""


def make_client(hosts: str, session_timeout: float = 10.0, read_only: bool = False,
                secret: Optional[str] = None) -> KazooClient:
    retry: Dict[str, Any] = {"max_tries": -1, "delay": 0.05, "backoff": 1.5, "max_delay": 1.0, "max_jitter": 0.2}
    extra: Dict[str, Any] = {}
    if secret:
        extra = {"auth_data": [("digest", f"{MEMBER}:{secret}")], "default_acl": cluster_acl(secret)}
    return KazooClient(
        hosts=hosts,
        timeout=session_timeout,
        connection_retry=KazooRetry(**retry),
        command_retry=KazooRetry(max_tries=3, delay=0.05, backoff=2, max_delay=0.5),
        read_only=read_only,
        **extra,
    )


def ensure_chroot(hosts: str, connect_timeout: float, secret: Optional[str] = None) -> None:
    """kazoo does not create the chroot of HOST:PORT/chroot; do it once here."""
    servers, slash, chroot = hosts.partition("/")
    if not slash or not chroot:
        return
    client = make_client(servers, secret=secret)
    try:
        client.start(timeout=connect_timeout)
        client.ensure_path("/" + chroot)
    except KazooTimeoutError:
        raise ZkUnreachable(_unreachable(hosts, connect_timeout)) from None
    finally:
        close(client)


def _unreachable(hosts: str, timeout: float) -> str:
    return f"cannot reach ZooKeeper at {hosts} within {timeout:g} s (is it running? try: clustersim zk)"


def connect(hosts: str, session_timeout: float = 10.0, connect_timeout: float = 10.0,
            secret: Optional[str] = None) -> KazooClient:
    ensure_chroot(hosts, connect_timeout, secret)
    client = make_client(hosts, session_timeout, secret=secret)
    try:
        client.start(timeout=connect_timeout)
    except KazooTimeoutError:
        close(client)
        raise ZkUnreachable(_unreachable(hosts, connect_timeout)) from None
    return client


def connected_server(client: KazooClient) -> Optional[str]:
    """The "host:port" of the ZooKeeper server this client talks to now, or None.

    kazoo keeps no public record of it; this is for showing, never for deciding."""
    try:
        host, port = client._connection._socket.getpeername()[:2]
        return f"{host}:{port}"
    except (AttributeError, OSError, TypeError):
        return None  # not connected right now (no socket), or kazoo's internals moved


def close(client: KazooClient) -> None:
    """Close the session (its ephemeral znodes vanish at once) and free threads."""
    try:
        client.stop()
    except Exception:  # noqa: BLE001 - closing must never fail a shutdown; kazoo raises assorted errors here
        pass
    try:
        client.close()
    except Exception:  # noqa: BLE001 - same
        pass
