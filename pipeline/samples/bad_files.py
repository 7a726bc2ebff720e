"""Files that are not readable reports, written with real bytes: every kind of bad input a run meets.

Why: bad input must be quarantined with a clear reason and never stop or hang a run
(``pipeline.ingest``). These files exercise each way it can go wrong; they are generated,
never checked in, and small on disk (the largest are a few hundred kilobytes; the oversized
one is a sparse file).

``write_bad_files(dir)`` returns {file name: kind}. The kinds, and what stops each:

- ``empty``: zero bytes.
- ``truncated_pdf``: a real generated report PDF cut in half (MuPDF repairs it, finds no text).
- ``encrypted_pdf``: a report PDF that needs a user password.
- ``random_bytes``: random bytes named ``.pdf``.
- ``too_many_pages``: a 400-page PDF (a yearbook, not a report): ``max_pages``.
- ``too_large``: a file over ``max_bytes`` (sparse: no disk used).
- ``image_bomb``: a 100 KB PNG declaring 20000 × 20000 pixels: ``max_image_pixels``.
- ``scan_bomb``: a scanned PDF whose page image declares 20000 × 20000 pixels: ``max_image_pixels``.
- ``zip_bomb``: a DOCX whose XML unpacks to more than ``max_bytes``: ``max_bytes``.
- ``news_page``: a web page about the annual reports, not one: not a report.
- ``undecodable_text``: a ``.txt`` in no encoding UTF-8, GB18030 or charset-normalizer reads.
- ``blank_image``: a PNG with no text on it: OCR finds none.

With ``hanging=True`` also these, which only the worker processes of
``pipeline.ingest.isolate`` stop (**never read them in-process**: the vector bomb takes
gigabytes of memory, the hanging PDF hours):

- ``hanging_pdf``: a 2 KB PDF whose page draws nested forms 10⁹ times: the timeout.
- ``vector_bomb``: a PDF whose 50 KB content stream inflates to 2 million line segments
  (25 MB): the table finder takes minutes and gigabytes: the memory cap or the timeout.
- ``fifo``: a named pipe named ``.txt`` (opening it for reading blocks until a writer
  comes, as on a stuck network mount): refused without being opened.
"""

from __future__ import annotations

import os
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import pymupdf  # noqa: E402

BOMB_SIDE = 20_000  # pixels each way: 400 megapixels, 400 MB once decoded
SEED = 20240531


