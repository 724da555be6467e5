// The agent view: the live conversation, signals on the exact words, trend, ladder, timers,
// ranked guidance with an insertable reply, and a draft coached as you type.
import { follow, get, newId, post } from "./api.js";
import { announce, append, ask, clear, clock, family, field, h, highlight, pct, sparkline, when } from "./dom.js";
import { dispute } from "./disputes.js";
import { accommodationDialog } from "./accommodations.js";

const RUNGS = [
  "Acknowledge the frustration and ask for respectful communication",
  "Name the behaviour and ask them to stop",
  "Warn that the conversation will end and go to a supervisor",
  "End politely and escalate",
];

export async function agentView(root, me, id) {
  const asked = location.hash;
  const list = await get("/conversations?limit=100");
  if (!id) {
    const first = list.find((c) => c.status !== "closed") || list[0];
    if (first && location.hash === asked) { location.replace(`#/agent/${first.id}`); return () => {}; }
  }
  const listEl = h("ul", { class: "conv-list" });
  const nav = h("nav", { class: "panel convs", "aria-label": "Your conversations" },
    h("h2", { text: "Conversations" }), listEl);
  renderList(listEl, list, id);
  if (!id) {
    append(clear(root), [h("div", { class: "agent" }, nav,
      h("section", { class: "panel thread" }, h("p", { text: "No conversations yet." })))]);
    return () => {};
  }
  const v = skeleton(id);
  append(clear(root), [h("div", { class: "agent" }, nav, v.thread, v.side)]);
  let state = null;
  let timers = [];
  const refresh = async () => {
    const [conv, msgs, fresh] = await Promise.all([get(`/conversations/${id}`), get(`/conversations/${id}/messages`),
                                                   get("/conversations?limit=100").catch(() => null)]);
    if (fresh) renderList(listEl, fresh, id);
    const [caseInfo, care] = await Promise.all([
      get(`/cases/${conv.case}`).catch(() => ({ timers: [] })),
      me.role === "agent" ? get(`/wellbeing/${encodeURIComponent(me.name)}`).catch(() => null) : null,
    ]);
    const prevRung = state?.rung ?? null;
    state = render(v, conv, msgs, care, me);
    timers = (caseInfo.timers || []).filter((t) => t.status === "pending");
    tick();
    if (prevRung !== null && state.rung > prevRung) announce(`Boundary ladder moved to rung ${state.rung}: ${RUNGS[state.rung - 1]}.`);
  };
  const tick = () => renderTimers(v.timers, timers);
  wireComposer(v, id, refresh);
  // The cursor first, then the snapshot: an event written in between is replayed by the stream,
  // never lost (the other order missed whatever happened while refresh() ran).
  const cursor = await lastId();
  await refresh();
  let pending = 0;
  const stop = follow(`/conversations/${id}/events`, (ev) => {
    if (ev.type === "timer.due") announce(`Reminder: ${ev.data?.note || ev.data?.kind || "a timer is due"}`);
    if (ev.type === "message" && ev.data?.role === "customer") announce("New customer message.");
    clearTimeout(pending);
    pending = setTimeout(() => refresh().catch(() => {}), 120);
  }, cursor);
  const clock1 = setInterval(tick, 1000);
  return () => { stop(); clearInterval(clock1); clearTimeout(pending); clearTimeout(v.coachTimer); };
}

async function lastId() {
  try { return (await get("/console/api/cursor")).last_event_id || 0; } catch { return 0; }
}

function renderList(ul, list, current) {
  clear(ul);
  if (!list.length) ul.appendChild(h("li", { class: "muted", text: "Nothing assigned to you." }));
  for (const c of list) {
    ul.appendChild(h("li", {}, h("a", {
      href: `#/agent/${c.id}`, class: `conv-link status-${c.status}`, "aria-current": c.id === current ? "page" : null,
    }, h("span", { class: "case", text: c.case }), h("span", { class: "badge", text: c.status }),
       h("span", { class: "risk", text: `risk ${pct(c.risk)}` }))));
  }
}

