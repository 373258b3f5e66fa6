"""The supervisor's adapters to the outside: node processes, the ZooKeeper observer, the API probe, leftovers."""
