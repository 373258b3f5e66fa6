"""What the node processes' fork server imports (adapters/process.py): the node's
code, and the close signal (SIGUSR1, node/main.py) blocked.

The mask is inherited by every node forked from the server, so a node forked an
instant before a shutdown holds the signal pending, instead of dying of its default
action, until it has installed its handler and unblocks it (Node.run). Only the fork
server imports this module: the supervisor and what it starts keep the signal unblocked.

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cluster_sim.node.preload"])

The fork server also ignores SIGTERM and SIGHUP (multiprocessing already makes it ignore
SIGINT). It shares `up`'s process group, and a group-wide signal (`timeout 60 clustersim
up`, a service manager stopping it, a closed terminal) would otherwise kill it first: the
supervisor would then take every node for dead (exit 255) and skip the shutdown that
stores their last rounds. It ends when the supervisor's end of its socket closes. A node
installs its own handlers (Node.run) before anything can need them.
"""

import gc
import signal

# what every node imports as it starts or first leads, imported once here so that it is shared
import ctypes                          # noqa: F401 - prctl: the node names its process
import logging                         # noqa: F401
import multiprocessing.queues          # noqa: F401 - the supervisor's event queue, unpickled
import multiprocessing.synchronize     # noqa: F401
import netrc                           # noqa: F401 - requests reads ~/.netrc on its first request
from cluster_sim.protocol import truth  # noqa: F401 - the node's truth log
from cluster_sim import words

words.has("leader")                    # loads the catalogue of a node's own lines (node/say.py)

from cluster_sim.node.main import CLOSE_SIGNALS


def _few_malloc_arenas() -> None:
    """glibc gives each thread that allocates an arena of its own (up to 8 a core), and keeps
    what a thread freed in it: a node's dozen threads each held some. One arena for every
    thread of a node (they allocate little, and seldom at once), and a block from 16 KB up (a
    leader's batch of answers, the table of 1,000 members each view of its cache copies) mapped
    and returned on free instead of kept in the heap, where a block that lives on above it pins
    it: a new leader at 1,000 members 11.6-11.8 MB against 11.8-11.9 MB with 128 KB (the USS,
    every 5 s for 2.5 minutes after the kill that made it leader)."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-8, 1)            # M_ARENA_MAX
        libc.mallopt(-3, 16 * 1024)    # M_MMAP_THRESHOLD: fixed (glibc raises it after each large free)
    except (OSError, AttributeError):
        pass   # not glibc: its allocator's own defaults


_few_malloc_arenas()

signal.pthread_sigmask(signal.SIG_BLOCK, CLOSE_SIGNALS)
for _ignored in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_ignored, signal.SIG_IGN)

# Everything imported so far is the nodes' shared memory. A node's garbage collector would walk
# those objects and write to each one's header, copying every page of them into the node: frozen,
# they stay out of its collections (and shared) for the node's whole life.
gc.freeze()
