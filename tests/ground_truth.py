"""The tests' own oracle: what every node really sampled, from its truth log.

Deliberately independent of `clustersim check` (which is itself under test):
a few lines that read the raw logs and recompute each round.

    truth = GroundTruth.load(status["truth_dir"])
    truth.values(round_no)            # {"1": 80.12, "2": 79.5}: published samples in that round
    truth.assert_rows_match(rows)     # every stored row has exactly those readings
"""

import json
from pathlib import Path


class GroundTruth:
    def __init__(self):
        self.samples = {}     # node -> {round: (ts, value, seq, pid)}: its last sample in each round
        self.published = {}   # (node, pid) -> highest seq that process had confirmed in ZooKeeper

    @classmethod
    def load(cls, directory):
        truth = cls()
        for path in Path(directory).glob("node-*.jsonl"):
            for line in path.read_text().splitlines():
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue  # a line cut by a kill
                key = (obj["node"], obj["pid"])  # a restarted node may reuse a dead process's seqs
                if obj["k"] == "p":
                    truth.published[key] = max(truth.published.get(key, 0), obj["seq"])
                else:
                    rounds = truth.samples.setdefault(obj["node"], {})
                    if obj["round"] not in rounds or rounds[obj["round"]][0] <= obj["ts"]:
                        rounds[obj["round"]] = (obj["ts"], obj["value"], obj["seq"], obj["pid"])
        return truth

    def values(self, round_no):
        out = {}
        for node, rounds in self.samples.items():
            if round_no in rounds and rounds[round_no][2] <= self.published.get((node, rounds[round_no][3]), 0):
                out[node] = rounds[round_no][1]
        return out

    def rounds_of(self, node):
        return set(self.samples.get(node, {}))

    def holes(self, node, first, last):
        """Rounds in [first, last] in which `node` took no sample."""
        return sorted(set(range(first, last + 1)) - self.rounds_of(node))

    def assert_rows_match(self, rows, allow_partial=False):
        """Each rounded row holds exactly the published readings of its round
        (a partial row: all but the members it declares missing)."""
        problems = []
        for row in rows:
            if row.get("round") is None:
                continue
            true = self.values(row["round"])
            missing = [m for m in str(row.get("missing") or "").split(",") if m]
            if missing and not allow_partial:
                problems.append(f"round {row['round']}: partial, missing {missing}")
            expect = {n: v for n, v in true.items() if n not in missing}
            if row.get("count") != len(expect):
                problems.append(f"round {row['round']}: stored {row.get('count')} readings, "
                                f"truth has {len(expect)} {sorted(expect)}")
            elif expect and abs(row["dato"] - sum(expect.values()) / len(expect)) > 1e-6:
                problems.append(f"round {row['round']}: mean {row['dato']}, truth "
                                f"{sum(expect.values()) / len(expect)}")
        assert not problems, "\n".join(problems)
