// embedlab explorer: a WebGL map of up to a million points, neighbours and analogies from the server.
"use strict";

// 64 distinct colours, one per category the server sends (it sends at most 64, the rarest merged as "other"):
// Tableau's ten, then hues spaced by the golden angle at alternating lightness, so no two categories share one
const PALETTE = (() => {
  const base = [
    [0.12, 0.47, 0.71], [1.0, 0.5, 0.05], [0.17, 0.63, 0.17], [0.84, 0.15, 0.16], [0.58, 0.4, 0.74],
    [0.55, 0.34, 0.29], [0.89, 0.47, 0.76], [0.5, 0.5, 0.5], [0.74, 0.74, 0.13], [0.09, 0.75, 0.81],
  ];
  const hsl = (h, s, l) => {
    const k = (n) => (n + h * 12) % 12, a = s * Math.min(l, 1 - l);
    const f = (n) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
    return [f(0), f(8), f(4)];
  };
  for (let i = 0; base.length < 64; i++) base.push(hsl((i * 0.381966) % 1, 0.65, i % 2 ? 0.38 : 0.62));
  return base;
})();
const params = new URLSearchParams(location.search);
// a server started with an API key: the key comes from ?key=..., or is asked for once and kept for this tab only
let apiKey = params.get("key") || sessionStorage.getItem("embedlab-api-key") || "";
const authHeaders = () => (apiKey ? { "X-API-Key": apiKey } : {});
const $ = (id) => document.getElementById(id);

const state = { n: 0, xy: null, cats: null, labels: [], titles: [], index: new Map(), scale: 1, cx: 0, cy: 0, marked: [] };

