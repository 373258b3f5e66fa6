"""What clustersim reads about processes and the machine, straight from /proc
(standard library only: the reaper and the benchmark both use it).

    stat_fields(pid)          # the fields of /proc/PID/stat after the command name
    cpu_seconds(pid)          # utime + stime so far, in seconds (all threads)
    memory(pid)               # {"rss": bytes, "pss": bytes, "uss": bytes}
    machine()                 # {"machine": "x86_64", "cores": 2, ...}
"""

import os
import platform
from typing import Any, Dict, List, Optional

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stat_fields(pid: int) -> Optional[List[bytes]]:
    """/proc/PID/stat after the command name (field 3 on), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name may contain spaces and parentheses: split after the last ')'
    return stat[stat.rfind(b")") + 2:].split()


def start_time(pid: int) -> Optional[str]:
    """When the process started (clock ticks after boot): tells a pid from its reuse."""
    fields = stat_fields(pid)
    return None if fields is None else fields[19].decode()


def cpu_seconds(pid: int) -> Optional[float]:
    """User plus system CPU time of ``pid`` (every thread), or None if it is gone."""
    fields = stat_fields(pid)
    if fields is None:
        return None
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLK_TCK


def memory(pid: int) -> Optional[Dict[str, int]]:
    """RSS, PSS and USS (Private_Clean + Private_Dirty) of ``pid`` in bytes, or None."""
    values: Dict[str, int] = {}
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


def alive(pid: int) -> bool:
    """Running (a zombie is not)."""
    fields = stat_fields(pid)
    return fields is not None and fields[0] != b"Z"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or ""


def mem_total() -> Optional[int]:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def loadavg() -> Optional[List[float]]:
    """The 1, 5 and 15 minute load averages, or None."""
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def machine() -> Dict[str, Any]:
    return {
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_bytes": mem_total(),
        "kernel": platform.release(),
    }
