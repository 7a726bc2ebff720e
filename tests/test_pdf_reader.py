"""The PDF reader on PDFs rendered from a known spec: every cell read back in its place.

Each cell gets a distinct number, so a value read into the wrong row or column fails; some
cells are left blank, which must read as "" (a blank cell), never as None (a position under
a merged cell) and never as 0.
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest

sys.modules.setdefault("pymupdf.layout", None)

import pymupdf  # noqa: E402

from pipeline.document import Document, TableGrid, UnreadableFile  # noqa: E402
from pipeline.readers.pdf import read_pdf  # noqa: E402
from pipeline.samples.render_pdf import render_report_pdf  # noqa: E402
from pipeline.samples.requests_table import BALANCE_NOTE  # noqa: E402
from pipeline.samples.spec import ReportSpec, zero_tables  # noqa: E402
from pipeline.template import REQUEST_COLUMNS, REVIEW_GROUPS, REVIEW_RESULTS, rows  # noqa: E402

RUNNING_HEADER = "测试县2024年政府信息公开工作年度报告"
REQUEST_ROWS = rows("requests", "2021")


def _spec() -> ReportSpec:
    tables = zero_tables("2021")
    for i, row in enumerate(REQUEST_ROWS):
        for j, col in enumerate(REQUEST_COLUMNS):
            tables["requests"][row][col] = 12345 + 100 * i + j
    tables["requests"]["carried_over"]["natural_person"] = None
    tables["requests"]["denied_query_matter"]["total"] = None
    for k, group in enumerate(REVIEW_GROUPS):
        for m, col in enumerate(REVIEW_RESULTS):
            tables["review_litigation"][group][col] = None if group == "review" else 9000 + 10 * k + m
    tables["article20"]["regulations"] = {"issued": 11, "repealed": 12, "in_force": 13}
    tables["article20"]["normative_documents"] = {"issued": 21, "repealed": None, "in_force": 23}
    tables["article20"]["administrative_licensing"] = {"decisions": 31}
    tables["article20"]["administrative_fees"] = {"amount_10k_yuan": 12.5}
    para = "本机关坚持以公开为常态、不公开为例外，持续完善政府信息公开工作机制，及时回应社会关切。" * 3
    return ReportSpec(
        title_lines=["测试县", "2024年政府信息公开工作年度报告"],
        section1=["（一）主动公开方面。", *[para] * 6],  # section 二 whole on page 1, section 三 split 2 | 3
        section5=[para] * 3,
        section6=["本年度未收取信息处理费。"],
        signature_agency="测试县人民政府",
        signature_date="2025年1月15日",
        **tables,
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    return render_report_pdf(_spec(), out, running_header=RUNNING_HEADER)


@pytest.fixture(scope="module")
def doc(sample: Path) -> Document:
    return read_pdf(sample, "sha")


def _grid(grids: list[TableGrid], first_cell: str) -> TableGrid:
    return next(g for g in grids if g.rows[0][0] == first_cell)


def _cell(value: int | float | None) -> str:
    return "" if value is None else str(value)


def test_requests_grid_has_merged_header_cells(doc: Document) -> None:
    grid = _grid(doc.tables, BALANCE_NOTE)
    assert grid.rows[0] == [BALANCE_NOTE, None, None, "申请人情况", None, None, None, None, None, None]
    assert grid.rows[1] == [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"]
    assert grid.rows[2] == [None, None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", None]


def test_requests_grid_holds_every_value_in_place(doc: Document) -> None:
    spec = _spec()
    grid = _grid(doc.tables, BALANCE_NOTE)
    assert len(grid.rows) == 3 + len(REQUEST_ROWS)
    for i, row in enumerate(REQUEST_ROWS):
        expected = [_cell(spec.requests[row][col]) for col in REQUEST_COLUMNS]
        assert grid.rows[3 + i][3:] == expected, row
    assert grid.rows[3 + REQUEST_ROWS.index("carried_over")][3] == ""  # blank cell: "", not None, not "0"
    assert grid.rows[3 + REQUEST_ROWS.index("denied_query_matter")][9] == ""


def test_requests_grid_row_labels_and_merged_groups(doc: Document) -> None:
    grid = _grid(doc.tables, BALANCE_NOTE)
    labels = {row: grid.rows[3 + i][:3] for i, row in enumerate(REQUEST_ROWS)}
    assert labels["new_received"] == ["一、本年新收政府信息公开申请数量", None, None]
    assert labels["granted"] == ["三、本年度办理结果", "（一）予以公开", None]
    assert labels["denied_state_secret"] == [None, "（三）不予公开", "1．属于国家秘密"]
    assert labels["denied_law_prohibited"] == [None, None, "2．其他法律行政法规禁止公开"]
    assert labels["unavailable_not_held"][2] == "1．本机关不掌握相关政府信息"
    assert labels["other_overdue_fee"][2] == "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert labels["total_processed"] == [None, "（七）总计", None]
    assert labels["carried_forward"] == ["四、结转下年度继续办理", None, None]
    # 三、本年度办理结果 spans every outcome row, across the page break too: the box that
    # continues it on the next page is part of the merged cell (None), not a blank cell.
    outcome_rows = REQUEST_ROWS[REQUEST_ROWS.index("granted") + 1 : REQUEST_ROWS.index("carried_forward")]
    assert all(labels[row][0] is None for row in outcome_rows)


def test_requests_table_is_split_across_pages_and_returned_in_page_order(sample: Path, doc: Document) -> None:
    merged = _grid(doc.tables, BALANCE_NOTE)
    parts = [g for g in read_pdf(sample, "sha", merge_continued=False).tables if len(g.rows[0]) == 10]
    assert len(parts) == 2
    first, second = parts
    assert second.page == first.page + 1 == merged.page + 1
    assert first.rows[0][0] == BALANCE_NOTE
    assert second.rows[-1][0] == "四、结转下年度继续办理"
    assert len(first.rows) + len(second.rows) == len(merged.rows)
    assert first.rows == merged.rows[: len(first.rows)]
    assert second.rows[0][0] == ""  # on its own page the continued group label is an empty box
    assert second.rows[1:] == merged.rows[len(first.rows) + 1 :]
    texts = {p.number: p.text for p in doc.pages}
    assert "申请人情况" in texts[first.page] and "四、结转下年度继续办理" in texts[second.page]


def test_review_grid_has_blank_review_cells(doc: Document) -> None:
    grid = _grid(doc.tables, "行政复议")
    assert len(grid.rows) == 4 and len(grid.rows[0]) == 15
    assert grid.rows[0] == ["行政复议", None, None, None, None, "行政诉讼", *[None] * 9]
    assert grid.rows[1][5] == "未经复议直接起诉" and grid.rows[1][10] == "复议后起诉"
    assert grid.rows[1][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert grid.rows[2][:5] == [None] * 5  # covered by the two-row result labels
    assert grid.rows[3] == [""] * 5 + [str(9000 + 10 * k + m) for k in (1, 2) for m in range(5)]


def test_article20_grids(doc: Document) -> None:
    first = _grid(doc.tables, "第二十条第（一）项")
    assert first.rows == [
        ["第二十条第（一）项", None, None, None],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "11", "12", "13"],
        ["行政规范性文件", "21", "", "23"],
    ]
    assert _grid(doc.tables, "第二十条第（五）项").rows[2] == ["行政许可", "31"]
    assert _grid(doc.tables, "第二十条第（八）项").rows[1:] == [
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "12.5"],
    ]


def test_page_text_keeps_blank_cells_in_place_and_narrative_in_order(doc: Document) -> None:
    text = doc.text
    assert "二、上年结转政府信息公开申请数量\t\t12446\t12447\t12448\t12449\t12450\t12451\n" in text
    assert "\t\t\t\t\t9010\t9011\t9012\t9013\t9014" in text
    order = [text.index(h) for h in ("一、总体情况", "二、主动公开", "三、收到和处理", "四、政府信息公开行政复议", "五、存在", "六、其他")]
    assert order == sorted(order)
    assert text.rstrip().endswith("测试县人民政府\n2025年1月15日")


def test_running_header_and_page_numbers_are_removed(sample: Path, doc: Document) -> None:
    with pymupdf.open(sample) as raw:
        assert len(doc.pages) == raw.page_count >= 3
        raw_texts = [page.get_text() for page in raw]
    assert all(RUNNING_HEADER in t and re.search(r"^- \d+ -$", t, re.M) for t in raw_texts)  # in the PDF...
    for page in doc.pages:  # ...and not in the document
        assert RUNNING_HEADER not in page.text
        assert not re.search(r"^-\s*\d+\s*-$", page.text, re.M)
    assert doc.format == "pdf" and doc.sha256 == "sha" and doc.warnings == []


def test_encrypted_pdf_is_unreadable(sample: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(sample) as pdf:
        pdf.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(UnreadableFile, match="encrypted PDF, a password is required"):
        read_pdf(locked, "sha")


def test_random_bytes_are_unreadable(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(UnreadableFile, match="broken PDF"):
        read_pdf(junk, "sha")


def test_truncated_pdf_is_unreadable(sample: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(sample.read_bytes()[:2000])
    with pytest.raises(UnreadableFile, match="broken PDF"):
        read_pdf(cut, "sha")


@pytest.mark.slow  # over 10 s: the full suite (.ci/run) runs it, the default one does not
def test_image_only_pdf_without_text_is_unreadable(tmp_path: Path) -> None:
    # No text layer: the page image goes to OCR (tests/test_ocr.py), which finds no text here.
    scan = tmp_path / "scan.pdf"
    with pymupdf.open() as out:
        page = out.new_page()
        blank = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 300, 420), False)
        blank.clear_with(255)
        page.insert_image(page.rect, pixmap=blank)
        out.save(scan)
    with pytest.raises(UnreadableFile, match="image with no text"):
        read_pdf(scan, "sha")


def test_page_limit(sample: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"3 pages, more than the limit of 2 pages \(XXGK_MAX_PAGES\)"):
        read_pdf(sample, "sha", max_pages=2)


def test_pdf_reader_is_used_for_pdfs(sample: Path) -> None:
    from pipeline.readers import read

    doc = read(sample)
    assert doc.format == "pdf" and any(g.rows[0][0] == BALANCE_NOTE for g in doc.tables)
    assert os.path.getsize(sample) < 200_000  # the CJK font is subset, not embedded whole


def test_table_broken_after_two_rows_is_joined_on_the_finer_rules(tmp_path: Path) -> None:
    # With a short section 一 only the header and two rows fit: that first part has no rules
    # between its three label columns (every label there spans them), the second part has.
    spec = _spec()
    spec.section1 = spec.section1[:4]
    doc = read_pdf(render_report_pdf(spec, tmp_path / "short.pdf"), "sha")
    parts = [g for g in read_pdf(tmp_path / "short.pdf", "sha", merge_continued=False).tables if g.rows[0][0] == BALANCE_NOTE]
    assert len(parts[0].rows[0]) == 8  # 3 label columns without rules between them + 7 values
    grid = _grid(doc.tables, BALANCE_NOTE)
    assert len(grid.rows) == 3 + len(REQUEST_ROWS) and {len(r) for r in grid.rows} == {10}
    assert grid.rows[4] == ["二、上年结转政府信息公开申请数量", None, None, "", "12446", "12447", "12448", "12449", "12450", "12451"]
    assert grid.rows[5][:4] == ["三、本年度办理结果", "（一）予以公开", None, "12545"]


def test_spec_from_seed_takes_narrative_and_signature() -> None:
    from pipeline.samples.from_seed import spec_from_seed

    seed = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_4b54b01332ed13f8.txt"
    spec = spec_from_seed(seed.read_text(encoding="utf-8"), {"template": "2021", "requests": {"new_received": {"total": 7}}})
    assert spec.title_lines == ["米易县丙谷镇", "2024年度政府信息公开工作年度报告"]
    assert spec.section1[0] == "（一）主动公开方面。" and spec.section1[1].endswith("保障公众的知情权、参与权、监督权。")
    assert spec.section5[0] == "2024年，我镇政府信息公开工作存在的主要问题如下："
    assert spec.section6 == ["本年度未收取信息处理费，且无其他需要报告的事项。"]
    assert (spec.signature_agency, spec.signature_date) == ("米易县丙谷镇人民政府", "2025年1月15日")
    assert spec.cell("requests", "new_received", "total") == 7 and spec.cell("requests", "new_received", "commercial") is None


def test_margin_lines_page_numbers_versus_cell_values() -> None:
    from pipeline.readers.pdf_margins import drop_running_lines
    from pipeline.readers.pdf_page import Line, PageContent

    def page(number: int, *lines: tuple[str, float, float]) -> PageContent:
        content = PageContent(number, 842.0)
        content.flow = [Line(text, pymupdf.Rect(x, y, x + 20, y + 10)) for text, x, y in lines]
        return content

    pages = [
        page(1, ("报告正文", 72, 100), ("0", 300, 780), ("0", 340, 780), ("第 1 页", 280, 810)),
        page(2, ("报告正文", 72, 100), ("2", 290, 805)),
        page(3, ("某县人民政府办公室", 72, 40), ("报告正文", 72, 100), ("- 3 -", 280, 805)),
        page(4, ("某县人民政府办公室", 72, 40), ("报告正文", 72, 100), ("12", 72, 790), ("0", 72, 805)),
    ]
    drop_running_lines(pages)
    kept = [[line.text for line in p.lines] for p in pages]
    # cells "0" side by side, a number with a line below it, and a lone "0" on page 4 (no
    # page 0) are values; "2" alone on page 2 agrees with 第 1 页 and - 3 -: a page number.
    assert kept == [["报告正文", "0", "0"], ["报告正文"], ["报告正文"], ["报告正文", "12", "0"]]


def test_running_lines_need_the_same_band_and_place_on_most_pages() -> None:
    from pipeline.readers.pdf_margins import drop_running_lines
    from pipeline.readers.pdf_page import Line, PageContent

    def page(number: int, *lines: tuple[str, float, float]) -> PageContent:
        content = PageContent(number, 842.0, width=595.0)
        content.flow = [Line(text, pymupdf.Rect(x, y, x + 120, y + 12)) for text, x, y in lines]
        return content

    def kept(pages: list[PageContent]) -> list[list[str]]:
        drop_running_lines(pages)
        return [[x.text for x in p.lines] for p in pages]

    title, agency, body = "2024年度政府信息公开工作年度报告", "测试县人民政府", "正文"
    # two pages: the agency heads page 1 and signs at the foot of page 2 (not a running line)
    two = [page(1, (agency, 240, 60), (title, 200, 80), (body, 72, 300)), page(2, (body, 72, 300), (agency, 400, 760))]
    assert kept(two) == [[agency, title, body], [body, agency]]
    # three pages, the signature atop the last one, as high as the title on page 1: not
    # on adjacent pages, nor in the same place (centred title, right-aligned signature)
    for x in (400, 240):
        three = [page(1, (agency, 240, 60), (title, 200, 80)), page(2, (body, 72, 300)),
                 page(3, (agency, x, 60), ("2025年1月15日", 400, 80))]
        assert kept(three) == [[agency, title], [body], [agency, "2025年1月15日"]]
    # three pages, the report title run as a header on pages 2 and 3 only, higher up than
    # the title itself: the header goes, the title on page 1 stays
    three = [page(1, (agency, 240, 60), (title, 200, 80)), page(2, (title, 72, 40), (body, 72, 300)),
             page(3, (title, 72, 41), (body, 72, 300), (agency, 400, 760))]
    assert kept(three) == [[agency, title], [body], [body, agency]]
    # a real header on both pages of a two-page report goes
    both = [page(1, (agency, 72, 40), (title, 200, 80)), page(2, (agency, 72, 40), (body, 72, 300))]
    assert kept(both) == [[title], [body]]
    # facing pages: the header alternates left and right, at the same height
    facing = [page(n, (title, 72 if n % 2 else 403, 40), (body, 72, 300)) for n in range(1, 6)]
    assert kept(facing) == [[body]] * 5


def test_a_symbol_font_bullet_is_not_an_unmapped_glyph() -> None:
    """Word's list bullets come out as lone code points of the Symbol-font range (U+F0B7 "•"):
    a page of bulleted text is not garbage to OCR. Lone bullets only: runs of private-use code points are garbage."""
    from pipeline.readers.pdf_page import unmapped

    assert unmapped("\uf0b7 推进政务公开\n\uf0a7 加强解读") == 0
    assert unmapped("\uf0b7\uf0b7\uf0b7") == 3
    assert unmapped("公开\ufffd\ufffd件") == 2
    assert unmapped("\ue001\ue002\ue003") == 3
    assert unmapped("\uf031\uf032\uf030") == 3  # digits in a font's own numbering
    assert unmapped("本年新收\uf031件") == 1  # a lone digit in a symbol font's numbering is still lost


def _framed_table_pdf(path: Path, gap: float) -> Path:
    """A ruled 3 × 3 table of numbers nested in the big cell of a ruled 2 × 2 page frame,
    below a small ruled table of two cells standing clear of the frame's rules.

    Why: an old site lays its page out in bordered tables, and a browser printing it draws
    the frame's rules around the report's tables (``pdf:browser`` on the nested-table page).
    ``gap``: how far the nested table stands inside the frame's cell; under 3 pt its sides
    snap onto the frame's rules (a table 100 % wide in its cell), one lattice with the frame.
    """
    doc = pymupdf.open()
    page = doc.new_page()
    fx, fy = (40, 150, 560), (40, 100, 700)  # frame: a header row, a sidebar column, the content cell
    for y in fy:
        page.draw_line((fx[0], y), (fx[-1], y), width=1)
    for x in fx:
        page.draw_line((x, fy[0]), (x, fy[-1]), width=1)
    page.insert_text((50, 70), "site", fontsize=10)
    page.insert_text((160, 120), "paragraph", fontsize=10)
    for y in (140, 170):
        page.draw_line((200, y), (400, y), width=1)
    for x in (200, 300, 400):
        page.draw_line((x, 140), (x, 170), width=1)
    page.insert_text((210, 160), "7", fontsize=10)
    page.insert_text((310, 160), "8", fontsize=10)
    step = (560 - 150 - 2 * gap) / 3 if gap < 3 else 100
    xs = [150 + gap + step * k for k in range(4)]
    ys = [200 + 30 * k for k in range(4)]
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=1)
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=1)
    for i in range(3):
        for j in range(3):
            page.insert_text((xs[j] + 10, ys[i] + 20), str(100 * (i + 1) + j), fontsize=10)
    doc.save(path)
    doc.close()
    return path


@pytest.mark.parametrize("gap", [0.5, 6.0, 20.0])
def test_a_table_nested_in_a_page_frame_keeps_its_cells(tmp_path: Path, gap: float) -> None:
    """The frame's big cell does not swallow the nested table's text: the frame is no table."""
    doc = read_pdf(_framed_table_pdf(tmp_path / "framed.pdf", gap), "x")
    assert [g.rows for g in doc.tables] == [[["7", "8"]], [[str(100 * i + j) for j in range(3)] for i in (1, 2, 3)]]
    assert "paragraph" in doc.pages[0].text and "site" in doc.pages[0].text
