/* The page's words and its one adapter: the catalogue the server put in the page (cs-config's
 * "words": cluster_sim/words for the page's language, live and in a recording alike), filled with
 * the catalogue's one syntax; number and time formats; the tolerant reading of event records and
 * node faults. No phrase lives here: an event record comes worded ("text") by the server.
 * First of the page's scripts (page.py puts them, in order, inside one function). */
var MAX_LOG = 200, MAX_TERMS = 400, MAX_MARKS = 600, MAX_FLOWS = 80, MAX_ROWS = 16;
var DATA_KINDS = ["reading_published", "round_computed", "round_stored", "role_changed", "outbox_changed",
  "api_status", "zk_server_changed", "host_known", "node_running", "connected", "last_round_known",
  "computed_known", "leader_zk_server", "split_brain_ended"];
var PALETTE = ["#ffcc33", "#4da3ff", "#3ddc84", "#ff7ab6", "#b388ff", "#ff9f43", "#2ee6e6", "#e6ee6a"];
var SVGNS = "http:" + "//www.w3.org/2000/svg";

function readJSON(id) {
  var el = document.getElementById(id);
  if (!el) return null;
  try { return JSON.parse(el.textContent); } catch (e) { return null; }
}
var CONFIG = readJSON("cs-config") || {};
var REC = readJSON("cs-recording");
var LANG = CONFIG.lang === "es" ? "es" : "en";
var WORDS = CONFIG.words || {};      // live and in a recording alike: page.py puts them in

// words.fill's syntax and rules: "{name?one|many}" (one when the value is 1), then "{name}"; a
// count n with the language's thousands separator, other whole numbers as they are, decimals
// with the language's mark
function fill(text, fields) {
  fields = fields || {};
  text = str(text).replace(/\{(\w+)\?([^|{}]*)\|([^{}]*)\}/g, function (_, name, one, many) {
    return String(fields[name]) === "1" ? one : many;
  });
  return text.replace(/\{(\w+)\}/g, function (all, name) {
    if (!(name in fields)) return all;
    var v = fields[name];
    if (v === null || v === undefined) return "?";
    if (typeof v === "number" && name === "n" && v % 1 === 0)
      return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, LANG === "es" ? "." : ",");
    return typeof v === "number" && v % 1 !== 0 && LANG === "es" ? String(v).replace(".", ",") : String(v);
  });
}
function say(key, fields) { return key in WORDS ? fill(WORDS[key], fields) : key; }

// L: the page's own words ("page.<name>", "page.<kind>.<value>") as an object the panels read
var L = {};
Object.keys(WORDS).forEach(function (key) {
  var path = key.split(".");
  if (path[0] !== "page") return;
  var at = L;
  for (var i = 1; i < path.length - 1; i++) at = at[path[i]] = at[path[i]] || {};
  at[path[path.length - 1]] = WORDS[key];
});
["states", "conn", "faults", "modes"].forEach(function (k) { L[k] = L[k] || {}; });
// a node's faults: the fault registry names each one's key in the catalogue (registry.fault_word_keys)
var FAULTS = CONFIG.faults && typeof CONFIG.faults === "object" ? CONFIG.faults : {};
Object.keys(FAULTS).forEach(function (name) {
  if (typeof FAULTS[name] === "string" && FAULTS[name] in WORDS) L.faults[name] = WORDS[FAULTS[name]];
});

// ------------------------------------------------------------------ formatting
function str(x) { return x === null || x === undefined ? "" : String(x); }
function num(x, digits) {
  if (typeof x !== "number" || !isFinite(x)) return "—";
  var s = x.toFixed(digits);
  return LANG === "es" ? s.replace(".", ",") : s;
}
function clock(ts) {
  if (typeof ts !== "number" || !isFinite(ts)) return "--:--:--";
  var d = new Date(ts * 1000);
  function two(n) { return (n < 10 ? "0" : "") + n; }
  return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
}
function span(seconds) {
  seconds = Math.max(0, Math.floor(seconds || 0));
  if (seconds < 60) return seconds + " s";
  var m = Math.floor(seconds / 60), s = seconds % 60;
  if (m < 60) return m + ":" + (s < 10 ? "0" : "") + s + " min";
  return Math.floor(m / 60) + " h " + (m % 60) + " min";
}
function age(seconds) {
  if (typeof seconds !== "number" || !isFinite(seconds)) return "—";
  return seconds < 60 ? num(Math.max(0, seconds), 1) + " s" : span(seconds);
}
function short(text, n) { text = str(text); return text.length > n ? text.slice(0, n - 1) + "…" : text; }

