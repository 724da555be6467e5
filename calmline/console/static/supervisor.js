// The supervisor view: the queue by risk, escalations and callbacks, follow-ups, boundary incidents,
// each agent's abuse exposure today with a care prompt, and disputes to review or export.
import { download, follow, get, post } from "./api.js";
import { announce, append, clear, clock, h, pct, when } from "./dom.js";

export async function queueView(root, me) {
  if (me.role === "agent") {
    append(clear(root), [h("section", { class: "panel" }, h("h1", { text: "Supervisor" }),
      h("p", { text: "The queue is for supervisors. Your conversations are in the Agent view." }))]);
    return () => {};
  }
  const box = h("div", { class: "queue" });
  append(clear(root), [box]);
  const refresh = async () => {
    const [q, base, care, disputes] = await Promise.all([
      get("/console/api/queue"), get("/queue").catch(() => ({ escalations: [], timers: [] })),
      me.role === "supervisor" ? get("/wellbeing").catch(() => []) : Promise.resolve(null),
      get("/disputes?status=open").catch(() => []),
    ]);
    render(box, q, base, care, disputes, refresh);
  };
  await refresh();
  let pending = 0;
  const cur = (await get("/console/api/cursor").catch(() => ({}))).last_event_id || 0;
  const stop = follow(`/teams/${encodeURIComponent(me.team)}/events`, (ev) => {
    if (ev.type === "escalation") announce("New escalation in the queue.");
    if (ev.type === "incident") announce("Boundary incident logged.");
    clearTimeout(pending);
    pending = setTimeout(() => refresh().catch(() => {}), 200);
  }, cur);
  const t = setInterval(() => box.querySelectorAll("[data-due]").forEach((el) => {
    const left = (new Date(el.dataset.due).getTime() - Date.now()) / 1000;
    el.textContent = left >= 0 ? `in ${clock(left)}` : `overdue ${clock(left)}`;
  }), 1000);
  return () => { stop(); clearInterval(t); clearTimeout(pending); };
}

function section(title, id, ...body) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id, text: title }), ...body);
}

