// The review view: open any past conversation and replay it turn by turn with signals, guidance
// and coach results; dispute a signal or a score.
import { get } from "./api.js";
import { announce, append, clear, family, h, highlight, pct, when } from "./dom.js";
import { dispute } from "./disputes.js";

export async function reviewView(root, me, id) {
  const list = await get("/conversations?limit=200");
  const nav = h("nav", { class: "panel convs", "aria-label": "Conversations to review" }, h("h2", { text: "Review" }),
    h("ul", { class: "conv-list" }, list.map((c) => h("li", {}, h("a", {
      href: `#/review/${c.id}`, class: "conv-link", "aria-current": c.id === id ? "page" : null },
      h("span", { class: "case", text: c.case }), h("span", { class: "badge", text: c.status }), h("span", { class: "risk", text: `${c.agent}` }))))));
  const main = h("section", { class: "panel replay", "aria-labelledby": "replay-title" });
  append(clear(root), [h("div", { class: "review" }, nav, main)]);
  if (!id) { append(main, [h("h1", { id: "replay-title", text: "Replay" }), h("p", { text: "Pick a conversation to replay it turn by turn." })]); return () => {}; }
  let data = await get(`/console/api/replay/${id}`);
  let at = data.turns.length - 1;
  const status = h("p", { id: "turn-status", class: "turn-status", "aria-live": "polite" });
  const prev = h("button", { type: "button", text: "◀ Previous turn", "aria-label": "Previous turn" });
  const next = h("button", { type: "button", text: "Next turn ▶", "aria-label": "Next turn" });
  const slider = h("input", { type: "range", min: 0, max: Math.max(0, data.turns.length - 1), value: at, "aria-label": "Turn" });
  const thread = h("ol", { class: "messages" });
  const detail = h("div", { class: "turn-detail" });
  const disputesEl = h("div", { class: "disputes" });
  append(main, [h("h1", { id: "replay-title", text: `Replay · ${data.agent} · ${data.status}` }),
    h("div", { class: "row controls" }, prev, slider, next), status,
    h("div", { class: "replay-grid" }, thread, detail), disputesEl]);
  const reload = async () => { data = await get(`/console/api/replay/${id}`); show(); };
  const show = () => {
    slider.value = String(at);
    prev.disabled = at <= 0; next.disabled = at >= data.turns.length - 1;
    status.textContent = data.turns.length ? `Turn ${at + 1} of ${data.turns.length}` : "No messages.";
    clear(thread);
    data.turns.slice(0, at + 1).forEach((t, i) => thread.appendChild(h("li", { class: `msg msg-${t.role}${i === at ? " current" : ""}` },
      h("div", { class: "msg-meta" }, h("span", { class: "who", text: t.role }), h("time", { datetime: t.ts, text: when(t.ts) })),
      highlight(t.text, t.role === "customer" ? t.analysis?.signals || [] : []))));
    renderDetail(detail, data, data.turns[at], reload);
    renderDisputes(disputesEl, data.disputes);
  };
  prev.onclick = () => { at = Math.max(0, at - 1); show(); };
  next.onclick = () => { at = Math.min(data.turns.length - 1, at + 1); show(); };
  slider.oninput = () => { at = Number(slider.value); show(); };
  show();
  return () => {};
}

function renderDetail(box, data, t, reload) {
  clear(box);
  if (!t) return;
  const a = t.analysis || {};
  box.appendChild(h("h2", { text: `Turn ${t.index + 1}: ${t.role}` }));
  if (t.role === "customer") {
    box.appendChild(h("p", {}, `Frustration ${pct(a.frustration)} (${a.emotion || "–"}) `,
      h("button", { type: "button", class: "linkish small", text: "Dispute score", "aria-label": "Dispute the frustration score",
        onclick: () => dispute(data.id, { messageId: t.id, kind: "frustration", score: a.frustration }, reload) })));
    const sigs = a.signals || [];
    box.appendChild(sigs.length ? h("ul", { class: "signals" }, sigs.map((s) => h("li", {},
      h("span", { class: `chip sig-${family(s.label)}`, text: `${s.label} ${pct(s.score)}` }),
      ` ${s.explanation || ""} `, (s.evidence || []).length ? h("q", { text: s.evidence.map((e) => e.text).join(" … ") }) : null, " ",
      h("button", { type: "button", class: "small", text: "Dispute", "aria-label": `Dispute ${s.label}`,
        onclick: () => dispute(data.id, { messageId: t.id, label: s.label, score: s.score }, reload) }))))
      : h("p", { class: "muted", text: "No signals on this message." }));
    const g = t.guidance;
    if (g && (g.moves || []).length) {
      append(box, [h("h3", { text: "Guidance at this point" }),
        h("ol", { class: "moves" }, g.moves.map((m) => h("li", {}, h("strong", { text: m.move.replace(/_/g, " ") }), ` ${pct(m.score)}`))),
        g.suggested_reply ? h("blockquote", { class: "suggestion", text: g.suggested_reply }) : null,
        g.ladder?.rung ? h("p", { text: `Boundary ladder: rung ${g.ladder.rung}` }) : null]);
    }
  } else if (t.coach) {
    const c = t.coach;
    append(box, [h("h3", { text: "Coach on this reply" }),
      h("p", {}, h("meter", { min: 0, max: 100, value: c.score ?? 0, "aria-label": "Reply score" }), ` ${Math.round(c.score ?? 0)}/100 `,
        h("button", { type: "button", class: "linkish small", text: "Dispute score", "aria-label": "Dispute the coach score",
          onclick: () => dispute(data.id, { messageId: t.id, kind: "coach", score: c.score }, reload) })),
      (c.labels || []).length ? h("ul", { class: "chips" }, c.labels.map((l) => h("li", {}, h("span", { class: "chip", text: `${l.label} ${pct(l.score)}` })))) : null,
      (c.missing || []).length ? h("ul", { class: "missing" }, c.missing.map((m) => h("li", {}, h("strong", { text: m.move }), ` — ${m.why}`))) : null]);
  } else {
    box.appendChild(h("p", { class: "muted", text: "Nothing to review on this turn." }));
  }
}

function renderDisputes(box, disputes) {
  clear(box);
  if (!disputes.length) return;
  append(box, [h("h2", { text: "Disputes on this conversation" }), h("ul", { class: "cards" }, disputes.map((d) =>
    h("li", { class: "card" }, h("strong", { text: d.label || d.kind }), ` ${pct(d.score)} · ${d.status} · ${d.created_by}: `, d.reason)))]);
  announce(`${disputes.length} dispute${disputes.length === 1 ? "" : "s"} on this conversation.`);
}
