"""A kill of the leader at N nodes, by hand: `up -n N` (extra options passed on), all publishing,
`kill <leader> --hard`, 75 s of rounds, Ctrl-C; prints the suspensions, expiries, elections and
rounds stored after the kill (from the event export) and the node processes left after `up` exited.
Over 200 nodes, under the machine's lock:

    flock /work/wt/big.lock .venv/bin/python scripts/hall_failover.py 1000 --no-relays
"""
import os, sys, signal, subprocess, time, tempfile, json
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
CS = os.path.join(os.path.dirname(sys.executable), "clustersim")
from cluster_sim.bench.up_control import control_status, leftovers
n = int(sys.argv[1]); extra = sys.argv[2:]
rt = tempfile.mkdtemp(prefix="hallfo-")
env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=rt, CLUSTERSIM_MAX_NODES="1000")
log = open(os.path.join(rt, "up.log"), "w")
events = os.path.join(rt, "events.jsonl")
t0 = time.time()
print("start", time.strftime("%H:%M:%S", time.gmtime()), extra, flush=True)
up = subprocess.Popen([CS, "up", "-n", str(n), "--name", "fo", "--plain", "--events", events, *extra],
                      env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
def status():
    return control_status(rt, "fo", timeout=30)
while time.time() - t0 < 200:
    time.sleep(2)
    try: st = status()
    except Exception: continue
    if sum(1 for x in st["nodes"] if x["value"] is not None) >= n: break
print("publishing after", round(time.time() - t0, 1), flush=True)
time.sleep(12)
st = status()
leader = st.get("leader") or next((x["id"] for x in st["nodes"] if x.get("role") == "leader"), None)
print("leader", leader, flush=True)
tk = time.time()
r = subprocess.run([CS, "kill", str(leader), "--hard", "--name", "fo"], env=env, capture_output=True, text=True)
print("kill:", r.stdout.strip(), r.stderr.strip()[:200], flush=True)
time.sleep(75)
pids = [x["pid"] for x in status()["nodes"] if x["pid"]]
t1 = time.time()
up.send_signal(signal.SIGINT)
code = up.wait(300)
print("up exit", code, "after", round(time.time() - t1, 1), "s", flush=True)
print("alive right after exit:", len(leftovers(pids, grace=0.2)), "after 15 s:", len(leftovers(pids, grace=15)), flush=True)
ev = [json.loads(l) for l in open(events) if l.strip()]
from collections import Counter
c = Counter()
for e in ev:
    if e["ts"] >= tk - 1: c[(int((e["ts"] - tk) // 10) * 10, e["kind"])] += 1
for k in ("suspended", "session_expired", "leader_elected", "round_stored", "reading_published"):
    print(k, [(t, v) for (t, kk), v in sorted(c.items()) if kk == k])
for e in ev:
    if e["ts"] >= tk - 1 and e["kind"] in ("leader_elected", "stepped_down", "round_stored", "round_waiting"):
        print(round(e["ts"] - tk, 1), e["kind"], e.get("node"), e.get("round"), e.get("nodes"), e.get("failover_ms"))
print("runtime", rt)
