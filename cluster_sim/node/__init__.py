"""A sensor node: sensor -> ZooKeeper; election; when leader: aggregate -> outbox -> API."""
