// A minimal fake DOM, enough for Leaflet 1.9 to build a map, its panes, vector layers on a
// canvas, tooltips, popups and controls inside V8 (py_mini_racer) when no browser exists.
// Not a browser: no layout, no painting. It records what the page's scripts built so a test
// can check it, and turns any uncaught error into a failed eval.
var __noop = function () {};
function FakeStyle() {}
FakeStyle.prototype.setProperty = __noop;
FakeStyle.prototype.removeProperty = __noop;
function FakeClassList(el) { this.el = el; }
FakeClassList.prototype.add = function () {
  for (var i = 0; i < arguments.length; i++) {
    var names = this.el.className ? this.el.className.split(/\s+/) : [];
    if (names.indexOf(arguments[i]) < 0) names.push(arguments[i]);
    this.el.className = names.join(" ");
  }
};
FakeClassList.prototype.remove = function () {
  for (var i = 0; i < arguments.length; i++) {
    var drop = arguments[i];
    this.el.className = (this.el.className || "").split(/\s+/).filter(function (n) { return n && n !== drop; }).join(" ");
  }
};
FakeClassList.prototype.contains = function (n) { return (" " + this.el.className + " ").indexOf(" " + n + " ") >= 0; };
FakeClassList.prototype.toggle = function (n) { if (this.contains(n)) this.remove(n); else this.add(n); };
var __all = [];
function FakeElement(tag) {
  this.tagName = String(tag).toUpperCase(); this.nodeName = this.tagName; this.nodeType = 1;
  this.style = new FakeStyle(); this.childNodes = []; this.children = this.childNodes;
  this.parentNode = null; this.className = ""; this.classList = new FakeClassList(this);
  this.attributes = {}; this._listeners = {}; this.innerHTML = ""; this.textContent = "";
  this.clientWidth = 1200; this.clientHeight = 900; this.offsetWidth = 1200; this.offsetHeight = 900;
  this.scrollTop = 0; this.scrollLeft = 0; this.width = 1200; this.height = 900;
  __all.push(this);
}
FakeElement.prototype.appendChild = function (c) {
  if (c.parentNode) c.parentNode.removeChild(c);
  this.childNodes.push(c); c.parentNode = this; return c;
};
FakeElement.prototype.insertBefore = function (c, ref) {
  if (c.parentNode) c.parentNode.removeChild(c);
  var i = this.childNodes.indexOf(ref); if (i < 0) i = this.childNodes.length;
  this.childNodes.splice(i, 0, c); c.parentNode = this; return c;
};
FakeElement.prototype.removeChild = function (c) {
  var i = this.childNodes.indexOf(c); if (i >= 0) this.childNodes.splice(i, 1); c.parentNode = null; return c;
};
Object.defineProperty(FakeElement.prototype, "firstChild", { get: function () { return this.childNodes[0] || null; } });
Object.defineProperty(FakeElement.prototype, "lastChild", { get: function () { return this.childNodes[this.childNodes.length - 1] || null; } });
FakeElement.prototype.setAttribute = function (k, v) { this.attributes[k] = String(v); if (k === "class") this.className = String(v); };
FakeElement.prototype.getAttribute = function (k) { return k in this.attributes ? this.attributes[k] : null; };
FakeElement.prototype.removeAttribute = function (k) { delete this.attributes[k]; };
FakeElement.prototype.addEventListener = function (t, f) { (this._listeners[t] = this._listeners[t] || []).push(f); };
FakeElement.prototype.removeEventListener = function (t, f) {
  var l = this._listeners[t] || []; var i = l.indexOf(f); if (i >= 0) l.splice(i, 1);
};
FakeElement.prototype.getBoundingClientRect = function () {
  return { left: 0, top: 0, right: this.clientWidth, bottom: this.clientHeight, width: this.clientWidth, height: this.clientHeight, x: 0, y: 0 };
};
FakeElement.prototype.querySelector = function () { return null; };
FakeElement.prototype.querySelectorAll = function () { return []; };
FakeElement.prototype.focus = __noop; FakeElement.prototype.blur = __noop;
FakeElement.prototype.getContext = function () {
  var el = this;
  return new Proxy({ canvas: el }, {
    get: function (t, k) {
      if (k in t) return t[k];
      if (k === "measureText") return function () { return { width: 10 }; };
      return __noop;
    },
    set: function (t, k, v) { t[k] = v; return true; },
  });
};
// SVG support is reported absent so Leaflet uses the canvas renderer (the map asks for canvas).
var document = {
  documentElement: new FakeElement("html"), body: new FakeElement("body"), head: new FakeElement("head"),
  createElement: function (t) { return new FakeElement(t); },
  createTextNode: function (s) { var n = new FakeElement("#text"); n.nodeType = 3; n.textContent = s; return n; },
  getElementById: function (id) {
    for (var i = 0; i < __all.length; i++) if (__all[i].id === id) return __all[i];
    return null;
  },
  addEventListener: __noop, removeEventListener: __noop,
  querySelector: function () { return null; }, querySelectorAll: function () { return []; },
};
var navigator = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36", platform: "Linux", maxTouchPoints: 0 };
var window = globalThis;
window.document = document; window.navigator = navigator; window.devicePixelRatio = 1;
window.addEventListener = __noop; window.removeEventListener = __noop;
// Timers and animation frames are queued, and run by __flush() a bounded number of rounds.
var __queue = [];
window.requestAnimationFrame = function (f) { __queue.push(f); return __queue.length; };
window.cancelAnimationFrame = function (id) { __queue[id - 1] = null; };
window.getComputedStyle = function (el) { return el.style; };
window.location = { protocol: "file:", href: "file:///map.html" };
window.setTimeout = function (f) { if (typeof f === "function") __queue.push(f); return __queue.length; };
window.clearTimeout = function (id) { if (id) __queue[id - 1] = null; };
function __flush(rounds) {
  for (var r = 0; r < rounds; r++) {
    var now = __queue; __queue = [];
    var ran = 0;
    for (var i = 0; i < now.length; i++) if (now[i]) { now[i](Date.now()); ran++; }
    if (!ran) return r;
  }
  return rounds;
}
window.innerWidth = 1200; window.innerHeight = 900;
// What the page built, for the test.
function __report() {
  var texts = []; var classes = {};
  for (var i = 0; i < __all.length; i++) {
    var el = __all[i];
    (el.className || "").split(/\s+/).forEach(function (c) { if (c) classes[c] = (classes[c] || 0) + 1; });
    if (el.innerHTML) texts.push(el.innerHTML);
  }
  return JSON.stringify({ classes: classes, texts: texts });
}
