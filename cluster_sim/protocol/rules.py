"""The cluster's rules: the settings every member must share, owned by the cluster.

A round grid, a session timeout or an API address that lives in each member's
command line lets one careless member (a student typing a shorter line) lead
on another grid or into another API, and stall everyone. So the rules live in
ZooKeeper, in one znode (`paths.RULES`, ACL'd like every clustersim znode),
written once by whoever creates the cluster (`up`, or the first `node` on a
bare ZooKeeper), and every clustersim member takes them from there:

    rules = ClusterRules.from_settings(settings, api_url="http://10.0.0.5:8080", lang="es")
    data = rules.to_bytes()                       # what the znode holds
    rules = ClusterRules.from_bytes(data)         # RulesError on anything else
    settings = rules.apply(settings)              # a node's settings on the cluster's grid
    rules.contradictions({"interval": 5.0})       # [Contradiction("interval", 5.0, 2.0)]
    rules.recipe, rules.teaching                  # "herd", True: a recipe for teaching (node/herd.py)

Values are stored resolved (the history length, the lag and the round deadline
as numbers, not as "0: derived"), so two versions of clustersim that derive
them differently still compute the same rounds.

What is per member and stays on its command line: its id, how it reaches
ZooKeeper and the API (a local node goes through relays), its sensor's range,
where it logs its truth.
"""

import json
import math
from dataclasses import MISSING, asdict, dataclass, fields, replace
from typing import Any, ClassVar, Dict, List, Mapping, Tuple, TypeVar

FORMAT = 1
# rules with a recipe other than kazoo's Election are written in format 2: a clustersim that
# predates recipes cannot read them, and so refuses to join (it would run the Election beside the
# herd and lead alone) rather than half-read them
RECIPE_FORMAT = 2
READABLE = (FORMAT, RECIPE_FORMAT)

# the coordination recipes a cluster may run (ClusterRules.recipe); the first is the default, the
# others are for teaching, marked as such on every screen (like --unsafe)
RECIPES = ("election", "herd")
TEACHING_RECIPES = ("herd",)

S = TypeVar("S")   # NodeSettings (kept loose: the node's settings import nothing from here)


class RulesError(ValueError):
    """The rules znode holds something this version cannot read; the message is one line."""


@dataclass(frozen=True)
class Contradiction:
    field: str          # ClusterRules' field (= NodeSettings' field = the option's parameter name)
    given: Any          # what the member's command line says
    cluster: Any        # what the cluster says


@dataclass(frozen=True)
class ClusterRules:
    interval: float            # seconds between readings and between rounds: the round grid
    session_timeout: float     # ZooKeeper session timeout every member asks for
    round_lag: float           # how long after a round closes it is computed
    round_deadline: float      # longest wait for every member before a round is stored partial
    history: int               # readings kept per node in its history znode
    outbox_bound: int          # rounds the outbox holds while a node leads
    retry_max: float           # cap of the sender's backoff
    api_url: str               # the API as the members reach it (not a local relay's address)
    secret_required: bool      # members must authenticate (the znodes carry the secret's ACL)
    lang: str = "en"           # the language the cluster's screens speak (a student's terminal too)
    # how candidates coordinate (RECIPES): "election", kazoo's Election (each watches its predecessor);
    # "herd", for teaching (node/herd.py: all watch one leader znode and race for it). The same fencing
    recipe: str = "election"

    # the fields a member's command line may also give (and must then agree on)
    NODE_FIELDS: ClassVar[Tuple[str, ...]] = ("interval", "session_timeout", "round_deadline", "history",
                                    "outbox_bound", "retry_max", "api_url", "recipe")

    @classmethod
    def from_settings(cls, settings: Any, api_url: str, lang: str = "en") -> "ClusterRules":
        """The rules a cluster started with these NodeSettings has, every derived value resolved."""
        return cls(interval=float(settings.interval), session_timeout=float(settings.session_timeout),
                   round_lag=float(settings.round_lag), round_deadline=float(settings.wait_limit),
                   history=int(settings.readings_kept), outbox_bound=int(settings.outbox_limit),
                   retry_max=float(settings.retry_max), api_url=api_url.rstrip("/"),
                   secret_required=bool(settings.secret), lang=lang,
                   recipe=str(getattr(settings, "recipe", "election")))

    def apply(self, settings: S) -> S:
        """These settings on the cluster's grid: every rule replaced by the cluster's value.
        The API address is the cluster's unless the member reaches it another way (a relay):
        pass the route with `replace` afterwards."""
        return replace(settings, interval=self.interval, session_timeout=self.session_timeout,  # type: ignore
                       lag=self.round_lag, round_deadline=self.round_deadline, history=self.history,
                       outbox_bound=self.outbox_bound, retry_max=self.retry_max, api_url=self.api_url,
                       recipe=self.recipe)

    def contradictions(self, given: Mapping[str, Any]) -> List[Contradiction]:
        """The options a member gave explicitly that disagree with the cluster."""
        out = []
        for name, value in given.items():
            if name not in self.NODE_FIELDS or value is None:
                continue
            ours = getattr(self, name)
            if not _same(value, ours):
                out.append(Contradiction(name, value, ours))
        return out

    # -- the znode's bytes ----------------------------------------------------
    @property
    def teaching(self) -> bool:
        """The cluster runs a recipe for teaching (the herd effect), marked on every screen."""
        return self.recipe in TEACHING_RECIPES

    def to_json(self) -> Dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {"format": FORMAT if self.recipe == "election" else RECIPE_FORMAT, **data}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: Any) -> "ClusterRules":
        if not isinstance(data, dict):
            raise RulesError("the cluster's rules are not a JSON object")
        if data.get("format") not in READABLE:
            raise RulesError(f"the cluster's rules are in format {data.get('format')!r}; this clustersim reads "
                             f"formats {' and '.join(map(str, READABLE))}: use the same version as the teacher")
        values: Dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data and f.default is not MISSING:
                continue   # added later with a default: an older writer's rules still read
            values[f.name] = _typed(f.name, f.type, data.get(f.name))
        try:
            rules = cls(**values)
        except TypeError as exc:
            raise RulesError(f"the cluster's rules are incomplete: {exc}") from None
        if rules.recipe not in RECIPES:
            raise RulesError(f"the cluster's recipe {rules.recipe!r} is not one this clustersim knows "
                             f"({', '.join(RECIPES)}): use the same version as the teacher")
        return rules

    @classmethod
    def from_bytes(cls, raw: bytes) -> "ClusterRules":
        try:
            data = json.loads(raw.decode())
        except (UnicodeDecodeError, ValueError):
            raise RulesError("the cluster's rules are not JSON") from None
        return cls.from_json(data)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _typed(name: str, kind: Any, value: Any) -> Any:
    """One stored value, checked against its field's type: a bad znode is refused, not half-read."""
    wanted = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    ok = {
        "float": isinstance(value, (int, float)) and not isinstance(value, bool)
        and math.isfinite(float(value)) and float(value) >= 0,
        "int": isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
    }.get(wanted, False)
    if not ok:
        raise RulesError(f"the cluster's rules have a bad {name}: {value!r}")
    return float(value) if wanted == "float" else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip("/") == b.rstrip("/")
    return bool(a == b)
