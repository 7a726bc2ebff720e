"""PDF reader: page text in reading order without running headers, plus every ruled table as a grid.

Why it works this way:

- Page text is MuPDF's own text lines in content order (what ``page.get_text()`` gives),
  except inside ruled tables: there, the table's rows are written as tab-joined lines,
  so a blank cell keeps its position in the text ("12\\t\\t3") instead of vanishing, and
  text-only parsing still sees one table row per line.
- Running headers, footers and page numbers ("- 4 -", "第4页") are dropped (see
  ``pdf_margins``): they would otherwise land between the rows of a table broken across
  pages.
- Tables come as ``TableGrid``s (see ``pdf_tables``); a table broken across pages is one
  grid when the second part plainly continues the first, else one grid per page in order.
- Unknown glyphs read as U+FFFD, not as CIDs, so a PDF whose fonts have no Unicode map is
  recognised as unreadable (it needs OCR) instead of yielding plausible-looking garbage.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.modules.setdefault("pymupdf.layout", None)  # skip the ONNX layout model: 1 s and 225 MB per import

import pymupdf  # noqa: E402

from pipeline.document import Document, Page, UnreadableFile  # noqa: E402
from pipeline.ingest.limits import Limits  # noqa: E402
from pipeline.readers.pdf_margins import drop_running_lines  # noqa: E402
from pipeline.readers.pdf_page import PageContent, might_be_unmapped, read_page, unmapped  # noqa: E402
from pipeline.readers.pdf_tables import to_grids  # noqa: E402

if hasattr(pymupdf, "no_recommend_layout"):  # PyMuPDF 2: no advert for the layout package we avoid
    pymupdf.no_recommend_layout()

UNDECODABLE_SHARE = 0.3  # more U+FFFD than this among the glyphs: the text layer is unusable
PAGE_GARBAGE = 0.02  # a page with this share of unmapped glyphs is OCR'd instead (a stray symbol is not)
PAGE_GARBAGE_MIN = 3


def read_pdf(path: Path, sha256: str, *, max_pages: int | None = None, merge_continued: bool = True,
             limits: Limits | None = None) -> Document:
    """Read a PDF into a Document, or raise ``UnreadableFile`` saying why.

    Refused: encrypted PDFs needing a password, files MuPDF cannot open, PDFs with more than
    ``max_pages`` pages (default ``limits.max_pages``; annual reports run to a dozen, hundreds
    of pages is a yearbook or a compilation, not one report, and would stall the run),
    checked right after opening, before any page is interpreted; and PDFs without a text
    layer (unless OCR reads them: a PDF of page images with no text layer at all goes to
    ``ocr.ocr_pdf``, with the same ``limits``). ``merge_continued`` joins a table continued
    on the next page into one grid.
    """
    limits = Limits.from_env() if limits is None else limits
    if max_pages is not None:
        limits = replace(limits, max_pages=max_pages)
    doc = _open(path)
    try:
        if limits.exceeded("max_pages", doc.page_count):
            raise UnreadableFile(f"{path}: {limits.over('max_pages', doc.page_count)}; not a single annual report?")
        repaired = doc.is_repaired
        warnings = ["file was damaged; MuPDF repaired it"] if repaired else []
        contents = []
        vectors = True
        for page in doc:
            try:
                contents.append(read_page(page, vectors))
                vectors = vectors and not contents[-1].unsure_vectors
            except (MemoryError, SystemError):
                # memory refused (PyMuPDF's extension may then fail without an exception set,
                # a SystemError): the file ran out of memory, not a page's content. Calling MuPDF
                # again for the next page retried its allocations for minutes under the cap
                raise
            except Exception as exc:  # a broken content stream must not lose the other pages
                warnings.append(f"page {page.number + 1}: unreadable ({exc})")
                contents.append(PageContent(page.number + 1, page.rect.height, width=page.rect.width))
        scan = not repaired and sum(c.glyphs for c in contents) == 0 and any(c.images for c in contents)
        if not scan:
            _ocr_unreadable_pages(path, doc, contents, warnings, limits)
    finally:
        doc.close()
    if scan:
        # A scan ("图片版"): no text layer, only page images. Read by OCR (refused there
        # when it finds no text either, or when it has too many pages to OCR).
        from pipeline.readers.ocr import ocr_pdf

        return ocr_pdf(path, sha256, warnings=warnings, limits=limits)
    _check_text_layer(path, contents, warnings, repaired)
    drop_running_lines(contents)
    tables = [t for c in contents for t in c.tables]
    below, above = _text_around(contents)
    ocr_pages = [c.number for c in contents if c.ocr]
    return Document(
        path=str(path),
        sha256=sha256,
        format="pdf",
        pages=[Page(c.number, c.text()) for c in contents],
        tables=to_grids(tables, below, above, merge_continued),
        ocr=len(ocr_pages) == len(contents),
        warnings=warnings,
        ocr_pages=ocr_pages,
        unreadable=[n for c in contents for n in c.notes],
    )


def unreadable_text(content: PageContent) -> str | None:
    """Why a page's text layer cannot be used, or None when it can.

    A page with images and no text is a scanned page. A page whose glyphs have no Unicode
    mapping (U+FFFD) or are private-use code points (a font's own numbering, no ToUnicode)
    cannot be read either where those glyphs are: beyond a stray symbol (``PAGE_GARBAGE``
    of its glyphs, at least ``PAGE_GARBAGE_MIN``), or any of them in a table cell, where
    they are the numbers themselves (digits drawn in an unmapped font).
    """
    if content.glyphs == 0:
        return "no text layer (scanned image)" if content.images else None
    bad = content.undecodable
    # One search over all the cells' text first: on nearly every page no cell holds a
    # glyph that could be unmapped, and then none needs counting.
    pieces = [p[-1] for table in content.tables for texts in table.texts.values() for p in texts]
    in_cells = might_be_unmapped("".join(pieces)) and any(unmapped(t) for t in pieces)
    if in_cells or bad >= max(PAGE_GARBAGE_MIN, PAGE_GARBAGE * content.glyphs):
        where = ", in table cells" if in_cells else ""
        return f"text layer unreadable ({bad} of {content.glyphs} glyphs have no Unicode mapping{where})"
    return None


def _ocr_unreadable_pages(path: Path, doc: pymupdf.Document, contents: list[PageContent], warnings: list[str],
                          limits: Limits) -> None:
    """Replace each page whose text layer cannot be used by its OCR reading, page by page.

    Pages with a usable text layer keep it (exact, and far faster than OCR). When there are
    more such pages than ``limits.ocr_max_pages`` (0: OCR off), none is OCR'd and each is
    named in a warning; ``_check_text_layer`` then refuses the file if too little is left.
    """
    why = {c.number: reason for c in contents if (reason := unreadable_text(c))}
    if not why:
        return
    if len(why) > limits.ocr_max_pages:
        for n, reason in why.items():
            warnings.append(f"page {n}: {reason}; not read by OCR ({len(why)} such pages, "
                            f"more than the OCR limit of {limits.ocr_max_pages})")
        return
    from pipeline.readers.ocr import check_page_images, read_pdf_page

    for n, reason in why.items():
        check_page_images(path, limits, doc[n - 1])
        contents[n - 1] = read_pdf_page(doc[n - 1])
        contents[n - 1].ocr = True
        warnings.append(f"page {n}: {reason}; read by OCR")


def _open(path: Path) -> pymupdf.Document:
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception as exc:  # FileDataError, RuntimeError, ValueError...: all mean "not a usable PDF"
        raise UnreadableFile(f"{path}: broken PDF, cannot be opened ({exc})") from exc
    if doc.needs_pass:
        doc.close()
        raise UnreadableFile(f"{path}: encrypted PDF, a password is required")
    if doc.page_count == 0:
        doc.close()
        raise UnreadableFile(f"{path}: broken PDF, no pages")
    return doc


def _check_text_layer(path: Path, contents: list[PageContent], warnings: list[str], repaired: bool) -> None:
    """Refuse a PDF without usable text; note pages without text (a scanned annex, say)."""
    glyphs = sum(c.glyphs for c in contents)
    if glyphs == 0 and repaired:
        raise UnreadableFile(f"{path}: broken PDF, damaged and no text could be recovered")
    if glyphs == 0:
        raise UnreadableFile(f"{path}: no text layer, and no images either (blank pages or text drawn as outlines)")
    undecodable = sum(c.undecodable for c in contents)
    if undecodable > UNDECODABLE_SHARE * glyphs:
        raise UnreadableFile(f"{path}: text layer not decodable ({undecodable} of {glyphs} glyphs unmapped); needs OCR")
    if undecodable:
        warnings.append(f"{undecodable} glyphs without a Unicode mapping read as U+FFFD")
    for c in contents:
        if c.glyphs == 0:
            warnings.append(f"page {c.number}: no text layer (scanned image?)")


def _text_around(contents: list[PageContent]) -> tuple[list[bool], list[bool]]:
    """For each table in page order: is there page text below it / above it on its page?"""
    below, above = [], []
    for c in contents:
        lines = [line.bbox for line in c.lines]
        for table in c.tables:
            below.append(any(b.y0 >= table.bbox.y1 - 1 for b in lines))
            above.append(any(b.y1 <= table.bbox.y0 + 1 for b in lines))
    return below, above