async function api(path, body, asked) {
  const init = body === undefined ? { headers: authHeaders() } : {
    method: "POST", headers: { ...authHeaders(), "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  if (res.status === 401 && !asked) {
    const key = window.prompt("This server needs its API key (kept in this browser tab only):", "");
    if (key) {
      apiKey = key.trim();
      sessionStorage.setItem("embedlab-api-key", apiKey);
      return api(path, body, true);
    }
  }
  if (!res.ok) {
    let msg = res.status + " " + res.statusText;
    try { msg = (await res.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return res;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// ---------------------------------------------------------------- WebGL
const canvas = $("map");
const gl = canvas.getContext("webgl", { antialias: false, preserveDrawingBuffer: true });
const VS = `
attribute vec2 a_pos; attribute float a_cat;
uniform vec2 u_center; uniform vec2 u_scale; uniform float u_size; uniform vec3 u_palette[64]; uniform float u_mark;
varying vec3 v_color;
void main() {
  gl_Position = vec4((a_pos - u_center) * u_scale, 0.0, 1.0);
  gl_PointSize = u_size;
  int c = int(mod(a_cat, 64.0));
  vec3 col = u_palette[0];
  for (int i = 0; i < 64; i++) { if (i == c) col = u_palette[i]; }
  v_color = u_mark > 0.5 ? vec3(0.0, 0.0, 0.0) : col;
}`;
const FS = `precision mediump float; varying vec3 v_color;
void main() { gl_FragColor = vec4(v_color, 0.75); }`;

function shader(type, src) {
  const s = gl.createShader(type);
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
  return s;
}
const prog = gl.createProgram();
gl.attachShader(prog, shader(gl.VERTEX_SHADER, VS));
gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, FS));
gl.linkProgram(prog);
gl.useProgram(prog);
const loc = (n) => gl.getUniformLocation(prog, n);
const aPos = gl.getAttribLocation(prog, "a_pos");
const aCat = gl.getAttribLocation(prog, "a_cat");
const posBuf = gl.createBuffer(), catBuf = gl.createBuffer(), markBuf = gl.createBuffer(), markCat = gl.createBuffer();
gl.uniform3fv(loc("u_palette"), PALETTE.flat());
gl.enable(gl.BLEND);
gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);

function resize() {
  const r = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, r.width * devicePixelRatio);
  canvas.height = Math.max(1, r.height * devicePixelRatio);
  gl.viewport(0, 0, canvas.width, canvas.height);
  draw();
}

function draw() {
  if (!state.n) return;
  gl.clearColor(0.98, 0.98, 0.98, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  const aspect = canvas.width / canvas.height;
  gl.uniform2f(loc("u_center"), state.cx, state.cy);
  gl.uniform2f(loc("u_scale"), state.scale / Math.max(aspect, 1), state.scale * Math.min(aspect, 1));
  const base = state.n > 100000 ? 1.5 : 3;  // dense maps need small points
  const size = Math.min(9, Math.max(1, base + Math.log2(state.scale / state.baseScale)));
  bind(posBuf, catBuf);
  gl.uniform1f(loc("u_size"), size * devicePixelRatio);
  gl.uniform1f(loc("u_mark"), 0);
  gl.drawArrays(gl.POINTS, 0, state.n);
  drawMarkLabels();
  drawFrequentLabels();
  if (state.marked.length) {
    bind(markBuf, markCat);
    gl.uniform1f(loc("u_size"), (size + 5) * devicePixelRatio);
    gl.uniform1f(loc("u_mark"), 1);
    gl.drawArrays(gl.POINTS, 0, state.marked.length);
  }
}

// where points are drawn: the canvas's size, and point i -> its pixel in the canvas (toMap's inverse)
function toScreen() {
  const r = canvas.getBoundingClientRect();
  const aspect = r.width / r.height;
  const sx = state.scale / Math.max(aspect, 1), sy = state.scale * Math.min(aspect, 1);
  const at = (i) => [((state.xy[2 * i] - state.cx) * sx + 1) * r.width / 2,
    (1 - (state.xy[2 * i + 1] - state.cy) * sy) * r.height / 2];
  return { width: r.width, height: r.height, at };
}

// labels of the highlighted points, as HTML over the canvas
function drawMarkLabels() {
  const layer = $("marks");
  layer.innerHTML = "";
  const screen = toScreen();
  for (const i of state.marked) {
    const [x, y] = screen.at(i);
    if (x < 0 || y < 0 || x > screen.width || y > screen.height) continue;
    const span = document.createElement("span");
    span.textContent = state.titles[i];
    span.style.left = x + 6 + "px";
    span.style.top = y - 8 + "px";
    layer.append(span);
  }
}

// labels of the most frequent visible points (words are stored most frequent first) that fit without
// overlapping at the current zoom; at most 2,000 candidates are tried so a million-point map stays smooth
function drawFrequentLabels() {
  const layer = $("labels");
  layer.innerHTML = "";
  const screen = toScreen();
  const taken = [];
  let tried = 0;
  const limit = Math.min(state.n, 200000);
  for (let i = 0; i < limit && tried < 2000 && taken.length < 150; i++) {
    const [x, y] = screen.at(i);
    if (x < 0 || y < 0 || x > screen.width - 40 || y > screen.height) continue;
    tried++;
    const text = state.titles[i].slice(0, 24);
    const box = [x + 4, y - 7, x + 4 + 6.5 * text.length, y + 7];
    if (taken.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    taken.push(box);
    const span = document.createElement("span");
    span.textContent = text;
    span.style.left = box[0] + "px";
    span.style.top = box[1] + "px";
    layer.append(span);
  }
  layer.dataset.count = String(taken.length);
}

function bind(pos, cat) {
  gl.bindBuffer(gl.ARRAY_BUFFER, pos);
  gl.enableVertexAttribArray(aPos);
  gl.vertexAttribPointer(aPos, 2, gl.FLOAT, false, 0, 0);
  gl.bindBuffer(gl.ARRAY_BUFFER, cat);
  gl.enableVertexAttribArray(aCat);
  gl.vertexAttribPointer(aCat, 1, gl.FLOAT, false, 0, 0);
}

function mark(indices) {
  state.marked = indices.filter((i) => i !== undefined && i >= 0);
  const xy = new Float32Array(state.marked.length * 2);
  state.marked.forEach((i, j) => { xy[2 * j] = state.xy[2 * i]; xy[2 * j + 1] = state.xy[2 * i + 1]; });
  gl.bindBuffer(gl.ARRAY_BUFFER, markBuf);
  gl.bufferData(gl.ARRAY_BUFFER, xy, gl.STATIC_DRAW);
  gl.bindBuffer(gl.ARRAY_BUFFER, markCat);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(state.marked.length), gl.STATIC_DRAW);
  draw();
}

// screen pixel -> map coordinates
function toMap(px, py) {
  const r = canvas.getBoundingClientRect();
  const aspect = r.width / r.height;
  const nx = (2 * (px - r.left)) / r.width - 1, ny = 1 - (2 * (py - r.top)) / r.height;
  return [nx / (state.scale / Math.max(aspect, 1)) + state.cx, ny / (state.scale * Math.min(aspect, 1)) + state.cy];
}

function nearest(px, py) {
  const [mx, my] = toMap(px, py);
  let best = -1, bestD = Infinity;
  const xy = state.xy;
  for (let i = 0; i < state.n; i++) {
    const dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my, d = dx * dx + dy * dy;
    if (d < bestD) { bestD = d; best = i; }
  }
  const [ex] = toMap(px + 8, py);
  return bestD <= (ex - mx) * (ex - mx) ? best : -1;
}

// ---------------------------------------------------------------- interaction
let drag = null;
canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, moved: false }; });
window.addEventListener("mouseup", (e) => {
  if (drag && !drag.moved) {
    const i = nearest(e.clientX, e.clientY);
    if (i >= 0 && e.shiftKey) pick(i);
    else if (i >= 0) neighbours(state.labels[i]);
  }
  drag = null;
});

