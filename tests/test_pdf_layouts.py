"""Round trips through the PDF layouts agencies publish: every cell of a random record read back.

Each layout renders ``random_record(rng, blank_rate=0.1)`` (consistent tables with blank
cells) as a PDF, and ``parse_file`` must give the record exactly: article 20, requests,
review and litigation, template, year, agency and publication date.

- story: PyMuPDF's Story (``render_report_pdf``), section 三 broken across pages, a running
  header (the agency, the report title, or both: text the title page also shows) and page
  numbers on every page.
- libreoffice: a Word document (``render_docx``) with a one- or two-line title, exported to
  PDF by LibreOffice, as most published reports are. One LibreOffice run converts them all.
- drawn: a PDF whose content stream holds the table text in random order, with vertical
  row-group labels, wrapped headers and numbers, tight cells, header rows repeated or cut
  by the page, and varied page numbers (``render_pdf_drawn``).

Fixed seeds, not drawn ones: a failure names its seed and reproduces.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from system import missing

from pipeline.parsing import parse_file
from pipeline.samples.generate import random_record
from pipeline.samples.render_docx import render_docx
from pipeline.samples.render_html import report_spec
from pipeline.samples.render_libreoffice import available
from pipeline.samples.render_pdf import render_report_pdf
from pipeline.samples.render_pdf_drawn import options, render_drawn_pdf

sys.modules.setdefault("pymupdf.layout", None)

FIELDS = ("article20", "requests", "review_litigation", "template", "year", "agency", "published_on")
STORY_SEEDS = range(1000, 1040)
LIBREOFFICE_SEEDS = range(2000, 2016)
DRAWN_SEEDS = [*range(3000, 3080), 5028, 5204]  # 5028, 5204: signature atop a page of its own


def _assert_truth(path: Path, rec: dict) -> None:
    got = parse_file(path)
    assert got["source"]["format"] == "pdf"
    for field in FIELDS:
        assert got[field] == rec[field], field


@pytest.mark.parametrize("seed", STORY_SEEDS)
def test_story_pdf_with_running_header_and_page_numbers(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    rec = random_record(rng, blank_rate=0.1)
    title = f"{rec['year']}年度政府信息公开工作年度报告"
    header = rng.choice([rec["agency"], title, rec["agency"] + title])
    pdf = render_report_pdf(report_spec(rec), tmp_path / "r.pdf", running_header=header, page_numbers=True)
    _assert_truth(pdf, rec)


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[dict, Path]]:
    """Every seed's record and its PDF, two-line titles on odd seeds; one LibreOffice run."""
    if not available():
        pytest.skip(missing("LibreOffice (soffice)"))
    from pipeline.readers.docx import soffice

    root = tmp_path_factory.mktemp("lo")
    recs, sources = {}, []
    for seed in LIBREOFFICE_SEEDS:
        recs[seed] = random_record(random.Random(seed), blank_rate=0.1)
        sources.append(render_docx(recs[seed], root / "docx" / f"{seed}.docx", one_line_title=seed % 2 == 0))
    profile = (root / "profile").as_uri()
    subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                    "--nodefault", "--convert-to", "pdf", "--outdir", str(root / "pdf"), *map(str, sources)],
                   capture_output=True, timeout=300, check=False)
    return {seed: (rec, root / "pdf" / f"{seed}.pdf") for seed, rec in recs.items()}


@pytest.mark.slow  # runs LibreOffice: full suite only
@pytest.mark.parametrize("seed", LIBREOFFICE_SEEDS)
def test_libreoffice_pdf_with_one_and_two_line_titles(libreoffice_pdfs: dict, seed: int) -> None:
    rec, pdf = libreoffice_pdfs[seed]
    assert pdf.is_file(), "LibreOffice did not convert it"
    _assert_truth(pdf, rec)


@pytest.mark.parametrize("seed", DRAWN_SEEDS)
def test_pdf_with_table_text_out_of_reading_order(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    rec = random_record(rng, blank_rate=0.1)
    _assert_truth(render_drawn_pdf(rec, tmp_path / "r.pdf", rng), rec)


def test_drawn_pdf_really_stores_table_text_out_of_order(tmp_path: Path) -> None:
    """The layout tests something: MuPDF's own text order jumbles the table's rows."""
    import pymupdf

    rng = random.Random(1)
    rec = random_record(rng, template="2021", blank_rate=0.1)
    opts = options(rng, rec)
    opts.break_before = None
    pdf = render_drawn_pdf(rec, tmp_path / "r.pdf", rng, opts)
    with pymupdf.open(pdf) as doc:
        text = "".join(page.get_text() for page in doc)
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "四、结转下年度继续办理"]
    at = [text.index(r) for r in rows]
    assert at != sorted(at)


@pytest.mark.parametrize("repeat_header", [False, True])
@pytest.mark.parametrize("break_before", [None, 2, 3, 4, 5, 12, 20])
def test_drawn_requests_grid_is_the_word_grid_wherever_the_page_breaks(tmp_path: Path, break_before: int | None,
                                                                       repeat_header: bool) -> None:
    """Joined across the page, the section-三 grid is the grid Word stores, cell for cell.

    Breaks: inside the header (2), the header alone at the page foot (3), after the first
    body rows (4, 5), inside the outcome group (12, 20); with and without the header
    repeated on the next page. Merged cells continued on the next page read as covered
    positions (None); blank value cells stay "" wherever they fall.
    """
    import dataclasses

    from pipeline.readers.docx import read_docx
    from pipeline.readers.pdf import read_pdf
    from pipeline.samples.requests_table import BALANCE_NOTE

    rec = random_record(random.Random(7), template="2021", blank_rate=0.2)
    opts = dataclasses.replace(options(random.Random(1), rec), break_before=break_before, repeat_header=repeat_header)
    pdf = render_drawn_pdf(rec, tmp_path / "r.pdf", random.Random(2), opts)
    word = read_docx(render_docx(rec, tmp_path / "r.docx"), "x")

    def grids(doc) -> list[list]:
        return [g.rows for g in doc.tables if g.rows[0][0] in (BALANCE_NOTE, "行政复议")]

    assert grids(read_pdf(pdf, "x")) == grids(word)
