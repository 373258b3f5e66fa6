"""What `up` does with the rounds at shutdown, and what it shows last: every network fault
healed, the nodes' published rounds stored (settle), a short drain, what the outbox still
holds saved to a file, a round published and stored nowhere named, the timeline, the
recording and the export closed. Cluster.stop (up.py) runs these steps in order.

    class Cluster(Reach, Shutdown): ...      # up.py
    self._settle(); self._drain(); self._save_leftover(); self._print_leftover()

The outbox work itself lives in leftover.py, the wait for the last rounds in settle.py.
"""

import os
import sys
import time
from typing import Any, Dict, Optional

from cluster_sim.presentation.wording import describe


class Shutdown:
    """Cluster's shutdown steps (see up.py for the attributes)."""

    o: Any
    out: Any
    manager: Any
    client: Any
    zk: Any
    hosts: str
    api_url: str
    rules: Any
    recorder: Any
    exporter: Any
    results: Optional[Dict[str, Any]]
    leftover: Any
    uncomputed: Any
    skip_drain: Any

    def _close_recording(self) -> None:
        """Write the recording (with the demo's results, if any) and say where it is."""
        from cluster_sim.engine import events as ev

        if self.recorder is None:
            return
        path = self.recorder.close(results=self.results, final_text=self._final_view(leftover=True))
        size = os.path.getsize(path)
        line = describe(ev.RecordingWritten(time.time(), path=path, size=size), self.o.lang)
        print(line, file=self.out, flush=True)

    def _heal_all(self) -> None:
        if self.manager is not None:
            self.manager.heal_all()

    def _close_exporter(self) -> None:
        if self.exporter is None:
            return
        self.exporter.close()
        if self.exporter.error:
            print(f"clustersim: --events: {self.exporter.error}", file=sys.stderr)

    def _final_view(self, leftover: bool = False) -> Optional[str]:
        if self.manager is None:
            return None
        from cluster_sim.words.labels import label
        from cluster_sim.engine.timeline import timeline_text

        lang = self.o.lang
        terms = list(self.manager.terms)
        end = time.time()
        start = self.manager.state.started_at
        ids = [n.id for n in self.manager.state.sorted_nodes()]
        text = label("timeline", lang) + "\n" + timeline_text(terms, ids, start, end, width=60, lang=lang)
        if leftover:
            base = self.manager.state.round_base()
            text += "".join("\n\n" + (describe(e, lang, base) or "") for e in (self.leftover, self.uncomputed) if e)
        return text

    # -- rounds left in the outbox at shutdown ---------------------------
    def _outbox_depth(self) -> int:
        from cluster_sim.adapters.leftover import outbox_depth

        return outbox_depth(self.client)

    def _settle(self) -> None:
        if self.manager is None or self.client is None or self.o.unsafe:
            return  # (unsafe: the original design's leaders keep no watermark, nothing to wait for)
        from cluster_sim.adapters.settle import read_progress

        rules = self.rules
        # all final, the leader stores the last rounds at once; a round that waits for a
        # member (one reconnecting) is stored partial at its deadline: wait that long at most
        timeout = rules.round_deadline + rules.interval + rules.round_lag + 1.0
        self.manager.settle(lambda pids: read_progress(self.client, rules.interval, pids), timeout,
                            skip=self.skip_drain)

    def _name_uncomputed(self) -> None:
        """After the nodes stopped: a round they published that no leader stored is in
        neither the API nor the saved file. Name it, rather than let it go unnoticed."""
        if self.manager is None or self.client is None or self.o.unsafe:
            return
        from cluster_sim.engine.events import RoundsUncomputed
        from cluster_sim.adapters.leftover import LeftoverError
        from cluster_sim.adapters.settle import read_progress

        try:
            progress = read_progress(self.client, self.rules.interval, {})
        except LeftoverError:
            return  # the outbox could not be read either: that line (OutboxUnread) says it
        left = progress.uncomputed
        if left:
            self.uncomputed = RoundsUncomputed(time.time(), count=len(left), first=left[0], last=left[-1],
                                               zk=self.hosts, zk_embedded=self.zk is not None)

    def _drain(self) -> None:
        if self.manager is not None and self.client is not None and self.o.drain_timeout > 0:
            self.manager.drain(self._outbox_depth, self.o.drain_timeout, skip=self.skip_drain)

    def _save_leftover(self) -> None:
        """Read what the outbox still holds and write it to a file, with what
        `clustersim deliver` needs to send it later."""
        if self.manager is None or self.client is None:
            return  # start-up failed before any node ran: no round was made
        from cluster_sim.protocol.saved_rounds import SavedHeader
        from cluster_sim.engine.events import OutboxUnread, RoundsSaved, Unsaved
        from cluster_sim.adapters.leftover import LeftoverError, read_outbox, save

        embedded = self.zk is not None
        try:
            outbox = read_outbox(self.client)
        except LeftoverError as exc:
            self.leftover = OutboxUnread(time.time(), why=str(exc), zk=self.hosts, zk_embedded=embedded)
            return
        if not outbox.rounds:
            return
        # rounds come from clustersim leaders only: an original-design leader has no epoch (0 here)
        terms = [t for t in self.manager.terms if t.epoch]
        header = SavedHeader(name=self.o.name, cluster=outbox.cluster, epoch=outbox.epoch,
                             leader=str(terms[-1].node_id) if terms else "", api_url=self.api_url,
                             zk=self.hosts, zk_embedded=embedded, secret=bool(self.o.secret))
        path, error = save(header, outbox.rounds)
        state = self.manager.state
        reason = (Unsaved.API_DOWN if state.api_ok is False else Unsaved.NO_LEADER if not terms
                  else Unsaved.LATE)
        self.leftover = RoundsSaved(time.time(), count=len(outbox.rounds), path=path, reason=reason,
                                    error=error, zk=self.hosts, zk_embedded=embedded)

    def _print_leftover(self) -> None:
        # a plain line of its own below the timeline, not a line in the view's
        # panel, which would wrap the file name: the user copies it from here.
        # The event itself goes to the recorder and the export (the printer has
        # stopped: it does not print it twice).
        for event in (self.leftover, self.uncomputed):
            if event is not None:
                self.manager.emit(event)
                self.out.write((describe(event, self.o.lang, self.manager.state.round_base()) or "") + "\n")
                self.out.flush()
