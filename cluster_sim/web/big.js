/* A large cluster (a snapshot with a "summary", engine/digest.py): the picture draws the leader,
 * the next in line and the nodes not fine (at most MAX_BIG_DRAWN), not 1,000 circles; the panel
 * #big says the rest: counts by condition, the readings' spread and their histogram. The words
 * are the catalogue's ("big.*", as on the terminal, and "page.big.*"). */
// ------------------------------------------------------------------ a large cluster
var MAX_BIG_DRAWN = 40, bigShown = "";
function bigSummary() {
  var s = M.state && M.state.summary;
  return s && typeof s === "object" && !Array.isArray(s) ? s : null;
}
// the rows the picture draws: every row of a small cluster; of a large one, the leader, the next
// in line and the nodes not fine (worst first), in that order round the ring from the top
function drawnOrder() {
  var s = bigSummary();
  if (!s) return M.order;
  var out = [], seen = {};
  function add(key) { key = str(key); if (key && !seen[key] && M.nodes[key] && out.length < MAX_BIG_DRAWN) { seen[key] = 1; out.push(key); } }
  if (M.leader !== null) add(M.leader);
  (Array.isArray(s.next_in_line) ? s.next_in_line : []).forEach(add);
  (Array.isArray(s.not_fine) ? s.not_fine : []).forEach(function (x) {
    if (!x || typeof x !== "object") return;
    var waiting = Array.isArray(x.why) && x.why.indexOf("waiting") >= 0;
    add(str(x.id) + (waiting ? "#waiting" : ""));
  });
  return out;
}
function count(x) { return typeof x === "number" && isFinite(x) ? x : 0; }

function drawBig(drawn) {
  var s = bigSummary(), box = $("big");
  box.hidden = !s;
  document.body.classList.toggle("big", !!s);
  if (!s) { bigShown = ""; return; }
  var key = JSON.stringify(s) + "|" + M.leader + "|" + drawn;
  if (key === bigShown) return;
  bigShown = key;
  var total = count(s.nodes), notFine = Array.isArray(s.not_fine) ? s.not_fine.length : 0;
  attr(box, "data-nodes", total); attr(box, "data-not-fine", notFine); attr(box, "data-drawn", drawn);
  setText($("h-big"), L.big.title);
  // the next in line: the chain from the leader, and how many candidates wait
  var next = Array.isArray(s.next_in_line) ? s.next_in_line.map(str) : [];
  var chain = (M.leader !== null ? [M.leader + " ★"] : []).concat(next).join(" → ");
  if (count(s.candidates) > next.length + 1) chain += " → …";
  setText($("big-next"), say("big.next") + ": " + (next.length ? say("big.next_value", { nodes: chain, n: count(s.candidates) }) : say("big.next_none")));
  // counts by condition: the fine first, the worst last (as the terminal says them)
  var counts = s.counts && typeof s.counts === "object" ? s.counts : {}, ul = $("big-counts");
  ul.textContent = "";
  var head = document.createElement("li");
  head.className = "total"; head.textContent = say("big.total", { n: total });
  ul.appendChild(head);
  Object.keys(counts).reverse().forEach(function (c) {
    var li = document.createElement("li");
    li.className = "cond " + c; li.setAttribute("data-condition", c);
    li.textContent = say("big.cond." + c, { n: count(counts[c]) });
    ul.appendChild(li);
  });
  // the readings: count, min, median, max, and a bar a bin
  var r = s.readings && typeof s.readings === "object" ? s.readings : null;
  setText($("big-spread"), r ? say("big.spread", { n: count(r.count), low: num(r.min, 2), median: num(r.median, 2), high: num(r.max, 2) }) : say("big.no_readings"));
  var hist = $("big-hist"), bins = r && Array.isArray(r.bins) ? r.bins.map(count) : [];
  hist.textContent = "";
  hist.style.display = bins.length && count(r.count) > 1 ? "" : "none";
  if (bins.length) {
    var w = 320, h = 56, top = Math.max.apply(null, bins) || 1, bw = w / bins.length;
    hist.setAttribute("viewBox", "0 0 " + w + " " + (h + 20));
    bins.forEach(function (n, i) {
      var bh = n ? Math.max(2, h * n / top) : 0;
      svg("rect", { x: i * bw + 1, y: h - bh, width: bw - 2, height: bh, "class": "bin", "data-count": n }, hist);
    });
    var lo = svg("text", { x: 0, y: h + 16, "class": "axis" }, hist); lo.textContent = num(r.min, 1);
    var hi = svg("text", { x: w, y: h + 16, "class": "axis", "text-anchor": "end" }, hist); hi.textContent = num(r.max, 1);
  }
  setText($("big-drawn"), say("page.big.drawn", { n: notFine }) + " · " + say("page.big.hidden", { n: Math.max(0, total - drawn) }));
}
