// Safe DOM building: text always goes in through text nodes, never through HTML parsing.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

let liveTimer = 0;
export function announce(msg) {
  const live = document.getElementById("live");
  live.textContent = "";
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => { live.textContent = msg; }, 50);
}

export function family(label) {
  const f = String(label || "").split(".")[0];
  return ["abuse", "threat", "customer", "escalation", "emotion"].includes(f) ? f : "other";
}

export const pct = (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(2));

export function clock(seconds) {
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  const m = Math.floor(s / 60), r = s % 60;
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(r).padStart(2, "0")}`
                 : `${m}:${String(r).padStart(2, "0")}`;
}

export function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// Python offsets count code points; JavaScript strings count UTF-16 units.
function unitOffsets(text) {
  const map = [0];
  let u = 0;
  for (const ch of text) { u += ch.length; map.push(u); }
  return map;
}

// The text with each evidence span wrapped in a focusable <mark>, built by splitting one text node
// at the spans' offsets. Each mark carries a tooltip (label, score, explanation) shown on hover or focus
// and read by screen readers.
export function highlight(text, signals) {
  const out = h("span", { class: "msg-text" });
  const node = document.createTextNode(text);
  out.appendChild(node);
  const map = unitOffsets(text);
  const max = map.length - 1;
  const spans = [];
  for (const sig of signals || []) {
    for (const ev of sig.evidence || []) {
      const s = Math.max(0, Math.min(max, ev.start | 0)), e = Math.max(0, Math.min(max, ev.end | 0));
      if (e > s) spans.push({ s: map[s], e: map[e], sig });
    }
  }
  if (!spans.length) return out;
  const cuts = [...new Set(spans.flatMap((x) => [x.s, x.e]))].filter((c) => c > 0 && c < text.length)
    .sort((a, b) => a - b);
  const pieces = [];
  let cur = node, pos = 0;
  for (const c of cuts) { const rest = cur.splitText(c - pos); pieces.push([pos, c, cur]); cur = rest; pos = c; }
  pieces.push([pos, text.length, cur]);
  for (const [s, e, piece] of pieces) {
    const covering = spans.filter((x) => x.s <= s && x.e >= e).map((x) => x.sig);
    if (!covering.length) continue;
    const uniq = [...new Map(covering.map((g) => [g.label, g])).values()];
    const mark = h("mark", { class: `sig sig-${family(uniq[0].label)}`, tabindex: "0",
                             dataset: { labels: uniq.map((g) => g.label).join(" ") } });
    piece.replaceWith(mark);
    mark.appendChild(piece);
    const tip = h("span", { class: "tip", role: "tooltip" });
    uniq.forEach((g, i) => append(tip, [i ? h("br") : null, h("strong", { text: g.label }),
      ` ${pct(g.score)} — ${g.explanation || ""}`]));
    append(mark, [h("span", { class: "sr-only", text: " (" }), tip, h("span", { class: "sr-only", text: ")" })]);
  }
  return out;
}

// The frustration trend as a tiny inline SVG line (0..1 on the y axis).
export function sparkline(values, { width = 160, height = 40, label = "Frustration trend" } = {}) {
  const pts = values.map((v, i) => [values.length > 1 ? (i * (width - 8)) / (values.length - 1) + 4 : width / 2,
                                    height - 4 - Math.max(0, Math.min(1, v)) * (height - 8)]);
  const desc = values.length ? `${label}: ${values.map(pct).join(", ")}` : `${label}: no customer messages yet`;
  const el = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": desc,
                          class: "spark" });
  el.appendChild(svg("line", { x1: 0, x2: width, y1: height - 4 - 0.6 * (height - 8), y2: height - 4 - 0.6 * (height - 8),
                               class: "spark-threshold" }));
  if (pts.length > 1) el.appendChild(svg("polyline", { points: pts.map((p) => p.join(",")).join(" "), class: "spark-line" }));
  for (const [x, y] of pts) el.appendChild(svg("circle", { cx: x, cy: y, r: 2.5, class: "spark-dot" }));
  return el;
}

// A modal form in the shared <dialog>; resolves with the form's values, or null when cancelled.
export function ask(title, fields, okText = "Save", submit = async () => {}) {
  const dlg = document.getElementById("dialog");
  const body = clear(document.getElementById("dialog-body"));
  const err = document.getElementById("dialog-error");
  err.textContent = "";
  document.getElementById("dialog-title").textContent = title;
  document.getElementById("dialog-ok").textContent = okText;
  append(body, fields);
  return new Promise((resolve) => {
    const form = document.getElementById("dialog-form");
    const cancel = document.getElementById("dialog-cancel");
    const done = (v) => { form.removeEventListener("submit", onSubmit); cancel.removeEventListener("click", onCancel);
                          dlg.removeEventListener("cancel", onCancel); if (dlg.open) dlg.close(); resolve(v); };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    const onSubmit = async (e) => {
      e.preventDefault();
      const values = Object.fromEntries(new FormData(form).entries());
      try { done(await submit(values) ?? values); } catch (x) { err.textContent = x.message; }
    };
    form.addEventListener("submit", onSubmit);
    cancel.addEventListener("click", onCancel);
    dlg.addEventListener("cancel", onCancel);
    dlg.showModal();
    const first = body.querySelector("input, select, textarea");
    if (first) first.focus();
  });
}

export function field(label, control) {
  const id = control.id || `f${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control);
}
