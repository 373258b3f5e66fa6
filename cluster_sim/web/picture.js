/* The picture: nodes on a ring around ZooKeeper, the API box, and the dots that fly between them.
 * Shapes are made once per node and updated in place. */
// ------------------------------------------------------------------ drawing helpers
function $(id) { return document.getElementById(id); }
function svg(tag, attrs, parent) {
  var el = document.createElementNS(SVGNS, tag);
  if (attrs) Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
  if (parent) parent.appendChild(el);
  return el;
}
function setText(el, text) { text = str(text); if (el.textContent !== text) el.textContent = text; }
function attr(el, name, value) { value = str(value); if (el.getAttribute(name) !== value) el.setAttribute(name, value); }

// ------------------------------------------------------------------ the picture
var CX = 490, CY = 425, RX = 345, RY = 280;   // the view box is 1200 x 820: the API sits right of the ring
var pic = $("picture");
var layerLinks = svg("g", { id: "links" }, pic);
var layerWatches = svg("g", { id: "watches" }, pic);   // each candidate's watch on the znode before its own
var zkGroup = svg("g", { id: "zk" }, pic);
var apiGroup = svg("g", { id: "apibox" }, pic);
var layerNodes = svg("g", { id: "nodes" }, pic);
var layerFlows = svg("g", { id: "flows" }, pic);
var drawn = {}, layoutKey = "", positions = {}, radius = 40;

var apiRect = svg("rect", { x: 1000, y: 660, width: 190, height: 130, rx: 14, "class": "apibox" }, apiGroup);
var apiName = svg("text", { x: 1095, y: 700, "class": "apiname" }, apiGroup);
var apiNote = svg("text", { x: 1095, y: 736, "class": "apinote" }, apiGroup);
var apiNote2 = svg("text", { x: 1095, y: 768, "class": "apinote" }, apiGroup);
apiName.textContent = "API";
var API_AT = { x: 1095, y: 725 };

function layout(order) {
  var key = order.join("\u0000");
  if (key === layoutKey) return;
  layoutKey = key;
  var n = Math.max(1, order.length), per = 2 * Math.PI * Math.sqrt((RX * RX + RY * RY) / 2) / n;
  radius = Math.max(16, Math.min(46, per * 0.28));
  positions = {};
  order.forEach(function (id, i) {
    var a = -Math.PI / 2 + 2 * Math.PI * i / n;
    positions[id] = { x: CX + RX * Math.cos(a), y: CY + RY * Math.sin(a), dx: Math.cos(a), dy: Math.sin(a) };
  });
  Object.keys(drawn).forEach(function (id) {
    if (!positions[id]) { drawn[id].g.remove(); drawn[id].link.remove(); drawn[id].watch.remove(); delete drawn[id]; }
  });
}

// the smallest font, in the picture's units, that reads from the back row: 16 px on screen (12 on a phone)
var MINFS = 0;
function fitFonts() {
  var ctm = $("picture").getScreenCTM && $("picture").getScreenCTM();
  var scale = ctm && ctm.a > 0 ? ctm.a : 1, px = window.innerWidth < 600 ? 12 : 16;
  MINFS = Math.ceil(px / scale * 10) / 10;
  $("picture").style.setProperty("--minfs", MINFS + "px");
}
function fs_(x) { return Math.max(x, MINFS); }

// labels centred under a node: moved sideways to stay inside the picture and clear of the API (x > 1000)
function fitLabels(texts, ax) {
  var half = 0;
  texts.forEach(function (t) { try { half = Math.max(half, t.getComputedTextLength() / 2); } catch (e) { /* not laid out */ } });
  var x = Math.max(half + 6, Math.min(ax, (ax > CX ? 1000 : 1194) - half));
  texts.forEach(function (t) { attr(t, "x", x); });
}

