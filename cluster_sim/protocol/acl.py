"""A secret cluster's znodes carry its ACL, also those made before it had one.

    client = zkclient.connect(hosts, secret="s3cret")
    secure_layout(client)     # or LayoutLocked: one line saying why and how to fix it

ZooKeeper checks create and delete on the parent. A parent made open
(world:anyone, all rights) by an earlier open cluster stays open for a secret
cluster that reuses it: anybody could add a fake ``/mediciones/app66``, a
candidate under ``/election``, or rewrite ``/clustersim/epoch``. With a
secret, every znode of the layout must carry the cluster ACL (members all
rights, anyone read): the chroot if there is one, ``/mediciones``,
``/election``, ``/clustersim`` and everything under them.

ZooKeeper lets us change an ACL that gives anyone (or us) ADMIN, as an open
znode does. A znode we cannot change (another secret's) stops us before we
change anything, so a cluster under another secret is never half taken over.

Children are secured before their parent, and once a parent is closed only
members (who create with the cluster ACL) can add under it: a parent that
carries the ACL vouches for its subtree, so a secure layout costs one read per
root. The root of a ZooKeeper without chroot is not the cluster's and is left
as it is.
"""

from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple

from kazoo.exceptions import NoAuthError, NoNodeError
from kazoo.security import ANYONE_ID_UNSAFE, Permissions

from cluster_sim.protocol import paths

if TYPE_CHECKING:
    from kazoo.client import KazooClient

__all__ = ["LayoutLocked", "secure_layout"]

class LayoutLocked(RuntimeError):
    """A znode of the layout cannot be given the cluster ACL; the message is one line."""


def secure_layout(client: "KazooClient") -> List[str]:
    """Give every znode of the layout the ACL the client creates with (its
    ``default_acl``, set by a secret); returns the paths changed. Without a
    secret there is nothing to do."""
    expected = client.default_acl
    if not expected:
        return []
    want = _keys(expected)
    roots = (["/"] if client.chroot else []) + [paths.READINGS, paths.ELECTION, paths.ROOT]
    plan: List[Tuple[str, Sequence]] = []
    for root in roots:
        planned = {path for path, _ in plan}     # an open chroot's plan holds the roots already
        plan += [step for step in _plan(client, root, want) if step[0] not in planned]
    for path, acl in plan:                       # refuse before changing anything
        if not _can_change(acl, want):
            raise LayoutLocked(_locked(client, path))
    changed: List[str] = []
    _apply(client, plan, expected, want, changed)
    return changed


def _keys(acl: Sequence) -> frozenset:
    return frozenset((a.perms, a.id.scheme, a.id.id) for a in acl)


def _can_change(acl: Sequence, want: frozenset) -> bool:
    """Whether ZooKeeper lets us set this ACL: ADMIN for anyone, or for our digest."""
    ours = {(scheme, ident) for _, scheme, ident in want if scheme == "digest"}
    for a in acl:
        who = (a.id.scheme, a.id.id)
        if a.perms & Permissions.ADMIN and (who == (ANYONE_ID_UNSAFE.scheme, ANYONE_ID_UNSAFE.id) or who in ours):
            return True
    return False


def _child(path: str, name: str) -> str:
    return ("" if path == "/" else path) + "/" + name


def _acl(client: "KazooClient", path: str) -> Optional[Sequence]:
    try:
        acl, _ = client.get_acls(path)
    except NoNodeError:
        return None                              # an ephemeral that just left, or not made yet
    except NoAuthError:
        raise LayoutLocked(_locked(client, path)) from None
    return acl


def _children(client: "KazooClient", path: str) -> List[str]:
    try:
        return client.get_children(path)
    except NoNodeError:
        return []


def _plan(client: "KazooClient", path: str, want: frozenset) -> List[Tuple[str, Sequence]]:
    """(path, its ACL) of every znode of the subtree to change, children first."""
    acl = _acl(client, path)
    if acl is None or _keys(acl) == want:
        return []
    plan: List[Tuple[str, Sequence]] = []
    for name in _children(client, path):
        plan += _plan(client, _child(path, name), want)
    return plan + [(path, acl)]


def _apply(client: "KazooClient", plan: List[Tuple[str, Sequence]], expected: Sequence[Any], want: frozenset,
           changed: List[str]) -> None:
    for path, _ in plan:
        try:
            client.set_acls(path, expected)
        except NoNodeError:
            continue
        except NoAuthError:                      # its ACL changed since we read it
            raise LayoutLocked(_locked(client, path)) from None
        changed.append(path)
        # a child made before the parent closed is still open: look again
        for name in _children(client, path):
            more = _plan(client, _child(path, name), want)
            for child, acl in more:
                if not _can_change(acl, want):
                    raise LayoutLocked(_locked(client, child))
            _apply(client, more, expected, want, changed)


def _locked(client: "KazooClient", path: str) -> str:
    path = (client.chroot + path).rstrip("/") or "/"
    return (f"ZooKeeper node {path} is protected by another secret (or ACL) that this one cannot change: "
            f"start with that cluster's secret, or use a fresh chroot (--zk HOST:PORT/NAME), "
            f"or have the ZooKeeper admin delete {path}")
