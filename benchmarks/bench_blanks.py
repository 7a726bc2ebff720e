"""Blank cells in run-together text (issue 13): wrong / right / null cells per blank kind.

Run: .venv/bin/python benchmarks/bench_blanks.py [N] [--rate R] [--kinds zeros,any]

For seeds 0..N-1, a generated report with a fraction R of its cells printed blank, rendered
as ``crawler`` and ``runtogether`` text (2 N documents per kind), where a blank leaves no
trace but fewer digits. ``zeros``: only 0-valued cells that are not a group's total are
blanked (agencies leaving zero cells empty: every sum still holds); ``any``: any cell (a
blank may hide a value and break the printed sums). Prints per kind and layout: cells,
wrong (a number that is not the truth: the target is 0), the blank cells and how many of
the non-blank ones came out null; then the wrong cells' keys (first few) for diagnosis.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("pymupdf.layout", None)

from bench_accuracy import cells  # noqa: E402  (one definition of a record's cells)

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_text import render_text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=80)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--kinds", default="zeros,any")
    args = ap.parse_args()
    bad = 0
    print(f"{'blanks':6} {'layout':12} {'docs':>5} {'cells':>7} {'wrong':>6} {'blank':>6} {'null(not blank)':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            for layout in ("crawler", "runtogether"):
                total = wrong = blank = null = 0
                examples: list[str] = []
                for seed in range(args.n):
                    rec = random_record(random.Random(seed), blank_rate=args.rate, large=seed % 3 == 0,
                                        blank_zeros_only=kind == "zeros")
                    path = Path(tmp) / "r.txt"
                    path.write_text(render_text(rec, layout, seed), encoding="utf-8")
                    got = parse_file(path)
                    truth, read = cells(rec), cells(got)
                    for k, v in truth.items():
                        r = read.get(k)
                        total += 1
                        blank += v is None
                        null += r is None and v is not None
                        if r is not None and r != v:
                            wrong += 1
                            if len(examples) < 5:
                                examples.append(f"seed {seed} {k}: read {r}, truth {v}")
                bad += wrong
                print(f"{kind:6} {layout:12} {args.n:5d} {total:7d} {wrong:6d} {blank:6d} {null:16d}", flush=True)
                for e in examples:
                    print("    ", e)
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
