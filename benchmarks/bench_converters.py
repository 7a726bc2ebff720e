"""Reports as other tools convert them: every cell right or null, whatever the converter.

Run: .venv/bin/python benchmarks/bench_converters.py --tools-python /path/to/tools/venv/bin/python
     [--generated N] [--real DIR] [--print] [--out DIR]

Agencies, crawlers and analysts run PDFs and web pages through converters before the text
reaches this parser: pdftotext (default, -raw, -layout), pdfminer, pdfplumber, markitdown,
pymupdf4llm, html2text, markdownify, BeautifulSoup's get_text. Each prints tables in its own
shapes, and every wrong number the parser ever printed on such text came from one of them.
This benchmark converts reports with each tool that is installed and scores the parser on
the output, per tool: cells right, wrong (a number that is not the truth), invented (a number
where the truth has none), missing. Wrong and invented must be 0.

The converters are not dependencies of this package (several pin their own PDF libraries):
install them in a venv of their own and pass its interpreter, e.g.
``python3 -m venv /tmp/toolenv && /tmp/toolenv/bin/pip install 'markitdown[pdf]' pymupdf4llm
pdfminer.six pdfplumber html2text markdownify beautifulsoup4``. pdftotext comes from
poppler-utils (with poppler-data, or CJK text in some PDFs does not map). A tool that is
missing is skipped and named.

- ``--generated N``: N random reports (pipeline.samples), rendered as PDFs (LibreOffice,
  Story and browser layouts in turn, where available) and as web pages; their records are
  the truth.
- ``--real DIR``: a folder with ``raw/`` and ``truth/`` as ``../shared/realworld`` has them
  (the truth in the record's shape, ``source_file`` naming the raw file); its PDFs and HTML
  pages are converted. ``--print``: each web page also exported to PDF by LibreOffice and printed
  by headless Chromium (where installed), and those PDFs converted too. Alternatives the truth allows are not applied here: a null where
  the truth has a value counts as missing, never as wrong.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from verdict import verdict  # noqa: E402  (benchmarks/verdict.py, beside this script)

from pipeline.offline import seal  # noqa: E402

seal()

TABLES = ("article20", "requests", "review_litigation")
PDF_LAYOUTS = ("pdf:libreoffice", "pdf:story", "pdf:browser")

CONVERT = r'''
import json, subprocess, sys
from pathlib import Path
jobs = json.loads(sys.argv[1])
def tool(name):
    try:
        if name == "markitdown":
            from markitdown import MarkItDown
            md = MarkItDown()
            return lambda p: md.convert(p).text_content
        if name == "pymupdf4llm":
            import pymupdf4llm
            return pymupdf4llm.to_markdown
        if name == "pdfminer":
            from pdfminer.high_level import extract_text
            return extract_text
        if name == "pdfplumber":
            import pdfplumber
            def plumb(p):
                with pdfplumber.open(p) as doc:
                    return "\n".join((pg.extract_text() or "") for pg in doc.pages)
            return plumb
        if name == "html2text":
            import html2text
            def h2t(p):
                h = html2text.HTML2Text(); h.body_width = 0
                return h.handle(Path(p).read_bytes().decode("utf-8", "replace"))
            return h2t
        if name == "markdownify":
            import markdownify
            return lambda p: markdownify.markdownify(Path(p).read_bytes().decode("utf-8", "replace"))
        if name in ("bs4-lines", "bs4-spaces"):
            from bs4 import BeautifulSoup
            sep = "\n" if name == "bs4-lines" else " "
            return lambda p: BeautifulSoup(Path(p).read_bytes().decode("utf-8", "replace"), "html.parser").get_text(sep)
        if name.startswith("pdftotext"):
            args = {"pdftotext": [], "pdftotext-raw": ["-raw"], "pdftotext-layout": ["-layout"]}[name]
            return lambda p: subprocess.run(["pdftotext", "-enc", "UTF-8", *args, p, "-"], capture_output=True,
                                            text=True, check=True).stdout
    except Exception as exc:
        print(f"SKIP {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return None
made = {}
for name, src, dst in jobs:
    if name not in made:
        made[name] = tool(name)
    if made[name] is None:
        continue
    try:
        Path(dst).write_text(made[name](src) or "", encoding="utf-8")
    except Exception as exc:
        print(f"FAIL {name} {src}: {type(exc).__name__}: {exc}", file=sys.stderr)
'''

PDF_TOOLS = ("pdftotext", "pdftotext-raw", "pdftotext-layout", "pdfminer", "pdfplumber", "markitdown", "pymupdf4llm")
HTML_TOOLS = ("html2text", "markdownify", "markitdown", "bs4-lines", "bs4-spaces")


def cells(rec: dict) -> dict[str, object]:
    return {f"{t}.{r}.{c}": v for t in TABLES for r, cols in (rec.get(t) or {}).items() for c, v in (cols or {}).items()}


def generated(n: int, out: Path) -> list[tuple[Path, dict]]:
    """N random reports as PDFs (layouts in turn) and web pages, each with its record."""
    from pipeline.samples.generate import random_record
    from pipeline.samples.layouts import LAYOUTS
    from pipeline.samples.render_html import render_html

    layouts = [name for name in PDF_LAYOUTS if LAYOUTS[name].available()]
    items = []
    for seed in range(n):
        small = seed % 2 == 1  # real reports: small numbers, many blanks, often only zeros left blank
        rec = random_record(random.Random(seed), blank_rate=0.25 if small else 0.1, large=not small,
                            blank_zeros_only=small and seed % 4 == 1)
        folder = out / f"g{seed:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if layouts:
            pdf = folder / "report.pdf"
            Path(LAYOUTS[layouts[seed % len(layouts)]].render(rec, folder, seed)).replace(pdf)
            items.append((pdf, rec))
        page = folder / "report.html"
        page.write_bytes(render_html(rec, seed=seed))
        items.append((page, rec))
    return items


def real(folder: Path, out: Path) -> list[tuple[Path, dict]]:
    """The PDFs and web pages of a real-files folder, each with its truth."""
    items = []
    for truth_file in sorted((folder / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        src = folder / "raw" / Path(truth.get("source_file") or (truth.get("source") or {}).get("path") or "").name
        if src.suffix.lower() in (".pdf", ".html", ".htm") and src.is_file():
            dst = out / truth_file.stem / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dst)
            items.append((dst, truth))
    return items


def printed(items: list[tuple[Path, dict]]) -> list[tuple[Path, dict]]:
    """Each web page also as a PDF, as agencies and readers make them: exported by LibreOffice
    and printed by headless Chromium (where installed; a page that fails to convert is skipped)."""
    out = []
    for page, truth in [(p, t) for p, t in items if p.suffix.lower() in (".html", ".htm")]:
        if shutil.which("soffice"):
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf:writer_web_pdf_Export", "--outdir",
                            str(page.parent / "lo"), str(page)], capture_output=True, timeout=180)
            pdf = page.parent / "lo" / f"{page.stem}.pdf"
            if pdf.is_file():
                out.append((pdf, truth))
        browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if browser:
            pdf = page.parent / f"{page.stem}.chromium.pdf"
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                            page.resolve().as_uri()], capture_output=True, timeout=180)
            if pdf.is_file():
                out.append((pdf, truth))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tools-python", required=True, help="the interpreter of a venv holding the converters")
    ap.add_argument("--generated", type=int, default=0)
    ap.add_argument("--real", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--print", action="store_true", help="also each web page exported and printed to PDF")
    args = ap.parse_args()
    if not args.generated and args.real is None:
        ap.error("give --generated N and/or --real DIR")
    from pipeline.parsing import parse_file

    out = args.out or Path(tempfile.mkdtemp(prefix="xxgk-converters-"))
    items = (generated(args.generated, out / "generated") if args.generated else []) + (
        real(args.real, out / "real") if args.real else [])
    if args.print:
        items += printed(items)
    jobs = []
    for src, _truth in items:
        for name in PDF_TOOLS if src.suffix.lower() == ".pdf" else HTML_TOOLS:
            jobs.append((name, str(src), str(src.parent / f"{src.stem}.{name}.txt")))
    subprocess.run([args.tools_python, "-c", CONVERT, json.dumps(jobs)], check=True)
    tally: dict[str, Counter] = {}
    for name, src, dst in jobs:
        if not Path(dst).is_file():
            continue
        truth = cells(next(t for s, t in items if str(s) == src))
        record = parse_file(Path(dst))
        got = cells(record)
        count = tally.setdefault(name, Counter())
        for key, want in truth.items():
            value = got.get(key)
            count["cells"] += 1
            amount = re.fullmatch(r"([0-9.]+)\s*(\S*元)", want) if isinstance(want, str) else None
            if amount and (record.get("units") or {}).get(key) == amount.group(2):
                want = float(amount.group(1))  # the number, its unit kept in the record's units
            judged = verdict(value, want)
            count[judged] += 1
            if judged in ("wrong", "invented"):
                print(f"{judged.upper()} {name} {dst}: {key} = {value}, truth {want}")
    print(f"\n{len(items)} documents, converted in {out}\n")
    print(f"{'tool':18} {'cells':>8} {'right':>8} {'wrong':>6} {'invented':>9} {'missing':>8}")
    for name, c in sorted(tally.items()):
        print(f"{name:18} {c['cells']:8d} {c['right'] / max(c['cells'], 1):8.1%} {c['wrong']:6d} {c['invented']:9d} "
              f"{c['lost']:8d}")
    skipped = sorted({name for name, _s, _d in jobs} - set(tally))
    if skipped:
        print("not installed (skipped): " + ", ".join(skipped))


if __name__ == "__main__":
    main()
