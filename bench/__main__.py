"""`python -m bench [reminders|flood|scan|search] [size]`: one benchmark, or all in turn.

    reminders [3000]     due payment reminders sent through the rate-limited fake Bot API
    flood [300]          one user's burst while 50 others say /start: their first-reply latency
    scan [1000000]       the scan for due scheduled work over a store of that many orders
    search [1000000]     /find by number, tracking number, phone and name over that many orders
    catalog [10000]      a catalog workbook previewed and imported from the staff group
    report [1000000]     /laporan (every section), its charts and /ekspor over that many orders
    workers [2000]       updates/s and latency: 1, 2, 4 webhook workers on PostgreSQL, one on
                         SQLite, and the inbox's cost per update
    ratebudget [2000]    the shared rate budget's cost per send on PostgreSQL, 1 and 3 workers
"""

from __future__ import annotations

import asyncio
import sys

from bench import catalog, due_scan, flood, rate_budget, reminders, report, search, workers

BENCHMARKS = {
    "reminders": (reminders.main, 3000),
    "flood": (flood.main, 300),
    "scan": (due_scan.main, 1_000_000),
    "search": (search.main, 1_000_000),
    "catalog": (catalog.main, 10_000),
    "report": (report.main, 1_000_000),
    "workers": (workers.main, 2000),
    "ratebudget": (rate_budget.main, 2000),
}


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.isdigit()] or list(BENCHMARKS)
    sizes = [int(a) for a in argv if a.isdigit()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(__doc__, file=sys.stderr)
        return 2
    for name in names:
        run, default = BENCHMARKS[name]
        print(f"== {name}")
        asyncio.run(run(sizes[0] if sizes else default))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
