"""Customers and satisfaction: new vs returning, repeat purchases, and NPS with its trend
(NPS as /nps computes it: domain/schedule/surveys.py)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.reports.operations import share
from domain.reports.periods import Period, month
from domain.schedule import surveys
from domain.store import Store
from domain.store import reports as report_rows

NPS_TREND_MONTHS = 6


@dataclass(frozen=True, slots=True)
class Customers:
    customers: int  # who ordered in the period
    new: int  # … whose first order ever is in the period
    repeat: int  # … with two or more orders in the period
    nps: surveys.NpsReport
    nps_trend: list[tuple[str, int | None]]  # (month "2026-11", score) oldest first

    @property
    def returning(self) -> int:
        return self.customers - self.new

    @property
    def repeat_rate(self) -> float | None:
        return share(self.repeat, self.customers)


async def customers(store: Store, period: Period) -> Customers:
    row = await report_rows.customer_mix(store.reader, period.start, period.end)
    nps = await surveys.nps(store, period.start, period.end)
    trend = []
    m = month(period.last.year, period.last.month, period.zone)
    for _ in range(NPS_TREND_MONTHS):
        report = await surveys.nps(store, m.start, m.end)
        trend.append((m.code, report.score))
        m = m.previous()
    return Customers(
        customers=row["customers"] if row else 0,
        new=row["new"] if row else 0,
        repeat=row["repeat"] if row else 0,
        nps=nps,
        nps_trend=trend[::-1],
    )
