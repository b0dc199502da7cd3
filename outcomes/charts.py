"""Charts drawn once, on the server, as SVG: the same drawing on the pages and in the PDFs.

Each function returns an SVG string (text kept as text, no external reference,
the same bytes for the same input) and is cached by a hash of its input. Pages
show a chart as `<img src="{{ svg|as_data_uri }}" alt="…">` (filter in
outcomes_report_tags) beside a table of the same figures, which is what screen
readers and small screens rely on.
"""

import base64
import hashlib
import io
import json
import logging
import math
import textwrap
import threading

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Bump when the drawing changes, so cached charts are drawn again.
VERSION = 1
CACHE_SECONDS = 7 * 24 * 60 * 60

# Okabe-Ito colours (distinguishable with colour-blindness), each at least 3:1 against
# white; text stays near-black.
BLUE = "#0072B2"
VERMILION = "#D55E00"
GREEN = "#009E73"
SERIES_COLOURS = [BLUE, VERMILION, GREEN, "#CC79A7", "#56B4E9"]
GREY = "#6b6b6b"
INK = "#1a1a1a"
GRID = "#8c8c8c"

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "vicp-charts",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 11,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": GRID,
    "xtick.color": INK,
    "ytick.color": INK,
}
# rc_context changes matplotlib's global settings for the duration of a drawing: one
# drawing at a time, so threads never see each other's settings.
_drawing = threading.Lock()


def as_data_uri(svg):
    """A `data:` URI of an SVG, for `<img src>` (the CSP allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _cached(kind, payload, draw):
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    key = f"vicp:chart:{VERSION}:{kind}:{digest}"
    try:
        svg = cache.get(key)
    except Exception:  # a cache outage must not take the page with it
        logger.warning("Chart cache unavailable", exc_info=True)
        svg = None
    if svg is None:
        svg = _render(draw, payload)
        try:
            cache.set(key, svg, CACHE_SECONDS)
        except Exception:
            logger.warning("Chart cache unavailable", exc_info=True)
    return svg


def _render(draw, payload):
    """Draw a chart: `draw(Figure, payload)` returns the matplotlib figure, as SVG here."""
    import matplotlib
    from matplotlib.figure import Figure

    with _drawing, matplotlib.rc_context(RC):
        figure = draw(Figure, payload)
        out = io.StringIO()
        # No date and no metadata links: the same input gives the same bytes.
        figure.savefig(
            out,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.1,
            metadata={"Date": None, "Creator": None, "Type": None, "Format": None},
        )
    return out.getvalue()


def _wrap(label, width):
    return textwrap.fill(str(label), width=width, break_long_words=False, break_on_hyphens=False)


# --- Family Star: a radar chart --------------------------------------------------------------


def star_chart(areas, series, *, low=1, high=10):
    """The Family Star as a radar chart: `areas` (names) around the circle, one polygon per
    reading in `series` ([(label, [score per area, None where missing])]), scale 1 to 10."""
    payload = {
        "areas": [str(a) for a in areas],
        "series": [
            [str(label), [None if s is None else float(s) for s in scores]]
            for label, scores in series
        ],
        "low": low,
        "high": high,
    }
    return _cached("star", payload, _draw_star)


def _draw_star(Figure, payload):
    areas, series = payload["areas"], payload["series"]
    count = max(len(areas), 3)
    angles = [2 * math.pi * i / count for i in range(count)]
    figure = Figure(figsize=(5.2, 5.4))
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)  # the first area at the top, then clockwise
    axes.set_theta_direction(-1)
    axes.set_ylim(0, payload["high"])
    axes.set_yticks(range(2, payload["high"] + 1, 2))
    axes.set_yticklabels([str(t) for t in range(2, payload["high"] + 1, 2)], fontsize=9)
    axes.set_rlabel_position(360 / count / 2)
    axes.set_xticks(angles[: len(areas)])
    axes.set_xticklabels([_wrap(name, 13) for name in areas], fontsize=11)
    axes.tick_params(axis="x", pad=12)
    axes.grid(color=GRID, linewidth=0.6)
    axes.spines["polar"].set_color(GRID)
    for index, (label, scores) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        values = [math.nan if s is None else s for s in scores]
        closed_angles, closed_values = [*angles[: len(values)], angles[0]], [*values, values[0]]
        style = "-" if index == 0 else "--"
        axes.plot(
            closed_angles,
            closed_values,
            style,
            color=colour,
            linewidth=2.2,
            marker="o",
            markersize=4,
            label=label,
        )
        axes.fill(closed_angles, closed_values, color=colour, alpha=0.12)
    if series:
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=min(len(series), 3),
            frameon=False,
            fontsize=11,
        )
    return figure


# --- Impact report: mean change per area -----------------------------------------------------


def star_change_chart(star_change):
    """Horizontal bars: the mean Family Star change per area (`impact_summary`'s
    `star_change`), improvements in blue, falls in vermilion; areas without pairs say so."""
    payload = [
        {"area": row["area"], "n": row["n"], "change": row["mean_change"]} for row in star_change
    ]
    return _cached("star-change", payload, _draw_star_change)


def _draw_star_change(Figure, rows):
    height = 0.55 * max(len(rows), 1) + 1.0
    figure = Figure(figsize=(5.2, height))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    changes = [row["change"] or 0 for row in rows]
    colours = [BLUE if c >= 0 else VERMILION for c in changes]
    axes.barh(positions, changes, color=colours, height=0.6)
    axes.set_yticks(positions)
    axes.set_yticklabels([_wrap(row["area"], 20) for row in rows], fontsize=11)
    reach = max([abs(c) for c in changes] + [1.0])
    axes.set_xlim(-reach * 1.35, reach * 1.35)
    axes.axvline(0, color=INK, linewidth=0.8)
    for position, row, change in zip(positions, rows, changes, strict=True):
        if row["change"] is None:
            text, x, align = "no pairs", 0.05 * reach, "left"
        else:
            text = f"{change:+.1f}" if change else "0.0"
            x = change + (0.04 * reach if change >= 0 else -0.04 * reach)
            align = "left" if change >= 0 else "right"
        axes.text(x, position, text, va="center", ha=align, fontsize=11)
    axes.set_xlabel("Mean change, start to end (scores 1 to 10)", fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color=GRID, linewidth=0.4, alpha=0.6)
    axes.set_axisbelow(True)
    return figure


# --- Volunteer recruitment funnel ------------------------------------------------------------


def funnel_chart(funnel):
    """Horizontal bars of the volunteer recruitment funnel: [(label, count)] in order."""
    payload = [[str(label), int(count)] for label, count in funnel]
    return _cached("funnel", payload, _draw_funnel)


def _draw_funnel(Figure, rows):
    height = 0.55 * max(len(rows), 1) + 0.8
    figure = Figure(figsize=(5.2, height))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    counts = [count for _, count in rows]
    # Those not progressed are not a step of the funnel: drawn apart, in grey.
    colours = [GREY if label.startswith("Not progressed") else BLUE for label, _ in rows]
    axes.barh(positions, counts, color=colours, height=0.6)
    axes.set_yticks(positions)
    axes.set_yticklabels([_wrap(label, 20) for label, _ in rows], fontsize=11)
    top = max([*counts, 1])
    axes.set_xlim(0, top * 1.18)
    for position, count in zip(positions, counts, strict=True):
        axes.text(count + top * 0.02, position, str(count), va="center", fontsize=11)
    axes.set_xlabel("Volunteers who applied in the period", fontsize=11)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure
