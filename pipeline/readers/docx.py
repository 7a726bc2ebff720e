"""DOCX reader (and .doc / .wps through LibreOffice): paragraphs and tables in body order.

Why it works this way:

- The body is walked in order (paragraphs, tables, content controls), so a table stands in
  the text where it stands in the document, written as tab-joined rows like the PDF
  reader's, and also kept as a ``TableGrid``.
- Merged cells come from the table's own markup: ``gridSpan`` (horizontal) and ``vMerge``
  (vertical, "restart" then continued) give the covered positions, ``None`` in the grid;
  an empty cell is ``""``. A single-cell table is a frame around text, read as text.
- Text a reader does not see is left out: deleted revisions, hidden runs, field codes, the
  fallback copy of a text box. An explicit page break starts a new page.
- The core properties (author, title, dates) describe the file, not the report: they go
  to ``Document.meta`` and never into the text.
- .doc and .wps (OLE) files, RTF documents (often named .doc), and zips that are not
  DOCX, are converted to DOCX by LibreOffice (``soffice --headless --convert-to docx``) when it is installed, with a time
  limit; without it they are refused with the reason.
- Limits (``pipeline.ingest.limits``) are checked from the package before its XML is
  parsed: a DOCX whose parts unpack to more than ``max_bytes`` (a zip bomb: a few kilobytes
  that inflate to gigabytes) is refused, and so is one of more than ``max_pages`` pages,
  by the page count Word records in ``docProps/app.xml``, else by its explicit page breaks,
  and one whose XML declares a DTD (an entity-expansion bomb: OOXML never has one).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from pipeline.document import Document, Page, TableGrid, UnreadableFile
from pipeline.ingest.limits import Limits
from pipeline.process_group import run_in_group
from pipeline.readers.grid_bounds import TableTooLarge, check_cells, check_columns
from pipeline.readers.html import join_cell_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
EMU_PER_POINT = 12700
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SKIP = {W + "del", W + "delText", W + "instrText", W + "fldData", W + "moveFrom", MC_FALLBACK,
        W + "footnoteReference", W + "endnoteReference", W + "commentReference", W + "pPr", W + "rPr"}
SOFFICE_TIMEOUT = 180  # seconds for one conversion; a hung LibreOffice must not stall the run
NO_SOFFICE = ".doc/.wps needs LibreOffice, which is not installed: convert to PDF or DOCX"


# ------------------------------------------------------------------ body walking --------


def _on(el, name: str) -> bool:
    """Whether a boolean property element (w:vanish, w:pageBreakBefore…) is set."""
    prop = el.find(W + name)
    return prop is not None and prop.get(W + "val", "true").lower() not in ("false", "0", "off")


class _Body:
    """Pages of lines and the table grids, filled while walking the document body."""

    def __init__(self, pictures: _Pictures | None = None) -> None:
        self.pages: list[list[str]] = [[]]
        self.tables: list[TableGrid] = []
        self.pictures = pictures

    @property
    def page(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])

    def line(self, text: str) -> None:
        text = text.replace("\u00a0", " ").strip(" \u3000\t")
        if text:
            self.pages[-1].append(text)

    def block(self, parent) -> None:
        """Paragraphs, tables and content controls in order."""
        for el in parent:
            if el.tag == W + "p":
                self.paragraph(el)
            elif el.tag == W + "tbl":
                self.table(el)
            elif el.tag in (W + "customXml", W + "sdtContent", W + "smartTag"):
                self.block(el)
            elif el.tag == W + "sdt" and el.find(W + "sdtContent") is not None:
                self.block(el.find(W + "sdtContent"))

    def paragraph(self, p) -> None:
        ppr = p.find(W + "pPr")
        if ppr is not None and _on(ppr, "pageBreakBefore"):
            self.new_page()
        buf: list[str] = []
        boxes: list = []
        for piece in _runs_text(p, boxes):
            if piece == "\f":
                self.line("".join(buf))
                buf = []
                self.new_page()
            elif piece == "\n":
                self.line("".join(buf))
                buf = []
            else:
                buf.append(piece)
        self.line("".join(buf))
        for box in boxes:  # text boxes anchored in the paragraph: their own lines after it
            self.block(box)
        if self.pictures is not None:
            for drawing in p.iter(W + "drawing"):
                self.pictures.read(drawing, self)
        if ppr is not None:
            sect = ppr.find(W + "sectPr")
            kind = sect.find(W + "type") if sect is not None else None
            if sect is not None and (kind is None or kind.get(W + "val") != "continuous"):
                self.new_page()

    def table(self, tbl) -> None:
        grid = table_grid(tbl)
        if len(grid) <= 1 and sum(c is not None for row in grid for c in row) <= 1:
            for tc in tbl.iter(W + "tc"):  # a single-cell frame: its content is text
                self.block(tc)
                break
            return
        self.tables.append(TableGrid(self.page, grid))
        for row in grid:
            self.pages[-1].append("\t".join(c for c in row if c is not None))


def _runs_text(p, boxes: list):
    """A paragraph's text pieces in order: strings, "\\n" for a line break, "\\f" for a page break."""

    def walk(el):
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == W + "r":
                rpr = child.find(W + "rPr")
                if rpr is not None and _on(rpr, "vanish"):
                    continue
            if tag == W + "t":
                yield child.text or ""
            elif tag == W + "tab":
                yield " "
            elif tag == W + "br":
                yield "\f" if child.get(W + "type") == "page" else "\n"
            elif tag == W + "cr":
                yield "\n"
            elif tag == W + "noBreakHyphen":
                yield "-"
            elif tag == W + "txbxContent":
                boxes.append(child)
            else:
                yield from walk(child)

    return walk(p)


