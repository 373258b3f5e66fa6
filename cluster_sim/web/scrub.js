// ------------------------------------------------------------------ time on the teacher's side
/* The live page keeps what it heard (events and snapshots, bounded) so the teacher can freeze
 * the picture while the cluster runs on, scrub back through the session so far, step event by
 * event and return to live; a banner says the picture is not live. Seeking rebuilds the picture
 * from the start, as the recording player does (play.js): the same applyEvent/applySnapshot. */
var HEARD_MAX = 6000;            // about 25 minutes of snapshots at 4 a second, with their events
var heard = [], frozenAt = null;

function keepHeard(type, ts, data) {
  if (typeof ts !== "number" || !data) return;
  heard.push([type, ts, data]);
  if (heard.length > HEARD_MAX) heard.splice(0, heard.length - HEARD_MAX);
  if (frozenAt !== null) drawScrub();
}
function frozen() { return frozenAt !== null; }
function heardSpan() {
  return heard.length ? [heard[0][1], heard[heard.length - 1][1]] : [clockNow(), clockNow()];
}
function rebuildAt(t) {
  dropFlows(); reset();
  rebuilding = true;
  try {
    for (var i = 0; i < heard.length && heard[i][1] <= t; i++) {
      if (heard[i][0] === "e") applyEvent(heard[i][2], false); else applySnapshot(heard[i][2], heard[i][1], false);
    }
  } finally { rebuilding = false; }
  M.ready = true;
}
function freezeAt(t) {
  var span_ = heardSpan();
  frozenAt = Math.max(span_[0], Math.min(t, span_[1]));
  playT = frozenAt;
  rebuildAt(frozenAt);
  document.body.setAttribute("data-frozen", "1");
  drawScrub();
  render(performance.now());
}
function goLive() {
  frozenAt = null; playT = null;
  rebuildAt(Infinity);
  document.body.removeAttribute("data-frozen");
  drawScrub();
  render(performance.now());
}
function stepEvent(direction) {
  // the next (or previous) moment something was logged: the picture just after it
  var t = frozenAt === null ? heardSpan()[1] : frozenAt, best = null;
  heard.forEach(function (h) {
    if (h[0] !== "e" || (h[2].text === null && DATA_KINDS.indexOf(h[2].kind) >= 0)) return;
    if (direction > 0 ? h[1] > t && (best === null || h[1] < best) : h[1] < t && (best === null || h[1] > best)) best = h[1];
  });
  if (best !== null) freezeAt(best);
  else if (direction < 0 && heard.length) freezeAt(heard[0][1]);
}
function drawScrub() {
  var bar = $("scrub"), live_ = frozenAt === null, span_ = heardSpan(), slider = $("scrub-seek");
  $("frozen").hidden = live_;
  slider.min = Math.floor(span_[0] * 10); slider.max = Math.ceil(span_[1] * 10);
  slider.value = Math.round((live_ ? span_[1] : frozenAt) * 10);
  setText($("scrub-freeze"), L.freeze); setText($("scrub-live"), L.backLive);
  $("scrub-live").disabled = live_;
  if (!live_) setText($("frozen"), fill(L.notLive, { time: clock(frozenAt), behind: span(span_[1] - frozenAt) }));
  attr(bar, "data-at", live_ ? "" : frozenAt.toFixed(3));
}
var scrubWired = false;
function scrubControls() {
  $("scrub").hidden = false;
  if (scrubWired) { drawScrub(); return; }
  scrubWired = true;
  $("scrub-prev").setAttribute("aria-label", L.prevEvent); $("scrub-prev").title = L.prevEvent;
  $("scrub-next").setAttribute("aria-label", L.nextEvent); $("scrub-next").title = L.nextEvent;
  $("scrub-freeze").addEventListener("click", function () { freezeAt(frozenAt === null ? heardSpan()[1] : frozenAt); });
  $("scrub-live").addEventListener("click", goLive);
  $("scrub-prev").addEventListener("click", function () { stepEvent(-1); });
  $("scrub-next").addEventListener("click", function () { stepEvent(1); });
  $("scrub-seek").addEventListener("input", function () { freezeAt(parseInt(this.value, 10) / 10); });
  drawScrub();
}
