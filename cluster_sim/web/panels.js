/* Around the picture: the facts line, the narration, the event log, the leadership timeline,
 * and render(), which draws it all at most once an animation frame. */
// ------------------------------------------------------------------ the rest of the page
function drawFacts(now) {
  var el = $("leader"), s = M.state || {};
  attr(el, "data-node", M.leader === null ? "" : M.leader);
  attr(el, "data-epoch", M.epoch === null ? "" : M.epoch);
  if (M.leader === null) { el.className = "none"; setText(el, L.noLeader); }
  else {
    // a leader holding still (frozen, cut off, suspended) is not shown as the acting one
    var holding = s.leader_state === "holding", lead = M.nodes[M.leader] || {};
    var left = typeof lead.expiresAt === "number" ? Math.max(0, lead.expiresAt - now) : null;
    el.className = holding ? "has holding" : "has";
    setText(el, (holding ? "☆ " : "★ ") + L.node + " " + M.leader + (M.epoch != null ? " · " + L.epoch + " " + M.epoch : "") +
            (M.leaderSince ? " · " + L.forT + " " + span(now - M.leaderSince) : "") +
            (holding ? " · " + L.holding + (left === null ? "" : " · " + L.expiresIn + " " + num(left, 1) + " s") : ""));
  }
  attr(el, "data-leader-state", M.leader === null ? "none" : str(s.leader_state));
  // the leader computes on while the API is away: its newest round, marked as not stored yet
  var c = s.computed, held = !!c && c.round != null && s.outbox && s.outbox.depth > 0 &&
      (s.last_round == null || c.round > s.last_round);
  setText($("mean"), held ? num(c.mean, 2) + " · " + L.meanHeld : num(s.last_mean, 2));
  $("mean").className = held ? "held" : "";
  setText($("stored"), typeof s.rounds_stored === "number" ? s.rounds_stored + " " + L.rounds : "—");
  var api = $("api");
  // never OK while the leader's own deliveries fail (the API may answer the supervisor all the same)
  var apiOk = s.delivery && s.delivery.ok === false ? false : s.api_ok;
  setText(api, apiOk === true ? L.ok : apiOk === false ? L.down : "—");
  api.className = apiOk === true ? "good" : apiOk === false ? "bad" : "muted";
  var zk = $("zk"), quorum = drawZk(M.state);
  var zkText = s.zk_connected === false ? L.zkLost : !quorum ? L.noQuorum : s.zk_connected ? L.zkOk : "—";
  setText(zk, zkText);
  zk.className = s.zk_connected === false || !quorum ? "bad" : s.zk_connected ? "good" : "muted";
  var nar = $("narration");
  nar.hidden = !M.narration || !M.narration.title;
  if (M.narration) { setText($("n-title"), M.narration.title); setText($("n-text"), M.narration.text); }
  $("recipe").hidden = !M.recipe;
  if (M.recipe) setText($("recipe"), say("recipe_mark", { recipe: say("recipe_name." + M.recipe) }));
  $("cost-box").hidden = !M.cost;
  if (M.cost) {
    setText($("k-failover"), say("failover"));
    setText($("cost"), say(M.cost.source === "mntr" ? "failover_cost" : "failover_cost_nodes", costFields(M.cost)));
  }
  $("join").hidden = !M.join || !!REC;
  if (M.join) setText($("join-cmd"), M.join);
}

// a failover's cost as the words' placeholders (presentation/cost_words.py cost_fields, the same)
function costFields(c) {
  function r(v, d) { return typeof v === "number" ? Math.round(v * Math.pow(10, d)) / Math.pow(10, d) : null; }
  return { node: c.node, after: c.after == null ? "?" : c.after, recipe: say("recipe_name." + c.recipe), woken: c.woken,
           notifications: c.notifications, requests: c.requests, window: r(c.window_s, 2),
           baseline: r(c.baseline_per_s, 1), nbaseline: r(c.notifications_baseline_per_s, 1), leader: c.leader_ms, avg: r(c.latency_avg_ms, 2), max: r(c.latency_max_ms, 1) };
}

function drawLog() {
  if (!M.logDirty) return;
  M.logDirty = false;
  var ol = $("log"), items = M.log.slice().reverse();   // newest first: always in sight
  var frag = document.createDocumentFragment();
  if (!items.length) {
    var li0 = document.createElement("li"); li0.className = "empty"; li0.textContent = L.noEvents; frag.appendChild(li0);
  }
  items.forEach(function (x) {
    var li = document.createElement("li"), tm = document.createElement("time");
    li.className = x.level; tm.textContent = clock(x.t);
    li.appendChild(tm); li.appendChild(document.createTextNode(x.text));
    frag.appendChild(li);
  });
  ol.textContent = "";
  ol.appendChild(frag);
}