// shift-click: the first point goes to "a", the second to "b", and the pair is explained
function pick(i) {
  const a = $("why-a"), b = $("why-b");
  if (!a.value || (a.value && b.value)) { a.value = state.labels[i]; b.value = ""; mark([i]); return; }
  b.value = state.labels[i];
  mark([state.index.get(a.value), i]);
  explain(a.value, b.value);
}
canvas.addEventListener("mousemove", (e) => {
  if (drag) {
    const [ax, ay] = toMap(drag.x, drag.y), [bx, by] = toMap(e.clientX, e.clientY);
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 2) drag.moved = true;
    state.cx -= bx - ax; state.cy -= by - ay;
    drag.x = e.clientX; drag.y = e.clientY;
    draw();
  }
});
canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  const [bx, by] = toMap(e.clientX, e.clientY);
  state.scale *= Math.exp(-e.deltaY * 0.0015);
  const [ax, ay] = toMap(e.clientX, e.clientY);
  state.cx += bx - ax; state.cy += by - ay;
  draw();
}, { passive: false });

// image collections: thumbnails in the tooltip and the lists, fetched once each (with the API key)
const thumbs = new Map();
function thumbnail(id) {
  if (!thumbs.has(id)) {
    thumbs.set(id, api("v1/thumbnail?size=96&id=" + encodeURIComponent(id))
      .then((r) => (r.ok ? r.blob() : null)).then((b) => (b ? URL.createObjectURL(b) : null)).catch(() => null));
  }
  return thumbs.get(id);
}
function thumbImg(id, px) {
  const img = document.createElement("img");
  img.className = "thumb"; img.alt = id; img.width = px; img.height = px;
  thumbnail(id).then((url) => { if (url) img.src = url; });
  return img;
}

function listInto(ol, rows) {
  ol.innerHTML = "";
  for (const r of rows) {
    const li = document.createElement("li");
    li.dataset.item = r.item;
    li.innerHTML = "";
    if (state.images) li.append(thumbImg(r.item, 32));
    const at = state.index.get(r.item);  // a document's title or text start, where the map has it
    const shown = at !== undefined && state.titles[at] !== r.item ? state.titles[at] + " (" + r.item + ")" : r.item;
    li.append(document.createTextNode(shown + " "));
    const s = document.createElement("span");
    s.className = "score";
    s.textContent = r.score.toFixed(3);
    li.append(s);
    li.addEventListener("click", () => neighbours(r.item));
    ol.append(li);
  }
}

function focusOn(i) {
  if (i === undefined || i < 0) return;
  state.cx = state.xy[2 * i]; state.cy = state.xy[2 * i + 1];
  state.scale = Math.max(state.scale, 4 * state.baseScale);
}

async function neighbours(query) {
  query = query.trim();
  if (!query) return;
  $("search").value = query;
  status("searching…");
  const body = state.kind === "words" ? { word: query, k: 10 }
    : (state.index.has(query) ? { id: query, k: 10 } : { text: query, k: 10 });
  try {
    const data = await (await api("v1/similar", body)).json();
    $("neighbours-of").textContent = "of " + query;
    listInto($("neighbours"), data.results);
    const idx = [query, ...data.results.map((r) => r.item)].map((w) => state.index.get(w));
    focusOn(idx[0] !== undefined ? idx[0] : idx[1]);
    mark(idx);
    status(state.n.toLocaleString() + " points · neighbours of “" + query + "”");
  } catch (err) {
    listInto($("neighbours"), []);
    status(err.message, true);
  }
}

