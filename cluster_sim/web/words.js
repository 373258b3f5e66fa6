/* The page's words and its one adapter: labels in English and Spanish, number and time formats,
 * the sentence of each event kind, and the tolerant reading of event records and node faults.
 * First of the page's scripts (page.py puts them, in order, inside one function). */
var MAX_LOG = 200, MAX_TERMS = 400, MAX_MARKS = 600, MAX_FLOWS = 80, MAX_ROWS = 16;
var DATA_KINDS = ["reading_published", "round_computed", "round_stored", "role_changed", "outbox_changed",
  "api_status", "zk_server_changed", "host_known", "node_running", "connected", "last_round_known",
  "leader_zk_server", "split_brain_ended"];
var PALETTE = ["#ffcc33", "#4da3ff", "#3ddc84", "#ff7ab6", "#b388ff", "#ff9f43", "#2ee6e6", "#e6ee6a"];
var SVGNS = "http:" + "//www.w3.org/2000/svg";

var LABELS = {
  en: {
    leader: "Leader", noLeader: "no leader", epoch: "epoch", forT: "for", mean: "Mean", stored: "Stored",
    rounds: "rounds", ok: "OK", down: "DOWN", zkOk: "connected", zkLost: "disconnected",
    noQuorum: "no quorum", timeline: "Leadership timeline", events: "Events", live: "live",
    connecting: "connecting…", reconnecting: "reconnecting…", replay: "recording", play: "▶ play",
    pause: "❚❚ pause", speed: "speed", results: "Results", outbox: "outbox", join: "Students join with:",
    node: "node", cluster: "cluster", noEvents: "no events yet", now: "now", waitsForId: "waits for its id",
    states: { running: "running", starting: "starting", paused: "paused", stopped: "stopped",
              crashed: "crashed", remote: "remote" },
    conn: { SUSPENDED: "suspended", LOST: "session lost" },
    modes: { leader: "leader", follower: "follower", standalone: "standalone", down: "down" }
  },
  es: {
    leader: "Líder", noLeader: "sin líder", epoch: "época", forT: "desde hace", mean: "Media",
    stored: "Guardadas", rounds: "rondas", ok: "OK", down: "CAÍDA", zkOk: "conectado",
    zkLost: "desconectado", noQuorum: "sin quórum", timeline: "Cronología del liderazgo",
    events: "Eventos", live: "en directo", connecting: "conectando…", reconnecting: "reconectando…",
    replay: "grabación", play: "▶ reproducir", pause: "❚❚ pausa", speed: "velocidad",
    results: "Resultados", outbox: "bandeja de salida", join: "Los estudiantes se unen con:",
    node: "nodo", cluster: "clúster", noEvents: "aún no hay eventos", now: "ahora", waitsForId: "espera su id",
    states: { running: "en marcha", starting: "arrancando", paused: "pausado", stopped: "parado",
              crashed: "caído", remote: "remoto" },
    conn: { SUSPENDED: "suspendido", LOST: "sesión perdida" },
    modes: { leader: "líder", follower: "seguidor", standalone: "único", down: "caído" }
  }
};

function readJSON(id) {
  var el = document.getElementById(id);
  if (!el) return null;
  try { return JSON.parse(el.textContent); } catch (e) { return null; }
}
var CONFIG = readJSON("cs-config") || {};
var REC = readJSON("cs-recording");
var LANG = LABELS[CONFIG.lang] ? CONFIG.lang : "en";
var L = LABELS[LANG];
// a node's faults, worded by the server from the fault registry (cluster_sim.faults.registry.fault_words)
L.faults = CONFIG.faults && typeof CONFIG.faults === "object" ? CONFIG.faults : {};

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

// ------------------------------------------------------------------ the words of the event log
var HOW = { en: { left: "left", crashed: "crashed", paused: "was paused" },
            es: { left: "se fue", crashed: "cayó", paused: "se congeló" } };
