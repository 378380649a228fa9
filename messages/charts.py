"""Report charts as PNG images for Telegram (sendPhoto): readable on a phone, labels in the
staff group's language, rupiah axes written the Indonesian way (Babel: `Rp1,5 jt`).

Drawn with matplotlib's object API and the Agg canvas (no pyplot, no global state), so a
chart can be rendered in a worker thread while the bot goes on; each takes well under
300 ms (bench/report.py).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from babel.dates import format_date
from babel.numbers import format_compact_currency, format_decimal

from domain.reports.periods import Period
from domain.reports.products import Products
from domain.reports.report import Report
from domain.reports.sales import SalesReport
from messages import formatting
from messages.formatting import BABEL_LOCALES
from messages.render import Messages

SIZE = (8, 4.5)  # inches; at 100 dpi 800 × 450 px: sharp on a phone, quick to draw
DPI = 100
NET_COLOUR = "#2a9d8f"
ORDERS_COLOUR = "#e76f51"


@functools.cache
def _mpl() -> SimpleNamespace:
    """matplotlib, imported on the first chart: the bot (and the CLI) start without it."""
    logging.getLogger("matplotlib").setLevel(logging.WARNING)  # no font-cache chatter
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    return SimpleNamespace(
        Figure=Figure, Canvas=FigureCanvasAgg, Formatter=FuncFormatter, Locator=MaxNLocator
    )


def _labels(messages: Messages, language: str) -> Any:
    return messages.env.get_template(f"{messages.lang(language)}/report_chart.txt").module


def _locale(language: str) -> str:
    return BABEL_LOCALES.get(language, "id_ID")


@functools.lru_cache(maxsize=4096)
def rupiah_axis(amount: float, language: str) -> str:
    """`Rp1,5 jt` / `IDR1.5m`: short enough for an axis."""
    return format_compact_currency(
        int(amount), "IDR", locale=_locale(language), fraction_digits=1
    ).replace("\xa0", " ")


def period_label(period: Period, language: str) -> str:
    return formatting.period_label(period.first, period.last, period.whole_month, language)


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    _mpl().Canvas(fig).print_png(buf)
    return buf.getvalue()


def _frame(fig: Any) -> Any:
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def sales_chart(sales: SalesReport, messages: Messages, language: str) -> bytes:
    """Net sales per day (bars, rupiah) with orders per day (line, right axis)."""
    t = _labels(messages, language)
    series = sales.series()
    days: list[date] = [d for d, _ in series]
    net = [s.net for _, s in series]
    orders = [s.orders for _, s in series]
    mpl = _mpl()
    fig = mpl.Figure(figsize=SIZE, dpi=DPI)
    # Fixed margins: a layout engine costs a whole extra draw.
    fig.subplots_adjust(left=0.12, right=0.93, top=0.86, bottom=0.1)
    ax = _frame(fig)
    x = range(len(days))
    ax.bar(x, net, color=NET_COLOUR, label=str(t.net()).strip())
    ax.yaxis.set_major_formatter(mpl.Formatter(lambda v, _: rupiah_axis(v, language)))
    ax.yaxis.set_major_locator(mpl.Locator(6))
    right = ax.twinx()
    right.plot(x, orders, color=ORDERS_COLOUR, marker="o" if len(days) <= 31 else None,
               markersize=3, linewidth=1.8, label=str(t.orders()).strip())
    right.set_ylim(bottom=0)
    right.yaxis.set_major_locator(mpl.Locator(6, integer=True))
    right.yaxis.set_major_formatter(
        mpl.Formatter(lambda v, _: format_decimal(int(v), locale=_locale(language)))
    )
    right.spines["top"].set_visible(False)
    step = max(1, len(days) // 10)
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels(
        [format_date(d, "d MMM", locale=_locale(language)) for d in days[::step]], fontsize=8
    )
    ax.set_title(
        str(t.sales_title(period_label(sales.period, language))).strip(), fontsize=11, loc="left"
    )
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="lower right", fontsize=8,
              frameon=False, ncols=2, bbox_to_anchor=(1.0, 1.0))
    return _png(fig)


def products_chart(
    products: Products, period: Period, messages: Messages, language: str
) -> bytes | None:
    """The top products by net sales, as horizontal bars; None when nothing sold."""
    if not products.by_net:
        return None
    t = _labels(messages, language)
    top = products.by_net[::-1]  # the best at the top
    mpl = _mpl()
    fig = mpl.Figure(figsize=SIZE, dpi=DPI)
    fig.subplots_adjust(left=0.33, right=0.95, top=0.9, bottom=0.08)  # names on the left
    ax = _frame(fig)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", alpha=0.3)
    names = [p.name if len(p.name) <= 32 else p.name[:31] + "…" for p in top]
    ax.barh(range(len(top)), [p.net for p in top], color=NET_COLOUR)
    ax.set_yticks(range(len(top)))
    ax.set_yticklabels(names, fontsize=8)
    ax.xaxis.set_major_formatter(mpl.Formatter(lambda v, _: rupiah_axis(v, language)))
    ax.xaxis.set_major_locator(mpl.Locator(5))
    for i, p in enumerate(top):
        ax.annotate(
            f"{format_decimal(p.qty, locale=_locale(language))}×",
            (p.net, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7,
        )
    ax.set_title(
        str(t.top_title(period_label(period, language))).strip(), fontsize=11, loc="left"
    )
    return _png(fig)


# What /laporan sends, in order (bench/report.py times each).
CHARTS: dict[str, Callable[[Report, Messages, str], bytes | None]] = {
    "sales": lambda r, m, lang: sales_chart(r.sales, m, lang),
    "products": lambda r, m, lang: products_chart(r.products, r.period, m, lang),
}


def report_charts(report: Report, messages: Messages, language: str) -> list[bytes]:
    """The report's charts (PNG), leaving out those with nothing to show."""
    out = []
    for draw in CHARTS.values():
        png = draw(report, messages, language)
        if png:
            out.append(png)
    return out