function nodeShape(id) {
  var d = drawn[id];
  if (d) return d;
  d = { g: svg("g", { "class": "node" }, layerNodes), link: svg("line", { "class": "link" }, layerLinks),
        watch: svg("line", { "class": "watch" }, layerWatches) };
  d.g.setAttribute("data-id", id.replace(/#waiting$/, ""));
  d.halo = svg("circle", { "class": "halo" }, d.g);
  d.body = svg("circle", { "class": "body" }, d.g);
  d.x = svg("g", { "class": "glyph x" }, d.g);
  d.x1 = svg("line", {}, d.x); d.x2 = svg("line", {}, d.x);
  d.id = svg("text", { "class": "id" }, d.g);
  d.pause = svg("g", { "class": "glyph pause" }, d.g);
  d.p1 = svg("rect", {}, d.pause); d.p2 = svg("rect", {}, d.pause);
  d.pill = svg("g", { "class": "pill" }, d.g);
  d.pillRect = svg("rect", { rx: 14 }, d.pill);
  d.pillText = svg("text", {}, d.pill);
  d.val = svg("text", { "class": "val" }, d.g);
  d.sub = svg("text", { "class": "sub" }, d.g);
  d.sub2 = svg("text", { "class": "sub" }, d.g);
  drawn[id] = d;
  return d;
}

// the watch chain: a candidate's line to the node whose znode comes just before its own
function watchLine(d, p, q) {
  d.watch.style.display = q ? "" : "none";
  if (!q) return;
  // from just outside this node to just outside the watched one, so the line ends at its rim
  var dx = q.x - p.x, dy = q.y - p.y, len = Math.max(1, Math.sqrt(dx * dx + dy * dy)), k = (radius + 14) / len;
  attr(d.watch, "x1", p.x + dx * k); attr(d.watch, "y1", p.y + dy * k);
  attr(d.watch, "x2", q.x - dx * k); attr(d.watch, "y2", q.y - dy * k);
}

function drawNode(key, n, now) {
  // key: the row (rowKey); id: the node's id, shown (a process waiting for its id has both)
  var p = positions[key], d = nodeShape(key), r = radius, id = str(n.id), waiting = n.waiting === true;
  var state = str(n.state) || "starting", lead = !waiting && (id === M.leader || n.role === "LEADER");
  var faults = nodeFaults(n, waiting ? null : M.eventFaults[id]);
  var faultKinds = faults.map(function (f) { return f.kind; });
  var election = !waiting && n.election && typeof n.election === "object" ? n.election : {};
  // a leader that holds still (frozen, cut off, suspended) is not drawn as the acting gold one
  var holding = lead && id === M.leader && M.state && M.state.leader_state === "holding";
  var left = typeof n.expiresAt === "number" ? Math.max(0, n.expiresAt - now) : null;
  var cls = "node " + (state === "remote" ? "running remote" : state) + (n.remote ? " remote" : "") + (lead ? " lead" : "") +
    (holding ? " holding" : "") + (election.position === 1 ? " next" : "");
  attr(d.g, "class", cls);
  attr(d.g, "data-leader-state", lead && id === M.leader && M.state ? str(M.state.leader_state) : "");
  attr(d.g, "data-seq", election.seq);
  attr(d.g, "data-position", election.position);
  attr(d.g, "data-watches", election.watches);
  attr(d.g, "data-deposed", n.deposed === true ? "1" : "");
  attr(d.g, "data-expires-in", left === null ? "" : num(left, 1));
  watchLine(d, p, election.watches == null ? null : positions[String(election.watches)]);
  attr(d.g, "data-state", state);
  attr(d.g, "data-role", lead ? "LEADER" : str(n.role));
  attr(d.g, "data-faults", faultKinds.join(" "));
  attr(d.g, "data-waiting", waiting ? "1" : "");
  attr(d.body, "cx", p.x); attr(d.body, "cy", p.y); attr(d.body, "r", r);
  attr(d.halo, "cx", p.x); attr(d.halo, "cy", p.y); attr(d.halo, "r", r + 11);
  attr(d.id, "x", p.x); attr(d.id, "y", p.y); attr(d.id, "font-size", Math.round(fs_(r * (id.length > 3 ? 0.55 : 0.9))));
  setText(d.id, short(id, 6));
  // a crash is an X across the node, a pause two bars
  var crashed = state === "crashed", paused = state === "paused", k = r * 0.55;
  d.x.style.display = crashed ? "" : "none";
  if (crashed) {
    attr(d.x1, "x1", p.x - k); attr(d.x1, "y1", p.y - k); attr(d.x1, "x2", p.x + k); attr(d.x1, "y2", p.y + k);
    attr(d.x2, "x1", p.x - k); attr(d.x2, "y1", p.y + k); attr(d.x2, "x2", p.x + k); attr(d.x2, "y2", p.y - k);
  }
  d.pause.style.display = paused ? "" : "none";
  if (paused) {
    // beside the node along the ring, clear of its labels (outward) and of the leader's pill (inward)
    var bw = Math.max(5, r * 0.22), bh = Math.max(16, r * 0.9), gap = r + 6 + bw * 1.3;
    var bx = p.x - p.dy * gap, by = p.y + p.dx * gap;
    attr(d.p1, "x", bx - bw * 1.3); attr(d.p1, "y", by - bh / 2); attr(d.p1, "width", bw); attr(d.p1, "height", bh);
    attr(d.p2, "x", bx + bw * 0.3); attr(d.p2, "y", by - bh / 2); attr(d.p2, "width", bw); attr(d.p2, "height", bh);
  }
  // the leader's epoch, on the side facing ZooKeeper
  d.pill.style.display = lead ? "" : "none";
  if (lead) {
    var ep = id === M.leader && M.epoch != null ? "★ " + L.epoch + " " + M.epoch : "★ " + L.leader;
    if (holding) ep = "☆ " + L.holding + (left === null ? "" : " " + num(left, 1) + " s");
    var fs = fs_(Math.max(18, Math.min(26, r * 0.6))), pw = ep.length * fs * 0.58 + 22, ph = fs * 1.5;
    // far enough along the line to ZooKeeper that the pill clears the circle whatever the angle
    var off = r + 16 + Math.abs(p.dx) * pw / 2 + Math.abs(p.dy) * ph / 2;
    var px = p.x - p.dx * off, py = p.y - p.dy * off;
    attr(d.pillRect, "x", px - pw / 2); attr(d.pillRect, "y", py - fs * 0.75);
    attr(d.pillRect, "width", pw); attr(d.pillRect, "height", ph);
    attr(d.pillText, "x", px); attr(d.pillText, "y", py); attr(d.pillText, "font-size", fs);
    setText(d.pillText, ep);
  }
  // reading and age (or what is wrong), outside the circle
  var fsVal = fs_(Math.max(17, Math.min(28, r * 0.62))), fsSub = fs_(fsVal * 0.78);
  var ax = p.x + p.dx * (r + 10), ay = p.y + p.dy * (r + 10);
  var anchor = p.dx > 0.4 ? "start" : p.dx < -0.4 ? "end" : "middle";
  if (p.dy > 0.4) { anchor = "middle"; ax = p.x; ay = p.y + r + 8; }   // below: fitLabels keeps them in
  if (p.dy < -0.4 && Math.abs(p.dx) <= 0.4) {
    // the top of the ring: beside the node, not above it (above, large labels would leave the picture)
    ax = p.x + r + 10; ay = p.y; anchor = "start"; p = { x: p.x, y: p.y, dx: 1, dy: 0 };
  }
  var y1, y2, y3;
  // baselines far enough apart that a line's descent never meets the next one's ascent
  var gapVS = 0.28 * fsVal + fsSub, gapSS = 1.28 * fsSub;
  if (p.dy < -0.4) { y3 = ay - 2; y2 = y3 - gapSS; y1 = y2 - gapVS; }
  else if (p.dy > 0.4) { y1 = ay + fsVal * 0.85; y2 = y1 + gapVS; y3 = y2 + gapSS; }
  else { y1 = ay - fsSub * 0.5; y2 = y1 + gapVS; y3 = y2 + gapSS; }
  [[d.val, y1, fsVal], [d.sub, y2, fsSub], [d.sub2, y3, fsSub]].forEach(function (x) {
    attr(x[0], "x", ax); attr(x[0], "y", x[1]); attr(x[0], "font-size", Math.round(x[2])); attr(x[0], "text-anchor", anchor);
  });
  setText(d.val, typeof n.value === "number" ? num(n.value, 2) : "—");
  var ageNow = typeof n.readingT === "number" ? now - n.readingT : null;
  var words = [];
  if (state !== "running") words.push(L.states[state] || short(state, 16));   // a state not known yet: its name
  if (waiting) words.push(L.waitsForId);
  if (n.connection && L.conn[n.connection] && state !== "stopped" && state !== "crashed") words.push(L.conn[n.connection]);
  var other = [], cut = false, remoteHost = n.remote || state === "remote";
  faults.forEach(function (f) {
    if (f.kind === "partitioned" || f.kind === "partition") { cut = true; other.push(L.faults.partitioned + (f.detail ? " (" + f.detail + ")" : "")); }
    else if (L.faults[f.kind]) other.push(L.faults[f.kind] + (f.detail ? " " + f.detail : ""));
    else other.push(short(f.kind + (f.detail ? " " + f.detail : ""), 24));
  });
  var sub = words.length ? words.join(" · ") : age(ageNow);
  setText(d.sub, sub);
  attr(d.sub, "class", "sub" + (words.length ? " fault" : ""));
  if (left !== null && !holding) other.unshift("⏱ " + L.expiresIn + " " + num(left, 1) + " s");
  if (n.api_ok === false && state !== "stopped" && state !== "crashed") other.push(say("no_api"));   // as the table's notes
  var sub2 = other.length ? other.join(" · ") : remoteHost && n.host ? "⇢ " + short(n.host, 18) : "";
  setText(d.sub2, sub2);
  attr(d.sub2, "class", "sub" + (cut ? " cut fault" : other.length ? " fault" : remoteHost ? " remote" : ""));
  if (anchor === "middle") fitLabels([d.val, d.sub, d.sub2], ax);
  // the node's line to ZooKeeper: none when it is down, dashed when suspended, cut when partitioned
  var gone = state === "stopped" || state === "crashed" || n.connection === "LOST";
  d.link.style.display = gone ? "none" : "";
  attr(d.link, "class", "link" + (cut ? " cut" : n.connection === "SUSPENDED" || state === "paused" ? " susp" : ""));
  var zx = CX + (p.x - CX) * 0.3, zy = CY + (p.y - CY) * 0.3;
  if (cut) { zx = CX + (p.x - CX) * 0.6; zy = CY + (p.y - CY) * 0.6; }
  attr(d.link, "x1", p.x); attr(d.link, "y1", p.y); attr(d.link, "x2", zx); attr(d.link, "y2", zy);
}

var zkDrawn = {};
function drawZk(state) {
  var servers = Array.isArray(state && state.zk_servers) ? state.zk_servers.slice(0, 7) : [];
  if (!servers.length) servers = [{ index: 1, mode: state && state.zk_connected === false ? "down" : "standalone", external: true }];
  var w = Math.max(250, servers.length * 70 + 40), h = 150;
  if (!zkDrawn.box) {
    zkDrawn.box = svg("rect", { rx: 18, "class": "zkbox" }, zkGroup);
    zkDrawn.name = svg("text", { "class": "zkname" }, zkGroup);
    zkDrawn.note = svg("text", { "class": "zknote" }, zkGroup);
    zkDrawn.members = [];
  }
  attr(zkDrawn.box, "x", CX - w / 2); attr(zkDrawn.box, "y", CY - h / 2);
  attr(zkDrawn.box, "width", w); attr(zkDrawn.box, "height", h);
  attr(zkDrawn.name, "x", CX); attr(zkDrawn.name, "y", CY - 34); setText(zkDrawn.name, "ZooKeeper");
  while (zkDrawn.members.length < servers.length) {
    var g = svg("g", {}, zkGroup);
    zkDrawn.members.push({ g: g, shape: svg("circle", { r: 24 }, g), text: svg("text", { "text-anchor": "middle", "dominant-baseline": "central", "font-size": 22, "font-weight": 800 }, g) });
  }
  var up = 0;
  zkDrawn.members.forEach(function (m, i) {
    attr(m.text, "font-size", Math.round(fs_(22)));
    var s = servers[i];
    m.g.style.display = s ? "" : "none";
    if (!s) return;
    var mode = str(s.mode).toLowerCase(), x = CX - (servers.length - 1) * 35 + i * 70, y = CY + 14;
    // serving: leader, follower, standalone; anything else that is not down runs without serving
    // (the status says "no quorum"): drawn amber with a "?", and not counted for the quorum
    var serving = mode === "leader" || mode === "follower" || mode === "standalone";
    var colour = mode === "leader" ? "#ffcc33" : mode === "follower" ? "#3ddc84" : mode === "standalone" ? "#4da3ff" : mode === "down" ? "#4d1111" : "#ffa726";
    if (serving) up++;
    attr(m.g, "data-mode", mode);
    attr(m.shape, "cx", x); attr(m.shape, "cy", y); attr(m.shape, "fill", colour);
    attr(m.shape, "stroke", mode === "down" ? "#ff5c5c" : "#fff"); attr(m.shape, "stroke-width", mode === "down" ? 3 : 2);
    attr(m.shape, "stroke-dasharray", mode === "down" ? "5 4" : "");
    attr(m.text, "x", x); attr(m.text, "y", y); attr(m.text, "fill", mode === "down" ? "#ff5c5c" : "#111");
    setText(m.text, mode === "down" ? "✕" : serving ? mode.charAt(0).toUpperCase() : "?");
  });
  var quorum = up > servers.length / 2;
  attr(zkDrawn.note, "x", CX); attr(zkDrawn.note, "y", CY + 60);
  attr(zkDrawn.note, "fill", quorum ? "#b3bccb" : "#ff5c5c");
  setText(zkDrawn.note, !quorum ? L.noQuorum : servers.length > 1 ? up + "/" + servers.length + " · " + L.modes.leader + " " + (servers.filter(function (s) { return str(s.mode).toLowerCase() === "leader"; }).map(function (s) { return s.index; })[0] || "—") : "");
  return quorum;
}

function drawApi(state) {
  var ok = state ? state.api_ok : null;
  var flash = M.apiFlashUntil > performance.now();
  attr(apiRect, "class", "apibox" + (ok === false ? " down" : "") + (flash ? " flash" : ""));
  var stored = state && typeof state.rounds_stored === "number" ? state.rounds_stored : null;
  setText(apiNote, ok === false ? L.down : stored !== null ? stored + " " + L.rounds : "");
  attr(apiNote, "style", "fill:" + (ok === false ? "#ff5c5c" : "#b3bccb"));   // a style: the class's fill would win
  var depth = state && state.outbox && typeof state.outbox.depth === "number" ? state.outbox.depth : 0;
  setText(apiNote2, depth > 1 ? L.outbox + ": " + depth : "");
  // the lines one below the other whatever their size (MINFS may make them larger than drawn for)
  var big = fs_(30), small = fs_(22);
  attr(apiName, "y", 700 - Math.max(0, small - 22)); attr(apiNote, "y", 700 - Math.max(0, small - 22) + 0.3 * big + small);
  attr(apiNote2, "y", 700 - Math.max(0, small - 22) + 0.3 * big + 2.3 * small);
}

// ------------------------------------------------------------------ flows (readings to the leader, rounds to the API)
var flows = [];
function flow(from, to, cls, r, ms) {
  if (!from || !to || document.hidden || flows.length >= MAX_FLOWS) return;
  var el = svg("circle", { r: r, cx: from.x, cy: from.y, "class": "flow " + cls }, layerFlows);
  flows.push({ el: el, from: from, to: to, start: performance.now(), ms: ms });
  ensureAnimating();
}
function readingFlow(id, value) {
  M.animated[id] = value;
  if (!M.ready || M.leader === null || id === M.leader) return;
  flow(positions[id], positions[M.leader], "reading", Math.max(5, radius * 0.2), 700);
}
function roundFlow() {
  if (!M.ready || M.leader === null) return;
  flow(positions[M.leader], API_AT, "round", 12, 900);
}
var animating = false;
function ensureAnimating() { if (!animating) { animating = true; requestAnimationFrame(step); } }
function step(now) {
  flows = flows.filter(function (f) {
    var u = (now - f.start) / f.ms;
    if (u >= 1) {
      f.el.remove();
      if (f.to === API_AT) M.apiFlashUntil = now + 350;
      return false;
    }
    u = u < 0 ? 0 : u * u * (3 - 2 * u);
    f.el.setAttribute("cx", f.from.x + (f.to.x - f.from.x) * u);
    f.el.setAttribute("cy", f.from.y + (f.to.y - f.from.y) * u);
    return true;
  });
  if (M.apiFlashUntil > now || M.apiFlashUntil > now - 400) drawApi(M.state);
  if (flows.length || M.apiFlashUntil > now) requestAnimationFrame(step); else animating = false;
}
function dropFlows() { flows.forEach(function (f) { f.el.remove(); }); flows = []; }
