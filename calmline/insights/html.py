"""The report as ONE self-contained HTML file: inline CSS and SVG, no script, no network."""

from __future__ import annotations

from html import escape
from typing import Any

from calmline.insights.svg import bar_chart, line_chart

__all__ = ["render_html"]

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2430;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d5dae2;padding-bottom:.2rem}
.chart{width:100%;max-width:640px;height:auto;font-size:11px;fill:#1d2430}
.chart .line{fill:none;stroke:#2f6fb3;stroke-width:2}.chart circle{fill:#2f6fb3}
.chart .grid{stroke:#e3e7ee}.chart .bar{fill:#5b8fc7}
table{border-collapse:collapse;margin:.6rem 0}td,th{border-bottom:1px solid #e3e7ee;padding:.3rem .6rem;text-align:left}
.note{color:#5a6474;font-size:.9rem}.kpi{display:inline-block;margin-right:2rem}.kpi b{font-size:1.4rem;display:block}
blockquote{margin:.3rem 0 .6rem 1rem;color:#39414f;border-left:3px solid #d5dae2;padding-left:.6rem}
.care{background:#eef6ee;padding:.4rem .6rem;border-radius:4px}
"""


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: dict[str, Any], *, title: str = "Calmline team report") -> str:
    """Render :func:`calmline.insights.build_report` output as one offline HTML page."""
    o = report["overview"]
    period = " to ".join(o["period"]) if o.get("period") else "undated"
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>",
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1><p class='note'>{escape(period)}.",
        f" Difficult means {escape(o['difficult_means'])}.</p>",
        "<p>"
        + "".join(
            f"<span class='kpi'><b>{o[k]}</b>{escape(label)}</span>"
            for k, label in (
                ("conversations", "conversations"),
                ("difficult", "difficult"),
                ("escalated", "escalated"),
                ("with_boundary_incident", "with abuse or threats"),
            )
        )
        + "</p>",
        "<h2>Frustration over time</h2>",
        line_chart(
            [(d["day"], d["mean_frustration"]) for d in report["timeline"]], title="Mean customer frustration per day"
        ),
        "<h2>What drives frustration: top topics</h2>",
        bar_chart([(t["name"], t["count"]) for t in report["topics"][:8]], title="Difficult conversations per topic"),
    ]
    for t in report["topics"][:8]:
        parts.append(
            f"<h3>{escape(t['name'])}</h3><p class='note'>{t['count']} conversations, {escape(t['trend'])}"
            f" ({t['first_half']} in the first half of the period, {t['second_half']} in the second);"
            f" {t['escalation_share']:.0%} of all escalations; {t['repeat_share']:.0%} had to repeat themselves.</p>"
        )
        parts += [f"<blockquote>{escape(e['excerpt'])}</blockquote>" for e in t["examples"]]
    f = report["friction"]
    parts += [
        "<h2>Policy friction</h2>",
        f"<p class='note'>Counted when {escape(f['means'])}.</p>",
        bar_chart([(k["kind"], k["jumps"]) for k in f["by_kind"]], title="Frustration jumps by what the reply did"),
        _table(
            ["what the reply did", "phrase", "jumps"], [[p["kind"], p["phrase"], p["jumps"]] for p in f["top_phrases"]]
        )
        if f["top_phrases"]
        else "",
    ]
    r = report["repeats"]
    parts += [
        "<h2>Repeat contacts and having to repeat</h2>",
        f"<p>{r['had_to_repeat_rate']:.0%} of conversations had a customer say they had already explained"
        f" ({r['had_to_repeat']}); {r['repeat_contact_rate']:.0%} of known customers came back"
        f" ({r['repeat_contact_customers']} of {r['known_customers']}).</p>",
        "<h2>Recognition</h2>",
        "<p class='note'>Conversations turned around: frustration brought down from 0.6 or more to 0.3 or less,"
        " abuse met with a boundary and the conversation carried on calmly, a tense case resolved without"
        " escalation. Only the people to thank are listed.</p>",
    ]
    rec = report["recognition"]
    parts.append(
        bar_chart(
            [(a["agent"], a["brought_back"] + a["boundary_held"] + a["resolved_without_escalation"]) for a in rec],
            title="Moments to recognise per agent",
        )
    )
    for a in rec:
        parts.append(
            f"<h3>{escape(a['agent'])}</h3><p>Brought back {a['brought_back']} of {a['difficult_conversations']}"
            f" difficult conversations; held a boundary {a['boundary_held']} times; resolved"
            f" {a['resolved_without_escalation']} without escalating.</p>"
        )
        for ex in a["examples"][:1]:
            parts += [f"<blockquote>{escape(line)}</blockquote>" for line in ex["exchange"]]
    parts += [
        "<h2>Wellbeing</h2>",
        "<p class='note'>Abuse aimed at each person, so that supervisors can offer support;",
        " not a performance measure.</p>",
        bar_chart([(w["agent"], w["abuse_signals"]) for w in report["wellbeing"]], title="Abuse signals received"),
        _table(
            ["agent", "conversations", "with abuse or threats", "trend", "nudges", "breaks", "care"],
            [
                [
                    w["agent"],
                    w["conversations"],
                    f"{w['boundary_share']:.0%}",
                    w["trend"],
                    w["nudges"],
                    w["breaks"],
                    w["care"],
                ]
                for w in report["wellbeing"]
            ],
        ),
        "<p class='note'>Made by Calmline, offline.</p></body></html>",
    ]
    return "".join(parts)
