"""Small utilities that know nothing of the cluster: files, ports, processes, input checks, the kazoo client."""
