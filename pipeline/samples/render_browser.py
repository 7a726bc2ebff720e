"""Print a report's web page to PDF with headless Chromium: the PDF a browser's "Save as PDF" makes.

Why: many agencies publish the PDF of their report by printing its web page from a browser.
Chromium lays the page out its own way (tables cut by page breaks with no closing or
opening rule, borders drawn per cell or collapsed, thin rules), and by default it prints a
header and a footer on every page: the print date and time, the page title, the page's
URL and "1/3" page numbers. None of those lines belongs to the report — the print date is
not the report's date, and "2/3" is no table row — so the PDF reader is tested on a third,
independent producer with that noise around every table.

The page is ``render_html``'s (site chrome, metadata line, the three statistical tables);
``seed`` picks, besides that page's own variants (a modern ``div`` page or an old one laid
out in bordered nested tables): the browser's header and footer or none, a print
stylesheet that hides the site's chrome or none, and the tables' CSS (collapsed or separate
borders, 1 px or thin grey rules, font size). The header's date is the day of printing, in
Chromium's own format ("12/4/26, 3:06 AM"; headless Chromium ignores ``--lang`` there).
Needs Chromium; ``available()`` tells whether it is on PATH.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

from pipeline.process_group import run_in_group
from pipeline.samples.render_html import render_html

NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120.0  # seconds for one print: Chromium takes ~3 s, much longer on a loaded machine
# hides the site's chrome when printing, as many sites' print stylesheets do (div pages only)
PRINT_CSS = ("@media print{.header,.nav,.breadcrumb,.sidebar,.related,.footer,.share,.print-tools,"
             ".search{display:none}}")


def chromium() -> str | None:
    """The Chromium executable on PATH, or None."""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def available() -> bool:
    return chromium() is not None


def _table_css(rng: random.Random) -> str:
    """The tables' CSS: borders collapsed or per cell, 1 px black or thin grey, a font size."""
    collapse = rng.choice(["border-collapse:collapse", "border-collapse:separate;border-spacing:0", ""])
    border = rng.choice(["1px solid #000", "1px solid #999", "0.5pt solid #666", "thin solid black"])
    size = rng.choice([12, 14, 16])
    return f"table{{{collapse}}} td,th{{border:{border};font-size:{size}px;padding:2px}}"


def browser_html(rec: dict, seed: int) -> tuple[str, bool]:
    """The page to print, and whether to print the browser's header and footer."""
    rng = random.Random(f"browser-{seed}")
    page = render_html(rec, encoding="utf-8", seed=seed).decode("utf-8")
    css = _table_css(rng)
    if rng.random() < 0.5:
        css += PRINT_CSS
    page = page.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return page, rng.random() < 0.5


def print_to_pdf(html_file: Path, pdf: Path, *, header_footer: bool, timeout: float = TIMEOUT) -> Path:
    """``chromium --headless --print-to-pdf`` of a local page, offline, in a throw-away profile.

    Every host name fails to resolve and background networking, component updates and sync
    are off, so the browser phones nowhere; the run has its own process group, ended whole
    on time-out (Chromium leaves helper processes behind). Raises ``RuntimeError`` when
    Chromium is missing or writes no PDF.
    """
    exe = chromium()
    if exe is None:
        raise RuntimeError("Chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-chromium-") as profile:
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic", "--disable-dev-shm-usage", "--disable-extensions", "--metrics-recording-only",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
            *([] if header_footer else ["--no-pdf-header-footer"]),
            f"--print-to-pdf={pdf}", html_file.resolve().as_uri(),
        ]  # fmt: skip
        code, _, err = run_in_group(cmd, timeout, "Chromium printing the page", env={**os.environ, "TZ": "UTC"})
    if not pdf.is_file() or pdf.stat().st_size == 0:
        said = err.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"Chromium wrote no PDF (exit {code}{': ' + said[-1] if said else ''})")
    return pdf


def render_browser_pdf(rec: dict, out_dir: Path, seed: int) -> Path:
    """The record's web page printed to ``out_dir/browser_{seed}.pdf`` by Chromium (variant by ``seed``)."""
    page, header_footer = browser_html(rec, seed)
    pdf = Path(out_dir) / f"browser_{seed}.pdf"
    with tempfile.TemporaryDirectory(prefix="xxgk-page-") as tmp:
        html_file = Path(tmp) / "report.html"
        html_file.write_text(page, encoding="utf-8")
        return print_to_pdf(html_file, pdf, header_footer=header_footer)
