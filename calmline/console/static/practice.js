// The practice view: choose a simulated customer, chat, get the debrief; replay past sessions.
import { ApiError, get, post } from "./api.js";
import { announce, append, clear, h, pct, sparkline, when } from "./dom.js";

export async function practiceView(root, me, id) {
  if (id) return sessionView(root, id);
  const [personas, mine] = await Promise.all([get("/practice/personas"), get("/practice/sessions")]);
  const start = async (pid) => {
    const s = await post("/practice/sessions", { persona: pid });
    location.hash = `#/practice/${s.id}`;
  };
  const list = h("ul", { class: "cards personas" }, personas.map((p) => h("li", { class: "card" },
    h("h3", { text: p.name }), h("p", { text: p.summary }),
    h("p", { class: "muted", text: `Starts ${p.mood}${p.abusive ? " · abusive" : ""}` }),
    h("button", { type: "button", text: "Practise", "aria-label": `Practise: ${p.name}`, onclick: () => start(p.id) }))));
  const past = mine.length
    ? h("ul", { class: "conv-list" }, mine.map((s) => h("li", {}, h("a", { href: `#/practice/${s.id}`, class: "conv-link" },
        h("span", { class: "case", text: s.persona }), h("span", { class: "badge", text: s.outcome || s.status }),
        h("span", { class: "risk", text: s.score === null ? "–" : `${s.score}/100` }), h("time", { datetime: s.created_at, text: when(s.created_at) })))))
    : h("p", { class: "muted", text: "No practice sessions yet." });
  append(clear(root), [h("section", { class: "panel practice", "aria-labelledby": "practice-title" },
    h("h1", { id: "practice-title", text: "Practice" }),
    h("p", { text: "Chat with a simulated difficult customer. Nothing here reaches a real customer; the debrief at the end shows what moved them." }),
    h("h2", { text: "Choose a customer" }), list, h("h2", { text: "Your sessions" }), past)]);
  if (me.role !== "agent") root.firstChild.appendChild(await teamPanel());
  return () => {};
}

async function teamPanel() {
  const box = h("section", { class: "team-practice", "aria-labelledby": "team-practice-title" },
    h("h2", { id: "team-practice-title", text: "Team practice" }));
  try {
    const t = await get("/practice/team");
    box.appendChild(t.agents.length ? h("table", { class: "queue-table" },
      h("thead", {}, h("tr", {}, ["Agent", "Started", "Completed", "Average", "Best"].map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, t.agents.map((a) => h("tr", {}, [a.agent, a.started, a.completed, a.average ?? "–", a.best ?? "–"].map((c) => h("td", { text: String(c) }))))))
      : h("p", { class: "muted", text: "No practice in your team yet." }));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
    box.appendChild(h("p", { class: "muted", text: "Your organisation has not enabled the team practice view." }));
  }
  return box;
}

async function sessionView(root, id) {
  let data = await get(`/practice/sessions/${id}`);
  const thread = h("ol", { class: "messages", "aria-label": "Practice chat" });
  const debriefBox = h("div", { class: "debrief" });
  const input = h("textarea", { id: "practice-reply", rows: 3, maxlength: 4000 });
  const error = h("p", { class: "error", role: "alert" });
  const send = h("button", { type: "submit", text: "Send reply" });
  const stop = h("button", { type: "button", class: "secondary", text: "Finish and debrief" });
  const form = h("form", { class: "composer" }, h("label", { for: "practice-reply", text: "Your reply" }), input,
    h("div", { class: "row" }, send, stop), error);
  const b = data.brief;
  const brief = b ? h("details", { class: "brief", open: true }, h("summary", { text: "The situation" }),
    h("p", { text: b.summary }), h("h3", { text: "Facts" }), h("ul", {}, b.scenario.facts.map((f) => h("li", { text: f }))),
    h("p", {}, h("strong", { text: "They want: " }), b.scenario.wants),
    h("h3", { text: "Policy allows" }), h("ul", {}, b.scenario.policy_allows.map((f) => h("li", { text: f })))) : null;
  append(clear(root), [h("section", { class: "panel practice", "aria-labelledby": "session-title" },
    h("p", {}, h("a", { href: "#/practice", text: "← All customers" })),
    h("h1", { id: "session-title", text: b ? b.name : data.persona }), brief, thread, form, debriefBox)]);
  const say = (role, text) => thread.appendChild(h("li", { class: `msg msg-${role}` },
    h("div", { class: "msg-meta" }, h("span", { class: "who", text: role === "customer" ? "Customer" : "You" })), h("p", { text })));
  const draw = () => {
    clear(thread);
    say("customer", data.opening);
    for (const t of data.turns) { say("agent", t.agent); say("customer", t.customer); }
    const over = data.status === "finished";
    form.hidden = over;
    if (over && data.debrief) renderDebrief(debriefBox, data.debrief);
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) { error.textContent = "Write a reply first."; return; }
    send.disabled = true; error.textContent = "";
    try {
      const r = await post(`/practice/sessions/${id}/replies`, { text });
      input.value = "";
      data.turns.push({ agent: text, customer: r.customer });
      if (r.finished) { data.status = "finished"; data.debrief = r.debrief; }
      draw();
      announce(`Customer: ${r.customer}`);
    } catch (x) { error.textContent = x.message; } finally { send.disabled = false; }
  });
  stop.addEventListener("click", async () => {
    data.debrief = await post(`/practice/sessions/${id}/finish`);
    data.status = "finished";
    draw();
  });
  draw();
  if (!form.hidden) input.focus();
  return () => {};
}

function renderDebrief(box, d) {
  clear(box);
  append(box, [h("h2", { id: "debrief-title", text: `Debrief: ${d.score}/100` }),
    h("p", { class: "outcome", text: `${d.outcome_why}. ${d.score_why}.` }),
    h("figure", {}, sparkline(d.frustration, { width: 240, height: 60, label: "Customer frustration" }),
      h("figcaption", { text: `Frustration: ${d.frustration.map(pct).join(" → ")}` })),
    h("h3", { text: "Your replies" }),
    h("ol", { class: "debrief-turns" }, d.turns.map((t) => h("li", {},
      h("blockquote", { text: t.agent }),
      h("p", {}, h("strong", { text: `Coach ${t.coach.score}/100: ` }), t.coach.labels.length ? t.coach.labels.join(", ") : "no labels"),
      h("ul", { class: "moved" }, t.moved.map((m) => h("li", { class: m.delta > 0 ? "worse" : "better" },
        `${m.delta > 0 ? "▲" : "▼"} ${m.effect} ${m.delta > 0 ? "+" : ""}${m.delta.toFixed(2)}: ${m.why}`))),
      h("p", { class: "muted", text: `Customer: ${t.customer}` })))),
    d.missed.length ? [h("h3", { text: "Missed moves" }),
      h("ul", { class: "missing" }, d.missed.map((m) => h("li", {}, h("strong", { text: m.move }), ` — ${m.why}`)))] : null,
    h("h3", { text: "Next time" }), h("p", { class: "tip", text: d.tip })]);
  announce(`Practice over. Score ${d.score} out of 100.`);
}