function epochColour(epoch) {
  return epoch == null ? "#8a93a4" : PALETTE[((epoch % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
function drawTimeline(now) {
  var box = $("timeline"), width = Math.max(200, box.clientWidth || box.parentNode.clientWidth || 400);
  var t0 = M.t0 === null ? now : M.t0, t1 = Math.max(now, t0 + 1);
  var rows = [], rowOf = {};
  M.terms.forEach(function (x) { if (!rowOf[x.node]) { rowOf[x.node] = 1; rows.push(x.node); } });
  M.marks.forEach(function (x) { if (x.node !== null && !rowOf[x.node]) { rowOf[x.node] = 1; rows.push(x.node); } });
  rows.sort(function (a, b) {
    var na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
    return na && nb ? a - b : na ? -1 : nb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  if (rows.length > MAX_ROWS) rows = rows.slice(rows.length - MAX_ROWS);
  var clusterLane = M.marks.some(function (x) { return x.node === null; });
  var lanes = (clusterLane ? [null] : []).concat(rows), rowH = 30, left = 64, right = 10, top = 4;
  var height = top + Math.max(1, lanes.length) * rowH + 24, span_ = t1 - t0, plot = width - left - right;
  function X(t) { return left + Math.max(0, Math.min(1, (t - t0) / span_)) * plot; }
  var g = document.createDocumentFragment(), laneY = {};
  lanes.forEach(function (id, i) {
    var y = top + i * rowH;
    laneY[id === null ? "\u0000" : id] = y;
    svg("rect", { x: left, y: y + 3, width: plot, height: rowH - 6, "class": "lane" }, g);
    var label = svg("text", { x: left - 8, y: y + rowH / 2, "class": "row" }, g);
    label.textContent = id === null ? L.cluster : short(id, 6);
  });
  M.terms.forEach(function (x) {
    var y = laneY[x.node];
    if (y === undefined) return;
    var a = X(x.start), b = X(x.end === null ? t1 : x.end), w = Math.max(3, b - a);
    svg("rect", { x: a, y: y + 5, width: w, height: rowH - 10, rx: 3, fill: epochColour(x.epoch),
                  "data-node": x.node, "data-epoch": x.epoch == null ? "" : x.epoch, "class": "term" }, g);
    if (w > 34 && x.epoch != null) { var tx = svg("text", { x: a + 5, y: y + rowH / 2, "class": "ep" }, g); tx.textContent = "e" + x.epoch; }
  });
  M.marks.forEach(function (x) {
    var y = laneY[x.node === null ? "\u0000" : x.node];
    if (y === undefined) return;
    var m = svg("text", { x: X(x.t), y: y + rowH / 2, style: "fill:" + x.colour, "class": "mark" }, g);
    m.textContent = x.glyph;
  });
  var ax = top + lanes.length * rowH + 18;
  var a0 = svg("text", { x: left, y: ax }, g); a0.textContent = REC ? "0 s" : clock(t0);
  var a1 = svg("text", { x: width - right, y: ax, "text-anchor": "end" }, g);
  a1.textContent = REC ? span(t1 - t0) : L.now + " (" + span(t1 - t0) + ")";
  drawLegend();
  box.setAttribute("viewBox", "0 0 " + width + " " + height);
  box.setAttribute("height", height);
  box.textContent = "";
  box.appendChild(g);
}

// the timeline's marks explained: only those it shows, each once ("page.mark.<glyph>", digits as #)
var legendShown = "";
function drawLegend() {
  var seen = {}, items = [];
  M.marks.forEach(function (x) {
    var key = "page.mark." + str(x.glyph).replace(/\d+/g, "#");
    if (seen[key] || !(key in WORDS)) return;
    seen[key] = 1; items.push([x.glyph.replace(/\d+/g, ""), x.colour, say(key)]);
  });
  var shown = JSON.stringify(items), box = $("legend");
  if (shown === legendShown) return;
  legendShown = shown;
  box.textContent = "";
  box.hidden = !items.length;
  items.forEach(function (it) {
    var item = document.createElement("span"), glyph = document.createElement("b");
    glyph.textContent = it[0]; glyph.style.color = it[1];
    item.appendChild(glyph); item.appendChild(document.createTextNode(" " + it[2]));
    box.appendChild(item);
  });
}

var pending = false, timelineDrawn = -Infinity, TIMELINE_EVERY = 1000;
function changed() { if (!pending && !rebuilding) { pending = true; requestAnimationFrame(render); } }
function render(frameMs) {
  pending = false;
  var now = clockNow();
  fitFonts();
  var order = drawnOrder();           // a large cluster's: the leader, the next, the nodes not fine
  layout(order);
  order.forEach(function (id) { drawNode(id, M.nodes[id], now); });
  drawBig(order.length);
  drawApi(M.state);
  drawFacts(now);
  drawLog();
  // the timeline is redrawn whole: when it changed, else once a second as its bars grow
  if (M.timelineDirty || frameMs - timelineDrawn >= TIMELINE_EVERY) {
    M.timelineDirty = false; timelineDrawn = frameMs;
    drawTimeline(now);
  }
}

// ------------------------------------------------------------------ time, live or replayed
var offset = 0, playT = null;
function clockNow() { return playT !== null ? playT : Date.now() / 1000 + offset; }
setInterval(function () { if (!document.hidden) changed(); }, 500);   // ages and "for N s" move on
window.addEventListener("resize", function () { M.timelineDirty = true; changed(); });

function labels() {
  setText($("k-leader"), L.leader); setText($("k-mean"), L.mean); setText($("k-stored"), L.stored);
  setText($("h-timeline"), L.timeline); setText($("h-events"), L.events); setText($("h-results"), L.results);
  setText($("k-join"), L.join); setText($("k-speed"), L.speed);
}
labels();
function badge(cls, text) { var b = $("conn"); b.className = "badge " + cls; setText(b, text); }
