/* Where the input comes from: the live stream (EventSource on /events) or the recording inline
 * (play, pause, seek, speed), then start. Last of the page's scripts. */
// ------------------------------------------------------------------ live
function live() {
  badge("", L.connecting);
  if (!window.EventSource) { badge("lost", "EventSource?"); return; }
  var source = new EventSource("events");
  function data(ev) { try { return JSON.parse(ev.data); } catch (e) { return null; } }
  source.addEventListener("hello", function (ev) {
    var h = data(ev) || {};
    dropFlows(); reset();
    heard = []; frozenAt = null; playT = null; document.body.removeAttribute("data-frozen");
    if (typeof h.now === "number") offset = h.now - Date.now() / 1000;
    if (h.title) { setText($("title"), h.title); document.title = h.title; }
    document.body.removeAttribute("data-ready");
  });
  source.addEventListener("event", function (ev) {
    var e = data(ev);
    if (e && e.kind === "ended") { sessionEnded(e); return; }   // the demo is over: the page stays, with its results
    if (e && e.kind !== "reading_published") keepHeard("e", e.ts, e);
    if (!frozen()) applyEvent(e, M.ready);
  });
  source.addEventListener("snapshot", function (ev) {
    var s = data(ev);
    if (!s) return;
    var t = typeof s.ts === "number" ? s.ts : Date.now() / 1000 + offset;
    keepHeard("s", t, s.state);
    if (!frozen()) applySnapshot(s.state, t, M.ready);
  });
  source.addEventListener("ready", function () {
    M.ready = true; document.body.setAttribute("data-ready", "1"); changed();
    if (TEACHER) scrubControls();
    if (!M.ended) badge("live", "● " + L.live);
  });
  source.onerror = function () { badge("lost", L.reconnecting); document.body.removeAttribute("data-ready"); };
}

function sessionEnded(e) {
  // the supervisor stopped the cluster and keeps serving its last picture: the results, no controls
  M.ended = true;
  badge("rec", "■ " + L.ended);
  document.body.setAttribute("data-ended", "1");
  if (drawResults({ results: e.results })) $("results").hidden = false;
  if ($("controls")) $("controls").hidden = true;
  closeMenu();
  changed();
}

// ------------------------------------------------------------------ replay
function applyPatch(st, patch, t) {
  // the player's rule; recording.py apply_patch is the same
  Object.keys(patch).forEach(function (k) { if (k !== "N" && k !== "R" && k !== "V" && k !== "O" && k !== "-") st.top[k] = patch[k]; });
  (patch["-"] || []).forEach(function (k) { delete st.top[k]; });
  if (patch.O) {
    var nodes = {}, readingT = {};
    patch.O.forEach(function (id) { id = String(id); nodes[id] = st.nodes[id] || { id: id }; readingT[id] = st.readingT[id] === undefined ? null : st.readingT[id]; });
    st.order = patch.O.map(String); st.nodes = nodes; st.readingT = readingT;
  }
  Object.keys(patch.N || {}).forEach(function (id) {
    var n = st.nodes[id] || (st.nodes[id] = { id: id }), f = patch.N[id];
    Object.keys(f).forEach(function (k) { n[k] = f[k]; });
  });
  var readings = {};
  Object.keys(patch.R || {}).forEach(function (id) { readings[id] = patch.R[id]; });
  (patch.V || []).forEach(function (entry, i) { if (entry !== "" && i < st.order.length) readings[st.order[i]] = entry; });
  Object.keys(readings).forEach(function (id) {
    var entry = readings[id], value = Array.isArray(entry) ? entry[0] : entry, a = Array.isArray(entry) ? entry[1] : 0;
    (st.nodes[id] || (st.nodes[id] = { id: id })).value = value;
    st.readingT[id] = a === null || a === undefined ? null : t - a;
  });
}
function stateOf(st) {
  var s = {}; Object.keys(st.top).forEach(function (k) { s[k] = st.top[k]; });
  s.nodes = st.order.map(function (id) {
    var n = {}, src = st.nodes[id]; Object.keys(src).forEach(function (k) { n[k] = src[k]; });
    n.readingT = st.readingT[id]; return n;
  });
  return s;
}