$("search-form").addEventListener("submit", (e) => { e.preventDefault(); neighbours($("search").value); });
$("analogy-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { a: $("an-a").value.trim(), b: $("an-b").value.trim(), c: $("an-c").value.trim(), k: 5 };
  try {
    const data = await (await api("v1/analogy", body)).json();
    listInto($("analogy"), data.results);
    mark([body.a, body.b, body.c, data.results[0] && data.results[0].item].map((w) => state.index.get(w)));
    status(data.query + " " + (data.results[0] ? data.results[0].item : ""));
  } catch (err) {
    listInto($("analogy"), []);
    status(err.message, true);
  }
});

// ---------------------------------------------------------------- why similar
function bars(title, parts, totals) {
  const box = document.createElement("div");
  box.className = "bars";
  const h = document.createElement("div");
  h.textContent = title;
  h.style.cssText = "font-size:12px;color:#666;margin-top:6px";
  box.append(h);
  const order = totals.map((t, i) => i).sort((x, y) => Math.abs(totals[y]) - Math.abs(totals[x])).slice(0, 12);
  const most = Math.max(1e-9, ...order.map((i) => Math.abs(totals[i])));
  for (const i of order) {
    const row = document.createElement("div");
    row.className = "bar";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = parts[i];
    name.title = parts[i];
    const fill = document.createElement("span");
    fill.className = "fill " + (totals[i] >= 0 ? "pos" : "neg");
    fill.style.width = Math.round(120 * Math.abs(totals[i]) / most) + "px";
    const v = document.createElement("span");
    v.className = "score";
    v.textContent = (totals[i] >= 0 ? "+" : "") + totals[i].toFixed(3);
    row.append(name, fill, v);
    box.append(row);
  }
  return box;
}

