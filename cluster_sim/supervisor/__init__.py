"""The supervisor behind `clustersim up`: node processes, the live view, control."""
