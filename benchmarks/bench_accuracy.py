"""Cell accuracy per layout and per reader, and seconds per document.

Run: .venv/bin/python benchmarks/bench_accuracy.py [N] [--ocr-docs K] [--only PREFIX]
     [--first-seed S] [--small] [--zero-blanks] [--other-rows]

For N generated, internally consistent reports (10 % blank cells) rendered in every layout,
prints per layout: documents, seconds per document (read + parse), cells, exact (read ==
truth, null included), wrong (a number that is not the truth: must be 0) and missing (null
where the truth has a number); then the same per reader.

To hunt wrong numbers beyond the seeds the tests use (how this session's were found): a
``--first-seed`` far from 0, and records of other kinds: ``--small`` numbers (more sums that
several splits satisfy), ``--zero-blanks`` (blanks only in zero cells, the premise under which
run-together text is split), ``--other-rows`` (2021 reports that keep the 2019 （六）其他处理
row). Each wrong cell is listed as (seed, cell, truth, read).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("pymupdf.layout", None)

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.layouts import LAYOUTS  # noqa: E402

TABLES = ("article20", "requests", "review_litigation")


def cells(rec: dict) -> dict[str, object]:
    return {f"{t}.{r}.{c}": v for t in TABLES for r, cols in (rec.get(t) or {}).items() for c, v in cols.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=30)
    ap.add_argument("--ocr-docs", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--small", action="store_true", help="small numbers (random_record large=False)")
    ap.add_argument("--zero-blanks", action="store_true", help="blanks only in zero cells")
    ap.add_argument("--other-rows", action="store_true", help="2021 reports printing the 2019 （六）其他处理 row")
    args = ap.parse_args()
    rows = []
    per_reader: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0])
    print(f"{'layout':18} {'docs':>5} {'s/doc':>7} {'cells':>7} {'exact':>8} {'wrong':>6} {'missing':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, layout in LAYOUTS.items():
            if not name.startswith(args.only) or not layout.available():
                continue
            n = args.ocr_docs if layout.reader == "ocr" else args.n
            if n == 0:
                continue
            total = exact = wrong = missing = 0
            seconds = 0.0
            wrong_cells: list[tuple[int, str, object, object]] = []
            for seed in range(args.first_seed, args.first_seed + n):
                rec = random_record(random.Random(seed), blank_rate=0.1 if layout.exact else 0.0, large=not args.small,
                                    blank_zeros_only=args.zero_blanks,
                                    template="2021" if args.other_rows else None,
                                    other_rows_of="2019" if args.other_rows else None)
                path = layout.render(rec, Path(tmp), seed)
                t0 = time.perf_counter()
                got = parse_file(path)
                seconds += time.perf_counter() - t0
                truth, read = cells(rec), cells(got)
                for k, v in truth.items():
                    r = read.get(k)
                    total += 1
                    exact += r == v
                    if r is not None and r != v:
                        wrong += 1
                        wrong_cells.append((seed, k, v, r))
                    missing += r is None and v is not None
            print(f"{name:18} {n:5d} {seconds / n:7.3f} {total:7d} {exact / total:8.2%} {wrong:6d} {missing:8d}", flush=True)
            for case in wrong_cells[:5]:
                print(f"  wrong: seed {case[0]} {case[1]}: truth {case[2]}, read {case[3]}", flush=True)
            agg = per_reader[layout.reader]
            agg[0] += n
            agg[1] += total
            agg[2] += exact
            agg[3] += wrong
            agg[4] += seconds
            agg[5] += missing
            rows.append(name)
    print()
    print(f"{'reader':18} {'docs':>5} {'s/doc':>7} {'cells':>7} {'exact':>8} {'wrong':>6} {'missing':>8}")
    for reader, (n, total, exact, wrong, seconds, missing) in per_reader.items():
        print(f"{reader:18} {n:5d} {seconds / n:7.3f} {total:7d} {exact / total:8.2%} {wrong:6d} {missing:8d}")


if __name__ == "__main__":
    main()
