// Recording an accommodation (refund, credit, waived fee, exception) from the agent view: the form,
// what this conversation already received, and what the agent's own words suggest, one click to prefill.
import { get, post } from "./api.js";
import { announce, ask, field, h } from "./dom.js";

const KINDS = [["refund", "Refund"], ["credit", "Credit"], ["waived_fee", "Waived fee"], ["exception", "Exception"]];
const kindName = (k) => (KINDS.find(([v]) => v === k) || [k, k])[1];

export function describe(a) {
  const money = a.amount !== null && a.amount !== undefined ? ` ${Number(a.amount).toFixed(2)} ${a.currency || ""}`.trimEnd() : "";
  return `${kindName(a.kind)}${money}`;
}

async function load(conv) {
  // asking for suggestions stores any new ones as "suggested"; the list then holds both kinds
  await post(`/conversations/${conv.id}/accommodations/suggest`).catch(() => []);
  const all = await get(`/accommodations?conversation_id=${encodeURIComponent(conv.id)}`);
  return { recorded: all.filter((a) => a.status === "recorded"), suggested: all.filter((a) => a.status === "suggested") };
}

export async function accommodationDialog(conv, opener) {
  let data = { recorded: [], suggested: [] };
  let problem = "";
  try { data = await load(conv); } catch (x) { problem = `Could not load accommodations: ${x.message}`; }

  const kind = h("select", { name: "kind" }, KINDS.map(([v, t]) => h("option", { value: v, text: t })));
  const amount = h("input", { name: "amount", type: "number", min: "0", max: "10000000", step: "0.01", inputmode: "decimal" });
  const currency = h("input", { name: "currency", maxlength: 3, pattern: "[A-Za-z]{3}", placeholder: "GBP",
                                autocomplete: "off", title: "Three-letter currency code, such as GBP" });
  const reason = h("textarea", { name: "reason", rows: 3, maxlength: 2000, required: true,
                                 placeholder: "Why, in a sentence" });
  const approver = h("input", { name: "approved_by", maxlength: 120, placeholder: "Who approved it" });
  const suggestionId = h("input", { type: "hidden", name: "suggestion_id", value: "" });

  const prefill = (s) => {
    kind.value = s.kind;
    amount.value = s.amount ?? "";
    currency.value = s.currency ?? "";
    reason.value = s.reason || "";
    suggestionId.value = String(s.id);
    announce(`Form filled from your words: ${describe(s)}. Check it, add who approved it, then record.`);
    reason.focus();
  };
  const suggestions = data.suggested.length
    ? h("section", { class: "acc-suggestions", "aria-label": "From your words" },
        h("h3", { text: "From your words" }),
        h("ul", {}, data.suggested.map((s) => h("li", {},
          h("span", { text: `${describe(s)} — ${s.reason}` }), " ",
          h("button", { type: "button", class: "secondary small", text: "Use",
                        "aria-label": `Use suggestion: ${describe(s)}`, onclick: () => prefill(s) })))))
    : null;
  const recorded = h("section", { class: "acc-recorded", "aria-label": "Recorded for this conversation" },
    h("h3", { text: "Recorded for this conversation" }),
    data.recorded.length
      ? h("ul", {}, data.recorded.map((a) => h("li", {
          text: `${describe(a)} — ${a.reason}${a.approved_by ? ` · approved by ${a.approved_by}` : " · approver not given"} · by ${a.created_by}`,
        })))
      : h("p", { class: "muted", text: "None yet." }));

  const fields = [
    problem ? h("p", { class: "error", role: "alert", text: problem }) : null,
    suggestions,
    field("Kind", kind),
    h("div", { class: "row" }, field("Amount", amount), field("Currency", currency)),
    field("Reason", reason),
    field("Approved by", approver),
    suggestionId,
    recorded,
  ].filter(Boolean);

  const r = await ask(`Record accommodation for ${conv.case}`, fields, "Record", (vals) => {
    const body = { kind: vals.kind, reason: String(vals.reason || "").trim() };
    if (String(vals.amount || "").trim()) body.amount = Number(vals.amount);
    if (String(vals.currency || "").trim()) body.currency = String(vals.currency).trim().toUpperCase();
    if (String(vals.approved_by || "").trim()) body.approved_by = String(vals.approved_by).trim();
    if (vals.suggestion_id) body.suggestion_id = Number(vals.suggestion_id);
    if (!body.reason) throw new Error("Say why, in a sentence.");
    return post(`/conversations/${conv.id}/accommodations`, body);
  });
  if (r) announce(`Recorded: ${describe(r)}${r.approved_by ? `, approved by ${r.approved_by}` : ""}.`);
  if (opener) opener.focus();
  return r;
}

// The consistency report for supervisors (GET /insights/consistency): similar situations side by side,
// what each received, and what stands out either way; every value goes in as text.
export async function consistencySection() {
  let groups = null, problem = "";
  try { groups = await get("/insights/consistency"); } catch (x) { problem = x.message; }
  const body = groups === null ? [h("p", { class: "error", text: `Could not load the consistency report: ${problem}` })]
    : !groups.length ? [h("p", { class: "muted", text: "No accommodations recorded yet." })]
    : groups.map((g) => h("div", { class: "acc-group" },
        h("h3", { text: `${g.topic} · ${g.frustration} frustration · ${g.count} recorded` }),
        h("p", { class: "muted", text: [g.median_amount !== null ? `median ${Number(g.median_amount).toFixed(2)}` : "no amounts",
          ...Object.entries(g.by_agent).map(([a, v]) => `${a} averages ${Number(v).toFixed(2)}`)].join(" · ") }),
        h("ul", {}, g.items.map((i) => h("li", { class: i.outlier ? "acc-outlier" : "" },
          `${i.agent}: ${describe(i)} — ${i.reason}${i.approved_by ? ` · approved by ${i.approved_by}` : ""}`,
          i.outlier ? h("strong", { text: ` · stands out: ${i.outlier}` }) : null)))));
  return h("section", { class: "panel" }, h("h2", { text: "Consistent discretion" }), ...body);
}
