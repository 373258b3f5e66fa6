"""What `up` is asked for: the options of one cluster, the node settings template among them.

    options = UpOptions(nodes=5, node=NodeSettings(node_id="", interval=1.0))

Its own module so that up.py and the modules it is made of (up_rules.py) read it without importing
each other. `from cluster_sim.supervisor.up import UpOptions` still works.
"""

from dataclasses import dataclass, field
from typing import Optional, Tuple

from cluster_sim.node.settings import NodeSettings


@dataclass
class UpOptions:
    nodes: int = 5
    name: str = "default"
    # the node settings template (interval, session timeout, history, outbox bound, retry max,
    # round deadline, secret, unsafe): every node's settings are a copy of it on the cluster's rules.
    # The one holder of these values before the cluster has rules; read them here, never copied
    node: NodeSettings = field(default_factory=lambda: NodeSettings(node_id=""))
    zk: Optional[str] = None
    zk_servers: int = 1
    api_url: Optional[str] = None
    api_db: Optional[str] = None
    listen: str = "127.0.0.1"
    tick_ms: int = 200
    plain: Optional[bool] = None   # None: plain lines unless stdout is a terminal
    record: Optional[str] = None   # write the session as a self-contained HTML file here (the web page)
    web: Optional[str] = None      # "[HOST:]PORT": serve the read-only web view there
    events: Optional[str] = None   # export every event to this file as it happens
    events_format: str = "jsonl"   # jsonl or csv
    lang: str = "en"               # the language events are worded in
    drain_timeout: float = 5.0     # at shutdown, seconds the leader gets to empty the outbox (0: none)
    relays: bool = True            # local nodes reach ZooKeeper and the API through fault relays (partition, slow)
    # the options the user typed (the CLI knows); None: all of them. On a ZooKeeper that holds
    # a cluster's rules already, the others are taken from it and these must agree with it
    given: Optional[Tuple[str, ...]] = None

    # read from the template (the cluster's secret may be made at start: see Cluster.start)
    @property
    def secret(self) -> str:
        return self.node.secret

    @property
    def unsafe(self) -> bool:          # nodes without guard and fencing (the split-brain demo)
        return self.node.unsafe

    @property
    def session_timeout(self) -> float:
        return self.node.session_timeout
