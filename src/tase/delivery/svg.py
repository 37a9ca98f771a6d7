"""Server-side inline SVG: the Gantt-style timeline (target vs current) and simple bar charts.
No JavaScript, no external library; colours are SVG presentation attributes (CSP-safe)."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

BASELINE = "#b8c0cc"
PLANNED = "#2f6fb3"
LATE = "#c0392b"
DONE = "#2e8b57"
TODAY = "#e67e22"


def gantt(phases, today: dt.date | None = None, width: int = 760) -> str:
    """One row per phase: a thin grey bar for the agreed target, a thick bar for the current
    plan (green when done, red when past its target end), a line for today."""
    today = today or dt.date.today()
    rows = [p for p in phases]
    if not rows:
        return ""
    dates = [today]
    for p in rows:
        dates += [
            d
            for d in (
                p.planned_start,
                p.planned_end,
                p.baseline_start,
                p.baseline_end,
                p.actual_start,
                p.actual_end,
            )
            if d
        ]
    start = min(dates) - dt.timedelta(days=3)
    end = max(dates) + dt.timedelta(days=14)
    label_w, row_h, top = 230, 34, 28
    span = max((end - start).days, 1)
    plot_w = width - label_w - 10

    def x(d: dt.date) -> float:
        return label_w + plot_w * (d - start).days / span

    height = top + row_h * len(rows) + 24
    title = escape(_("Timeline: target vs current schedule"))
    target = escape(_("Target"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="gantt-title"><title id="gantt-title">{title}</title>'
    ]
    # week grid; a date label only every few weeks, so that labels never overlap
    week = start - dt.timedelta(days=start.weekday())
    every = int(48 // (plot_w * 7 / span)) + 1
    n = 0
    while week <= end:
        if week >= start:
            out.append(
                f'<line x1="{x(week):.1f}" y1="{top - 6}" x2="{x(week):.1f}" y2="{height - 20}" stroke="#eceff3"/>'
            )
            if n % every == 0:
                out.append(
                    f'<text x="{x(week) + 2:.1f}" y="{top - 10}" font-size="10" fill="#667">{week:%d.%m.}</text>'
                )
            n += 1
        week += dt.timedelta(weeks=1)
    for i, p in enumerate(rows):
        y = top + i * row_h
        out.append(
            f'<text x="4" y="{y + 20}" font-size="13" fill="#223">{escape(str(p.get_kind_display()))}</text>'
        )
        if p.baseline_start:
            b_end = p.baseline_end or end
            out.append(
                f'<rect x="{x(p.baseline_start):.1f}" y="{y + 4}" width="{max(x(b_end) - x(p.baseline_start), 3):.1f}" '
                f'height="6" fill="{BASELINE}"><title>{target}: {p.baseline_start:%d.%m.%Y}\u2013{(p.baseline_end and p.baseline_end.strftime("%d.%m.%Y")) or ""}</title></rect>'
            )
        s = p.actual_start or p.planned_start
        e = p.current_end(today) or end
        late = (
            p.baseline_end is not None
            and p.current_end(today)
            and p.current_end(today) > p.baseline_end
        )
        colour = DONE if p.actual_end else (LATE if late else PLANNED)
        out.append(
            f'<rect x="{x(s):.1f}" y="{y + 12}" width="{max(x(e) - x(s), 4):.1f}" height="14" rx="3" fill="{colour}">'
            f"<title>{escape(str(p.get_kind_display()))}: {s:%d.%m.%Y}\u2013{(p.current_end(today) and p.current_end(today).strftime('%d.%m.%Y')) or ''}</title></rect>"
        )
    if start <= today <= end:
        out.append(
            f'<line x1="{x(today):.1f}" y1="{top - 6}" x2="{x(today):.1f}" y2="{height - 20}" stroke="{TODAY}" stroke-width="2"/>'
        )
    legend_y = height - 4
    items = [
        (BASELINE, _("Target")),
        (PLANNED, _("Current plan")),
        (LATE, _("Behind target")),
        (DONE, _("Done")),
        (TODAY, _("Today")),
    ]
    lx = 4
    for colour, text in items:
        out.append(
            f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{legend_y}" font-size="11" fill="#334">{escape(str(text))}</text>'
        )
        lx += 24 + 6 * len(str(text))
    out.append("</svg>")
    return mark_safe("".join(out))


def bar_chart(data: list[tuple[str, int]], title: str, width: int = 300) -> str:
    """A horizontal bar chart with the count at each bar's end."""
    if not data:
        return ""
    label_w, row_h = 140, 22
    biggest = max((v for _l, v in data), default=0) or 1
    height = row_h * len(data) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(data):
        y = i * row_h + 4
        w = (width - label_w - 40) * value / biggest
        out.append(
            f'<text x="4" y="{y + 15}" font-size="12" fill="#223">{escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="16" fill="{PLANNED}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#223">{value}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))
