"""OCR reader per kind of scan damage: cells right, wrong, missing, and seconds per page.

Run: .venv/bin/python benchmarks/bench_ocr.py [--docs N] [--only NAME ...] [--exact] [--dpi N ...] [--verbose]
     [--workers W]

Generated rows: random records (``random_record``: large numbers, 10 % blank cells) rendered
as text PDFs, rasterised into image-only PDFs with one kind of damage each
(``render_scan.Damage``: dpi, skew, thin light-grey or broken rules, no outer border, no
vertical rules, rows shaded grey, blur, uneven light, JPEG, pages turned 90/180/270°, a red
seal over the signature) and read back through ``parse_file``; "table split, header
repeated" renders the report with the section-三 table's header rows printed again after
its page break; "tight serif rows" renders it as the real WPS report sets its tables
(``render_report_pdf(tight_rows=True)``: numbers in a serif face at 14 pt in rows hardly taller
than their digits, hairline rules), from records of small numbers as that report has
(``random_record(large=False)``, drawn after the others), so nearly every number keeps its
full size. Two rows are not whole scans: "mixed text/scan" keeps the text layer of page 1
and scans the table pages (``render_mixed_pdf``), "garbage text layer" drops the Unicode map
of every glyph (``render_unmapped.unmap_fonts``), so each page must be OCR'd page by page.
Real-content rows: the real WPS-made report in ``tests/data/realworld/raw/hongze-2023.pdf``
rasterised the same way and judged against its truth with the project's judging rules
(``tests/realworld.py``).

Columns: cells right (a blank read as null counts as right), **wrong** (a value that is not
the truth: must be 0 in every row), missing (a value read as null: OCR left it blank, or
did not see it), invented (a blank read as a value), and seconds per page, wall clock and
CPU of this process (on a shared machine CPU time is the steadier measure). The OCR engine
loads once, before the rows (its time is printed apart). The last column is the process's
peak resident memory so far (MB): run one row per process to read one row's peak.

``--workers W`` reads each row's scans through the pipeline's worker pool instead
(``parse_many``: W processes, each with its share of the cores for OCR, as ``xxgk run``
reads a folder): s/page is then the row's wall time over its pages, the throughput of a
corpus run, and cpu s/p the CPU of the workers (``RUSAGE_CHILDREN``, counted when each
pool ends). Give it at least W documents per row (``--docs``), or the workers idle.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verdict import verdict  # noqa: E402  (benchmarks/verdict.py, beside this script)

from pipeline.offline import seal  # noqa: E402

seal()  # no telemetry look-ups, no PyMuPDF layout model / pymupdf4llm (see pipeline.offline)

import pymupdf  # noqa: E402

from pipeline.parsing import parse_file  # noqa: E402
from pipeline.readers import ocr  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_pdf import render_report_pdf  # noqa: E402
from pipeline.samples.render_scan import Damage, render_image_pdf, render_mixed_pdf  # noqa: E402
from pipeline.samples.render_unmapped import unmap_fonts  # noqa: E402
from tests.realworld import REALWORLD, compare  # noqa: E402
from tests.test_pdf_records import _spec  # noqa: E402

TABLES = ("article20", "requests", "review_litigation")
MIXED = "mixed text/scan (p2+ scanned)"
GARBAGE = "garbage text layer (no ToUnicode)"
REAL = "hongze-2023"
REPEATED = "table split, header repeated"
TIGHT = "tight serif rows"

# (name, scan dpi, damage, generated or real)
ROWS: list[tuple[str, int, Damage, bool]] = [
    ("clean", 200, Damage(), False),
    ("clean", 150, Damage(), False),
    ("clean", 300, Damage(), False),
    ("skew 2°", 200, Damage(skew=2.0), False),
    ("skew -3°", 150, Damage(skew=-3.0), False),
    ("thin grey rules", 200, Damage(grey_rules=200), False),
    ("grey broken rules", 150, Damage(grey_rules=190, broken_rules=True), False),
    ("no outer border", 200, Damage(no_border=True), False),
    ("no vertical rules", 200, Damage(no_verticals=True), False),
    ("no vertical rules", 150, Damage(no_verticals=True), False),
    ("no vertical rules skew 2°", 200, Damage(no_verticals=True, skew=2.0), False),
    ("cells shaded grey", 200, Damage(shade=215), False),
    ("dark scanner edges skew 1°", 200, Damage(skew=1.0, dark_edges=True), False),
    ("grey-lit sheet in white margins skew 1°", 200, Damage(skew=1.0, grey_page=150), False),
    (REPEATED, 200, Damage(), False),
    (TIGHT, 200, Damage(), False),
    (TIGHT, 150, Damage(), False),
    (f"{TIGHT} skew 2°", 200, Damage(skew=2.0), False),
    ("blur 1 px", 200, Damage(blur=1.0), False),
    ("uneven light 35%", 200, Damage(light=0.35), False),
    ("JPEG q40", 200, Damage(jpeg=40), False),
    ("skew 1.5° + JPEG q50", 150, Damage(skew=1.5, jpeg=50), False),
    ("turned 90°", 200, Damage(rotate=90), False),
    ("turned 180°", 200, Damage(rotate=180), False),
    ("turned 270°", 150, Damage(rotate=270), False),
    ("red seal over signature", 200, Damage(seal=True), False),
    (MIXED, 150, Damage(), False),
    (GARBAGE, 150, Damage(), False),
    ("real content", 200, Damage(), True),
    ("real content", 150, Damage(), True),
    ("real content skew 2°", 200, Damage(skew=2.0), True),
    ("real content JPEG q50", 200, Damage(jpeg=50), True),
    ("real content skew -1.5° + JPEG q50", 150, Damage(skew=-1.5, jpeg=50), True),
    ("real content dark edges skew 1°", 200, Damage(skew=1.0, dark_edges=True), True),
    ("real content grey-lit sheet skew 1°", 200, Damage(skew=1.0, grey_page=170), True),
]


def score(truth: dict, got: dict) -> dict[str, int]:
    """Cells of the three tables: right, lost (read null), wrong, invented (a blank read as a value)."""
    out = {"cells": 0, "right": 0, "lost": 0, "wrong": 0, "invented": 0}
    for table in TABLES:
        for row, cols in truth[table].items():
            for col, want in cols.items():
                out["cells"] += 1
                out[verdict(got[table].get(row, {}).get(col), want)] += 1
    return out


def _real_score(truth: dict, got: dict) -> dict[str, int]:
    s = compare(got, truth)
    return {"cells": s.cells, "right": s.cells_right, "lost": len(s.missing), "wrong": len(s.wrong),
            "invented": len(s.invented)}


def _make(name: str, src: Path, out: Path, dpi: int, damage: Damage, rec: dict | None = None) -> Path:
    """The row's input made from the text PDF ``src``: a damaged scan, a mixed or a garbage-text PDF
    (``REPEATED``: the report of ``rec`` rendered anew, its header rows repeated after the table's page break;
    ``TIGHT``: rendered anew with tight serif rows)."""
    if name == MIXED:
        with pymupdf.open(src) as doc:
            return render_mixed_pdf(src, out, scanned=set(range(2, doc.page_count + 1)), dpi=dpi)
    if name == GARBAGE:
        return unmap_fonts(src, out)
    if name == REPEATED and rec is not None:
        src = render_report_pdf(_spec(rec), out.with_suffix(".text.pdf"), repeat_header=True)
    if name.startswith(TIGHT) and rec is not None:
        src = render_report_pdf(_spec(rec), out.with_suffix(".text.pdf"), tight_rows=True)
    return render_image_pdf(src, out, dpi=dpi, damage=damage)


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes (the pool's workers, once reaped)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _parsed(scans: list[tuple[dict, Path]], workers: int):
    """(truth, record) of each scan: parsed here, or by ``workers`` processes of the pipeline's pool."""
    if workers <= 0:
        for truth, scan in scans:
            yield truth, parse_file(scan)
        return
    from pipeline.ingest.isolate import ParseTask, parse_many
    from pipeline.ingest.limits import Limits
    from pipeline.readers import sha256_file

    truths = {str(scan): truth for truth, scan in scans}
    tasks = [ParseTask(sha256_file(scan), str(scan), None) for _, scan in scans]
    for task, record in parse_many(tasks, Limits(timeout_seconds=0), workers=workers):
        yield truths[task.path], record


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2, help="generated reports per row")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--only", nargs="*", help="rows whose name contains one of these")
    ap.add_argument("--exact", action="store_true", help="--only names whole rows, not parts of names")
    ap.add_argument("--dpi", type=int, nargs="*", help="rows at one of these scan resolutions only")
    ap.add_argument("--verbose", action="store_true", help="print every cell that is wrong")
    ap.add_argument("--workers", type=int, default=0,
                    help="read each row's scans in this many worker processes (the pipeline's pool), 0: in this process")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    recs = [random_record(rng, blank_rate=0.1) for _ in range(args.docs)]
    small = [random_record(rng, blank_rate=0.1, large=False) for _ in range(args.docs)]
    real_pdf = REALWORLD / "raw" / f"{REAL}.pdf"
    real_truth = json.loads((REALWORLD / "truth" / f"{REAL}.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    ocr.engine()
    print(f"engine loaded in {time.perf_counter() - t0:.2f} s; {args.docs} generated reports per row, seed {args.seed}")
    print(f"{'damage':<36} {'dpi':>4} {'pages':>5} {'s/page':>7} {'cpu s/p':>8} {'cells':>6} {'right':>7} "
          f"{'wrong':>6} {'missing':>8} {'invented':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        texts = [render_report_pdf(_spec(rec), Path(tmp) / f"t{i}.pdf") for i, rec in enumerate(recs)]
        for k, (name, dpi, damage, real) in enumerate(ROWS):
            if args.only and not any(o == name if args.exact else o in name for o in args.only):
                continue
            if args.dpi and dpi not in args.dpi:
                continue
            if real:
                pairs = [(real_truth, real_pdf)]
            elif name.startswith(TIGHT):
                pairs = list(zip(small, texts, strict=True))  # (_make renders each of them anew)
            else:
                pairs = list(zip(recs, texts, strict=True))
            scans = [(truth, _make(name, src, Path(tmp) / f"s{k}_{i}.pdf", dpi, damage, None if real else truth))
                     for i, (truth, src) in enumerate(pairs)]
            pages = sum(pymupdf.open(s).page_count for _, s in scans)
            total = {"cells": 0, "right": 0, "lost": 0, "wrong": 0, "invented": 0}
            t0, c0 = time.perf_counter(), time.process_time()
            c0 += _children_cpu()
            for truth, got in _parsed(scans, args.workers):
                for key, v in (_real_score if real else score)(truth, got).items():
                    total[key] += v
                if args.verbose and not real:
                    for table in TABLES:
                        for row, cols in truth[table].items():
                            for col, want in cols.items():
                                have = got[table].get(row, {}).get(col)
                                if have is not None and have != want:
                                    print(f"    {table}.{row}.{col}: truth {want} read {have}")
            dt, cpu = time.perf_counter() - t0, time.process_time() + _children_cpu() - c0
            print(f"{name:<36} {dpi:>4} {pages:>5} {dt / pages:>7.2f} {cpu / pages:>8.2f} {total['cells']:>6} "
                  f"{total['right'] / total['cells']:>7.1%} {total['wrong']:>6} {total['lost']:>8} {total['invented']:>9} "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>8.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
