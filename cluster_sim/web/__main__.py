"""python -m cluster_sim.web --name NAME --port PORT: a web view of a running cluster (see follow.py)."""

import sys

from cluster_sim.web.follow import main

sys.exit(main())
