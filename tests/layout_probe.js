// Every visible text's box, its effective font size (SVG text scaled by the picture) and overlaps.
var out = [], els = document.querySelectorAll("body *");
function visible(el) {
  for (var e = el; e && e !== document.body; e = e.parentElement) {
    if (e.hidden) return false;
    var cs = getComputedStyle(e);
    if (cs.display === "none" || cs.visibility === "hidden" || cs.opacity === "0") return false;
  }
  return true;
}
function inScroller(el) {
  for (var e = el.parentElement; e && e !== document.body; e = e.parentElement) {
    var cs = getComputedStyle(e);
    if (/(auto|scroll)/.test(cs.overflowY) && e.scrollHeight > e.clientHeight) return e;
  }
  return null;
}
for (var i = 0; i < els.length; i++) {
  var el = els[i];
  if (["SCRIPT", "STYLE", "OPTION", "NOSCRIPT"].indexOf(el.tagName.toUpperCase()) >= 0) continue;
  var own = "";
  el.childNodes.forEach(function (n) { if (n.nodeType === 3) own += n.textContent; });
  own = own.trim();
  if (!own || !visible(el)) continue;
  var r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  var size = parseFloat(getComputedStyle(el).fontSize);
  if (el instanceof SVGElement && el.getScreenCTM) size *= el.getScreenCTM().a;
  var scroller = inScroller(el);
  var box = [r.left, r.top, r.right, r.bottom];
  if (scroller) {
    var s = scroller.getBoundingClientRect();
    if (r.bottom <= s.top || r.top >= s.bottom) continue;           // scrolled out of its box: not on screen
    box = [Math.max(r.left, s.left), Math.max(r.top, s.top), Math.min(r.right, s.right), Math.min(r.bottom, s.bottom)];
  }
  var clipped = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== "visible" &&
    !(el instanceof SVGElement) && getComputedStyle(el).textOverflow !== "ellipsis";
  out.push({ el: el, id: el.id || "", tag: el.tagName, text: own.slice(0, 40), size: Math.round(size * 10) / 10,
             box: box, clipped: clipped, svg: el instanceof SVGElement });
}
// two labels overlap when their boxes share more than a pixel each way and neither holds the other
var overlaps = [];
for (var a = 0; a < out.length; a++) for (var b = a + 1; b < out.length; b++) {
  var p = out[a], q = out[b];
  if (p.el.contains(q.el) || q.el.contains(p.el)) continue;
  var w = Math.min(p.box[2], q.box[2]) - Math.max(p.box[0], q.box[0]);
  var h = Math.min(p.box[3], q.box[3]) - Math.max(p.box[1], q.box[1]);
  if (w > 1 && h > 1) overlaps.push([p.text, q.text]);
}
out.forEach(function (it) { delete it.el; });
return { items: out, overlaps: overlaps, width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
         vw: innerWidth, vh: innerHeight };