// ------------------------------------------------------------------ the event log
var LEVELS = {
  node_killed: "warn", node_paused: "warn", suspended: "warn", session_expired: "warn", stepped_down: "warn",
  fenced: "error", outbox_dropped: "warn", api_down: "warn", unreadable_reading: "warn", leader_elected: "leader",
  leader_lost: "warn", split_brain: "error", partitioned: "warn", slowed: "warn", zk_server_paused: "warn",
  api_stopped: "warn", zk_server_stopped: "warn", fault_changed: "warn",
  cluster_open: "warn", recipe_for_teaching: "warn", shutting_down: "warn", narration: "narration", listener_failed: "error"
};

// The adapter: one place that reads an event record whatever its sender put in it.
function normEvent(rec) {
  if (!rec || typeof rec !== "object" || typeof rec.kind !== "string") return null;
  if (typeof rec.ts !== "number" || !isFinite(rec.ts)) return null;
  if (rec.node !== undefined && rec.node !== null) rec.node = String(rec.node);
  return rec;
}
function isLogged(e) {
  if (e.logged === false) return false;
  // a narration's own "text" is its explanation (the panel's); its title is the log line
  if (e.kind === "narration") return e.log !== false && !!e.title;
  if ("text" in e) return e.text !== null && e.text !== "";
  return DATA_KINDS.indexOf(e.kind) < 0;
}
function wording(e) {
  if (e.kind === "narration") return str(e.title || e.text);
  // the server's wording, from the catalogue in the cluster's language (up --lang)
  if (typeof e.text === "string" && e.text) return e.text;
  // a record of a kind this version cannot word: what it says of itself, plainly
  if (typeof e.message === "string" && e.message)
    return e.node != null ? say("ev.said", { node: e.node, message: e.message }) : e.message;
  return e.kind.replace(/_/g, " ") + (e.node != null ? " " + e.node : "");
}
function levelOf(e) {
  if (e.kind === "node_stopped") return e.signal === "SIGKILL" || e.requested === "SIGKILL" ? "warn" : e.crashed ? "error" : "info";
  if (e.kind === "zk_connection") return e.connected ? "info" : "warn";
  return typeof e.level === "string" && e.level ? e.level : (LEVELS[e.kind] || "info");
}

// Faults of a node, from whatever the status says: its process state, its connection, and any
// list, map or flag of faults (issue 12's partitions and slow links, or kinds not invented yet).
function nodeFaults(n, extra) {
  var out = [], seen = {};
  function add(kind, detail) {
    kind = str(kind).toLowerCase();
    if (!kind || seen[kind]) return;
    seen[kind] = 1; out.push({ kind: kind, detail: str(detail) });
  }
  var f = n.faults !== undefined ? n.faults : n.fault;
  if (f && typeof f === "object" && !Array.isArray(f) && "zk" in f && "api" in f && "partitioned" in f) {
    // the supervisor's own shape (netfault.NodeFaults.to_json): per link, and a summary to show
    f = { partitioned: f.partitioned, slow: f.slow };
  }
  if (typeof f === "string") add(f, "");
  else if (Array.isArray(f)) f.forEach(function (x) {
    if (x && typeof x === "object") add(x.kind || x.type || x.name, x.target || x.from || x.detail || (x.latency_ms != null ? x.latency_ms + " ms" : ""));
    else add(x, "");
  });
  else if (f && typeof f === "object") Object.keys(f).forEach(function (k) {
    var v = f[k];
    if (v === false || v === null) return;
    add(k, v === true ? "" : (v && typeof v === "object") ? (v.target || v.from || (v.latency_ms != null ? v.latency_ms + " ms" : "")) : v);
  });
  if (n.partitioned) add("partitioned", typeof n.partitioned === "string" ? n.partitioned : "");
  if (extra) Object.keys(extra).forEach(function (k) { add(k, extra[k]); });
  return out;
}