def write_bad_files(out_dir: Path, *, hanging: bool = False, max_bytes: int | None = None) -> dict[str, str]:
    """Write every kind of bad file into ``out_dir``; {file name: kind}.

    ``max_bytes``: the size limit the ``too_large`` and ``zip_bomb`` files must exceed
    (default: ``Limits().max_bytes``).
    """
    from pipeline.ingest.limits import Limits

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    over = (max_bytes or Limits().max_bytes) + (1 << 20)
    report = _report_pdf_bytes()
    files: dict[str, str] = {}

    def put(name: str, kind: str, data: bytes) -> None:
        (out / name).write_bytes(data)
        files[name] = kind

    put("empty.txt", "empty", b"")
    put("truncated.pdf", "truncated_pdf", report[: len(report) // 2])
    put("encrypted.pdf", "encrypted_pdf", _encrypted(report))
    put("random_bytes.pdf", "random_bytes", random.Random(SEED).randbytes(64 * 1024))
    put("yearbook_400_pages.pdf", "too_many_pages", _many_pages(400))
    _sparse(out / "oversized.pdf", b"%PDF-1.7\n", over)
    files["oversized.pdf"] = "too_large"
    put("bomb.png", "image_bomb", _png_bomb(BOMB_SIDE, BOMB_SIDE))
    put("bomb_scan.pdf", "scan_bomb", _scan_bomb(BOMB_SIDE, BOMB_SIDE))
    _zip_bomb(out / "bomb.docx", over)
    files["bomb.docx"] = "zip_bomb"
    put("news.html", "news_page", NEWS_PAGE.encode("utf-8"))
    put("undecodable.txt", "undecodable_text", undecodable_bytes())
    put("blank.png", "blank_image", _png_blank(600, 800))
    if hanging:
        put("hanging.pdf", "hanging_pdf", _nested_forms(depth=10, fan_out=10))
        put("vector_bomb.pdf", "vector_bomb", _vector_bomb(copies=30))
        os.mkfifo(out / "pipe.txt")
        files["pipe.txt"] = "fifo"
    return files


# ------------------------------------------------------------------ PDFs -----------------


def _report_pdf_bytes() -> bytes:
    """A real generated report as a PDF (PyMuPDF Story), as the readers see published ones."""
    import tempfile

    from pipeline.samples.generate import random_record
    from pipeline.samples.render_html import report_spec
    from pipeline.samples.render_pdf import render_report_pdf

    rec = random_record(random.Random(SEED))
    with tempfile.TemporaryDirectory(prefix="xxgk-bad-") as tmp:
        return render_report_pdf(report_spec(rec), Path(tmp) / "report.pdf").read_bytes()


def _encrypted(pdf: bytes) -> bytes:
    with pymupdf.open("pdf", pdf) as doc:
        return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="xxgk-user", owner_pw="xxgk-owner")


def _many_pages(n: int) -> bytes:
    with pymupdf.open() as doc:
        for k in range(1, n + 1):
            page = doc.new_page()
            page.insert_text((72, 72), f"Statistical yearbook, page {k}", fontname="helv", fontsize=12)
        return doc.tobytes(garbage=3, deflate=True)


def _stream_object(doc: pymupdf.Document, head: str, data: bytes, flate: bool = False) -> int:
    """A new stream object holding ``data`` as given (``flate``: already FlateDecode-compressed)."""
    xref = doc.get_new_xref()
    doc.update_object(xref, head)
    doc.update_stream(xref, data, compress=False)
    if flate:
        doc.xref_set_key(xref, "Filter", "/FlateDecode")
    return xref


def _one_page(doc: pymupdf.Document, content: bytes, resources: str) -> None:
    page = doc.new_page()
    contents = _stream_object(doc, "<<>>", content)
    doc.xref_set_key(page.xref, "Contents", f"{contents} 0 R")
    doc.xref_set_key(page.xref, "Resources", resources)


def _scan_bomb(width: int, height: int) -> bytes:
    """An image-only page whose image declares ``width`` × ``height`` grey pixels (white)."""
    with pymupdf.open() as doc:
        image = _stream_object(
            doc, f"<</Type/XObject/Subtype/Image/Width {width}/Height {height}/ColorSpace/DeviceGray"
                 "/BitsPerComponent 8>>", _deflate_repeated(b"\xff" * width * 100, height // 100), flate=True)
        _one_page(doc, b"q 595 0 0 842 0 0 cm /Im0 Do Q", f"<</XObject<</Im0 {image} 0 R>>>>")
        return doc.tobytes()


def _nested_forms(depth: int, fan_out: int) -> bytes:
    """A page that draws form 0, which draws form 1 ``fan_out`` times, and so on ``depth`` deep.

    The innermost form only sets a clip, so nothing accumulates: interpreting the page
    takes ``fan_out ** depth`` steps (10⁹: hours) in constant memory, the way a stuck
    reader behaves. Only a timeout ends it.
    """
    with pymupdf.open() as doc:
        forms = [doc.get_new_xref() for _ in range(depth)]
        for level, xref in enumerate(forms):
            last = level == depth - 1
            body = b"q 0 0 1 1 re W n Q" if last else b" ".join([b"/X Do"] * fan_out)
            resources = "<<>>" if last else f"<</XObject<</X {forms[level + 1]} 0 R>>>>"
            doc.update_object(xref, f"<</Type/XObject/Subtype/Form/BBox[0 0 10 10]/Resources {resources}>>")
            doc.update_stream(xref, body, compress=False)
        _one_page(doc, b"BT /F1 12 Tf 72 720 Td (Annual report) Tj ET /X Do",
                  f"<</XObject<</X {forms[0]} 0 R>>/Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>")
        return doc.tobytes()


def _vector_bomb(copies: int) -> bytes:
    """A page whose small compressed content stream inflates to ``copies`` × 65536 line segments."""
    with pymupdf.open() as doc:
        content = _deflate_repeated(b"0 0 m 1 1 l S\n" * 65536, copies)
        page = doc.new_page()
        xref = _stream_object(doc, "<<>>", content, flate=True)
        doc.xref_set_key(page.xref, "Contents", f"{xref} 0 R")
        return doc.tobytes()


def _deflate_repeated(chunk: bytes, times: int) -> bytes:
    """zlib data of ``chunk`` × ``times``, compressing ``chunk`` once.

    A full flush ends the compressed chunk on a byte boundary with no reference to what came
    before, so its bytes can be repeated as they are; only the checksum covers the whole.
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * times + b"\x03\x00" + adler.to_bytes(4, "big")  # \x03\x00: final empty block


# ------------------------------------------------------------------ other formats ---------


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _png_bomb(width: int, height: int) -> bytes:
    """A valid white PNG of ``width`` × ``height`` pixels in some hundred kilobytes."""
    return _png(width, height, _deflate_repeated((b"\x00" + b"\xff" * width) * 100, height // 100))


def _png_blank(width: int, height: int) -> bytes:
    return _png(width, height, zlib.compress((b"\x00" + b"\xff" * width) * height, 9))


def _sparse(path: Path, head: bytes, size: int) -> None:
    """A file of ``size`` bytes that starts with ``head``; the rest is a hole (no disk used)."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)


def _zip_bomb(path: Path, unpacked: int) -> None:
    """A DOCX (a real package: content types, relationships, document) whose document unpacks
    to ``unpacked`` bytes of XML, nearly all of it whitespace."""
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            '政府信息公开工作年度报告</w:t></w:r></w:p>').encode()
    tail = b"</w:body></w:document>"
    pad = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(unpacked // len(pad) + 1):
                fh.write(pad)
            fh.write(tail)


def undecodable_bytes(n: int = 8192) -> bytes:
    """Bytes named as text that no decoder the text reader tries accepts.

    High bytes (0x80–0xFE) at random with every fifth byte 0xFF: invalid UTF-8; invalid
    GB18030, Big5, CP949 and Shift-JIS (0xFF is no byte of theirs; random high bytes alone
    read as CP949 or Big5 "text"); and in the single-byte code pages, where anything
    decodes, they read as noise, which charset-normalizer refuses. Checked here, so a
    change of decoder shows up at once.
    """
    from pipeline.readers.text import decode_bytes

    rng = random.Random(SEED)
    data = bytes(0xFF if k % 5 == 4 else rng.randint(0x80, 0xFE) for k in range(n))
    if decode_bytes(data) is not None or decode_bytes(data[:4096], partial=True) is not None:
        raise AssertionError("the undecodable sample decodes: pick other bytes")
    return data


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)

NEWS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>我县召开政务公开工作推进会 - 米易县人民政府</title></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/xwzx/">新闻中心</a>
 | <a href="/zwfw/">政务服务</a> | <a href="/hdjl/">互动交流</a></div>
<div class="location">当前位置：首页 &gt; 新闻中心 &gt; 部门动态</div>
<div class="article">
<h1>我县召开政务公开工作推进会</h1>
<div class="info">发布时间：2025-01-10 来源：县政府办公室 浏览次数：312</div>
<p>1月10日，我县召开政务公开工作推进会，总结2024年政务公开工作，安排部署2025年重点任务。</p>
<p>会议指出，过去一年全县政务公开工作稳步推进，主动公开质量不断提升，依申请公开办理更加规范。</p>
<p>会议要求，各乡镇、各部门要按照《中华人民共和国政府信息公开条例》规定，于1月31日前编制完成
本单位2024年度政府信息公开工作年度报告，经审核后在门户网站集中发布，确保内容准确、数据真实。</p>
<p>会上，县政府办公室对年度报告编制中的常见问题进行了解读培训，各乡镇、县级各部门分管负责同志参加会议。</p>
</div>
<div class="share">分享到：微信 微博</div>
<div class="footer">版权所有：米易县人民政府 主办：米易县人民政府办公室 网站标识码：5104210001 蜀ICP备00000000号</div>
</body>
</html>
"""

__all__ = ["write_bad_files", "undecodable_bytes"]
