"""Open files: as many as the system lets this process have, and whether that is enough.

A supervisor holds about FILES_PER_NODE descriptors for each local node (its relays' listening
and connected sockets, the pipes of its process), so `up -n 1000` needs some 10,000 where many
systems start a shell with 1,024. The soft limit may be raised up to the hard one without
privileges: `up` does so before it starts anything, and refuses in one line if that is still
too few (ZooKeeper's JVM and the nodes inherit the raised limit).

    have = raise_open_files()                 # the soft limit, now as high as the hard one
    need = files_needed(nodes=1000, relays=True)
    if have < need: ...                       # refusal(nodes, need, have) is the line to show
"""

import resource

__all__ = ["BASE_FILES", "FILES_PER_NODE", "FILES_PER_NODE_NO_RELAYS", "files_needed", "raise_open_files",
           "refusal"]

#: the supervisor's own files: ZooKeeper client, API, control socket, web view, logs, imports
BASE_FILES = 200
#: per local node through relays: two relays (ZooKeeper, API; a listener and both ends of each
#: connection), the API server's end of a delivery or health check, the process' sentinel pipes.
#: Measured: 6.2 a node at rest with 100 nodes; the rest is headroom for connections in flight.
FILES_PER_NODE = 10
#: per local node with --no-relays: its sentinel pipes and the API server's end of its requests
FILES_PER_NODE_NO_RELAYS = 4


def raise_open_files() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit (allowed without privileges); return the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # a container may refuse even that: the check below says what is there
    return soft if soft != resource.RLIM_INFINITY else 1 << 30


def files_needed(nodes: int, relays: bool = True) -> int:
    """How many open files a supervisor of ``nodes`` local nodes should be allowed."""
    return BASE_FILES + nodes * (FILES_PER_NODE if relays else FILES_PER_NODE_NO_RELAYS)


def refusal(nodes: int, need: int, have: int) -> str:
    """The one line that says why `up -n nodes` does not start, and what to do."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    shown = "unlimited" if hard == resource.RLIM_INFINITY else str(hard)
    return (f"{nodes} nodes need about {need} open files and this process may open {have} (hard limit {shown}): "
            f"raise it (ulimit -n {need}, or nofile in /etc/security/limits.conf) or start fewer nodes")
