"""The supervisor's engine: typed messages, events, the pure core `decide`, the model and the cluster state."""
