// The dispute form, shared by the agent and review views.
import { post } from "./api.js";
import { announce, ask, field, h, pct } from "./dom.js";

const REASONS = [
  ["wrong_label", "This is not what the label says"],
  ["wrong_words", "Right label, wrong words highlighted"],
  ["score_too_high", "Score too high"],
  ["score_too_low", "Score too low"],
  ["other", "Something else"],
];

export async function dispute(convId, { messageId, kind = "signal", label = null, score = null }, onDone) {
  const what = kind === "signal" ? `the signal ${label} (${pct(score)})` : `the ${kind} score ${pct(score)}`;
  const select = h("select", { name: "reason_code" },
    REASONS.map(([v, t]) => h("option", { value: v, text: t, selected: v === (kind === "signal" ? "wrong_label" : "score_too_high") })));
  const reason = h("textarea", { name: "reason", rows: 3, required: true, maxlength: 2000,
                                 placeholder: "What is wrong, in a sentence" });
  const expected = h("input", { name: "expected", maxlength: 200, placeholder: kind === "signal" ? "e.g. none, or customer.frustration" : "e.g. 0.3" });
  const result = await ask(`Dispute ${what}`, [
    h("p", { class: "muted", text: "Disputes go to your supervisor and into the retraining export." }),
    field("Why", select), field("Explain", reason), field("What it should be (optional)", expected),
  ], "Send dispute", async (v) => post(`/conversations/${encodeURIComponent(convId)}/disputes`, {
    message_id: messageId, kind, label, score, reason_code: v.reason_code, reason: v.reason,
    expected: v.expected || null,
  }));
  if (result) {
    announce(`Dispute ${result.id} recorded for ${label || kind}.`);
    if (onDone) onDone(result);
  }
  return result;
}