// token x token as a heat map: red adds to the similarity, blue takes from it
function heatMap(d) {
  const table = document.createElement("table");
  table.className = "heat";
  const rows = d.a_parts.map((_, i) => i).slice(0, 24), cols = d.b_parts.map((_, j) => j).slice(0, 24);
  const most = Math.max(1e-9, ...rows.flatMap((i) => cols.map((j) => Math.abs(d.pairs[i][j]))));
  const head = document.createElement("tr");
  head.append(document.createElement("th"));
  for (const j of cols) {
    const th = document.createElement("th");
    th.className = "col";
    const div = document.createElement("div");
    div.textContent = d.b_parts[j];
    th.append(div);
    head.append(th);
  }
  table.append(head);
  for (const i of rows) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.className = "row";
    th.textContent = d.a_parts[i];
    tr.append(th);
    for (const j of cols) {
      const v = d.pairs[i][j], t = Math.min(1, Math.abs(v) / most);
      const td = document.createElement("td");
      td.style.background = v >= 0 ? `rgba(192,57,43,${t})` : `rgba(46,134,193,${t})`;
      td.title = `${d.a_parts[i]} × ${d.b_parts[j]}: ${v.toFixed(4)}`;
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}

async function explain(a, b) {
  a = a.trim(); b = b.trim();
  const out = $("why");
  out.innerHTML = "";
  if (!a || !b) { status("give two words, ids or texts to explain", true); return; }
  status("explaining…");
  try {
    const d = await (await api("v1/explain", { a, b, top: 12 })).json();
    const head = document.createElement("div");
    head.id = "why-score";
    head.textContent = `cosine ${d.score.toFixed(3)} (${d.mode})` + (d.mode === "occlusion" ? "" : ` = sum of the parts ${d.total.toFixed(3)}`);
    out.append(head);
    if (d.top_dimensions) {
      out.append(bars("dimensions that add most", d.top_dimensions.map((x) => "dim " + x.dimension),
        d.top_dimensions.map((x) => x.contribution)));
    } else {
      const what = d.mode === "occlusion" ? "score drop without" : "what each part brings";
      out.append(bars(what + ": " + d.a.slice(0, 40), d.a_parts, d.a_totals));
      out.append(bars(what + ": " + d.b.slice(0, 40), d.b_parts, d.b_totals));
      if (d.pairs) out.append(heatMap(d));
    }
    status("why “" + a.slice(0, 30) + "” and “" + b.slice(0, 30) + "” are close");
  } catch (err) {
    status(err.message, true);
  }
}
$("why-form").addEventListener("submit", (e) => { e.preventDefault(); explain($("why-a").value, $("why-b").value); });

const tooltip = $("tooltip");
canvas.addEventListener("mousemove", (e) => {
  if (drag || state.n > 200000) { tooltip.style.display = "none"; return; }
  const i = nearest(e.clientX, e.clientY);
  if (i < 0) { tooltip.style.display = "none"; return; }
  tooltip.textContent = state.titles[i];
  if (state.images) { tooltip.append(document.createElement("br"), thumbImg(state.labels[i], 96)); }
  tooltip.style.left = e.clientX + 10 + "px"; tooltip.style.top = e.clientY + 10 + "px";
  tooltip.style.display = "block";
});

// ---------------------------------------------------------------- start
async function loadPoints(info) {
  const pts = await api("v1/points").then((r) => r.arrayBuffer());
  state.xy = new Float32Array(pts);
  state.n = state.xy.length / 2;
  state.method = info.method;
  state.version = info.version;
  gl.bindBuffer(gl.ARRAY_BUFFER, posBuf);
  gl.bufferData(gl.ARRAY_BUFFER, state.xy, gl.STATIC_DRAW);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < state.n; i++) {
    const x = state.xy[2 * i], y = state.xy[2 * i + 1];
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  state.cx = (minX + maxX) / 2; state.cy = (minY + maxY) / 2;
  state.scale = state.baseScale = 1.9 / Math.max(maxX - minX, maxY - minY, 1e-9);
  if (state.marked.length) mark(state.marked);
}

function mapStatus(info) {
  let text = state.n.toLocaleString() + " points (" + info.method.toUpperCase() + " of " + info.dim + "-d vectors)";
  if (info.pending) text += " · computing a UMAP map…";
  else if (info.error) text += " · no UMAP map: " + info.error;
  status(text + " · ready");
}

// the server computes a neighbourhood map in the background: swap it in when it is ready
async function watchMap() {
  try {
    const info = await (await api("v1/map")).json();
    if (info.version !== state.version) {
      await loadPoints(info);
      await loadColors($("color-select").value || null);
      resize();
    }
    mapStatus(info);
    if (info.pending) setTimeout(watchMap, 2000);
    else document.body.dataset.map = info.method;
  } catch (err) {
    status("could not refresh the map: " + err.message, true);
  }
}

async function loadColors(by) {
  const q = by ? "?by=" + encodeURIComponent(by) : "";
  const [cats, info] = await Promise.all([
    api("v1/colors" + q).then((r) => r.arrayBuffer()),
    api("v1/coloring" + q).then((r) => r.json()),
  ]);
  const c16 = new Uint16Array(cats), cf = new Float32Array(c16.length);
  for (let i = 0; i < c16.length; i++) cf[i] = c16[i];
  gl.bindBuffer(gl.ARRAY_BUFFER, catBuf);
  gl.bufferData(gl.ARRAY_BUFFER, cf, gl.STATIC_DRAW);
  $("legend").innerHTML = "";
  info.categories.forEach((c, i) => {
    const p = PALETTE[i % 64].map((v) => Math.round(v * 255));
    const d = document.createElement("div");
    d.innerHTML = `<span style="background:rgb(${p})"></span>`;
    d.append(document.createTextNode(c || "(none)"));
    $("legend").append(d);
  });
  document.body.dataset.coloring = info.color_by || "";
  draw();
}

async function start() {
  try {
    const info = await (await api("v1/map")).json();
    state.kind = info.kind;
    state.images = info.images;
    const [labels, titles] = await Promise.all([
      api("v1/labels").then((r) => r.text()),
      api("v1/titles").then((r) => r.text()),
    ]);
    await loadPoints(info);
    state.labels = labels.split("\n");
    state.titles = titles.split("\n");
    state.labels.forEach((w, i) => state.index.set(w, i));
    const select = $("color-select");
    select.innerHTML = "";
    for (const name of info.colorings) {
      const o = document.createElement("option");
      o.value = name; o.textContent = name;
      if (name === info.color_by) o.selected = true;
      select.append(o);
    }
    if (!info.color_by) {
      const o = document.createElement("option");
      o.value = ""; o.textContent = "(none)"; o.selected = true;
      select.prepend(o);
    }
    select.addEventListener("change", () => loadColors(select.value || null).catch((err) => status(err.message, true)));
    await loadColors(info.color_by);
    if (info.kind !== "words") $("analogy-form").parentElement.querySelectorAll("#analogy-form, #analogy")
      .forEach((el) => { el.style.display = "none"; });
    resize();
    mapStatus(info);
    document.body.dataset.ready = "1";
    if (info.pending) setTimeout(watchMap, 2000);
    else document.body.dataset.map = info.method;
  } catch (err) {
    status("could not load the map: " + err.message, true);
  }
}
window.addEventListener("resize", resize);
start();
