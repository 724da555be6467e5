"""Insights across many conversations: incident review, policy friction, recognition and wellbeing.

One path per job: :func:`summarize` turns one analysed conversation into a small summary,
:class:`Totals` adds summaries up (and merges partial totals from other processes), and
:func:`build_report` turns the totals into the report's figures (JSON-ready).
"""

from __future__ import annotations

from calmline.insights.reduce import Totals, build_report
from calmline.insights.summary import Summary, summarize

__all__ = ["Summary", "Totals", "build_report", "summarize"]
