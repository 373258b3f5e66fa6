"""Gather what a check judges and judge it, once, for `clustersim check` and for chaos.

    sources = Sources(api_url, truth_dirs=[d], saved_paths=[], grid=grid, running=True)
    judged = judge(sources)                  # CheckError: one line (unreachable, unreadable)
    judged.report, judged.truth, judged.horizon
    check_view.exit_code(judged.report, judged.truth, judged.horizon)

The rows are read first, then the truth logs (every sample and publish mark a
stored row could have counted is in them by then), then the saved files.
"Now" is the wall clock for a running cluster, and for a stopped one the end
of its truth (the newest sample its nodes logged), so a cluster stopped
cleanly is judged up to where its nodes stopped. What cannot be judged (no
round grid, no truth) is said in `horizon.unknown`, never passed over.
"""

import os
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple

from cluster_sim.check import CheckError, Report, fetch_rows, verify, well_formed
from cluster_sim.check_due import Grid, Lateness, last_due, lateness, sampled_by

if TYPE_CHECKING:
    from cluster_sim.check_truth import TruthReport

__all__ = ["Horizon", "Judged", "Sources", "judge", "read_cluster", "saved_rounds"]


@dataclass
class Sources:
    api_url: str
    truth_dirs: List[str] = field(default_factory=list)   # read when they exist
    saved_paths: List[str] = field(default_factory=list)  # the shutdown's files, named by the user
    discover_saved: bool = True       # also the files in saved_rounds.state_dir() of the judged clusters
    grid: Optional[Grid] = None       # None: lateness cannot be judged (said so)
    running: bool = False             # the cluster runs: "now" is the wall clock
    now: Optional[float] = None       # fixed "now" (chaos: the end of its run)
    cluster: Optional[str] = None     # the cluster whose lateness is judged (None: found from the data)
    known_nodes: List[str] = field(default_factory=list)  # members the caller knows (status' nodes)
    # a running cluster's own count (status' last_round): when the API cannot be read, what is
    # late is still judged from it (the API being down is exactly when rounds are not stored)
    last_stored: Optional[int] = None
    how_to_give_grid: str = "run it while the cluster runs, or pass --zk HOST:PORT of its ZooKeeper"


@dataclass
class Horizon:
    """What was judged after the newest stored row."""
    now: Optional[float] = None
    running: bool = False
    grid: Optional[Grid] = None
    clusters: Dict[str, Lateness] = field(default_factory=dict)
    saved: int = 0                    # rounds in saved files, not stored yet: accounted for
    saved_files: List[str] = field(default_factory=list)
    unknown: str = ""                 # one line: why lateness could not be judged
    unreachable: str = ""             # the API could not be read: judged from the cluster's count

    @property
    def ok(self) -> bool:
        return all(late.ok for late in self.clusters.values())


@dataclass
class Judged:
    rows: List[dict]
    report: Report
    truth: Optional["TruthReport"]
    horizon: Horizon
    note: str = ""                    # e.g. no truth directory


def judge(sources: Sources) -> Judged:
    unreachable = ""
    try:
        rows = fetch_rows(sources.api_url)
    except CheckError as e:
        if sources.last_stored is None or not sources.running:
            raise
        rows, unreachable = [], str(e)
    report = verify(rows)
    dirs = [d for d in sources.truth_dirs if os.path.isdir(d)]
    note = "" if dirs or not sources.truth_dirs else \
        f"no ground truth: {', '.join(sources.truth_dirs)} does not exist (checking the API's rows only)"
    truth = None
    if dirs:
        from cluster_sim.protocol.truth import read_truths

        try:
            truth = read_truths(dirs)
        except OSError as e:  # removed or unreadable between the test above and now
            raise CheckError(f"cannot read {', '.join(dirs)}: {e.strerror or e}") from None
    stored = _stored_by_cluster(rows)
    clusters = _judged_clusters(sources, stored, truth, rows)
    if unreachable:
        clusters = clusters or [""]
        stored = {c: {sources.last_stored} for c in clusters if sources.last_stored is not None}
        truth = None   # without the rows, every round would look lost
    saved, saved_files = saved_rounds(sources.saved_paths, clusters, sources.discover_saved)
    horizon = Horizon(running=sources.running, grid=sources.grid, saved_files=saved_files, unreachable=unreachable)
    now = sources.now if sources.now is not None else time.time() if sources.running else None
    owed: Dict[str, int] = {}
    for name in clusters:
        end = now
        if end is None and truth is not None and name in truth.clusters:
            end = truth.clusters[name].end   # stopped: judged up to where its nodes stopped
        if end is None:
            continue
        horizon.now = end if horizon.now is None else max(horizon.now, end)
        if sources.grid is not None:
            start = _first_published(truth, name)
            horizon.clusters[name] = lateness(name, stored.get(name, set()), saved.get(name, set()),
                                              sources.grid, end, start, _newest_row_at(rows, name))
        if now is not None:
            if sources.grid is not None:   # running: a round is owed once it is due
                owed[name] = last_due(sources.grid, end)
        else:
            # stopped: every round its nodes published was owed, the one under way included
            # (a shutdown stores or saves every round up to the newest sample)
            interval = sources.grid.interval if sources.grid is not None else _truth_interval(truth, name)
            if interval:
                owed[name] = sampled_by(interval, end)
    horizon.saved = sum(len(saved.get(c, set()) - stored.get(c, set())) for c in clusters)
    if sources.grid is None:
        horizon.unknown = ("cannot judge which rounds are late: the cluster's round grid is unknown; "
                           + sources.how_to_give_grid
                           + ("; what its nodes published was judged from the truth logs" if owed else ""))
    elif not clusters:
        horizon.unknown = "cannot judge which rounds are late: no cluster found in the rows or the truth logs"
    elif now is None and not horizon.clusters:
        horizon.unknown = ("cannot judge which rounds are late: no running cluster and no truth logs "
                           "to tell when it stopped; pass --truth DIR")
    truth_report: Optional["TruthReport"] = None
    if truth is not None:
        from cluster_sim.check_truth import verify_truth

        truth_report = verify_truth(rows, truth, plain=report, owed=owed, saved=saved,
                                    known_nodes=sources.known_nodes)
    return Judged(rows, report, truth_report, horizon, note)


