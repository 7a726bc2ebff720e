"""Score scans made elsewhere (augraphy's print-and-scan damage): cells right, wrong, missing per set.

Run: .venv/bin/python benchmarks/bench_scans.py --make DIR [--docs N] [--seed S]
     .venv/bin/python benchmarks/bench_scans.py DIR [--verbose]

``--make`` writes the sources into DIR: N generated reports (``random_record``: large
numbers, 10 % blank cells) as text PDFs with their records as truth (``g<seed>_<i>.pdf`` and
``.json``), and the real WPS report (``tests/data/realworld/raw/hongze-2023.pdf``) with its
truth. ``benchmarks/augraphy_scans.py`` (in a venv of its own, see there) then degrades each
into ``<name>.<set>.pdf``. Scoring reads every ``<name>.<set>.pdf`` through ``parse_file`` and
judges it against ``<name>.json``: a generated record cell by cell, the real report with the
project's judging rules (``tests/realworld.py``). Wrong must be 0 in every set.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline.offline import seal  # noqa: E402

seal()

import bench_ocr  # noqa: E402

from pipeline.parsing import parse_file  # noqa: E402
from tests.realworld import REALWORLD  # noqa: E402

REAL = "hongze-2023"


def make(folder: Path, docs: int, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(docs):
        rec = bench_ocr.random_record(rng, blank_rate=0.1)
        bench_ocr.render_report_pdf(bench_ocr._spec(rec), folder / f"g{seed}_{i}.pdf")
        (folder / f"g{seed}_{i}.json").write_text(json.dumps(rec, ensure_ascii=False, default=str), encoding="utf-8")
    shutil.copy(REALWORLD / "raw" / f"{REAL}.pdf", folder / f"{REAL}.pdf")
    shutil.copy(REALWORLD / "truth" / f"{REAL}.json", folder / f"{REAL}.json")
    print(f"{docs} generated reports and {REAL} in {folder}; degrade them with benchmarks/augraphy_scans.py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--make", action="store_true", help="write the sources (text PDFs and truth) into the folder")
    ap.add_argument("--docs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.make:
        make(args.folder, args.docs, args.seed)
        return
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seconds: dict[str, float] = defaultdict(float)
    for scan in sorted(args.folder.glob("*.*.pdf")):
        name, kind = scan.name.split(".")[0], scan.name.split(".")[1]
        truth_path = args.folder / f"{name}.json"
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        start = time.perf_counter()
        got = parse_file(scan)
        seconds[kind] += time.perf_counter() - start
        result = (bench_ocr._real_score if name == REAL else bench_ocr.score)(truth, got)
        for key, value in result.items():
            totals[kind][key] += value
        totals[kind]["files"] += 1
        if args.verbose:
            print(f"{scan.name:32} {result}", flush=True)
    print(f"{'set':8} {'files':>5} {'cells':>6} {'right':>7} {'wrong':>6} {'missing':>8} {'invented':>9} {'s/file':>7}")
    for kind, t in sorted(totals.items()):
        right = 100 * t["right"] / t["cells"] if t["cells"] else 0.0
        print(f"{kind:8} {t['files']:5} {t['cells']:6} {right:6.1f}% {t['wrong']:6} {t['lost']:8} {t['invented']:9} "
              f"{seconds[kind] / t['files']:7.1f}")


if __name__ == "__main__":
    main()