function skeleton(id) {
  const v = { id };
  v.header = h("div", { class: "thread-head" });
  v.messages = h("ol", { class: "messages", "aria-label": "Messages", "aria-live": "polite", "aria-relevant": "additions" });
  v.draft = h("textarea", { id: "draft", name: "draft", rows: 4, maxlength: 20000,
                            placeholder: "Write your reply; it is coached as you type" });
  v.role = h("select", { id: "send-as", name: "role" },
    h("option", { value: "agent", text: "Agent (you)" }), h("option", { value: "customer", text: "Customer (simulate)" }));
  v.send = h("button", { type: "submit", text: "Send" });
  v.coach = h("section", { class: "coach", "aria-label": "Coach", "aria-live": "polite" });
  v.form = h("form", { class: "composer", "aria-label": "Reply" },
    field("Your reply", v.draft),
    h("div", { class: "row" }, field("Send as", v.role), v.send));
  v.escalate = h("button", { type: "button", class: "secondary", text: "Escalate" });
  v.accommodate = h("button", { type: "button", class: "secondary", text: "Record accommodation" });
  v.thread = h("section", { class: "panel thread", "aria-labelledby": "thread-title" }, v.header, v.messages, v.form, v.coach);
  v.trend = h("div", { class: "trend" });
  v.ladder = h("div", { class: "ladder" });
  v.timers = h("ul", { class: "timers", "aria-label": "Timers" });
  v.guidance = h("div", { class: "guidance" });
  v.care = h("div", { class: "care" });
  v.side = h("aside", { class: "panel side", "aria-label": "Guidance and state" },
    h("h2", { text: "Frustration" }), v.trend,
    h("h2", { text: "Boundary ladder" }), v.ladder,
    h("h2", { text: "Timers" }), v.timers,
    h("h2", { text: "Guidance" }), v.guidance, v.care);
  return v;
}

function render(v, conv, msgs, care, me) {
  const turns = conv.analysis?.turns || [];
  const st = conv.analysis?.state || {};
  clear(v.header);
  append(v.header, [
    h("h1", { id: "thread-title", text: `${conv.case} · ${conv.agent}` }),
    h("span", { class: `badge status-${conv.status}`, text: conv.status }),
    h("span", { class: "muted", text: `risk ${pct(conv.risk)} · ${conv.trend}` }),
    v.escalate,
    v.accommodate,
  ]);
  v.escalate.disabled = conv.status === "closed";
  v.escalate.onclick = () => escalateDialog(conv, v);
  v.accommodate.onclick = () => accommodationDialog(conv, v.accommodate);
  clear(v.messages);
  msgs.forEach((m, i) => {
    const t = turns[i] || m.analysis || {};
    const sigs = m.role === "customer" ? (t.signals || m.analysis?.signals || []) : [];
    const li = h("li", { class: `msg msg-${m.role}`, dataset: { messageId: m.id } },
      h("div", { class: "msg-meta" }, h("span", { class: "who", text: m.role === "customer" ? (m.author || "Customer") : (m.author || m.role) }),
        h("time", { datetime: m.ts, text: when(m.ts) }),
        m.role === "customer" && t.frustration !== undefined ? h("span", { class: "muted", text: `frustration ${pct(t.frustration)}` }) : null),
      highlight(m.text, sigs));
    if (sigs.length) {
      li.appendChild(h("ul", { class: "chips", "aria-label": "Signals" }, sigs.map((s) => h("li", {},
        h("span", { class: `chip sig-${family(s.label)}`, text: `${s.label} ${pct(s.score)}` }),
        h("button", { type: "button", class: "linkish small", "aria-label": `Dispute ${s.label} on this message`,
                      text: "Dispute", onclick: () => dispute(conv.id, { messageId: m.id, label: s.label, score: s.score }) })))));
    }
    v.messages.appendChild(li);
  });
  if (conv.status === "closed") v.messages.appendChild(h("li", { class: "msg msg-system", text: `Closed: ${conv.closed_reason || ""}` }));
  v.draft.disabled = v.send.disabled = conv.status === "closed";
  // trend
  const values = turns.filter((t) => t.role === "customer" && typeof t.frustration === "number").map((t) => t.frustration);
  append(clear(v.trend), [sparkline(values), h("p", { class: "muted", text: `${st.frustration_trend || "steady"} · last ${pct(st.frustration_last)} · peak ${pct(st.frustration_peak)}` })]);
  // ladder: the latest guidance that carries one
  const withLadder = [...msgs].reverse().find((m) => m.guidance?.ladder);
  const rung = withLadder ? withLadder.guidance.ladder.rung || 0 : 0;
  clear(v.ladder);
  v.ladder.appendChild(h("p", { class: "rung-now", id: "rung-now", text: rung ? `Rung ${rung} of ${RUNGS.length}` : "Not on the ladder" }));
  v.ladder.appendChild(h("ol", { class: "rungs", "aria-labelledby": "rung-now" }, RUNGS.map((r, i) =>
    h("li", { class: i + 1 === rung ? "on" : i + 1 < rung ? "past" : "", "aria-current": i + 1 === rung ? "step" : null, text: r }))));
  // guidance: from the latest customer message
  const lastCustomer = [...msgs].reverse().find((m) => m.role === "customer" && m.guidance);
  renderGuidance(v, lastCustomer?.guidance, msgs[msgs.length - 1]?.role === "agent");
  // a new customer message changes the moment: coach the draft again against it
  const newest = [...msgs].reverse().find((m) => m.role === "customer");
  if (newest && v.lastCustomerId !== undefined && newest.id !== v.lastCustomerId && v.draft.value.trim()) {
    v.draft.dispatchEvent(new Event("input"));
  }
  v.lastCustomerId = newest ? newest.id : null;
  // the Escalate button says where guidance would send it, and that it was sent
  v.escTarget = lastCustomer?.guidance?.escalation || null;
  if (!v.escalated) v.escalate.textContent = v.escTarget ? `Escalate to ${v.escTarget.to}` : "Escalate";
  clear(v.care);
  if (care && care.abusive_messages > 0) {
    append(v.care, [h("h2", { text: "Your shift" }), h("p", { class: care.suggest_break ? "care-note warn" : "care-note", text: care.note })]);
  }
  return { rung };
}

