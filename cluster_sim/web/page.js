/* clustersim web view: one picture for the live stream (/events) and for recordings.
 *
 * Input, live: Server-Sent Events "hello" {title, lang, now}, "event" (a record of the event
 * export schema: ts, kind, fields, text), "snapshot" {ts, state: ClusterState.to_json()},
 * "ready" (the backlog is over: animate from now on).
 * Input, recording: <script id="cs-recording"> {t0, frames: [[ms, patch]], events: [[ms, record]],
 * results, final_text} (cluster_sim/web/recording.py writes it; applyPatch mirrors apply_patch).
 * Everything read from the cluster is tolerated: unknown kinds, fields and fault names are shown
 * plainly. Memory is bounded: the log, the timeline and the animations are capped.
 */
(function () {
  "use strict";

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
      node: "node", cluster: "cluster", noEvents: "no events yet", now: "now",
      states: { running: "running", starting: "starting", paused: "paused", stopped: "stopped",
                crashed: "crashed", remote: "remote" },
      conn: { SUSPENDED: "suspended", LOST: "session lost" },
      faults: { partitioned: "cut off", slow: "slow" },
      modes: { leader: "leader", follower: "follower", standalone: "standalone", down: "down" }
    },
    es: {
      leader: "Líder", noLeader: "sin líder", epoch: "época", forT: "desde hace", mean: "Media",
      stored: "Guardadas", rounds: "rondas", ok: "OK", down: "CAÍDA", zkOk: "conectado",
      zkLost: "desconectado", noQuorum: "sin quórum", timeline: "Cronología del liderazgo",
      events: "Eventos", live: "en directo", connecting: "conectando…", reconnecting: "reconectando…",
      replay: "grabación", play: "▶ reproducir", pause: "❚❚ pausa", speed: "velocidad",
      results: "Resultados", outbox: "bandeja de salida", join: "Los estudiantes se unen con:",
      node: "nodo", cluster: "clúster", noEvents: "aún no hay eventos", now: "ahora",
      states: { running: "en marcha", starting: "arrancando", paused: "pausado", stopped: "parado",
                crashed: "caído", remote: "remoto" },
      conn: { SUSPENDED: "suspendido", LOST: "sesión perdida" },
      faults: { partitioned: "aislado", slow: "lento" },
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
      api_down: function () { return "API unreachable: rounds wait in the outbox"; },
      api_back: function (e) { return "API back" + (e.delivered != null ? ": " + e.delivered + " rounds delivered" : ""); },
      api_stopped: function () { return "API stopped"; },
      api_started: function () { return "API started"; },
      remote_joined: function (e) { return "remote node " + e.node + " joined" + (e.host ? " from " + e.host : ""); },
      remote_left: function (e) { return "remote node " + e.node + " left"; },
      split_brain: function (e) { return "two leaders acting at once: " + (e.nodes || []).join(" and "); },
      partitioned: function (e) { return "node " + e.node + " cut off from " + (e.target || "zk"); },
      healed: function (e) { return "node " + e.node + " reaches " + (e.target || "all") + " again"; },
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
      api_down: function () { return "API inalcanzable: las rondas esperan en la bandeja de salida"; },
      api_back: function (e) { return "API de vuelta" + (e.delivered != null ? ": " + e.delivered + " rondas entregadas" : ""); },
      api_stopped: function () { return "API detenida"; },
      api_started: function () { return "API arrancada"; },
      remote_joined: function (e) { return "nodo remoto " + e.node + " se une" + (e.host ? " desde " + e.host : ""); },
      remote_left: function (e) { return "nodo remoto " + e.node + " se va"; },
      split_brain: function (e) { return "dos líderes a la vez: " + (e.nodes || []).join(" y "); },
      partitioned: function (e) { return "nodo " + e.node + " aislado de " + (e.target || "zk"); },
      healed: function (e) { return "nodo " + e.node + " vuelve a alcanzar " + (e.target || "todo"); },
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
    leader_lost: "warn", split_brain: "error", partitioned: "warn", api_stopped: "warn", zk_server_stopped: "warn",
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
    if ("text" in e) return e.text !== null && e.text !== "" || e.kind === "narration" && !!e.title;
    return DATA_KINDS.indexOf(e.kind) < 0;
  }
  function wording(e) {
    var phrase = PHRASES[LANG][e.kind];
    // English text comes from the supervisor's own wording; other languages use the page's where it has one
    if (typeof e.text === "string" && e.text && (LANG === "en" || !phrase)) return e.text;
    if (e.kind === "narration") return str(e.title || e.text);
    if (phrase) { try { return phrase(e); } catch (err) { /* a field of an unexpected type: say it plainly */ } }
    if (typeof e.text === "string" && e.text) return e.text;
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

  // ------------------------------------------------------------------ the model
  var M;
  function reset() {
    M = { state: null, nodes: {}, order: [], leader: null, epoch: null, leaderSince: null, terms: [], marks: [],
          log: [], logDirty: true, t0: null, join: null, narration: null, eventFaults: {}, lastRound: null,
          animated: {}, ready: false, apiFlashUntil: 0 };
  }
  reset();
  function seen(t) { if (typeof t === "number" && isFinite(t) && (M.t0 === null || t < M.t0)) M.t0 = t; }

  function openTerm(node, epoch, t) {
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
    M.terms.forEach(function (x) { if (x.node === node && x.end === null) x.end = Math.max(x.start, t); });
  }
  function mark(node, kind, t, glyph, colour) {
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
    } else if (k === "healed") {
      delete M.eventFaults[e.node];
    } else if (k === "join_command") {
      M.join = str(e.command);
    } else if (k === "narration") {
      M.narration = { title: str(e.title), text: str(e.text) };
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
  function applySnapshot(state, t, animate) {
    if (!state || typeof state !== "object") return;
    seen(t);
    var before = M.nodes, nodes = {}, order = [];
    (Array.isArray(state.nodes) ? state.nodes : []).forEach(function (n) {
      if (!n || n.id === undefined || n.id === null) return;
      var id = String(n.id), copy = {};
      Object.keys(n).forEach(function (key) { copy[key] = n[key]; });
      copy.id = id;
      if (copy.readingT === undefined) copy.readingT = typeof n.age_s === "number" ? t - n.age_s : null;
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
    order.forEach(function (id) {
      var n = nodes[id], leading = id === leader || n.role === "LEADER";
      if (leading) openTerm(id, id === leader ? M.epoch : null, t);
      else closeTerm(id, t);
    });
    M.terms.forEach(function (x) { if (x.end === null && !nodes[x.node]) x.end = t; });
    if (state.narration !== undefined) {
      if (state.narration === null) M.narration = null;
      else { var lines = str(state.narration).split("\n"); M.narration = { title: lines[0], text: lines.slice(1).join("\n") }; }
    }
    if (state.join_command) M.join = str(state.join_command);
    if (state.last_round != null && state.last_round !== M.lastRound) {
      if (M.lastRound !== null && animate && M.animated.round !== state.last_round) { M.animated.round = state.last_round; roundFlow(); }
      M.lastRound = state.last_round;
    }
    changed();
  }

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
  var CX = 515, CY = 425, RX = 370, RY = 280;   // the view box is 1200 x 820: the API sits right of the ring
  var pic = $("picture");
  var layerLinks = svg("g", { id: "links" }, pic);
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
      if (!positions[id]) { drawn[id].g.remove(); drawn[id].link.remove(); delete drawn[id]; }
    });
  }

  function nodeShape(id) {
    var d = drawn[id];
    if (d) return d;
    d = { g: svg("g", { "class": "node" }, layerNodes), link: svg("line", { "class": "link" }, layerLinks) };
    d.g.setAttribute("data-id", id);
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

  function drawNode(id, n, now) {
    var p = positions[id], d = nodeShape(id), r = radius;
    var state = str(n.state) || "running", lead = id === M.leader || n.role === "LEADER";
    var faults = nodeFaults(n, M.eventFaults[id]);
    var faultKinds = faults.map(function (f) { return f.kind; });
    var cls = "node " + (state === "remote" ? "running remote" : state) + (n.remote ? " remote" : "") + (lead ? " lead" : "");
    attr(d.g, "class", cls);
    attr(d.g, "data-state", state);
    attr(d.g, "data-role", lead ? "LEADER" : str(n.role));
    attr(d.g, "data-faults", faultKinds.join(" "));
    attr(d.body, "cx", p.x); attr(d.body, "cy", p.y); attr(d.body, "r", r);
    attr(d.halo, "cx", p.x); attr(d.halo, "cy", p.y); attr(d.halo, "r", r + 11);
    attr(d.id, "x", p.x); attr(d.id, "y", p.y); attr(d.id, "font-size", Math.round(r * (id.length > 3 ? 0.55 : 0.9)));
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
      var bw = r * 0.22, bh = r * 0.9;
      attr(d.p1, "x", p.x + r * 0.75); attr(d.p1, "y", p.y - r - bh * 0.2); attr(d.p1, "width", bw); attr(d.p1, "height", bh);
      attr(d.p2, "x", p.x + r * 0.75 + bw * 1.6); attr(d.p2, "y", p.y - r - bh * 0.2); attr(d.p2, "width", bw); attr(d.p2, "height", bh);
    }
    // the leader's epoch, on the side facing ZooKeeper
    d.pill.style.display = lead ? "" : "none";
    if (lead) {
      var ep = id === M.leader && M.epoch != null ? "★ " + L.epoch + " " + M.epoch : "★ " + L.leader;
      var fs = Math.max(18, Math.min(26, r * 0.6)), pw = ep.length * fs * 0.58 + 22;
      var px = p.x - p.dx * (r + fs * 1.3), py = p.y - p.dy * (r + fs * 1.1);
      attr(d.pillRect, "x", px - pw / 2); attr(d.pillRect, "y", py - fs * 0.75);
      attr(d.pillRect, "width", pw); attr(d.pillRect, "height", fs * 1.5);
      attr(d.pillText, "x", px); attr(d.pillText, "y", py); attr(d.pillText, "font-size", fs);
      setText(d.pillText, ep);
    }
    // reading and age (or what is wrong), outside the circle
    var fsVal = Math.max(17, Math.min(28, r * 0.62)), fsSub = fsVal * 0.78;
    var ax = p.x + p.dx * (r + 10), ay = p.y + p.dy * (r + 10);
    var anchor = p.dx > 0.4 ? "start" : p.dx < -0.4 ? "end" : "middle";
    var y1, y2, y3;
    if (p.dy < -0.4) { y3 = ay - 2; y2 = y3 - fsSub * 1.1; y1 = y2 - fsSub * 1.1; }
    else if (p.dy > 0.4) { y1 = ay + fsVal * 0.85; y2 = y1 + fsSub * 1.15; y3 = y2 + fsSub * 1.1; }
    else { y1 = ay - fsSub * 0.5; y2 = y1 + fsSub * 1.15; y3 = y2 + fsSub * 1.1; }
    [[d.val, y1, fsVal], [d.sub, y2, fsSub], [d.sub2, y3, fsSub]].forEach(function (x) {
      attr(x[0], "x", ax); attr(x[0], "y", x[1]); attr(x[0], "font-size", Math.round(x[2])); attr(x[0], "text-anchor", anchor);
    });
    setText(d.val, typeof n.value === "number" ? num(n.value, 2) : "—");
    var ageNow = typeof n.readingT === "number" ? now - n.readingT : null;
    var words = [];
    if (L.states[state] && state !== "running") words.push(L.states[state]);
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
    var sub2 = other.length ? other.join(" · ") : remoteHost && n.host ? "⇢ " + short(n.host, 18) : "";
    setText(d.sub2, sub2);
    attr(d.sub2, "class", "sub" + (cut ? " cut fault" : other.length ? " fault" : remoteHost ? " remote" : ""));
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
      var s = servers[i];
      m.g.style.display = s ? "" : "none";
      if (!s) return;
      var mode = str(s.mode).toLowerCase(), x = CX - (servers.length - 1) * 35 + i * 70, y = CY + 14;
      var colour = mode === "leader" ? "#ffcc33" : mode === "follower" ? "#3ddc84" : mode === "standalone" ? "#4da3ff" : mode === "down" ? "#4d1111" : "#8a93a4";
      if (mode === "leader" || mode === "follower" || mode === "standalone" || (mode && mode !== "down")) up++;
      attr(m.g, "data-mode", mode);
      attr(m.shape, "cx", x); attr(m.shape, "cy", y); attr(m.shape, "fill", colour);
      attr(m.shape, "stroke", mode === "down" ? "#ff5c5c" : "#fff"); attr(m.shape, "stroke-width", mode === "down" ? 3 : 2);
      attr(m.shape, "stroke-dasharray", mode === "down" ? "5 4" : "");
      attr(m.text, "x", x); attr(m.text, "y", y); attr(m.text, "fill", mode === "down" ? "#ff5c5c" : "#111");
      setText(m.text, mode === "down" ? "✕" : mode ? mode.charAt(0).toUpperCase() : "?");
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
    attr(apiNote, "fill", ok === false ? "#ff5c5c" : "#b3bccb");
    var depth = state && state.outbox && typeof state.outbox.depth === "number" ? state.outbox.depth : 0;
    setText(apiNote2, depth > 1 ? L.outbox + ": " + depth : "");
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

  // ------------------------------------------------------------------ the rest of the page
  function drawFacts(now) {
    var el = $("leader"), s = M.state || {};
    attr(el, "data-node", M.leader === null ? "" : M.leader);
    attr(el, "data-epoch", M.epoch === null ? "" : M.epoch);
    if (M.leader === null) { el.className = "none"; setText(el, L.noLeader); }
    else {
      el.className = "has";
      setText(el, "★ " + L.node + " " + M.leader + (M.epoch != null ? " · " + L.epoch + " " + M.epoch : "") +
              (M.leaderSince ? " · " + L.forT + " " + span(now - M.leaderSince) : ""));
    }
    setText($("mean"), num(s.last_mean, 2));
    setText($("stored"), typeof s.rounds_stored === "number" ? s.rounds_stored + " " + L.rounds : "—");
    var api = $("api");
    setText(api, s.api_ok === true ? L.ok : s.api_ok === false ? L.down : "—");
    api.className = s.api_ok === true ? "good" : s.api_ok === false ? "bad" : "muted";
    var zk = $("zk"), quorum = drawZk(M.state);
    var zkText = s.zk_connected === false ? L.zkLost : !quorum ? L.noQuorum : s.zk_connected ? L.zkOk : "—";
    setText(zk, zkText);
    zk.className = s.zk_connected === false || !quorum ? "bad" : s.zk_connected ? "good" : "muted";
    var nar = $("narration");
    nar.hidden = !M.narration || !M.narration.title;
    if (M.narration) { setText($("n-title"), M.narration.title); setText($("n-text"), M.narration.text); }
    $("join").hidden = !M.join || !!REC;
    if (M.join) setText($("join-cmd"), M.join);
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
      var m = svg("text", { x: X(x.t), y: y + rowH / 2, fill: x.colour, "class": "mark" }, g);
      m.textContent = x.glyph;
    });
    var ax = top + lanes.length * rowH + 18;
    var a0 = svg("text", { x: left, y: ax }, g); a0.textContent = REC ? "0 s" : clock(t0);
    var a1 = svg("text", { x: width - right, y: ax, "text-anchor": "end" }, g);
    a1.textContent = REC ? span(t1 - t0) : L.now + " (" + span(t1 - t0) + ")";
    box.setAttribute("viewBox", "0 0 " + width + " " + height);
    box.setAttribute("height", height);
    box.textContent = "";
    box.appendChild(g);
  }

  var pending = false, timelineAt = 0;
  function changed() { if (!pending && !rebuilding) { pending = true; requestAnimationFrame(render); } }
  function render() {
    pending = false;
    var now = clockNow();
    layout(M.order);
    M.order.forEach(function (id) { drawNode(id, M.nodes[id], now); });
    drawApi(M.state);
    drawFacts(now);
    drawLog();
    drawTimeline(now);
    timelineAt = now;
  }

  // ------------------------------------------------------------------ time, live or replayed
  var offset = 0, playT = null;
  function clockNow() { return playT !== null ? playT : Date.now() / 1000 + offset; }
  setInterval(function () { if (!document.hidden) changed(); }, 500);   // ages and "for N s" move on
  window.addEventListener("resize", changed);

  function labels() {
    setText($("k-leader"), L.leader); setText($("k-mean"), L.mean); setText($("k-stored"), L.stored);
    setText($("h-timeline"), L.timeline); setText($("h-events"), L.events); setText($("h-results"), L.results);
    setText($("k-join"), L.join); setText($("k-speed"), L.speed);
  }
  labels();
  function badge(cls, text) { var b = $("conn"); b.className = "badge " + cls; setText(b, text); }

  // ------------------------------------------------------------------ live
  function live() {
    badge("", L.connecting);
    if (!window.EventSource) { badge("lost", "EventSource?"); return; }
    var source = new EventSource("events");
    function data(ev) { try { return JSON.parse(ev.data); } catch (e) { return null; } }
    source.addEventListener("hello", function (ev) {
      var h = data(ev) || {};
      dropFlows(); reset();
      if (typeof h.now === "number") offset = h.now - Date.now() / 1000;
      if (h.title) { setText($("title"), h.title); document.title = h.title; }
      document.body.removeAttribute("data-ready");
    });
    source.addEventListener("event", function (ev) { applyEvent(data(ev), M.ready); });
    source.addEventListener("snapshot", function (ev) {
      var s = data(ev);
      if (s) applySnapshot(s.state, typeof s.ts === "number" ? s.ts : clockNow(), M.ready);
    });
    source.addEventListener("ready", function () {
      M.ready = true; badge("live", "● " + L.live); document.body.setAttribute("data-ready", "1"); changed();
    });
    source.onerror = function () { badge("lost", L.reconnecting); document.body.removeAttribute("data-ready"); };
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
      player.setAttribute("data-frame", fi);
      seek.value = at;
      setText(pos, span((at - first) / 1000) + " / " + span((last - first) / 1000));
      var ended = at >= last;
      document.body.setAttribute("data-ended", ended ? "1" : "0");
      $("results").hidden = !ended || !hasResults;
      changed();
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
    });
    document.addEventListener("keydown", function (ev) {
      var tag = ev.target && ev.target.tagName;
      if (tag === "SELECT" || tag === "INPUT" && ev.target.type !== "range") return;
      if (ev.key === " ") { ev.preventDefault(); setPlaying(!playing); }
      else if (ev.key === "End") { ev.preventDefault(); seekTo(last); }
      else if (ev.key === "Home") { ev.preventDefault(); seekTo(first); }
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
})();
