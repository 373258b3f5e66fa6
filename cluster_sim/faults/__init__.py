"""The fault vocabulary: every kind of fault a teacher or chaos can inject, declared once.

    from cluster_sim.faults.registry import kind, chaos_kinds

    kind("partition").inject, kind("partition").undo     # "partition", "heal"
    chaos_kinds()                                        # ("kill", "hard-kill", ..., "quorum")

registry.py holds the entries (and what is derived from them: the control
commands, chaos's kinds, the CLI's list, the page's words); actions.py what
each command does (its handler, its relay action). See docs/design.md,
"Adding a fault kind".

A package of its own rather than a module of netfault/: a fault is as often
a signal to a process (kill, pause, sigstop), the API or a ZooKeeper server
as a relay's, and netfault/ is the relays alone, which know nothing of
commands, chaos or words. It sits beside the command list, below both the
supervisor and chaos, and imports only the standard library and the
command types (engine/command_kit.py) at import time.
"""
