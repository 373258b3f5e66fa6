/* What the page knows: the latest state, the leader, the timeline's terms and marks, the log.
 * applyEvent and applySnapshot are the only ways in, live and replayed alike. */
// ------------------------------------------------------------------ the model
var M;
function reset() {
  M = { state: null, nodes: {}, order: [], leader: null, epoch: null, leaderSince: null, terms: [], marks: [],
        log: [], logDirty: true, timelineDirty: true, t0: null, join: null, narration: null, eventFaults: {}, lastRound: null,
        animated: {}, ready: false, apiFlashUntil: 0, recipe: null, cost: null };
}
reset();
function seen(t) { if (typeof t === "number" && isFinite(t) && (M.t0 === null || t < M.t0)) M.t0 = t; }

function openTerm(node, epoch, t) {
  M.timelineDirty = true;
  for (var i = M.terms.length - 1; i >= 0; i--) {
    var x = M.terms[i];
    if (x.node === node && x.end === null) {
      if (epoch == null || x.epoch == null || x.epoch === epoch) { if (x.epoch == null) x.epoch = epoch; return; }
      x.end = t;
    }
  }
  M.terms.push({ node: node, epoch: epoch == null ? null : epoch, start: t, end: null });
  if (M.terms.length > MAX_TERMS) M.terms.splice(0, M.terms.length - MAX_TERMS);
}
function closeTerm(node, t) {
  M.terms.forEach(function (x) { if (x.node === node && x.end === null) { x.end = Math.max(x.start, t); M.timelineDirty = true; } });
}
function mark(node, kind, t, glyph, colour) {
  M.timelineDirty = true;
  M.marks.push({ node: node, kind: kind, t: t, glyph: glyph, colour: colour });
  if (M.marks.length > MAX_MARKS) M.marks.splice(0, M.marks.length - MAX_MARKS);
}
var MARKS = {
  node_stopped: function (e) { return e.crashed || e.signal === "SIGKILL" || e.requested === "SIGKILL" ? ["✕", "#ff5c5c"] : ["■", "#8a93a4"]; },
  node_paused: function () { return ["❚❚", "#ffa726"]; },
  node_resumed: function () { return ["▶", "#3ddc84"]; },
  session_expired: function () { return ["!", "#ffa726"]; },
  partitioned: function () { return ["✂", "#ff5c5c"]; },
  healed: function () { return ["⇆", "#3ddc84"]; },
  fenced: function () { return ["⊘", "#ff5c5c"]; },
  split_brain: function () { return ["⚠", "#ff5c5c"]; },
  api_down: function () { return ["API✕", "#ff5c5c"]; },
  api_stopped: function () { return ["API✕", "#ff5c5c"]; },
  api_back: function () { return ["API✓", "#3ddc84"]; },
  api_started: function () { return ["API✓", "#3ddc84"]; },
  zk_server_stopped: function (e) { return ["ZK" + str(e.index) + "✕", "#ff5c5c"]; },
  zk_server_starting: function (e) { return ["ZK" + str(e.index) + "✓", "#3ddc84"]; }
};

// a demo's step as the panel shows it: its title, then its body and the question for the class
function told(n) {
  var text = n.body != null ? str(n.body) : n.text === n.title ? "" : str(n.text);
  if (n.question) text += (text ? "\n" : "") + say("demo.ask") + " " + str(n.question);
  if (n.hint && !REC) text += (text ? "\n\n" : "") + str(n.hint);   // "press Enter": nothing to press in a recording
  return { title: str(n.title), text: text };
}