var PHRASES = {
  en: {
    leader_elected: function (e) {
      if (e.original) return "leader elected: " + e.node + " (a node of the original design: no fencing)";
      var t = "leader elected: " + e.node + " (epoch " + str(e.epoch);
      if (e.failover_ms != null && e.after != null)
        t += ", failover " + e.failover_ms + " ms after " + e.after + " " + (HOW.en[e.how] || str(e.how || "left"));
      return t + ")";
    },
    leader_lost: function (e) { return "no leader: " + e.node + " is gone, election in progress"; },
    node_killed: function (e) { return "node " + e.node + " killed (" + (e.hard ? "SIGKILL" : "SIGTERM") + ")"; },
    node_paused: function (e) { return "node " + e.node + " paused (SIGSTOP)"; },
    node_resumed: function (e) { return "node " + e.node + " resumed (SIGCONT)"; },
    node_stopped: function (e) {
      if (e.signal === "SIGKILL" || e.requested === "SIGKILL") return "node " + e.node + " is dead (SIGKILL)";
      return "node " + e.node + (e.crashed ? " crashed" : " stopped") + (e.exit != null ? " (exit " + e.exit + ")" : "");
    },
    node_started: function (e) { return "node " + e.node + " started"; },
    suspended: function (e) { return "node " + e.node + ": ZooKeeper connection SUSPENDED"; },
    session_expired: function (e) { return "node " + e.node + ": ZooKeeper session expired (LOST)"; },
    reconnected: function (e) { return "node " + e.node + ": back in ZooKeeper"; },
    stepped_down: function (e) { return "node " + e.node + " " + (e.reason || "stepped down"); },
    fenced: function (e) { return "node " + e.node + " fenced: its epoch " + str(e.epoch) + " is old"; },
    api_down: function (e) {
      if (e.node == null) return "API unreachable: rounds wait in the outbox";
      return "leader " + e.node + " cannot reach the API" + (e.url ? " at " + e.url : "") +
        (e.since != null ? " since " + clock(e.since) : "") + (e.error ? " (" + e.error + ")" : "") +
        "; rounds wait in its outbox";
    },
    api_back: function (e) {
      if (e.delivered == null && e.node != null) return "leader " + e.node + " reaches the API again: its outbox drains";
      return "API back" + (e.delivered != null ? ": " + e.delivered + " rounds delivered" : "");
    },
    api_stopped: function () { return "API stopped"; },
    api_started: function () { return "API started"; },
    remote_joined: function (e) { return "remote node " + e.node + " joined" + (e.host ? " from " + e.host : ""); },
    remote_left: function (e) { return "remote node " + e.node + " left"; },
    split_brain: function (e) { return "two leaders acting at once: " + (e.nodes || []).join(" and "); },
    partitioned: function (e) { return "node " + e.node + " cut off from " + (e.target || "zk"); },
    healed: function (e) { return "node " + e.node + " reaches " + (e.target || "all") + " again"; },
    slowed: function (e) { return "node " + e.node + " slowed: " + str(e.latency_ms) + " ms each way"; },
    zk_server_paused: function (e) { return "ZooKeeper server " + e.index + " frozen (SIGSTOP)"; },
    zk_server_resumed: function (e) { return "ZooKeeper server " + e.index + " resumed (SIGCONT)"; },
    zk_server_stopped: function (e) { return "ZooKeeper server " + e.index + " stopped"; },
    zk_server_starting: function (e) { return "ZooKeeper server " + e.index + " starting"; },
    zk_connection: function (e) { return e.connected ? "supervisor connected to ZooKeeper" : "supervisor lost ZooKeeper"; },
    cluster_started: function (e) { return "cluster " + str(e.name) + ": " + str(e.nodes) + " nodes"; },
    join_command: function (e) { return "students join with: " + str(e.command); },
    shutting_down: function () { return "shutting down"; }
  },
  es: {
    leader_elected: function (e) {
      if (e.original) return "líder elegido: " + e.node + " (un nodo del diseño original: sin fencing)";
      var t = "líder elegido: " + e.node + " (época " + str(e.epoch);
      if (e.failover_ms != null && e.after != null)
        t += ", relevo en " + e.failover_ms + " ms; " + e.after + " " + (HOW.es[e.how] || HOW.es.left);
      return t + ")";
    },
    leader_lost: function (e) { return "sin líder: " + e.node + " se ha ido, elección en curso"; },
    node_killed: function (e) { return "nodo " + e.node + " terminado (" + (e.hard ? "SIGKILL" : "SIGTERM") + ")"; },
    node_paused: function (e) { return "nodo " + e.node + " pausado (SIGSTOP)"; },
    node_resumed: function (e) { return "nodo " + e.node + " reanudado (SIGCONT)"; },
    node_stopped: function (e) {
      if (e.signal === "SIGKILL" || e.requested === "SIGKILL") return "nodo " + e.node + " muerto (SIGKILL)";
      return "nodo " + e.node + (e.crashed ? " caído" : " parado") + (e.exit != null ? " (salida " + e.exit + ")" : "");
    },
    node_started: function (e) { return "nodo " + e.node + " arrancado"; },
    suspended: function (e) { return "nodo " + e.node + ": conexión con ZooKeeper SUSPENDIDA"; },
    session_expired: function (e) { return "nodo " + e.node + ": sesión de ZooKeeper caducada (LOST)"; },
    reconnected: function (e) { return "nodo " + e.node + ": de vuelta en ZooKeeper"; },
    stepped_down: function (e) { return "nodo " + e.node + " deja de liderar"; },
    fenced: function (e) { return "nodo " + e.node + " rechazado: su época " + str(e.epoch) + " es antigua"; },
    api_down: function (e) {
      if (e.node == null) return "API inalcanzable: las rondas esperan en la bandeja de salida";
      return "el líder " + e.node + " no puede acceder a la API" + (e.url ? " en " + e.url : "") +
        (e.since != null ? " desde las " + clock(e.since) : "") + (e.error ? " (" + e.error + ")" : "") +
        "; las rondas esperan en su bandeja de salida";
    },
    api_back: function (e) {
      if (e.delivered == null && e.node != null) return "el líder " + e.node + " vuelve a acceder a la API: su bandeja de salida se vacía";
      return "API de vuelta" + (e.delivered != null ? ": " + e.delivered + " rondas entregadas" : "");
    },
    api_stopped: function () { return "API detenida"; },
    api_started: function () { return "API arrancada"; },
    remote_joined: function (e) { return "nodo remoto " + e.node + " se une" + (e.host ? " desde " + e.host : ""); },
    remote_left: function (e) { return "nodo remoto " + e.node + " se va"; },
    split_brain: function (e) { return "dos líderes a la vez: " + (e.nodes || []).join(" y "); },
    partitioned: function (e) { return "nodo " + e.node + " aislado de " + (e.target || "zk"); },
    healed: function (e) { return "nodo " + e.node + " vuelve a alcanzar " + (e.target || "todo"); },
    slowed: function (e) { return "nodo " + e.node + " ralentizado: " + str(e.latency_ms) + " ms en cada sentido"; },
    zk_server_paused: function (e) { return "servidor " + e.index + " de ZooKeeper congelado (SIGSTOP)"; },
    zk_server_resumed: function (e) { return "servidor " + e.index + " de ZooKeeper reanudado (SIGCONT)"; },
    zk_server_stopped: function (e) { return "servidor " + e.index + " de ZooKeeper detenido"; },
    zk_server_starting: function (e) { return "servidor " + e.index + " de ZooKeeper arrancando"; },
    zk_connection: function (e) { return e.connected ? "supervisor conectado a ZooKeeper" : "el supervisor perdió ZooKeeper"; },
    cluster_started: function (e) { return "clúster " + str(e.name) + ": " + str(e.nodes) + " nodos"; },
    join_command: function (e) { return "los estudiantes se unen con: " + str(e.command); },
    shutting_down: function () { return "apagando"; }
  }
};
var LEVELS = {
  node_killed: "warn", node_paused: "warn", suspended: "warn", session_expired: "warn", stepped_down: "warn",
  fenced: "error", outbox_dropped: "warn", api_down: "warn", unreadable_reading: "warn", leader_elected: "leader",
  leader_lost: "warn", split_brain: "error", partitioned: "warn", slowed: "warn", zk_server_paused: "warn",
  api_stopped: "warn", zk_server_stopped: "warn",
  cluster_open: "warn", shutting_down: "warn", narration: "narration", listener_failed: "error"
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
  var phrase = PHRASES[LANG][e.kind];
  if (e.kind === "narration") return str(e.title || e.text);
  // the supervisor's own wording, in the cluster's language (up --lang); the page's phrases only
  // for records that come without a sentence (a view attached from outside derives its events)
  if (typeof e.text === "string" && e.text) return e.text;
  if (phrase) { try { return phrase(e); } catch (err) { /* a field of an unexpected type: say it plainly */ } }
  if (typeof e.text === "string" && e.text) return e.text;
  if (typeof e.message === "string" && e.message) return (e.node != null ? L.node + " " + e.node + ": " : "") + e.message;
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
