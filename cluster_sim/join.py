"""Joining a cluster from a command line: its rules first, then the node on them.

    rules = cluster_rules(settings, given={"interval": 2.0}, connect_timeout=10)   # JoinRefused: one line
    Node(rules.apply(settings)).run()
    join_hint()          # what to type when `clustersim node` was given no --zk

A member reads the rules with a short-lived client before its own session
opens, so that session already asks for the cluster's session timeout. On a
bare ZooKeeper (the original's set-up) the first member writes them from its
own options; the ones after adopt them.
"""

import os
import shlex
from typing import Any, Mapping, Optional

from kazoo.exceptions import KazooException, NoAuthError

from cluster_sim.base import zkclient
from cluster_sim.protocol.rules import ClusterRules, RulesError
from cluster_sim.protocol.rules_znode import RulesConflict, establish, read

NO_SECRET = ("ZooKeeper refused this node: the cluster is protected, "
             "pass its secret (--secret or CLUSTERSIM_SECRET)")


class JoinRefused(RuntimeError):
    """This member cannot join on the cluster's rules; the message is one line."""


def cluster_rules(settings: Any, given: Mapping[str, Any], connect_timeout: float) -> ClusterRules:
    """The rules of the cluster at settings.zk (written from `settings` where there are none)."""
    try:
        client = zkclient.connect(settings.zk, session_timeout=10.0, connect_timeout=connect_timeout,
                                  secret=settings.secret or None)
    except NoAuthError:
        raise JoinRefused(NO_SECRET) from None   # its chroot is protected: we could not create it
    try:
        found = read(client)
        if found is not None:
            _check_secret(found, settings.secret)   # before anything is written with a wrong secret
        proposed = ClusterRules.from_settings(settings, api_url=settings.api_url)
        rules = establish(client, proposed, given)
        _check_secret(rules, settings.secret)
        return rules
    except (RulesConflict, RulesError) as exc:
        raise JoinRefused(str(exc)) from None
    except NoAuthError:
        raise JoinRefused(NO_SECRET) from None
    except KazooException as exc:
        raise JoinRefused(f"could not read the cluster's rules at {settings.zk}: {type(exc).__name__}") from None
    finally:
        zkclient.close(client)


def _check_secret(rules: ClusterRules, secret: str) -> None:
    if rules.secret_required and not secret:
        raise JoinRefused("this cluster requires its secret: run the whole line the teacher's "
                          "`clustersim up` printed (it starts with CLUSTERSIM_SECRET=...)")
    if secret and not rules.secret_required:
        # with a secret we would put its ACL on the open cluster's znodes and lock its members out
        raise JoinRefused("this cluster is open (no secret): leave --secret / CLUSTERSIM_SECRET out")


def join_line(zk: str, secret: str = "") -> str:
    """The line a member pastes into bash as it is: everything else comes from the rules."""
    prefix = f"CLUSTERSIM_SECRET={shlex.quote(secret)} " if secret else ""
    return f"{prefix}clustersim node --zk {shlex.quote(zk)}"


def join_hint(name: str = "default") -> str:
    """One line saying what to type, for `clustersim node` without --zk: the line of the cluster
    running on this machine (the one named `name`, or the only one there is), else the teacher's."""
    status = _running(name) or _the_only_one()
    if status:
        line = status.get("join_command")
        if not line and status.get("zk"):
            line = join_line(str(status["zk"]))
            if (status.get("rules") or {}).get("secret_required"):
                # no placeholder in the line itself: bash would read `<...>` as a redirect
                line += "   (with the cluster's secret in CLUSTERSIM_SECRET)"
        if line:
            return f"say which cluster to join: to join the one running here, type: {line}"
    return ("say which cluster to join: paste the line the teacher's `clustersim up --listen` printed "
            "(clustersim node --zk HOST:PORT)")


def _the_only_one() -> Optional[dict]:
    """The status of the one cluster running on this machine under any name, if exactly one is."""
    from cluster_sim import control

    try:
        names = [f[:-len(".sock")] for f in os.listdir(control.runtime_dir(create=False)) if f.endswith(".sock")]
    except OSError:
        return None
    found = [status for status in map(_running, names) if status]
    return found[0] if len(found) == 1 else None


def _running(name: str) -> Optional[dict]:
    from cluster_sim import control

    try:
        status = control.send(name, {"cmd": "status"}, timeout=1.0).get("status")
    except (control.ControlError, OSError, ValueError, AttributeError):
        return None   # none running here (or not answering fast): the teacher's line it is
    return status if isinstance(status, dict) else None
