// The Insights view (supervisors): the team report's charts from GET /insights, drawn as inline SVG.
// Every label goes in as text (svg()/h() never parse HTML); agents see only their own recognition and wellbeing.
import { get } from "./api.js";
import { append, clear, h, pct, svg } from "./dom.js";
import { consistencySection } from "./accommodations.js";

const W = 640;

function lineChart(points, label) {
  if (!points.length) return h("p", { text: `${label}: no dated conversations.` });
  const H = 200, P = 36, step = (W - 2 * P) / Math.max(points.length - 1, 1);
  const xy = (i, v) => [P + i * step, H - P - Math.max(0, Math.min(1, v)) * (H - 2 * P)];
  const el = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "insight-chart", role: "img",
                          "aria-label": `${label}: ${points.map(([d, v]) => `${d} ${pct(v)}`).join(", ")}` });
  for (const g of [0, 0.5, 1]) {
    el.appendChild(svg("line", { x1: P, x2: W - P, y1: xy(0, g)[1], y2: xy(0, g)[1], class: "insight-grid" }));
    el.appendChild(svg("text", { x: P - 6, y: xy(0, g)[1] + 4, "text-anchor": "end" }, g.toFixed(1)));
  }
  el.appendChild(svg("polyline", { points: points.map(([, v], i) => xy(i, v).join(",")).join(" "), class: "insight-line" }));
  el.appendChild(svg("text", { x: P, y: H - 10 }, points[0][0]));
  el.appendChild(svg("text", { x: W - P, y: H - 10, "text-anchor": "end" }, points[points.length - 1][0]));
  return el;
}

function barChart(bars, label) {
  if (!bars.length) return h("p", { text: `${label}: nothing to show.` });
  const row = 26, LW = 230, top = Math.max(...bars.map(([, v]) => v)) || 1;
  const el = svg("svg", { viewBox: `0 0 ${W} ${row * bars.length + 10}`, class: "insight-chart", role: "img",
                          "aria-label": `${label}: ${bars.map(([k, v]) => `${k} ${v}`).join(", ")}` });
  bars.forEach(([name, v], i) => {
    const y = 5 + i * row, w = (v / top) * (W - LW - 70);
    el.appendChild(svg("text", { x: LW - 8, y: y + 16, "text-anchor": "end" }, name.length > 34 ? `${name.slice(0, 33)}…` : name));
    el.appendChild(svg("rect", { x: LW, y: y + 3, width: w.toFixed(1), height: row - 8, class: "insight-bar" }));
    el.appendChild(svg("text", { x: LW + w + 6, y: y + 16 }, String(v)));
  });
  return el;
}

function section(title, ...body) {
  return h("section", { class: "panel" }, h("h2", { text: title }), ...body);
}

export async function insightsView(root, me) {
  const r = await get("/insights");
  const parts = [h("h1", { text: me.role === "agent" ? "Your recognition and wellbeing" : "Insights" })];
  if (r.overview) {
    const o = r.overview;
    parts.push(h("p", { class: "insight-kpis", text:
      `${o.conversations} conversations, ${o.difficult} difficult, ${o.escalated} escalated, ${o.with_boundary_incident} with abuse or threats.` }));
    parts.push(section("Frustration over time", lineChart(r.timeline.map((d) => [d.day, d.mean_frustration]), "Mean customer frustration per day")));
    parts.push(section("Top topics", barChart(r.topics.slice(0, 8).map((t) => [t.name, t.count]), "Difficult conversations per topic"),
      h("ul", {}, r.topics.slice(0, 8).map((t) => h("li", { text:
        `${t.name}: ${t.count}, ${t.trend}, ${Math.round(t.escalation_share * 100)}% of escalations` })))));
    parts.push(section("Policy friction", barChart(r.friction.by_kind.map((k) => [k.kind, k.jumps]), "Frustration jumps by what the reply did"),
      h("ul", {}, r.friction.top_phrases.map((p) => h("li", { text: `“${p.phrase}” (${p.kind}): ${p.jumps}` })))));
  }
  parts.push(section("Recognition",
    barChart(r.recognition.map((a) => [a.agent, a.brought_back + a.boundary_held + a.resolved_without_escalation]), "Moments to recognise"),
    h("ul", {}, r.recognition.map((a) => h("li", { text:
      `${a.agent}: brought back ${a.brought_back}, boundary held ${a.boundary_held}, resolved without escalating ${a.resolved_without_escalation}` })))));
  parts.push(section("Wellbeing",
    barChart(r.wellbeing.map((w) => [w.agent, w.abuse_signals]), "Abuse signals received"),
    h("ul", {}, r.wellbeing.map((w) => h("li", { class: "care", text: `${w.agent}: ${w.care}` })))));
  if (me.role !== "agent") parts.push(await consistencySection());
  append(clear(root), [h("div", { class: "insights" }, parts)]);
  return () => {};
}