def _cell_text(tc) -> str:
    """A cell's paragraphs (and any nested table's cells) joined like the HTML reader's cells."""
    inner = _Body()
    for el in tc:
        if el.tag == W + "tbl":
            for row in table_grid(el):
                inner.line(" ".join(c for c in row if c))
        elif el.tag in (W + "p", W + "sdt", W + "customXml"):
            inner.block([el])
    lines = [ln for page in inner.pages for ln in page]
    return join_cell_lines(lines).replace("\t", " ")


def _int(el, name: str, default: int = 0) -> int:
    prop = el.find(name) if el is not None else None
    try:
        return int(prop.get(W + "val")) if prop is not None else default
    except (TypeError, ValueError):
        return default


def _children(parent, tag: str) -> list:
    """``parent``'s child elements of ``tag`` (rows of a table, cells of a row), including
    those wrapped in a content control (``w:sdt``) or custom XML, which Word nests in place."""
    out = []
    for el in parent:
        if el.tag == tag:
            out.append(el)
        elif el.tag in (W + "sdt", W + "customXml"):
            content = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            out += [c for c in (content if content is not None else []) if c.tag == tag]
    return out


def table_grid(tbl) -> list[list[str | None]]:
    """The table as laid out: text in a merged cell's top-left position, covered ones None.

    Spans are bounded before they are expanded (``grid_bounds``): a table over
    ``MAX_TABLE_COLUMNS`` a row or ``MAX_TABLE_CELLS`` in all raises ``TableTooLarge``.

    ``gridBefore``/``gridAfter`` positions (a row starting or ending short) hold no cell
    and read as ""; a ``vMerge`` continuation, or an ``hMerge`` one, is covered (None).
    """
    rows: list[list[str | None]] = []
    cells = 0
    for tr in _children(tbl, W + "tr"):
        trpr = tr.find(W + "trPr")
        before = max(0, _int(trpr, W + "gridBefore"))
        check_columns(before)  # before allocating: the counts are the file's own numbers
        row: list[str | None] = [""] * before
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int(tcpr, W + "gridSpan", 1))
            check_columns(len(row) + span)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            continued = (vmerge is not None and vmerge.get(W + "val", "continue") == "continue") or (
                hmerge is not None and hmerge.get(W + "val", "continue") == "continue")
            row.append(None if continued else _cell_text(tc))
            row += [None] * (span - 1)
        after = max(0, _int(trpr, W + "gridAfter"))
        check_columns(len(row) + after)
        row += [""] * after
        rows.append(row)
        cells += len(row)
        check_cells(cells)
    width = max((len(r) for r in rows), default=0)
    check_cells(width * len(rows))
    return [r + [""] * (width - len(r)) for r in rows]


