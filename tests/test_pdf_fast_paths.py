"""The PDF reader's fast paths give exactly what the slow, glyph-by-glyph paths give.

``pipeline.readers.pdf_page`` routes a text line span by span when every span lies in one
cell, and fetches one line's glyphs alone (``_glyph_line``) when a span crosses a rule;
``pdf_lattice.vector_rules`` takes the rules MuPDF collects with the text instead of a
second pass over the page (``get_cdrawings``). Each shortcut is only allowed because it
changes nothing: here every page of many generated layouts (Story, drawn with shuffled
content and labels wider than their cells, LibreOffice) and the sample PDFs is read both
ways and compared whole (page text, grids, warnings).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)
import pymupdf  # noqa: E402

from pipeline.readers import pdf_page  # noqa: E402
from pipeline.readers.pdf import read_pdf  # noqa: E402
from pipeline.readers.pdf_lattice import cells_of_rules, lattice_cells, vector_rules  # noqa: E402
from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.layouts import LAYOUTS  # noqa: E402
from pipeline.samples.render_pdf_drawn import render_drawn_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("fast")
    rng = random.Random(20261124)
    out = sorted((ROOT / "data" / "raw").glob("*.pdf"))
    out += [LAYOUTS["pdf:story"].render(random_record(rng, blank_rate=0.2), tmp, i) for i in range(4)]
    out += [render_drawn_pdf(random_record(rng, blank_rate=0.2), tmp / f"drawn_{i}.pdf", random.Random(i)) for i in range(12)]
    if LAYOUTS["pdf:libreoffice"].available():
        out += [LAYOUTS["pdf:libreoffice"].render(random_record(rng), tmp, 100 + i) for i in range(2)]
    return out


def _read(path: Path) -> tuple:
    doc = read_pdf(path, "0" * 64)
    return [p.text for p in doc.pages], [(t.page, t.rows) for t in doc.tables], doc.warnings


def test_span_routing_equals_glyph_routing(pdfs: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [_read(p) for p in pdfs]
    calls = {"glyph_line": 0}
    real = pdf_page._glyph_line

    def counting(textpage: pymupdf.TextPage, line: dict) -> dict | None:
        calls["glyph_line"] += 1
        return real(textpage, line)

    monkeypatch.setattr(pdf_page, "_glyph_line", counting)
    fast_counted = [_read(p) for p in pdfs]
    assert fast_counted == fast
    assert calls["glyph_line"] > 0  # some labels are wider than their cells: the glyph path was taken

    monkeypatch.setattr(pdf_page, "_read_spans", lambda line, content, placed, counted: False)  # every line glyph by glyph
    monkeypatch.setattr(pdf_page, "_glyph_line", lambda textpage, line: None)  # from the whole page's rawdict
    slow = [_read(p) for p in pdfs]
    for path, a, b in zip(pdfs, fast, slow, strict=True):
        assert a == b, path.name


def test_one_line_of_glyphs_is_the_pages_rawdict_line(pdfs: list[Path]) -> None:
    compared = 0
    for path in pdfs[:8]:
        for page in pymupdf.open(path):
            textpage = page.get_textpage(flags=pdf_page.TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS)
            lines = [line for b in textpage.extractDICT()["blocks"] for line in b.get("lines", ())]
            whole = [line for b in textpage.extractRAWDICT()["blocks"] for line in b.get("lines", ())]
            for line, raw in list(zip(lines, whole, strict=True))[::7]:
                assert pdf_page._glyph_line(textpage, line) == raw
                compared += 1
            # the text page is whole again afterwards
            assert [line for b in textpage.extractRAWDICT()["blocks"] for line in b.get("lines", ())] == whole
    assert compared > 100


def test_rules_collected_with_the_text_give_the_cells_of_the_drawings(pdfs: list[Path]) -> None:
    sure = 0
    for path in pdfs:
        for page in pymupdf.open(path):
            textpage = page.get_textpage(flags=pdf_page.TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS)
            rules = vector_rules(textpage.extractDICT()["blocks"])
            if rules[0] is None:  # a polyline or a curve: the page is read from get_cdrawings
                continue
            sure += 1
            fast = cells_of_rules(*rules)
            slow = lattice_cells(page.get_cdrawings())
            assert slow is not None
            assert [len(t) for t in fast] == [len(t) for t in slow], (path.name, page.number)
            for a, b in zip(fast, slow, strict=True):
                for ca, cb in zip(sorted(a), sorted(b), strict=True):
                    assert max(abs(u - v) for u, v in zip(ca, cb, strict=True)) < 0.01, (path.name, page.number, ca, cb)
    assert sure >= 20


def test_unsure_vectors_are_left_to_the_drawings() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    shape = page.new_shape()
    shape.draw_polyline([(50, 50), (200, 50), (200, 200)])  # one path of two rules: no rectangle
    shape.finish(width=0.5)
    shape.draw_bezier((50, 300), (100, 250), (150, 350), (200, 300))
    shape.finish(width=0.5)
    shape.commit()
    textpage = page.get_textpage(flags=pdf_page.TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS)
    assert vector_rules(textpage.extractDICT()["blocks"]) == (None, None)
    stroked_frame = [{"type": 3, "bbox": (99, 199, 301, 301), "stroked": True, "isrect": True}]
    assert vector_rules(stroked_frame) == (None, None)  # where its sides lie depends on the line width
    lines = [{"type": 3, "bbox": (49.5, 49.5, 200.5, 50.5), "stroked": True, "isrect": True},
             {"type": 3, "bbox": (49, 59, 51, 201), "stroked": True, "isrect": True},
             {"type": 3, "bbox": (100, 320, 300, 320.6), "stroked": False, "isrect": True}]
    assert vector_rules(lines) == ([(50.0, 49.5, 200.5), (320.3, 100, 300)], [(50.0, 59, 201)])


def test_pages_after_unsure_vectors_read_from_the_drawings_alone(pdfs: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a page whose vectors cannot give its rules, ``read_pdf`` reads the document's later
    pages without collecting vectors (straight from ``get_cdrawings``): the same documents."""
    from pipeline.readers import pdf as pdf_reader

    real = pdf_reader.read_page
    without = {"pages": 0}

    def counting(page: pymupdf.Page, vectors: bool = True) -> pdf_page.PageContent:
        without["pages"] += not vectors
        return real(page, vectors)

    monkeypatch.setattr(pdf_reader, "read_page", counting)
    memo = [_read(p) for p in pdfs]
    assert without["pages"] >= 10  # the drawn layout's polylines: the shortcut was taken
    monkeypatch.setattr(pdf_reader, "read_page", lambda page, vectors=True: real(page, True))
    every_page = [_read(p) for p in pdfs]
    for path, a, b in zip(pdfs, memo, every_page, strict=True):
        assert a == b, path.name