function renderGuidance(v, g, answered) {
  clear(v.guidance);
  if (!g || !(g.moves || []).length) { v.guidance.appendChild(h("p", { class: "muted", text: "No guidance yet." })); return; }
  if (answered) v.guidance.appendChild(h("p", { class: "muted", text: "You have replied; this was for the customer's last message." }));
  v.guidance.appendChild(h("ol", { class: "moves", "aria-label": "Ranked moves" }, g.moves.map((mv) => h("li", {},
    h("details", {}, h("summary", {}, h("strong", { text: mv.move.replace(/_/g, " ") }), ` ${pct(mv.score)}`),
      h("ul", {}, (mv.why || []).map((w) => h("li", { text: w }))))))));
  if (g.escalation) v.guidance.appendChild(h("p", { class: "esc-hint", text: `Escalate to ${g.escalation.to}: ${g.escalation.tell_customer || ""}` }));
  if (g.suggested_reply) {
    append(v.guidance, [h("h3", { text: "Suggested reply" }), h("blockquote", { class: "suggestion", text: g.suggested_reply }),
      h("button", { type: "button", id: "insert-suggestion", text: "Insert into draft", onclick: () => {
        v.draft.value = v.draft.value.trim() ? `${v.draft.value.trim()} ${g.suggested_reply}` : g.suggested_reply;
        v.draft.dispatchEvent(new Event("input")); v.draft.focus(); announce("Suggested reply inserted into your draft.");
      } })]);
  }
}

function renderTimers(ul, timers) {
  clear(ul);
  if (!timers.length) { ul.appendChild(h("li", { class: "muted", text: "Nothing due." })); return; }
  const names = { still_here: "still-here update", follow_up: "follow-up", callback: "callback" };
  for (const t of timers) {
    const left = (new Date(t.due_at).getTime() - Date.now()) / 1000;
    ul.appendChild(h("li", { class: left < 0 ? "overdue" : left < 30 ? "soon" : "" },
      h("strong", { text: names[t.kind] || t.kind }), left >= 0 ? ` due in ${clock(left)}` : ` overdue by ${clock(left)}`,
      t.note ? h("div", { class: "muted", text: t.note }) : null));
  }
}

