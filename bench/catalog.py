"""A 10,000-row catalog workbook sent to the staff group (run by hand).

    .venv/bin/python -m bench catalog [rows]

Builds a workbook the way Excel saves one (shared strings; Indonesian product names,
descriptions, 40 categories, rupiah prices), then on a fresh store file, round after round,
each round changing every price: the preview (read and check the file, compare with the
catalog, keep the rows read) and the press on Import (the previewed rows loaded, then one
BEGIN IMMEDIATE transaction writing every change with its change record). Reported per round:
seconds for the preview, the Import press, and an import's transaction alone (on rows already
read); the process's resident memory after the round; and, in separate rounds under
tracemalloc, the Import press's peak Python allocation. Flat memory: the figures do not grow
from round to round. Round 1 creates the 10,000 products; the others change every price.
"""

from __future__ import annotations

import asyncio
import gc
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl

from domain.actors import Actor
from domain.catalog import catalog_import, catalog_preview
from domain.store import Store

ROUNDS = 4
WORDS = ("Kopi", "Teh", "Sambal", "Keripik", "Kemeja", "Batik", "Madu", "Gula Aren", "Rendang",
         "Abon", "Dodol", "Kerupuk", "Tas Rotan", "Sabun Sereh", "Minyak Kelapa")
ADMIN = Actor(8001, "Sari")


def workbook(rows: int, round_: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sku", "name", "category", "price", "stock", "description", "photo", "active",
                  "low_stock_threshold"])
    for i in range(rows):
        word = WORDS[i % len(WORDS)]
        sheet.append([
            f"SKU-{i:05d}",
            f"{word} Nusantara {i} {['250 g', '500 g', '1 kg', 'ukuran M'][i % 4]}",
            f"Kategori {i % 40}",
            10_000 + (i * 37) % 490_000 + round_ * 500,
            (i * 7) % 200,
            f"{word} pilihan dari pengrajin lokal, dikemas rapi dan dikirim dari Jakarta. No. {i}",
            "",
            "yes",
            5,
        ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one_round(store: Store, data: bytes) -> tuple[float, float]:
    start = time.perf_counter()
    preview = await catalog_preview.make_preview(store, data, "katalog.xlsx", -100, ADMIN)
    previewed = time.perf_counter()
    assert preview.id is not None, preview.errors[:3]
    await catalog_preview.import_preview(store, preview.id, ADMIN)
    imported = time.perf_counter()
    return previewed - start, imported - previewed


async def transaction_only(store: Store, data: bytes) -> float:
    """The import's transaction alone, on rows already read (what holds the write lock)."""
    rows = catalog_import.parse_file(data)
    start = time.perf_counter()
    async with store.transaction() as db:
        await catalog_import.apply_rows(db, rows, store.now(), ADMIN, "import")
    return time.perf_counter() - start


async def main(rows: int = 10_000) -> None:
    print(f"building {ROUNDS * 2 + 1} workbooks of {rows:,} rows …", flush=True)
    books = [workbook(rows, r) for r in range(ROUNDS * 2 + 1)]
    print(f"workbook: {len(books[0]) / 1024:.0f} KiB")
    with tempfile.TemporaryDirectory() as folder:
        async with Store(Path(folder) / "bench.db") as store:
            print("| round | preview s | Import press s | transaction alone s | RSS MiB |")
            print("|---|---|---|---|---|")
            for r in range(ROUNDS):
                gc.collect()
                preview_s, import_s = await one_round(store, books[r])
                tx = await transaction_only(store, books[ROUNDS + r])
                print(f"| {r + 1} | {preview_s:.2f} | {import_s:.2f} | {tx:.2f} | {rss_mb():.0f} |",
                      flush=True)
            print()
            print("| round | Import press: peak Python allocation MiB (tracemalloc) | RSS MiB |")
            print("|---|---|---|")
            for r in range(ROUNDS):
                gc.collect()
                tracemalloc.start()
                preview = await catalog_preview.make_preview(
                    store, books[(r % 2) * ROUNDS], "katalog.xlsx", -100, ADMIN
                )
                assert preview.id is not None
                tracemalloc.reset_peak()
                await catalog_preview.import_preview(store, preview.id, ADMIN)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(f"| {r + 1} | {peak / 2**20:.1f} | {rss_mb():.0f} |", flush=True)
            count = await store.fetchone("SELECT COUNT(*) AS n FROM products")
            assert count is not None and count["n"] == rows


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
