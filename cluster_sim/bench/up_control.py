"""A `clustersim up` the benchmark started, asked and driven as a user would (its control socket, its CLI).

    status = control_status(runtime, "benchK")      # `clustersim status --json`, in-process
    pids = node_pids(runtime, "benchK"); ...; leftovers(pids)   # node processes still alive after it stopped
    up_on_terminal(bench, argv, "scale-up", {...}, runtime, "benchS", out, log, run=measure)   # drawn on a pty
"""

import os
import socket
import subprocess
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from cluster_sim import control
from cluster_sim.base import procfs


def control_status(runtime_dir: str, name: str, timeout: float = 5.0) -> Dict[str, Any]:
    """`clustersim status --json` in-process (no interpreter start-up): the status dict."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(os.path.join(runtime_dir, f"{name}.sock"))
        sock.sendall(control.encode({"cmd": "status"}))
        answer = control.decode(control.read_line(sock))
    finally:
        sock.close()
    if not answer.get("ok"):
        raise RuntimeError(answer.get("error") or "status refused")
    return answer["status"]


def running_with_values(status: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [n for n in status["nodes"] if n["value"] is not None and n["state"] == "running"]


def node_pids(runtime: str, name: str) -> List[int]:
    """The pids of a running `up`'s nodes (to check they are gone after it stopped)."""
    try:
        return [node["pid"] for node in control_status(runtime, name)["nodes"] if node["pid"]]
    except Exception:  # noqa: BLE001 - no status (it stopped already): nothing to check
        return []


def leftovers(pids: Sequence[int], grace: float = 5.0) -> List[int]:
    """The pids still alive ``grace`` seconds after their supervisor exited."""
    deadline = time.monotonic() + grace
    while True:
        alive = [pid for pid in pids if procfs.alive(pid)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def node_state(status: Dict[str, Any], node_id: object) -> Optional[str]:
    for node in status["nodes"]:
        if node["id"] == str(node_id):
            return node["state"]
    return None


def run_cli(cs: List[str], args: List[str], env: Optional[Dict[str, str]],
            timeout: float = 30.0) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(cs + args, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def restart_stopped(cs: List[str], env: Optional[Dict[str, str]], runtime: str, name: str) -> None:
    """After a failed trial: start again every node the supervisor shows as stopped."""
    try:
        for node in control_status(runtime, name)["nodes"]:
            if node["state"] in ("stopped", "crashed"):
                run_cli(cs, ["start", node["id"], "--name", name], env)
    except Exception:  # noqa: BLE001 - best effort between trials; the next trial checks its own start
        pass


def up_on_terminal(bench: Any, argv: List[str], label: str, env: Dict[str, str], runtime: str, name: str,
                   out: Dict[str, Any], log: Callable[[str], None], run: Callable[[Any, float, Dict[str, int]], None],
                   stop_timeout: float = 90.0, grace: float = 5.0, size: "tuple[int, int]" = (50, 160)) -> None:
    """`clustersim <argv>` as a user types it, on a pseudo-terminal of `size` (rows, cols) so the live
    table is drawn and its bytes read (counted in `drained["bytes"]`); `run(up, t0, drained)` measures.
    A failure of `run` is kept in out["error"] (what was measured before it stays); at the end `up` is
    stopped with Ctrl-C and out["shutdown"] says how, and which node processes outlived it."""
    import fcntl
    import pty
    import signal
    import struct
    import termios
    import threading

    from cluster_sim.bench.results import error

    rows, cols = size
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    drained = {"bytes": 0}

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            drained["bytes"] += len(chunk)

    reader = threading.Thread(target=drain, daemon=True, name="pty-drain")
    up = None
    t0 = time.time()
    try:
        try:
            up = bench.spawn(argv, label, env=dict(env, CLUSTERSIM_RUNTIME_DIR=runtime, TERM="xterm-256color"),
                             stop_signal=signal.SIGINT, stdout=slave)
        finally:
            os.close(slave)
        reader.start()
        try:
            run(up, t0, drained)
        except Exception as exc:  # keep what was measured before the failure
            out["error"] = error(exc)
            log(f"{label}: {error(exc)}")
    finally:
        if up is not None:
            pids = node_pids(runtime, name)
            began = time.time()
            code, killed = bench.stop(up, signal.SIGINT, timeout=stop_timeout)
            out["shutdown"] = {"code": code, "killed": killed, "seconds": round(time.time() - began, 2),
                               "nodes_left_running": leftovers(pids, grace=grace)}
        if reader.is_alive():
            reader.join(5)
        try:
            os.close(master)
        except OSError:
            pass
