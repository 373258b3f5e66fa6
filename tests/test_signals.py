"""A node's signals are acted on off the main thread (base/signal_relay.py): a signal that comes while the
main thread holds the lock its action needs (an Event's, inside a wait) is still acted on, once the lock is
let go, instead of leaving the handler waiting for its own thread forever."""

import subprocess
import sys
import textwrap

# the main thread holds the Event's own lock (as it does inside Event.wait) when the signal comes; a handler
# calling done.set() there would wait for that lock on the thread that holds it: the process would hang
_PROBE = textwrap.dedent('''
    import os, signal, threading, time
    from cluster_sim.base.signal_relay import SignalRelay

    done, seen = threading.Event(), []
    relay = SignalRelay({signal.SIGUSR1: lambda: (seen.append("usr1"), done.set()),
                         signal.SIGTERM: lambda: seen.append("term")})
    relay.install()
    with done._cond:
        os.kill(os.getpid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)          # the handlers run here, on this thread, while it holds the lock
    print(done.wait(10), sorted(seen) if done.is_set() else seen, flush=True)
    relay.close()
    print("closed", signal.set_wakeup_fd(-1))
''')


def test_a_signal_while_the_main_thread_holds_the_lock_is_acted_on():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    first, closed = done.stdout.splitlines()
    assert first.startswith("True ") and "usr1" in first
    assert closed == "closed -1"        # close() gave the wake-up fd back
