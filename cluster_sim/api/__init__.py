"""The API that receives the leader's means: storage (store) and HTTP (server).

    from cluster_sim.api import Store, make_server, serve
    serve(port=8080, db="clustersim-api.db")   # blocks until Ctrl-C / SIGTERM

Standard library only, so the API runs anywhere Python does.
"""

from cluster_sim.api.server import BadRequest, PortInUse, make_server, serve
from cluster_sim.api.store import Store

__all__ = ["BadRequest", "PortInUse", "Store", "make_server", "serve"]
