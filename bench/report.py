"""/laporan and /ekspor over a store of 1,000,000 orders (run by hand).

    .venv/bin/python bench/report.py [orders]
    BENCH_DB=/tmp/report.db .venv/bin/python bench/report.py   # build once, time again later

Builds a two-year shop (bench/report_seed.py), then times: last month's report section by
section and whole, this month's and the last 7 days' (three runs each: first and best);
each chart (render only, PNG bytes); and the export of a period of about 100,000 rows (the
lines of last month, or orders of enough months), xlsx and csv together, in a fresh process
so its peak RSS growth is its own.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report_seed import seed
from domain.reports import cod, customers, operations, products, returns, sales
from domain.reports import report as full
from domain.reports.exports import export
from domain.reports.periods import Period, parse
from domain.store import Store
from messages import Messages
from messages.charts import CHARTS

ZONE = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 12:00 WIB on the 20th
POLICY = full.ReportPolicy()


def reset_peak_rss() -> None:
    """Linux: start VmHWM (the peak resident set) again from the current RSS."""
    Path("/proc/self/clear_refs").write_text("5")


def rss_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def sections(store: Store, period: Period) -> dict[str, float]:
    """Each section's own time, in ms."""
    db = store.reader
    now = store.now()
    out: dict[str, float] = {}

    async def timed(name: str, coro):
        t = time.perf_counter()
        result = await coro
        out[name] = (time.perf_counter() - t) * 1000
        return result

    await timed("1 sales (+ previous)", _sales(store, period))
    await timed("2 pipeline", operations.pipeline(db, now))
    sold = await timed("3 best sellers", products.product_sales(db, period))
    sides = await timed("4/6 cancellations", operations.cancellation_sides(db, period))
    await timed("4 payments", operations.payments(db, period, sides))
    await timed("5 fulfilment", operations.fulfilment(db, period, POLICY.shipment_sla))
    await timed("6 returns", returns.returns_summary(db, period, {x.sku: x.qty for x in sold}))
    await timed("7 cod", cod.cod(db, period, now))
    lines = await timed("8 stock", products.stock_lines(db, now))
    products.stock(sold, lines)
    await timed("9 customers + nps", customers.customers(store, period))
    await timed("10 tax helper (year)", full.tax_helper(store, period))
    return out


async def _sales(store: Store, period: Period) -> None:
    await sales.sales_report(store.reader, period)
    await full.previous_sales(store, period.previous())
    await sales.invoiced(store.reader, period)


async def best_of(store: Store, period: Period, runs: int = 3) -> tuple[float, float, float]:
    """Wall ms of the first run and the best; CPU ms of the best (all threads: what the
    machine had to do, whatever else ran on it)."""
    times = []
    for _ in range(runs):
        t, cpu = time.perf_counter(), time.process_time()
        await full.build(store, period, POLICY)
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000))
    return times[0][0], min(w for w, _ in times), min(c for _, c in times)


async def charts(store: Store, period: Period) -> dict[str, float]:
    """Each chart's render time (first, i.e. cold, and best of 3), in ms."""
    report = await full.build(store, period, POLICY)
    msgs = Messages()
    out = {}
    for lang in ("id", "en"):
        for name, draw in CHARTS.items():
            times, cpus = [], []
            size = 0
            for _ in range(3):
                t, cpu = time.perf_counter(), time.process_time()
                png = draw(report, msgs, lang)
                times.append((time.perf_counter() - t) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                size = len(png) if png else 0
            out[f"{name} [{lang}] ({size // 1024} KB) first"] = times[0]
            out[f"{name} [{lang}] best of 3"] = min(times)
            out[f"{name} [{lang}] best of 3, CPU"] = min(cpus)
    return out


def export_child(path: str, kind: str, first: str, last: str) -> None:
    """In a fresh process: export and print seconds, rows, peak RSS growth."""

    async def run() -> None:
        async with Store(path, lambda: NOW) as store:
            period = Period("days", date.fromisoformat(first), date.fromisoformat(last), ZONE)
            reset_peak_rss()
            base = rss_mb("VmRSS")
            with tempfile.TemporaryDirectory() as folder:
                t, cpu = time.perf_counter(), time.process_time()
                done = await export(store, kind, period, Path(folder))
                secs, cpu = time.perf_counter() - t, time.process_time() - cpu
                sizes = done.xlsx.stat().st_size, done.csv.stat().st_size
            print(f"{kind:<6} {first} – {last}: {done.rows:>7} rows in {secs:5.2f} s"
                  f" (CPU {cpu:5.2f} s),"
                  f" peak RSS growth {rss_mb() - base:5.1f} MB (xlsx {sizes[0] // 1024} KB,"
                  f" csv {sizes[1] // 1024} KB)")

    asyncio.run(run())


async def main(n: int) -> None:
    given = os.environ.get("BENCH_DB")
    path = Path(given) if given else Path(tempfile.mkdtemp()) / "report.db"
    if not path.exists():
        async with Store(path, lambda: NOW):
            pass
        t = time.perf_counter()
        counts = seed(path, n, NOW)
        print(f"seeded {counts} in {time.perf_counter() - t:.0f} s,"
              f" {path.stat().st_size / 1e6:.0f} MB")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
          " (2 shared cores)")
    with sqlite3.connect(path) as db:  # the closed months' cache starts empty: a cold run
        db.execute("DELETE FROM sales_months")
    async with Store(path, lambda: NOW) as store:
        last = parse("lastmonth", NOW, ZONE)
        print("\nlast month's report, section by section (first run, ms):")
        for name, ms in (await sections(store, last)).items():
            print(f"  {name:<26} {ms:8.1f}")
        for word in ("lastmonth", "month", "7d", "today"):
            first, best, cpu = await best_of(store, parse(word, NOW, ZONE))
            print(f"whole report {word:<10} first {first:7.1f} ms   best of 3 {best:7.1f} ms"
                  f"   CPU {cpu:7.1f} ms")
        print("\ncharts of last month (render, best of 3):")
        for name, ms in (await charts(store, last)).items():
            print(f"  {name:<34} {ms:7.1f} ms")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\nexports (fresh process each):")
    for kind, first, last in (
        ("orders", "2026-09-10", "2026-10-31"),  # about 100,000 orders at 1,000,000
        ("lines", "2026-10-01", "2026-10-24"),  # about 100,000 lines
        ("cod", "2026-09-01", "2026-10-31"),
        ("returns", "2025-11-21", "2026-11-20"),  # a year of complaints
        ("stock", "2026-11-20", "2026-11-20"),
    ):
        child = [sys.executable, __file__, "--export", str(path), kind, first, last]
        subprocess.run(child, check=True)  # noqa: ASYNC221 (a bench: nothing else runs)
    if not given:
        print(f"(store kept at {path}; BENCH_DB={path} to time again)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--export":
        export_child(*sys.argv[2:6])
    else:
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
