"""What the node processes' fork server imports (supervisor/process.py): the node's
code, and the close signal (SIGUSR1, node/main.py) blocked.

The mask is inherited by every node forked from the server, so a node forked an
instant before a shutdown holds the signal pending, instead of dying of its default
action, until it has installed its handler and unblocks it (Node.run). Only the fork
server imports this module: the supervisor and what it starts keep the signal unblocked.

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cluster_sim.node.preload"])
"""

import signal

from cluster_sim.node.main import CLOSE_SIGNALS

signal.pthread_sigmask(signal.SIG_BLOCK, CLOSE_SIGNALS)
