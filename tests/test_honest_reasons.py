"""Honest failure reasons (issue 11, item 6): each file is read for what it is, or refused with its real type.

- A text report mentioning ``%PDF-`` near its top is text, not a broken PDF: a PDF is
  recognised by its header at offset 0 (or a header a little later in a file that also
  ends like a PDF, which PDF readers accept).
- A DOCX whose XML declares entities (a "billion laughs" bomb) is refused for that, not
  sent to LibreOffice and blamed on it.
- An RTF document named ``.doc`` is converted by LibreOffice (or refused as RTF without it).
- A ``.mht`` single-file web page (MIME HTML) has its HTML part read by the HTML reader.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from system import needs_program

from pipeline.parsing import parse_file
from pipeline.readers import detect_format, read
from pipeline.readers import docx as docx_reader
from pipeline.samples.generate import random_record
from pipeline.samples.render_docx import render_docx
from pipeline.samples.render_html import PAGE_PUBLISHER
from pipeline.samples.render_libreoffice import available
from pipeline.samples.render_mht import render_mht

ROOT = Path(__file__).resolve().parents[1]
SEED_TXT = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]
needs_soffice = needs_program(available(), "LibreOffice (soffice)")


def _same_numbers(got: dict, rec: dict) -> None:
    assert (got["template"], got["year"], got["agency"], got["published_on"]) == (
        rec["template"], rec["year"], rec["agency"], rec["published_on"])
    assert got["article20"] == rec["article20"]
    assert got["requests"] == rec["requests"]
    assert got["review_litigation"] == rec["review_litigation"]


def _issues(record: dict) -> str:
    return " | ".join(i["detail"] for i in record["issues"])


# ---------------------------------------------------------------- %PDF- in a text -----------


def test_text_mentioning_pdf_header_near_the_top_is_text(tmp_path: Path) -> None:
    text = SEED_TXT.read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_text("附件格式说明：PDF 文件以 %PDF-1.7 开头，本文为纯文本版。\n" + text, encoding="utf-8")
    assert detect_format(path) == "txt"
    got, truth = parse_file(path), parse_file(SEED_TXT)
    assert got["status"] == truth["status"] != "unreadable"
    assert got["requests"] == truth["requests"] and got["requests"]


def test_pdf_with_junk_before_its_header_is_still_a_pdf(tmp_path: Path) -> None:
    pdf = sorted((ROOT / "data" / "raw").glob("*.pdf"))[0].read_bytes()
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "mailed.pdf"
    path.write_bytes(b"Content-Disposition: attachment\r\n\r\n" + pdf)  # a mail header left in front
    assert detect_format(path) == "pdf"
    assert parse_file(path)["status"] != "unreadable"


# ---------------------------------------------------------------- billion laughs -----------


def _billion_laughs(src: Path, out: Path) -> Path:
    """``src`` with an entity-expansion bomb in its main part: 10 levels of 10 references."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "word/document.xml":
                head, sep, rest = data.partition(b"?>")
                dtd = ("<!DOCTYPE w:document [" + "".join(entities) + "]>").encode()
                data = head + sep + dtd + rest.replace(b"</w:body>", b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>", 1)
            o.writestr(info, data)
    return out


def test_billion_laughs_docx_is_refused_for_its_entities_not_blamed_on_libreoffice(tmp_path: Path) -> None:
    src = render_docx(random_record(random.Random(3)), tmp_path / "src.docx")
    path = _billion_laughs(src, tmp_path / "bomb.docx")
    record = parse_file(path)
    assert record["status"] == "unreadable"
    reason = _issues(record)
    assert "entit" in reason.lower() and "LibreOffice" not in reason, reason


# ---------------------------------------------------------------- RTF named .doc -----------

_RTF = (r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}"
        "\n" r"\f0 \u27979?\u35797?\u21439?\u20154?\u27665?\u25919?\u24220?\par }")  # 测试县人民政府


def test_rtf_named_doc_is_refused_as_rtf_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "soffice", lambda: None)
    path = tmp_path / "report.doc"
    path.write_text(_RTF, encoding="ascii")
    assert detect_format(path) == "rtf"
    record = parse_file(path)
    assert record["status"] == "unreadable" and record["source"]["format"] == "rtf"
    assert "RTF" in _issues(record) and "LibreOffice" in _issues(record)


@needs_soffice
def test_rtf_named_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    rec = random_record(random.Random(11), blank_rate=0.1)
    src = render_docx(rec, tmp_path / "src.docx")
    rtf = docx_reader.convert(src, "rtf", tmp_path / "rtf")  # Word's "save as RTF"
    path = tmp_path / "report.doc"
    rtf.rename(path)
    assert path.read_bytes().startswith(b"{\\rtf")
    got = parse_file(path)
    assert got["source"]["format"] == "rtf"
    _same_numbers(got, rec)


# ---------------------------------------------------------------- .mht ----------------------


@pytest.mark.parametrize(("seed", "encoding"), [(1, "gbk"), (4, "utf-8"), (7, "gbk")])
def test_mht_web_archive_is_read_through_its_html_part(tmp_path: Path, seed: int, encoding: str) -> None:
    rec = random_record(random.Random(seed), blank_rate=0.1)
    path = tmp_path / "report.mht"
    path.write_bytes(render_mht(rec, encoding=encoding, seed=seed))
    assert detect_format(path) == "mht"
    got = parse_file(path)
    assert got["source"]["format"] == "mht"
    _same_numbers(got, rec)
    assert got["source"]["page_meta"]["publisher"] == PAGE_PUBLISHER != got["agency"]


def test_mht_without_an_html_part_is_refused_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "pictures.mht"
    path.write_bytes(b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
                     b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
    with pytest.raises(Exception, match="no HTML part"):
        read(path)