class _Pictures:
    """Pictures in the body that may hold a table (an agency pastes the table as an image).

    Each large enough picture is OCR'd where it stands (``ocr.read_picture``): its text
    lines go into the page's text, its tables into the grids, marked OCR-read like a scan's,
    and the notes on cells OCR left blank into the document's. At most
    ``limits.ocr_max_pages`` pictures are read (0: none); the others are named in a warning.
    """

    def __init__(self, part, path: Path, limits: Limits) -> None:
        self.part = part
        self.path = path
        self.limits = limits
        self.read_count = 0
        self.pages: set[int] = set()
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def read(self, drawing, body: _Body) -> None:
        blip = drawing.find(f".//{A}blip")
        rid = blip.get(R + "embed") if blip is not None else None
        image = self.part.related_parts.get(rid) if rid else None
        if image is None:
            return
        where = f"{self.path} (picture {image.partname})"
        if self.read_count >= self.limits.ocr_max_pages:
            self.warnings.append(f"{where}: not OCR'd, over the OCR limit of {self.limits.ocr_max_pages} page(s)")
            return
        extent = drawing.find(f".//{WP}extent")
        width = int(extent.get("cx", 0)) / EMU_PER_POINT if extent is not None else 0
        from pipeline.readers import ocr

        try:
            content = ocr.read_picture(image.blob, body.page, width or None, where, self.limits)
        except UnreadableFile as exc:
            self.warnings.append(str(exc))
            return
        if content is None or not content.glyphs:
            return
        self.read_count += 1
        self.pages.add(body.page)
        self.notes.extend(content.notes)
        body.tables.extend(ocr.grids_of([content]))
        for line in content.text().split("\n"):
            body.line(line)


def _meta(core) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, attr in (("author", "author"), ("title", "title"), ("last_modified_by", "last_modified_by"),
                      ("created", "created"), ("modified", "modified")):
        try:
            value = getattr(core, attr)
        except (ValueError, TypeError):  # a malformed date in docProps/core.xml
            continue
        if value:
            out[key] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
    return {k: v for k, v in out.items() if v}


def _open(path: Path):
    """python-docx's document, or None when the file is not a DOCX it can open."""
    import docx

    try:
        return docx.Document(str(path))
    except Exception:  # PackageNotFoundError, KeyError, ValueError (content type), BadZipFile…
        return None


def _check_package(path: Path, source: Path, limits: Limits) -> None:
    """Refuse, before parsing any XML, a package that unpacks too big or declares too many pages.

    The sizes are the ones the zip's directory declares; Python's zip reader never inflates
    a member past its declared size, so they bound what parsing can unpack.
    """
    try:
        with zipfile.ZipFile(source) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            if limits.exceeded("max_bytes", unpacked):
                raise UnreadableFile(f"{path}: unpacks to {limits.over('max_bytes', unpacked)}; a zip bomb?")
            app = z.read("docProps/app.xml")[:65536] if "docProps/app.xml" in z.namelist() else b""
            declaring = _part_with_dtd(z)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: python-docx refuses it with its own reason
    if declaring:
        raise UnreadableFile(f"{path}: its part {declaring} declares XML entities (a DTD), which no Word document "
                             "has: an entity-expansion bomb ('billion laughs')? Not read")
    m = re.search(rb"<(?:\w+:)?Pages>\s*(\d+)\s*<", app)
    if m and limits.exceeded("max_pages", int(m.group(1))):
        raise UnreadableFile(f"{path}: {limits.over('max_pages', int(m.group(1)))} (by its own count); "
                             "not a single annual report?")


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_PROLOG_BYTES = 65536  # a part's prolog (where a DTD must stand) is far shorter


def _part_with_dtd(z: zipfile.ZipFile) -> str | None:
    """The first XML part that declares a DTD, if any.

    Office Open XML forbids DTDs, so a part with one was made to attack the reader: entities
    that expand to gigabytes (lxml stops them, and python-docx would then report the file as
    "not a DOCX", sending it to LibreOffice, which fails and takes the blame), or that point
    at local files. A DTD can only stand before the root element, so the start of each part
    is enough; markup in a document's text is escaped (``&lt;!DOCTYPE``) and never matches.
    """
    for info in z.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            with z.open(info) as fh:
                if _DTD.search(fh.read(_PROLOG_BYTES)):
                    return info.filename
    return None


def _document(path: Path, sha256: str, fmt: str, source: Path | None = None,
              limits: Limits | None = None) -> Document | None:
    limits = Limits.from_env() if limits is None else limits
    _check_package(path, source or path, limits)
    d = _open(source or path)
    if d is None:
        return None
    body = _Body(_Pictures(d.part, path, limits) if limits.ocr_max_pages else None)
    try:
        body.block(d.element.body)
    except TableTooLarge as exc:
        raise TableTooLarge(f"{path}: {exc}") from exc
    if limits.exceeded("max_pages", len(body.pages)):
        raise UnreadableFile(f"{path}: {limits.over('max_pages', len(body.pages))} (by its page breaks); "
                             "not a single annual report?")
    pages = [Page(i + 1, "\n".join(lines)) for i, lines in enumerate(body.pages) if lines or i == 0]
    pics = body.pictures
    return Document(path=str(path), sha256=sha256, format=fmt, pages=pages, tables=body.tables,
                    meta=_meta(d.core_properties), warnings=pics.warnings if pics else [],
                    ocr_pages=sorted(pics.pages) if pics else [], unreadable=pics.notes if pics else [])