def _stored_by_cluster(rows: List[dict]) -> Dict[str, Set[int]]:
    out: Dict[str, Set[int]] = {}
    for row in rows:
        if well_formed(row) and row.get("round") is not None:
            out.setdefault(str(row.get("cluster") or ""), set()).add(row["round"])
    return out


def _judged_clusters(sources: Sources, stored: Dict[str, Set[int]], truth: Any, rows: List[dict]) -> List[str]:
    """The clusters whose lateness is judged: the one named; else the truth's (the nodes
    logging here); else, for a running cluster, the one whose row was stored last."""
    if sources.cluster is not None:
        return [sources.cluster]
    if truth is not None and truth.clusters:
        return sorted(truth.clusters)
    if sources.running or sources.now is not None:
        newest = max((r for r in rows if well_formed(r) and r.get("round") is not None),
                     key=lambda r: (r.get("id") or 0), default=None)
        if newest is not None:
            return [str(newest.get("cluster") or "")]
    return []


def _first_published(truth: Any, cluster: str) -> Optional[int]:
    if truth is None or cluster not in truth.clusters:
        return None
    return min((s.round for n in truth.clusters[cluster].nodes.values() for s in n.samples if s.published),
               default=None)


def _truth_interval(truth: Any, cluster: str) -> Optional[float]:
    if truth is None or cluster not in truth.clusters:
        return None
    return truth.clusters[cluster].interval


def _newest_row_at(rows: List[dict], cluster: str) -> Optional[float]:
    from cluster_sim.check import _time

    times = [t for t in (_time(r) for r in rows if r.get("round") is not None
                         and str(r.get("cluster") or "") == cluster) if t is not None]
    return max(times).timestamp() if times else None


def saved_rounds(paths: List[str], clusters: List[str],
                 discover: bool = True) -> Tuple[Dict[str, Set[int]], List[str]]:
    """cluster -> rounds in saved files, and the files read. The files named must read
    (CheckError otherwise); found ones of other clusters or unreadable are skipped."""
    from cluster_sim.protocol.saved_rounds import SavedRoundsError, read_rounds, state_dir

    found: Dict[str, Set[int]] = {}
    read: List[str] = []
    candidates = [(p, True) for p in paths]
    if discover:
        directory = state_dir()
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        candidates += [(os.path.join(directory, n), False) for n in names
                       if n.startswith("undelivered-") and n.endswith(".jsonl")
                       and os.path.join(directory, n) not in paths]
    for path, named in candidates:
        try:
            header, rounds = read_rounds(path)
        except SavedRoundsError as e:
            if named:
                raise CheckError(f"--saved {e}") from None
            continue
        if not named and header.cluster not in clusters:
            continue
        found.setdefault(header.cluster, set()).update(r["round"] for r in rounds)
        read.append(path)
    return found, read


def read_cluster(hosts: str, timeout: float = 5.0) -> Tuple[str, Any]:
    """(cluster id, ClusterRules or None) from a clustersim ZooKeeper, read-only (reading
    needs no secret). CheckError with one line when it cannot be read."""
    from kazoo.exceptions import KazooException, NoAuthError, NoNodeError
    from kazoo.handlers.threading import KazooTimeoutError

    from cluster_sim.protocol import paths
    from cluster_sim.base import zkclient
    from cluster_sim.protocol.rules import ClusterRules, RulesError

    client = zkclient.make_client(hosts, session_timeout=max(4.0, timeout))
    try:
        try:
            with warnings.catch_warnings():
                # kazoo warns of a missing chroot; the read below says it in our words
                warnings.simplefilter("ignore")
                client.start(timeout=timeout)
        except KazooTimeoutError:
            raise CheckError(f"--zk {hosts}: cannot reach ZooKeeper within {timeout:g} s") from None
        try:
            cluster = client.get(paths.CLUSTER_ID)[0].decode()
        except NoNodeError:
            raise CheckError(f"--zk {hosts}: no clustersim cluster there ({paths.CLUSTER_ID} does not exist)") \
                from None
        try:
            rules = ClusterRules.from_bytes(client.get(paths.RULES)[0])
        except NoNodeError:
            rules = None   # a cluster made before rules were written: its grid is not known
        except RulesError as e:
            raise CheckError(f"--zk {hosts}: {e}") from None
        return cluster, rules
    except (NoAuthError, KazooException) as e:
        raise CheckError(f"--zk {hosts}: cannot read the cluster: {type(e).__name__}") from None
    finally:
        zkclient.close(client)
