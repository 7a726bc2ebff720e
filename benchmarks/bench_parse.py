"""Parser throughput on generated reports, per text layout.

Run: .venv/bin/python benchmarks/bench_parse.py [N]
Prints seconds per document for read+parse and cell accuracy against the generator's truth.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.samples.render_text import LAYOUTS, render_text  # noqa: E402
from tests.strategies import records  # noqa: E402


def generate(n: int) -> list[dict]:
    out: list[dict] = []

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(records())
    def collect(rec: dict) -> None:
        out.append(rec)

    collect()
    return out[:n]


def cells(rec: dict) -> dict[str, object]:
    flat = {}
    for table in ("article20", "requests", "review_litigation"):
        for row, cols in rec[table].items():
            for col, v in cols.items():
                flat[f"{table}.{row}.{col}"] = v
    return flat


def main(n: int) -> None:
    recs = generate(n)
    print(f"{len(recs)} generated reports")
    print(f"{'layout':8} {'docs':>5} {'s/doc':>8} {'cells':>8} {'accuracy':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            paths = []
            for i, rec in enumerate(recs):
                p = Path(tmp) / f"{layout}_{i}.txt"
                p.write_text(render_text(rec, layout, i), encoding="utf-8")
                paths.append(p)
            t0 = time.perf_counter()
            parsed = [parse_file(p) for p in paths]
            dt = time.perf_counter() - t0
            total = right = 0
            for rec, got in zip(recs, parsed, strict=True):
                truth, read = cells(rec), cells(got)
                total += len(truth)
                right += sum(read.get(k, "missing") == v for k, v in truth.items())
            print(f"{layout:8} {len(paths):5d} {dt / len(paths):8.4f} {total:8d} {right / total:9.2%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
