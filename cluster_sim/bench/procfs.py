"""What the benchmark reads about processes and the machine, straight from /proc.

    cpu_seconds(pid)          # utime + stime so far, in seconds (all threads)
    memory(pid)               # {"rss": bytes, "pss": bytes, "uss": bytes}
    machine()                 # {"machine": "x86_64", "cores": 2, ...}
"""

import os
import platform

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid):
    """User plus system CPU time of ``pid`` (every thread), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name may contain spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(b")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLK_TCK


def memory(pid):
    """RSS, PSS and USS (Private_Clean + Private_Dirty) of ``pid`` in bytes, or None."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    values[key.strip()] = int(parts[0]) * 1024
    except OSError:
        return None
    if "Rss" not in values:
        return None
    return {
        "rss": values.get("Rss", 0),
        "pss": values.get("Pss", 0),
        "uss": values.get("Private_Clean", 0) + values.get("Private_Dirty", 0),
    }


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or ""


def mem_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def loadavg():
    """The 1, 5 and 15 minute load averages, or None."""
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def machine():
    return {
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_bytes": mem_total(),
        "kernel": platform.release(),
    }
