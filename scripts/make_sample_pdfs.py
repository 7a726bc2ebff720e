"""Render each seed report (data/raw/*.txt) as a published-looking PDF beside it (same stem, .pdf).

Why: the PDF path (reader + parser) needs PDFs whose record is known. Each PDF carries the
seed's own narrative (title, sections 一, 五, 六, signature) and the cell values the parser
reads from the seed text, laid out in the national format with merged cells and the
section-三 table broken across a page. Comparing the record parsed from the PDF with the one
parsed from the text then tests the PDF path report by report.

Usage: python scripts/make_sample_pdfs.py [--raw DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _parser():
    """``pipeline.parsing.parse_file``, or exit saying why the script cannot run without it."""
    try:
        from pipeline.parsing import parse_file
    except ImportError as exc:
        sys.exit(
            "make_sample_pdfs: pipeline.parsing.parse_file is not available "
            f"({exc}). The cell values of each sample PDF come from parsing its seed; "
            "finish or install the parser first."
        )
    return parse_file


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--raw", type=Path, default=ROOT / "data" / "raw", help="folder of seed .txt files")
    opts = args.parse_args(argv)
    parse_file = _parser()
    from pipeline.readers.text import decode_bytes
    from pipeline.samples.from_seed import spec_from_seed
    from pipeline.samples.render_pdf import render_report_pdf

    seeds = sorted(opts.raw.glob("*.txt"))
    if not seeds:
        print(f"make_sample_pdfs: no seed .txt files in {opts.raw}", file=sys.stderr)
        return 1
    failed = 0
    for seed in seeds:
        try:
            record = parse_file(seed)
            text = decode_bytes(seed.read_bytes()) or ""
            out = render_report_pdf(spec_from_seed(text, record), seed.with_suffix(".pdf"))
        except Exception as exc:  # one bad seed must not stop the others; report it and go on
            failed += 1
            print(f"FAILED {seed.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        print(f"{out.relative_to(opts.raw.parent.parent) if out.is_relative_to(ROOT) else out}  "
              f"(template {record.get('template')}, status {record.get('status')})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
