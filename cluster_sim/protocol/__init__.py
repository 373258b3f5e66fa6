"""The node's protocol: znode paths, ACLs, the rules, truth logs and saved rounds, shared by the node and the supervisor."""
