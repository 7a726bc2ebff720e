"""OCR reader: seconds per page and cell accuracy on scans of generated reports.

Run: .venv/bin/python benchmarks/bench_ocr.py [--docs N] [--scan-dpi 150 300] [--ocr-dpi 150 200] [--skew DEG]

Each report is a random record (``random_record``, some large numbers, some blanks)
rendered as a text PDF, rasterised into an image-only PDF at each ``--scan-dpi`` (what a
scanner gives) and read back through ``parse_file`` with the OCR reader rendering pages at
each ``--ocr-dpi``. A cell is right when it equals the truth (a blank read as null counts
as right); "lost" is a value read as null, "wrong" a value read as another value, and
"invented" a blank read as a value. Seconds per page include rendering, OCR and parsing:
wall-clock time, and CPU time of the process (all its threads; on a shared machine the
CPU time is the steadier measure of cost).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.offline import seal  # noqa: E402

seal()  # no telemetry look-ups, no PyMuPDF layout model / pymupdf4llm (see pipeline.offline)

import pymupdf  # noqa: E402

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.readers import ocr  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_pdf import render_report_pdf  # noqa: E402
from pipeline.samples.render_scan import render_image_pdf  # noqa: E402
from tests.test_pdf_records import _spec  # noqa: E402

TABLES = ("article20", "requests", "review_litigation")


def score(truth: dict, got: dict) -> dict[str, int]:
    out = {"cells": 0, "right": 0, "lost": 0, "wrong": 0, "invented": 0}
    for table in TABLES:
        for row, cols in truth[table].items():
            for col, want in cols.items():
                have = got[table].get(row, {}).get(col)
                out["cells"] += 1
                if have == want:
                    out["right"] += 1
                elif have is None:
                    out["lost"] += 1
                elif want is None:
                    out["invented"] += 1
                else:
                    out["wrong"] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--scan-dpi", type=int, nargs="+", default=[150])
    ap.add_argument("--ocr-dpi", type=int, nargs="+", default=[ocr.DPI])
    ap.add_argument("--skew", type=float, default=0.0, help="degrees each scanned page is turned")
    ap.add_argument("--verbose", action="store_true", help="print every cell that is not right")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    recs = [random_record(rng, blank_rate=0.1) for _ in range(args.docs)]
    t0 = time.perf_counter()
    ocr.engine()
    print(f"engine loaded in {time.perf_counter() - t0:.2f} s; {args.docs} reports, seed {args.seed}, skew {args.skew}°")
    print(f"{'scan dpi':>8} {'ocr dpi':>7} {'docs':>5} {'pages':>6} {'s/page':>7} {'cpu s/p':>8} {'cells':>6} "
          f"{'accuracy':>9} {'lost':>5} {'wrong':>6} {'invented':>9} {'meta ok':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        texts = [render_report_pdf(_spec(rec), Path(tmp) / f"t{i}.pdf") for i, rec in enumerate(recs)]
        for scan_dpi in args.scan_dpi:
            scans = [render_image_pdf(t, Path(tmp) / f"s{scan_dpi}_{i}.pdf", dpi=scan_dpi, skew=args.skew) for i, t in enumerate(texts)]
            pages = sum(pymupdf.open(s).page_count for s in scans)
            for ocr_dpi in args.ocr_dpi:
                ocr.DPI = ocr_dpi
                total = {"cells": 0, "right": 0, "lost": 0, "wrong": 0, "invented": 0}
                meta_ok = 0
                t0, c0 = time.perf_counter(), time.process_time()
                for rec, scan in zip(recs, scans, strict=True):
                    got = parse_file(scan)
                    for k, v in score(rec, got).items():
                        total[k] += v
                    meta_ok += all(got[k] == rec[k] for k in ("template", "year", "agency", "published_on"))
                    if args.verbose:
                        for key in ("template", "year", "agency", "published_on"):
                            if got[key] != rec[key]:
                                print(f"    {scan.name} {key}: truth {rec[key]} got {got[key]}")
                        for table in TABLES:
                            for row, cols in rec[table].items():
                                for col, want in cols.items():
                                    have = got[table].get(row, {}).get(col)
                                    if have != want:
                                        print(f"    {scan.name} {table}.{row}.{col}: truth {want} got {have}")
                dt, cpu = time.perf_counter() - t0, time.process_time() - c0
                print(f"{scan_dpi:>8} {ocr_dpi:>7} {len(scans):>5} {pages:>6} {dt / pages:>7.2f} {cpu / pages:>8.2f} {total['cells']:>6} "
                      f"{total['right'] / total['cells']:>9.2%} {total['lost']:>5} {total['wrong']:>6} "
                      f"{total['invented']:>9} {meta_ok:>5}/{len(scans)}")


if __name__ == "__main__":
    main()
