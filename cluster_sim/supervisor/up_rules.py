"""`up`'s side of the cluster's rules: adopt them from a ZooKeeper that has them, or write ours.

    adopt_rules(options, hosts)                      # `up --zk`: what the user did not type is the cluster's
    rules = establish_rules(options, client, api)    # a fresh cluster: our options become its rules

Both say what is wrong in one line (UpError). The rules themselves are rules.py
and their znode rules_znode.py.
"""

from dataclasses import replace
from typing import Any, Dict

from kazoo.exceptions import KazooException

from cluster_sim.base import zkclient
from cluster_sim.protocol.rules import ClusterRules
from cluster_sim.supervisor.up_options import UpOptions

# the rules a command line may give `up`; 0 for the derived ones means "whatever the cluster says"
_RULED = ("interval", "session_timeout", "history", "outbox_bound", "retry_max", "round_deadline", "recipe")
_DERIVED_AT_0 = ("history", "outbox_bound", "round_deadline")


class UpError(RuntimeError):
    """Start-up failed; the message is one line."""


def typed(o: UpOptions, name: str) -> bool:
    """Did the user type this option? (Options made by a program, `given` None: all of them.)"""
    return o.given is None or name in o.given


def _answers(api_url: str, timeout: float = 3.0) -> bool:
    """Does the API answer its health check? (Any HTTP answer counts: it is there.)"""
    import requests

    try:
        requests.get(api_url.rstrip("/") + "/health", timeout=timeout)
        return True
    except requests.RequestException:
        return False


def adopt_rules(o: UpOptions, hosts: str) -> None:
    """`up --zk` on a cluster that has rules: what the user did not type is the cluster's
    (written into `o`); what they typed must agree with it (else one line, and the way out)."""
    from cluster_sim.protocol.rules import RulesError
    from cluster_sim.protocol.rules_znode import read, refusal

    try:
        reader = zkclient.connect(hosts, connect_timeout=10.0)
    except zkclient.ZkUnreachable as exc:
        from cluster_sim.zk.limit import unreachable_line

        raise UpError(unreachable_line(hosts, str(exc), o.lang)) from None
    try:
        found = read(reader)
    except RulesError as exc:
        raise UpError(str(exc)) from None
    except KazooException as exc:
        raise UpError(f"could not read the cluster's rules at {hosts}: {type(exc).__name__}") from None
    finally:
        zkclient.close(reader)
    if found is None:
        return                # a bare ZooKeeper: our options become its rules
    new_cluster = f"start a new cluster: --zk {hosts.split('/')[0]}/NAME"
    given: Dict[str, Any] = {name: getattr(o.node, name) for name in _RULED
                             if typed(o, name) and not (name in _DERIVED_AT_0 and getattr(o.node, name) == 0)}
    if o.api_url and typed(o, "api_url"):
        given["api_url"] = o.api_url
    found_wrong = found.contradictions(given)
    if found_wrong:
        raise UpError(refusal(found_wrong[0], f"leave it out (the cluster sets it), or {new_cluster}"))
    if found.secret_required and not o.secret:
        raise UpError("this cluster requires its secret: --secret or CLUSTERSIM_SECRET")
    secret = o.secret
    if o.secret and not found.secret_required:
        if typed(o, "secret"):
            raise UpError(f"this cluster is open (no secret): leave --secret out, or {new_cluster}")
        secret = ""         # the one we made for --listen: this cluster was made open
    o.node = replace(found.apply(o.node), secret=secret)   # on the cluster's grid, every rule its
    if not o.api_url:
        if not _answers(found.api_url):
            # most likely the embedded API of an earlier `up` on this ZooKeeper, gone with it:
            # rounds would go nowhere, and the rules name no other API
            raise UpError(f"the cluster's API {found.api_url} does not answer (an earlier `up` that served "
                          f"it has stopped?): start it again, or {new_cluster}")
        o.api_url = found.api_url     # the cluster's API, not one of ours
    if not typed(o, "lang"):
        o.lang = found.lang


def establish_rules(o: UpOptions, client: Any, api_url: str) -> ClusterRules:
    """Write the rules (a fresh cluster) or check ours against them (a race lost to another `up`)."""
    from cluster_sim.protocol.rules import RulesError
    from cluster_sim.protocol.rules_znode import RulesConflict, establish

    proposed = ClusterRules.from_settings(o.node, api_url=api_url, lang=o.lang)
    given = {name: getattr(proposed, name) for name in ClusterRules.NODE_FIELDS}
    try:
        return establish(client, proposed, given)
    except (RulesConflict, RulesError) as exc:
        raise UpError(str(exc)) from None
    except KazooException as exc:
        raise UpError(f"could not write the cluster's rules: {type(exc).__name__}") from None
