"""clustersim: a live cluster of sensor nodes coordinated by real Apache ZooKeeper.

Data flow: sensor -> ZooKeeper (/mediciones) -> leader -> aggregate -> outbox -> API.
Control flow: CLI -> control socket -> supervisor -> node processes.
"""

__version__ = "0.1.0"