function applyEvent(raw, animate) {
  var e = normEvent(raw);
  if (!e) return;
  seen(e.ts);
  var k = e.kind, t = e.ts;
  if (isLogged(e)) {
    M.log.push({ t: t, text: wording(e), level: levelOf(e) });
    if (M.log.length > MAX_LOG) M.log.splice(0, M.log.length - MAX_LOG);
    M.logDirty = true;
  }
  if (MARKS[k]) { var g = MARKS[k](e); mark(e.node == null ? null : e.node, k, t, g[0], g[1]); }
  if (k === "leader_elected") {
    var at = typeof e.elected_at === "number" ? e.elected_at : t;
    if (e.after != null && typeof e.failover_ms === "number") closeTerm(String(e.after), at - e.failover_ms / 1000);
    M.leader = e.node; M.epoch = e.epoch == null ? null : e.epoch; M.leaderSince = at;
    openTerm(e.node, M.epoch, at);
  } else if (k === "leader_lost") {
    closeTerm(e.node, t);
    if (M.leader === e.node) { M.leader = null; M.leaderSince = null; }
  } else if (k === "stepped_down" || k === "fenced" || k === "remote_left") {
    // not node_stopped: a crashed leader leads, for ZooKeeper, until its session expires; the
    // election that follows ends its bar where it left (elected_at - failover_ms)
    closeTerm(e.node, t);
  } else if (k === "partitioned") {
    M.eventFaults[e.node] = M.eventFaults[e.node] || {};
    M.eventFaults[e.node].partitioned = e.target || "zk";
  } else if (k === "slowed") {
    M.eventFaults[e.node] = M.eventFaults[e.node] || {};
    M.eventFaults[e.node].slow = e.latency_ms != null ? e.latency_ms + " ms" : "";
  } else if (k === "healed") {
    delete M.eventFaults[e.node];
  } else if (k === "join_command") {
    M.join = str(e.command);
  } else if (k === "recipe_for_teaching") {
    M.recipe = str(e.recipe);            // a recipe for teaching (the herd effect): marked on the page
  } else if (k === "failover_cost") {
    M.cost = e;                          // what the last failover cost ZooKeeper
  } else if (k === "narration") {
    // the explanation is "body"; an exported line's "text" is only the sentence (the title again)
    M.narration = told(e);
  } else if (k === "reading_published" && e.node != null) {
    var n = M.nodes[e.node];
    if (n && typeof e.value === "number") { n.value = e.value; n.readingT = typeof e.taken_at === "number" ? e.taken_at : t; }
    if (animate) readingFlow(e.node, e.value);
  } else if (k === "round_stored" || k === "round_computed") {
    if (k === "round_stored" && animate && e.round !== M.animated.round) { M.animated.round = e.round; roundFlow(); }
  }
  changed();
}

// A snapshot: the state as the status says it, at time t.
// A row is known by its id, and a process waiting for an id another process holds by a key of
// its own (the status then has two rows with that id); recording.py row_key is the same.
function rowKey(n) { return String(n.id) + (n.waiting === true ? "#waiting" : ""); }

function applySnapshot(state, t, animate) {
  if (!state || typeof state !== "object") return;
  seen(t);
  if (typeof state.started_at === "number" && state.started_at > 0) seen(state.started_at);   // the session's start
  var before = M.nodes, nodes = {}, order = [];
  (Array.isArray(state.nodes) ? state.nodes : []).forEach(function (n) {
    if (!n || n.id === undefined || n.id === null) return;
    var id = rowKey(n), copy = {};
    Object.keys(n).forEach(function (key) { copy[key] = n[key]; });
    copy.id = String(n.id);
    if (copy.readingT === undefined) copy.readingT = typeof n.age_s === "number" ? t - n.age_s : null;
    // ZooKeeper's countdown on a silent session: the moment it runs out, so it ticks between snapshots
    var session = n.session && typeof n.session === "object" ? n.session : {};
    copy.expiresAt = typeof session.expires_in_s === "number" ? t + session.expires_in_s : null;
    nodes[id] = copy; order.push(id);
    var old = before[id];
    if (animate && old && typeof copy.value === "number" && copy.value !== old.value && M.animated[id] !== copy.value)
      readingFlow(id, copy.value);
  });
  M.nodes = nodes; M.order = order; M.state = state;
  var leader = state.leader == null ? null : String(state.leader);
  if (leader !== M.leader || (state.epoch != null && state.epoch !== M.epoch)) {
    M.leader = leader; M.epoch = state.epoch == null ? null : state.epoch;
    M.leaderSince = leader === null ? null : (M.leaderSince || t);
  }
  if (typeof state.leader_since === "number") M.leaderSince = state.leader_since;
  // the timeline from what the nodes do: whoever acts as leader has an open term
  order.forEach(function (key) {
    var n = nodes[key], id = n.id;
    if (n.waiting === true) return;          // a process without its id leads nothing
    if (id === leader || n.role === "LEADER") openTerm(id, id === leader ? M.epoch : null, t);
    else closeTerm(id, t);
  });
  M.terms.forEach(function (x) { if (x.end === null && !nodes[x.node]) x.end = t; });
  if (state.narration !== undefined) {
    if (state.narration === null) M.narration = null;
    else if (typeof state.narration === "object") M.narration = told(state.narration);
    else { var lines = str(state.narration).split("\n"); M.narration = { title: lines[0], text: lines.slice(1).join("\n") }; }  // an older recording
  }
  if (state.join_command) M.join = str(state.join_command);
  if (state.recipe_teaching === true) M.recipe = str(state.recipe);
  if (state.failover_cost && typeof state.failover_cost === "object") M.cost = state.failover_cost;
  if (state.last_round != null && state.last_round !== M.lastRound) {
    if (M.lastRound !== null && animate && M.animated.round !== state.last_round) { M.animated.round = state.last_round; roundFlow(); }
    M.lastRound = state.last_round;
  }
  changed();
}
