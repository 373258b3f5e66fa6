// ------------------------------------------------------------------ the teacher's controls
/* Only on the teacher's page (served at /teacher/<key>/, config "teacher"; never in a recording):
 * a click on a node opens a menu of the fault registry's commands; a bar adds a node, stops or
 * starts the API and the embedded ZooKeeper servers. Each choice is one POST of JSON to /control
 * with the key from the address (web/teacher.py checks it); the answer, worded by the cluster's
 * own command registry, shows in #answer. The page keeps no state of its own about the cluster. */
var TEACHER = CONFIG.teacher === true && !REC;
var KEY = TEACHER ? decodeURIComponent((/\/teacher\/([^\/]+)/.exec(location.pathname) || ["", ""])[1]) : "";
var SLOW_MS = 200;

function showAnswer(ok, text) {
  var b = $("answer");
  b.hidden = false; b.className = ok ? "good" : "bad";
  attr(b, "data-ok", ok ? "1" : "0"); setText(b, text || "");
}
function send(request) {
  attr($("answer"), "data-ok", "");
  return fetch("control", { method: "POST", credentials: "omit", cache: "no-store",
                             headers: { "Content-Type": "application/json", "X-Clustersim-Key": KEY },
                             body: JSON.stringify(request) })
    .then(function (r) { return r.json(); })
    .then(function (a) { showAnswer(a.ok === true, a.ok ? a.message : a.error); })
    .catch(function (e) { showAnswer(false, say("page.act.failed", { error: String(e) })); });
}
function actButton(parent, name, text, request) {
  var b = document.createElement("button");
  b.type = "button"; b.textContent = text; b.setAttribute("data-act", name);
  b.addEventListener("click", function (ev) { ev.stopPropagation(); closeMenu(); send(request); });
  parent.appendChild(b);
  return b;
}
function closeMenu() { $("menu").hidden = true; $("menu").removeAttribute("data-node"); }
function openMenu(id, x, y) {
  var m = $("menu"), a = L.act || {};
  m.textContent = "";
  var head = document.createElement("div");
  head.className = "menu-title"; head.textContent = L.node + " " + id; m.appendChild(head);
  [["kill", a.kill, { cmd: "kill", id: id }], ["hard-kill", a.hardKill, { cmd: "kill", id: id, hard: true }],
   ["pause", a.pause, { cmd: "pause", id: id }], ["resume", a.resume, { cmd: "resume", id: id }],
   ["partition-zk", a.partitionZk, { cmd: "partition", id: id, from: "zk" }],
   ["partition-api", a.partitionApi, { cmd: "partition", id: id, from: "api" }],
   ["partition-all", a.partitionAll, { cmd: "partition", id: id, from: "all" }],
   ["slow", fill(a.slow, { ms: SLOW_MS }), { cmd: "slow", id: id, latency: SLOW_MS }],
   ["heal", a.heal, { cmd: "heal", id: id }], ["start", a.start, { cmd: "start", id: id }]
  ].forEach(function (x) { actButton(m, x[0], x[1], x[2]); });
  var close = document.createElement("button");
  close.type = "button"; close.className = "close"; close.textContent = a.close;
  close.addEventListener("click", closeMenu); m.appendChild(close);
  m.setAttribute("data-node", id);
  m.hidden = false;
  m.style.left = Math.max(4, Math.min(x, window.innerWidth - m.offsetWidth - 4)) + "px";
  m.style.top = Math.max(4, Math.min(y, window.innerHeight - m.offsetHeight - 4)) + "px";
}

var barShown = "";
function drawControls() {
  // the bar: rebuilt only when what it offers changes (the next node id, the ZooKeeper servers)
  var a = L.act || {}, ids = M.order.map(function (k) { return parseInt(M.nodes[k] && M.nodes[k].id, 10); });
  // a large cluster's page has only the rows it draws: the summary knows the highest id
  var highest = M.state && M.state.summary && typeof M.state.summary.highest_id === "number" ? M.state.summary.highest_id : 0;
  var next = ids.filter(isFinite).reduce(function (x, y) { return Math.max(x, y); }, highest) + 1;
  var servers = Array.isArray(M.state && M.state.zk_servers) ? M.state.zk_servers : [];
  var indexes = servers.map(function (s) { return s.index; }).filter(function (i) { return i != null; });
  var shown = next + "|" + indexes.join(",");
  if (shown === barShown) return;
  barShown = shown;
  var bar = $("controls");
  bar.textContent = "";
  actButton(bar, "add-node", fill(a.addNode, { id: next }), { cmd: "start", id: String(next) });
  actButton(bar, "api-stop", a.apiStop, { cmd: "api-stop" });
  actButton(bar, "api-start", a.apiStart, { cmd: "api-start" });
  actButton(bar, "next-step", a.nextStep, { cmd: "next-step" });   // refused unless a --step demo waits
  indexes.forEach(function (i) {
    actButton(bar, "zk-kill", fill(a.zkKill, { index: i }), { cmd: "zk-kill", index: i });
    actButton(bar, "zk-start", fill(a.zkStart, { index: i }), { cmd: "zk-start", index: i });
    actButton(bar, "zk-pause", fill(a.zkPause, { index: i }), { cmd: "zk-pause", index: i });
    actButton(bar, "zk-resume", fill(a.zkResume, { index: i }), { cmd: "zk-resume", index: i });
  });
}

if (TEACHER) {
  document.body.classList.add("teacher");
  $("controls").hidden = false;
  $("picture").addEventListener("click", function (ev) {
    var g = ev.target && ev.target.closest ? ev.target.closest("g.node") : null;
    var id = g && g.getAttribute("data-id");
    if (id) { ev.stopPropagation(); openMenu(id, ev.clientX, ev.clientY); } else closeMenu();
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closeMenu(); });
  setInterval(function () { if (M.ready) drawControls(); }, 500);
}