function wireComposer(v, id, refresh) {
  let seq = 0;
  v.draft.addEventListener("input", () => {
    clearTimeout(v.coachTimer);
    const text = v.draft.value.trim();
    if (text.length < 3 || v.role.value !== "agent") { clear(v.coach); return; }
    v.coachTimer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const r = await post(`/conversations/${id}/coach`, { draft: text });
        if (mine === seq) renderCoach(v, r);
      } catch (e) { if (mine === seq) append(clear(v.coach), [h("p", { class: "error", text: e.message })]); }
    }, 350);
  });
  v.form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = v.draft.value.trim();
    if (!text) return;
    v.send.disabled = true;
    try {
      await post(`/conversations/${id}/messages`, { client_id: newId(), role: v.role.value, text });
      v.draft.value = ""; clear(v.coach);
      announce(v.role.value === "agent" ? "Reply sent." : "Customer message posted.");
      await refresh();
    } catch (x) { announce(`Not sent: ${x.message}`); append(clear(v.coach), [h("p", { class: "error", role: "alert", text: x.message })]); }
    finally { v.send.disabled = false; }
  });
}

function renderCoach(v, r) {
  clear(v.coach);
  const score = Number(r.score ?? 0);
  append(v.coach, [
    h("h2", { text: "Coach" }),
    h("p", { class: "coach-score" }, h("meter", { min: 0, max: 100, low: 40, high: 70, optimum: 100, value: score, "aria-label": "Draft score" }),
      ` ${Math.round(score)}/100`),
    (r.labels || []).length ? h("ul", { class: "chips", "aria-label": "What the draft does" }, r.labels.map((l) => h("li", {},
      h("span", { class: "chip", text: `${l.label} ${pct(l.score)}` }),
      (l.evidence || []).length ? ` “${l.evidence.map((e) => e.text).join("”, “")}”` : ""))) : null,
    (r.missing || []).length ? h("div", {}, h("h3", { text: "Missing" }), h("ul", { class: "missing" },
      r.missing.map((m) => h("li", {}, h("strong", { text: m.move }), ` — ${m.why}`)))) : null,
    (r.unfilled || []).length ? h("p", { class: "coach-unfilled", role: "note",
      text: `Fill in before sending (no credit until then): ${r.unfilled.map((e) => e.text).join(", ")}` }) : null,
    r.suggestion ? h("div", {}, h("h3", { text: "Improved version" }), h("blockquote", { class: "suggestion", text: r.suggestion }),
      h("button", { type: "button", class: "secondary", text: "Use improved version", onclick: () => {
        v.draft.value = r.suggestion; v.draft.dispatchEvent(new Event("input")); v.draft.focus();
        announce("Draft replaced with the improved version."); } })) : null,
  ]);
}

async function escalateDialog(conv, v) {
  // pre-filled from guidance: its target and the reasons its escalation rule fired
  const target = v.escTarget;
  const reason = h("textarea", { name: "reason", rows: 3, maxlength: 2000, placeholder: "Why, in a sentence" });
  reason.value = target ? `${target.rule}: ${(target.why || []).join("; ")}`.slice(0, 2000) : "";
  const to = h("input", { name: "to", value: target ? target.to : "supervisor", maxlength: 200 });
  const r = await ask(`Escalate ${conv.case}`, [field("Reason", reason), field("To", to)], "Escalate",
    (vals) => post(`/conversations/${conv.id}/escalations`, { reason: vals.reason, to: vals.to || "supervisor" }));
  if (r) {
    v.escalated = true;
    v.escalate.textContent = `Escalated to ${r.to}`;
    v.escalate.disabled = true;
    announce(`Escalated to ${r.to}. The hand-off summary went with it.`);
    v.escalate.focus();
  }
}