function render(box, q, base, care, disputes, refresh) {
  const cases = Object.fromEntries(q.conversations.map((c) => [c.id, c.case]));
  clear(box);
  const rows = q.conversations.map((c) => h("tr", { class: c.status === "escalated" ? "escalated" : "" },
    h("th", { scope: "row" }, h("a", { href: `#/agent/${c.id}`, text: c.case })),
    h("td", { text: c.agent }), h("td", {}, h("span", { class: `badge status-${c.status}`, text: c.status })),
    h("td", {}, h("meter", { min: 0, max: 1, value: c.priority, high: 0.6, low: 0.3, optimum: 0, "aria-label": `priority ${pct(c.priority)}` }), ` ${pct(c.priority)}`),
    h("td", { text: pct(c.parts.frustration) }), h("td", { text: String(c.abuse_count) }),
    h("td", { text: String(c.threat_count) }), h("td", { text: c.waiting_s ? clock(c.waiting_s) : "–" }),
    h("td", { class: "last", text: c.last_text })));
  box.appendChild(section("Queue by risk", "q-title", h("div", { class: "table-wrap" }, h("table", { class: "queue-table" },
    h("caption", { class: "sr-only", text: "Open conversations, highest priority first (frustration, abuse, threats, waiting time)" }),
    h("thead", {}, h("tr", {}, ["Case", "Agent", "Status", "Priority", "Frustration", "Abuse", "Threats", "Waiting", "Last message"]
      .map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 9, text: "Queue is empty." })))))));

  const escs = base.escalations || [];
  box.appendChild(section("Escalations", "e-title", escs.length ? h("ul", { class: "cards" }, escs.map((e) => h("li", { class: "card" },
    h("strong", {}, h("a", { href: `#/agent/${e.conversation_id}`, text: cases[e.conversation_id] || e.summary?.case || e.conversation_id })),
    h("span", { class: `badge status-${e.status}`, text: e.status }),
    h("p", { text: `${e.reason || "no reason given"} — by ${e.created_by}, to ${e.to}` }),
    e.summary?.issue ? h("p", { class: "muted", text: `Issue: ${e.summary.issue}` }) : null,
    e.status === "open" ? h("button", { type: "button", text: "Claim", "aria-label": `Claim escalation ${e.id}`, onclick: async () => {
      await post(`/escalations/${e.id}/claim`); announce(`Escalation ${e.id} claimed.`); refresh(); } }) : h("span", { class: "muted", text: ` claimed by ${e.claimed_by}` }))))
    : h("p", { class: "muted", text: "No open escalations." })));

  const timers = base.timers || [];
  const names = { callback: "Callback", follow_up: "Follow-up", still_here: "Still-here update" };
  box.appendChild(section("Callbacks and follow-ups due", "t-title", timers.length ? h("ul", { class: "timers" }, timers.map((t) => h("li", {},
    h("strong", { text: names[t.kind] || t.kind }), " ", h("span", { dataset: { due: t.due_at }, text: when(t.due_at) }),
    ` · ${t.owner || ""} · `, h("a", { href: `#/agent/${t.conversation_id}`, text: cases[t.conversation_id] || "conversation" }),
    t.note ? h("div", { class: "muted", text: t.note }) : null)))
    : h("p", { class: "muted", text: "Nothing due." })));

  box.appendChild(section("Boundary incidents today", "i-title", q.incidents.length ? h("ul", { class: "incidents" }, q.incidents.map((i) => h("li", {},
    h("span", { class: `badge rung-${i.rung}`, text: `rung ${i.rung}` }), ` ${i.agent} · ${when(i.created_at)} · `,
    h("a", { href: `#/review/${i.conversation_id}`, text: "replay" }), h("div", { text: i.reason }))))
    : h("p", { class: "muted", text: "No incidents in the last 24 hours." })));

  box.appendChild(section("Agent care today", "c-title", care === null ? h("p", { class: "muted", text: "Wellbeing is shown to the team's supervisor." })
    : care.length ? h("ul", { class: "cards" }, care.map((w) => h("li", { class: w.suggest_break ? "card care warn" : "card care" },
      h("strong", { text: w.agent }), ` · ${w.abusive_messages} abusive message${w.abusive_messages === 1 ? "" : "s"}`,
      w.suggest_break ? h("span", { class: "badge warn", text: "suggest a break" }) : null, h("p", { text: w.note }))))
    : h("p", { class: "muted", text: "No agents yet." })));

  box.appendChild(section("Disputes", "d-title",
    h("div", { class: "row" }, h("button", { type: "button", class: "secondary", text: "Export all as JSONL", onclick: () =>
      download("/disputes/export.jsonl", "calmline-disputes.jsonl").then(() => announce("Export downloaded.")) })),
    disputes.length ? h("ul", { class: "cards disputes" }, disputes.map((d) => h("li", { class: "card" },
      h("strong", { text: d.label || d.kind }), ` ${pct(d.score)} · ${d.reason_code.replace(/_/g, " ")} · by ${d.created_by}`,
      h("p", { text: d.reason }), d.expected ? h("p", { class: "muted", text: `Should be: ${d.expected}` }) : null,
      h("div", { class: "row" },
        h("a", { href: `#/review/${d.conversation_id}`, text: "Replay" }),
        h("button", { type: "button", class: "small", text: "Accept", "aria-label": `Accept dispute ${d.id}`, onclick: async () => {
          await post(`/disputes/${d.id}/review`, { status: "accepted" }); announce("Dispute accepted."); refresh(); } }),
        h("button", { type: "button", class: "small secondary", text: "Reject", "aria-label": `Reject dispute ${d.id}`, onclick: async () => {
          await post(`/disputes/${d.id}/review`, { status: "rejected" }); announce("Dispute rejected."); refresh(); } })))))
      : h("p", { class: "muted", text: "No open disputes." })));
}