# ------------------------------------------------------------------ LibreOffice ---------

_PROFILE: tempfile.TemporaryDirectory | None = None
_LOCK = threading.Lock()


def soffice() -> str | None:
    return shutil.which("soffice")


def convert(src: Path, fmt: str, outdir: Path, timeout: float = SOFFICE_TIMEOUT) -> Path:
    """Convert ``src`` with LibreOffice into ``outdir`` (``fmt`` as for ``--convert-to``).

    One private LibreOffice profile per process (a shared profile lets a second LibreOffice
    hand its work to the first, or fail); calls in one process take turns. On time-out the
    whole process group is ended. Raises ``RuntimeError`` saying why a conversion failed.
    """
    global _PROFILE
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        if _PROFILE is None:
            _PROFILE = tempfile.TemporaryDirectory(prefix="xxgk-soffice-")
        cmd = [exe, f"-env:UserInstallation={Path(_PROFILE.name).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", fmt, "--outdir", str(outdir), str(src)]
        code, out, err = run_in_group(cmd, timeout, "LibreOffice converting it")
    target = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    if not target.is_file():
        said = (err or out).decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"LibreOffice could not convert it (exit {code}{': ' + said[-1] if said else ''})")
    return target


def _via_libreoffice(path: Path, sha256: str, fmt: str, suffix: str, missing: str, limits: Limits | None = None
                     ) -> Document:
    if soffice() is None:
        raise UnreadableFile(f"{path}: {missing}")
    limits = Limits.from_env() if limits is None else limits
    # Within the per-file timeout, so LibreOffice is ended by us (its whole process group)
    # before the worker is killed from outside, which would leave it running orphaned.
    timeout = min(SOFFICE_TIMEOUT, 0.8 * limits.timeout_seconds) if limits.timeout_seconds else SOFFICE_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as tmp:
        src = Path(tmp) / f"source{suffix}"  # a plain name: LibreOffice's command line dislikes some
        shutil.copyfile(path, src)
        try:
            converted = convert(src, "docx", Path(tmp) / "out", timeout=timeout)
        except RuntimeError as exc:
            raise UnreadableFile(f"{path}: {exc}") from exc
        doc = _document(path, sha256, fmt, source=converted, limits=limits)
    if doc is None:
        raise UnreadableFile(f"{path}: LibreOffice's DOCX of it cannot be read")
    doc.warnings.append("converted to DOCX by LibreOffice")
    return doc


def read_doc(path: Path, sha256: str, *, limits: Limits | None = None) -> Document:
    """A .doc or .wps (OLE) file, read through LibreOffice's DOCX conversion."""
    return _via_libreoffice(Path(path), sha256, "doc", ".doc", NO_SOFFICE, limits)


NO_SOFFICE_RTF = ("an RTF document{named}; reading it needs LibreOffice, which is not installed: "
                  "convert to PDF or DOCX")


def read_rtf(path: Path, sha256: str, *, limits: Limits | None = None) -> Document:
    """An RTF document (Word's "save as RTF", often named .doc), read through LibreOffice's DOCX conversion."""
    path = Path(path)
    named = f" (named {path.suffix})" if path.suffix.lower() not in (".rtf", "") else ""
    return _via_libreoffice(path, sha256, "rtf", ".rtf", NO_SOFFICE_RTF.format(named=named), limits)


def read_docx(path: Path, sha256: str, *, limits: Limits | None = None) -> Document:
    """Read a DOCX into a Document, or raise ``UnreadableFile`` saying why.

    A zip that is not a DOCX (a WPS or OpenDocument file named .docx, say) goes through
    LibreOffice when it is installed.
    """
    path = Path(path)
    doc = _document(path, sha256, "docx", limits=limits)
    if doc is not None:
        return _checked(doc)
    if not zipfile.is_zipfile(path):
        raise UnreadableFile(f"{path}: broken DOCX, not a readable zip archive")
    suffix = path.suffix.lower() if path.suffix.lower() in (".docx", ".wps", ".odt", ".docm", ".doc") else ".docx"
    missing = ("not a DOCX that python-docx can read (a WPS or OpenDocument file?); reading it needs "
               "LibreOffice, which is not installed: convert to PDF or DOCX")
    return _checked(_via_libreoffice(path, sha256, "docx", suffix, missing, limits))


def _checked(doc: Document) -> Document:
    if not doc.text.strip():
        raise UnreadableFile(f"{doc.path}: document without text (scanned pages as images?)")
    return doc
