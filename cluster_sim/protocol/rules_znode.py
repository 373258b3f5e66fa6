"""The cluster's rules in ZooKeeper: written once, adopted by every member.

    rules = establish(client, proposed, given={"interval": 5.0})   # RulesConflict: one line
    rules = read(client)                                           # None on a bare ZooKeeper
    check_grid(rules, settings)                                    # RulesConflict if a member drifts

`establish` creates `paths.RULES` when it is absent (an atomic create: of two
members racing, the loser adopts the winner's rules) and reads it otherwise.
The znode is created with the client's default ACL, like every clustersim
znode (with a secret: members write, anyone reads). The options a member gave
explicitly (`given`) must agree with the cluster; the rest it takes from it.
"""

from typing import Any, Iterable, Mapping, Optional

from kazoo.exceptions import NoNodeError, NodeExistsError

from cluster_sim.protocol import paths
from cluster_sim.protocol.rules import ClusterRules, Contradiction

__all__ = ["RulesConflict", "establish", "read", "check_grid", "refusal", "FLAGS"]

# the option that sets each rule, as a user types it
FLAGS = {"interval": "--interval", "session_timeout": "--session-timeout", "round_deadline": "--round-deadline",
         "history": "--history", "outbox_bound": "--outbox-max", "retry_max": "--retry-max",
         "api_url": "--api-url", "recipe": "--recipe"}
_NAMES = {"session_timeout": "session timeout", "round_deadline": "round deadline", "outbox_bound": "outbox bound",
          "retry_max": "retry cap", "api_url": "API"}
_SECONDS = {"interval", "session_timeout", "round_deadline", "retry_max", "round_lag"}


class RulesConflict(ValueError):
    """A member's settings disagree with the cluster's rules; the message is one line."""


def read(client: Any) -> Optional[ClusterRules]:
    """The cluster's rules, or None where nobody wrote them yet (RulesError on bad bytes)."""
    try:
        data, _ = client.get(paths.RULES)
    except NoNodeError:
        return None
    return ClusterRules.from_bytes(data)


def establish(client: Any, proposed: ClusterRules, given: Mapping[str, Any], way_out: str = "") -> ClusterRules:
    """The cluster's rules: `proposed` if we are the first, else the ones found.
    RulesConflict (one line) when an explicit option in `given` contradicts them."""
    rules = read(client)
    if rules is None:
        try:
            client.create(paths.RULES, proposed.to_bytes(), makepath=True)
            return proposed
        except NodeExistsError:
            rules = read(client)   # another member won the race: its rules are the cluster's
            if rules is None:      # created and deleted meanwhile: not a state a cluster gets into
                raise RulesConflict("the cluster's rules vanished while we read them; try again") from None
    found = rules.contradictions(given)
    if found:
        raise RulesConflict(refusal(found[0], way_out))
    return rules


def refusal(c: Contradiction, way_out: str = "") -> str:
    """`--interval 5 contradicts the cluster's interval 2 s; leave it out: the cluster sets it`."""
    flag = FLAGS.get(c.field, "--" + c.field.replace("_", "-"))
    name = _NAMES.get(c.field, c.field.replace("_", " "))
    unit = " s" if c.field in _SECONDS else ""
    return (f"{flag} {_shown(c.given)} contradicts the cluster's {name} {_shown(c.cluster)}{unit}; "
            + (way_out or "leave it out: the cluster sets it"))


def check_grid(rules: ClusterRules, settings: Any, fields: Iterable[str] = ()) -> None:
    """Defence in depth: a member's round grid (interval, lag), session timeout and round
    deadline are the cluster's, or RulesConflict. NodeSettings' derived values are compared."""
    mine = {"interval": settings.interval, "session_timeout": settings.session_timeout,
            "round_deadline": settings.wait_limit, "round_lag": settings.round_lag}
    wanted = {name: mine[name] for name in (fields or mine)}
    recipe = getattr(settings, "recipe", rules.recipe)
    if not fields and recipe != rules.recipe:
        raise RulesConflict(f"this node's recipe {recipe} is not the cluster's {rules.recipe}: it would wait "
                            f"for the leadership another way; refused")
    for name, value in wanted.items():
        ours = getattr(rules, name)
        if abs(float(value) - float(ours)) > 1e-9:
            raise RulesConflict(f"this node's {name.replace('_', ' ')} {_shown(value)} s is not the cluster's "
                                f"{_shown(ours)} s: it would compute rounds on another grid; refused")


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
