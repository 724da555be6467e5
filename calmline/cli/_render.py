"""Readable terminal rendering of an analysis (rich), evidence highlighted in place."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmline.types import Analysis, Role, TurnAnalysis

_STYLE = {
    "abuse": "bold white on red",
    "threat": "bold black on yellow",
    "request": "bold black on cyan",
    "customer": "black on bright_magenta",
}
_ROLE_STYLE = {Role.CUSTOMER: "bold magenta", Role.AGENT: "bold green", Role.SYSTEM: "dim"}

_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        _console = Console(highlight=False, soft_wrap=False)
    return _console


def _bar(value: float, width: int = 10) -> Text:
    filled = round(value * width)
    colour = "green" if value < 0.35 else "yellow" if value < 0.65 else "red"
    return Text("█" * filled + "░" * (width - filled), style=colour)


def highlighted(turn: TurnAnalysis) -> Text:
    """The turn's text with each signal's evidence styled by label family."""
    text = Text(turn.turn.text)
    for s in turn.signals:
        style = _STYLE.get(s.label.split(".", 1)[0], "reverse")
        for span in s.evidence:
            if 0 <= span.start < span.end <= len(turn.turn.text):
                text.stylize(style, span.start, span.end)
    return text


def _learned_line(ta: TurnAnalysis) -> Text | None:
    """The learned scores whose words pushed them, each with those words («...»), on one dim line."""
    # the learned sarcasm head is the weakest (LABELS.md: no signal of its own); where the rules read the praise as
    # sincere (emotion satisfaction, no customer.sarcasm), its guess would only mislead the reader of this view
    sincere = ta.emotion == "satisfaction" and not any(s.label == "customer.sarcasm" for s in ta.signals)
    parts = [
        (k, ta.learned.get(k, 0.0), why.evidence)
        for k, why in ta.learned_why.items()
        if why.evidence and not (k == "sarcasm" and sincere)
    ]
    if not parts:
        return None
    line = Text("  learned ", style="dim")
    for i, (key, score, evidence) in enumerate(parts):
        line.append(("  · " if i else "") + f"{key} {score:.2f} ", style="dim")
        line.append("«" + " | ".join(e.text for e in evidence) + "»", style="dim italic")
    return line


def render_analysis(analysis: Analysis) -> None:
    """Print one conversation: each turn, its signals and the final state."""
    con = console()
    meta = analysis.conversation.metadata
    title = analysis.conversation.id
    extra = ", ".join(str(meta[k]) for k in ("industry", "channel") if k in meta)
    con.rule(f"[bold]{escape(title)}[/bold]" + (f"  [dim]{escape(extra)}[/dim]" if extra else ""))
    for ta in analysis.turns:
        head = Text(f"#{ta.index} ", style="dim")
        head.append(ta.turn.role.value, style=_ROLE_STYLE[ta.turn.role])
        if ta.turn.ts is not None:
            head.append(f"  {ta.turn.ts:%Y-%m-%d %H:%M}", style="dim")
        if ta.frustration is not None:
            head.append("  frustration ")
            head.append(_bar(ta.frustration))
            head.append(f" {ta.frustration:.2f}  {ta.emotion}")
        con.print(head)
        con.print(Padding(highlighted(ta), (0, 0, 0, 2)))
        if ta.signals:
            table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
            for s in ta.signals:
                evidence = " | ".join(e.text for e in s.evidence[:3])
                table.add_row(
                    Text(f"  {s.label}", style=_STYLE.get(s.label.split(".", 1)[0], "")),
                    f"{s.score:.2f}",
                    Text(f"«{evidence}»", style="italic"),
                    Text(s.explanation, style="dim"),
                )
            con.print(table)
        if learned := _learned_line(ta):
            con.print(learned)
    st = analysis.state
    risk_style = "green" if st.escalation_risk < 0.35 else "yellow" if st.escalation_risk < 0.65 else "bold red"
    body = Text()
    body.append(f"trend {st.frustration_trend}   peak frustration {st.frustration_peak:.2f}   ")
    body.append(f"escalation risk {st.escalation_risk:.2f}", style=risk_style)
    body.append(f"   abuse {st.abuse_count}   threats {st.threat_count}")
    if st.risk_reasons:
        body.append("\nwhy: " + "; ".join(st.risk_reasons), style="dim")
    con.print(Panel(body, title="conversation state", expand=False))