var rebuilding = false;
function replay(rec) {
  var frames = Array.isArray(rec.frames) ? rec.frames : [], events = Array.isArray(rec.events) ? rec.events : [];
  var t0 = typeof rec.t0 === "number" ? rec.t0 : 0;
  var first = Math.min(frames.length ? frames[0][0] : 0, events.length ? events[0][0] : 0);
  var last = Math.max(frames.length ? frames[frames.length - 1][0] : 0, events.length ? events[events.length - 1][0] : 0);
  var player = $("player"), seek = $("seek"), play = $("play"), speed = $("speed"), pos = $("pos");
  player.hidden = false;
  badge("rec", "● " + L.replay);
  seek.min = first; seek.max = last; seek.step = 100;
  player.setAttribute("data-frames", frames.length);
  var st, fi, ei, at, playing = false, lastTick = 0;
  function restart() {
    dropFlows(); reset(); M.ready = false;
    st = { top: {}, order: [], nodes: {}, readingT: {} }; fi = 0; ei = 0; at = first;
  }
  function advance(to, animate) {
    // events and frames in time order; an event goes before a frame of the same moment
    while (fi < frames.length || ei < events.length) {
      var fms = fi < frames.length ? frames[fi][0] : Infinity, ems = ei < events.length ? events[ei][0] : Infinity;
      if (Math.min(fms, ems) > to) break;
      if (ems <= fms) {
        var rec_ = {}, src = events[ei][1] || {};
        Object.keys(src).forEach(function (k) { rec_[k] = src[k]; });
        rec_.ts = t0 + ems / 1000;
        applyEvent(rec_, animate); ei++;
      } else {
        var t = t0 + fms / 1000;
        applyPatch(st, frames[fi][1] || {}, t);
        applySnapshot(stateOf(st), t, animate); fi++;
      }
    }
    at = to;
    playT = t0 + at / 1000;
  }
  function show() {
    // drawn now, not at the next animation frame: what the player's attributes say is on screen
    render(performance.now());
    player.setAttribute("data-frame", fi);
    player.setAttribute("data-at", at);   // exact (the slider snaps to its steps)
    seek.value = at;
    setText(pos, span((at - first) / 1000) + " / " + span((last - first) / 1000));
    var ended = at >= last;
    document.body.setAttribute("data-ended", ended ? "1" : "0");
    $("results").hidden = !ended || !hasResults;
  }
  function seekTo(ms) {
    ms = Math.max(first, Math.min(last, ms));
    if (ms < at) restart();
    rebuilding = true;
    try { advance(ms, false); } finally { rebuilding = false; }
    M.ready = true;
    show();
  }
  function setPlaying(on) {
    playing = on;
    setText(play, playing ? L.pause : L.play);
    if (playing) { if (at >= last) seekTo(first); lastTick = performance.now(); requestAnimationFrame(tick); }
  }
  function tick(nowMs) {
    if (!playing) return;
    var factor = parseFloat(speed.value) || 1, dt = Math.max(0, nowMs - lastTick) * factor;
    lastTick = nowMs;
    advance(Math.min(last, at + dt), factor <= 8);
    show();
    if (at >= last) { setPlaying(false); return; }
    requestAnimationFrame(tick);
  }
  var hasResults = drawResults(rec);
  play.addEventListener("click", function () { setPlaying(!playing); });
  var seekPending = null;
  seek.addEventListener("input", function () {
    if (seekPending === null) requestAnimationFrame(function () { var v = seekPending; seekPending = null; seekTo(v); });
    seekPending = parseFloat(seek.value);
    if (seekPending + 100 > last) seekPending = last;     // the slider's steps may stop short of the end
  });
  function eventMs(direction) {
    // the moment of the next (or previous) event in the log, from where the player is
    var best = null;
    events.forEach(function (x) {
      var ms = x[0];
      if (direction > 0 ? ms > at && (best === null || ms < best) : ms < at && (best === null || ms > best)) best = ms;
    });
    return best === null ? (direction > 0 ? last : first) : best;
  }
  document.addEventListener("keydown", function (ev) {
    var tag = ev.target && ev.target.tagName;
    if (tag === "SELECT" || tag === "INPUT" && ev.target.type !== "range") return;
    if (ev.key === " ") { ev.preventDefault(); setPlaying(!playing); }
    else if (ev.key === "End") { ev.preventDefault(); seekTo(last); }
    else if (ev.key === "Home") { ev.preventDefault(); seekTo(first); }
    else if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      ev.preventDefault(); setPlaying(false); seekTo(eventMs(ev.key === "ArrowRight" ? 1 : -1));
    }
  });
  // a focused button would also take the space as a click (on keyup): the keydown above already toggled
  document.addEventListener("keyup", function (ev) {
    if (ev.key === " " && ev.target && ev.target.tagName === "BUTTON") ev.preventDefault();
  });
  // a link can open the recording at a moment (#t=SECONDS) or at its end (#end)
  restart();
  var hash = location.hash.replace(/^#/, "");
  if (hash === "end") seekTo(last);
  else if (/^t=\d+(\.\d+)?$/.test(hash)) seekTo(first + parseFloat(hash.slice(2)) * 1000);
  else seekTo(first);
  setPlaying(false);
  if (/[?&]autoplay\b/.test(location.search)) setPlaying(true);
  window.clustersimReplay = { seek: function (s) { seekTo(first + s * 1000); }, end: function () { seekTo(last); },
                              play: function () { setPlaying(true); } };
}

function drawResults(rec) {
  var r = rec.results, body = $("results-body"), any = false;
  body.textContent = "";
  if (r && typeof r === "object") {
    if (r.title) setText($("h-results"), r.title);
    var rows = Array.isArray(r.rows) ? r.rows : Array.isArray(r) ? r : [];
    if (rows.length) {
      var table = document.createElement("table");
      rows.forEach(function (row) {
        var tr = document.createElement("tr");
        (Array.isArray(row) ? row : [row]).slice(0, 3).forEach(function (cell) {
          var td = document.createElement("td"); td.textContent = str(cell); tr.appendChild(td);
        });
        table.appendChild(tr);
      });
      body.appendChild(table); any = true;
    }
    (Array.isArray(r.notes) ? r.notes : []).forEach(function (note) {
      var p = document.createElement("p"); p.textContent = str(note); body.appendChild(p); any = true;
    });
  } else if (typeof r === "string" && r) {
    var pre0 = document.createElement("pre"); pre0.textContent = r; body.appendChild(pre0); any = true;
  }
  if (typeof rec.final_text === "string" && rec.final_text) {
    var pre = document.createElement("pre"); pre.textContent = rec.final_text; body.appendChild(pre); any = true;
  }
  return any;
}

if (REC) replay(REC); else live();
