"""HTML reader: the report article of a web page saved from a government site.

Why it works this way:

- Decoding: a BOM, else the page's own ``<meta charset>`` / ``http-equiv`` declaration (GBK
  and GB2312 are read as GB18030, their superset), else ``decode_bytes``. A page declared
  GBK whose bytes are valid UTF-8 is read as UTF-8 (re-saved pages keep a stale
  declaration); a declaration the bytes contradict is dropped with a warning.
- Page metadata is not the report: the 发布机构 / 发布日期 / 来源 line, the 信息公开 index
  table (索引号, 发布机构, 生成日期…) and the ``<meta name="ArticleTitle|PubDate|
  ContentSource|SiteName">`` tags go to ``Document.meta`` and are cut from the tree, so the
  site's publisher is never read as the reporting agency, nor its date as the report's.
- Site chrome (script, style, nav, header, footer, aside, and elements whose id or class
  says navigation, breadcrumb, footer, share, related…) is dropped, unless it holds the
  report (a page wrapped in ``<div class="footer-wrap">`` still has its article).
- The article is the deepest element holding every report marker the page has (section
  headings, the tables' labels); the title just above it and a signature just below it
  are taken along when the site keeps them outside.
- Text is in document order, block elements as lines, a ``<br>`` a line break; a line
  break in the source between two CJK characters is no space (as in a browser).
- Tables: ``rowspan``/``colspan`` expanded into a ``TableGrid`` (the cell's text in its
  top-left position, covered positions and positions past a row's last cell ``None``,
  ``&nbsp;``/whitespace-only cells ``""``),
  and written into the text as tab-joined rows like the PDF reader does. Layout tables
  (a cell holding a table, or a single-cell frame) are read as blocks, not as data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
from lxml import etree

from pipeline.document import Document, Page, TableGrid, UnreadableFile
from pipeline.ingest.limits import Limits
from pipeline.readers.cell_text import join_stacked, stacked
from pipeline.readers.grid_bounds import TableTooLarge, check_cells, check_columns
from pipeline.readers.text import decode_bytes

# ------------------------------------------------------------------ decoding ------------

_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn", "hz-gb-2312"}
_WESTERN = {"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def _declared(head: bytes) -> str | None:
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    return "gb18030" if name in _GB else name


def decode_html(raw: bytes) -> tuple[str, list[str]]:
    """The page as text, and warnings about its declared encoding."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(enc, errors="replace"), []
    declared = _declared(raw[:4096])
    warnings: list[str] = []
    if declared == "gb18030" and not raw.isascii():
        try:  # valid UTF-8 with multi-byte characters is practically never GBK text
            return raw.decode("utf-8"), ["page declares GBK but is UTF-8; read as UTF-8"]
        except UnicodeDecodeError:
            pass
    if declared in _WESTERN and not raw.isascii():
        declared = None  # a Chinese page is never Latin-1: the server's default, not the page's
    if declared:
        try:
            return raw.decode(declared), []
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"page declares charset '{declared}' but does not decode as such")
    text = decode_bytes(raw)
    if text is None:
        raise UnreadableFile("web page in an unreadable encoding (neither its declared one, UTF-8 nor GB18030)")
    return text, warnings


# ------------------------------------------------------------------ page metadata -------

_HEAD_META = {  # <meta name=...> (the national government-website metadata standard) -> meta key
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "source",
    "sitename": "site",
    "sitedomain": "site_domain",
    "siteidcode": "site_code",
    "columnname": "column",
    "author": "author",
}
_LABELS = {  # visible label -> meta key (None: recognised, so it ends the previous value, but not kept)
    "发布机构": "publisher", "发文机构": "publisher", "发布单位": "publisher",
    "发文机关": "issuer", "发文单位": "issuer",
    "信息来源": "source", "来源": "source", "文章来源": "source",
    "发布日期": "published", "发布时间": "published", "公开日期": "published", "更新时间": "published",
    "成文日期": "written", "生成日期": "written", "印发日期": "written",
    "索引号": "index_no", "文号": "doc_no", "发文字号": "doc_no",
    "主题分类": "category", "体裁分类": None, "公开方式": None, "公开范围": None, "公开时限": None,
    "浏览次数": None, "点击数": None, "访问量": None, "阅读次数": None, "作者": "author", "责任编辑": None,
    "字号": None, "字体": None, "分享到": None, "有效性": None, "时效": None, "关键词": None,
}
_LABEL_RE = "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True))
_LABEL_COLON = re.compile(rf"({_LABEL_RE})\s*[:：]")
_LABEL_CELL = re.compile(rf"^\s*({_LABEL_RE})\s*[:：]?\s*$")
_META_MAX = 300  # characters: a metadata line or index table is short; the article is not
_VALUE_END = re.compile(r"\s{2,}|[|｜【\[]")
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def _clean_value(key: str, value: str) -> str:
    value = value.replace("\u00a0", " ").replace("\u3000", " ").strip(" \t\r\n|｜:：")
    if key in ("published", "written"):
        m = _DATE.search(value)
        return re.sub(r"\s+", " ", m.group(0)) if m else value.split()[0] if value.split() else ""
    m = _VALUE_END.search(value)
    return (value[: m.start()] if m else value).strip()


def _pairs_from_line(text: str) -> list[tuple[str, str]]:
    """("发布机构", "米易县人民政府办公室"), … from '发布机构：… 发布日期：…'."""
    hits = list(_LABEL_COLON.finditer(text))
    out = []
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        out.append((m.group(1), text[m.end() : end]))
    return out


def _store(meta: dict[str, str], label: str, value: str) -> None:
    key = _LABELS.get(label)
    if key is None:
        return
    value = _clean_value(key, value)
    if value and key not in meta:
        meta[key] = value


def _text_of(el) -> str:
    return el.text_content() if isinstance(el.tag, str) else ""


def _is_meta_line(el, text: str) -> bool:
    """A short element opening with a label and colon (发布机构：…); an index table is read as a table."""
    stripped = text.strip(" \t\r\n\u00a0\u3000")
    return (0 < len(stripped) <= _META_MAX and bool(_LABEL_COLON.match(stripped)) and not _markers(stripped)
            and el.find(".//table") is None)


def _is_meta_table(el, text: str) -> bool:
    if el.tag != "table" or len(re.sub(r"\s+", "", text)) > _META_MAX or _markers(text):
        return False
    cells = [re.sub(r"\s+", "", _text_of(c)) for c in el.iter("td", "th")]
    return sum(bool(_LABEL_CELL.match(c)) or bool(_LABEL_COLON.match(c)) for c in cells) >= 2


def _take_meta(root, meta: dict[str, str]) -> None:
    """Move the page's metadata (head tags, the 发布机构 line, an index table) into ``meta``."""
    for el in root.iter("meta"):
        name = (el.get("name") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if name in _HEAD_META and content and _HEAD_META[name] not in meta:
            meta[_HEAD_META[name]] = content
    body = root.find("body")
    if body is None:
        body = root
    found: list = []
    skip: set = set()
    for el in body.iter():
        if not isinstance(el.tag, str) or el in skip or el.tag in ("body", "html"):
            continue
        text = el.text_content()
        if _is_meta_table(el, text):
            cells = [c for c in el.iter("td", "th")]
            for i, cell in enumerate(cells):
                t = cell.text_content().strip()
                m = _LABEL_CELL.match(re.sub(r"\s+", "", t))
                if m and i + 1 < len(cells):
                    _store(meta, m.group(1), cells[i + 1].text_content())
                else:
                    for label, value in _pairs_from_line(t):
                        _store(meta, label, value)
        elif _is_meta_line(el, text):
            for label, value in _pairs_from_line(text.strip()):
                _store(meta, label, value)
        else:
            continue
        found.append(el)
        skip.update(el.iter())
    for el in found:
        el.drop_tree()
    if "publisher" not in meta:
        for fallback in ("issuer", "source"):
            if fallback in meta:
                meta["publisher"] = meta[fallback]
                break
    if "title" not in meta:
        title = root.find(".//title")
        if title is not None and title.text_content().strip():
            meta["title"] = re.sub(r"\s+", " ", title.text_content()).strip()


# ------------------------------------------------------------------ chrome --------------

# (not <form>: old ASP.NET sites wrap the whole page in one)
_DROP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "header", "footer", "iframe", "object",
              "embed", "button", "select", "input", "textarea", "svg", "canvas", "map", "audio", "video"}
_ALWAYS = {"script", "style", "noscript", "template"}
# id/class words that mean site chrome wherever they stand ...
_CHROME = {
    "nav", "navbar", "navi", "navigation", "menu", "menus", "submenu", "topmenu", "mainmenu", "breadcrumb",
    "breadcrumbs", "crumb", "crumbs", "footer", "copyright", "share", "sharebar", "bdshare", "social", "related",
    "relate", "sidebar", "topbar", "toolbar", "banner", "search", "searchbox", "login", "advert", "ads", "gotop",
    "backtop", "qrcode", "friendlink", "yqlj", "wzdh", "mbx", "dqwz", "xgwz", "xgxx", "xglj", "bqxx", "fenxiang",
}
# ... and words that mean chrome only around the article (an article's own "head" holds its title)
_CHROME_AROUND = _CHROME | {"head", "header", "top", "bottom", "foot", "side", "position", "location", "links",
                            "print", "tools", "logo", "dh", "fx", "bq", "ad", "ewm"}
_SPLIT = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _looks_chrome(el, words_set: set[str]) -> bool:
    role = (el.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "search", "complementary"):
        return True
    words = " ".join(v for v in (el.get("id"), el.get("class")) if v)
    return bool(words) and any(t.lower() in words_set for t in _SPLIT.split(words) if t)


def _spared(el) -> bool:
    """Chrome-looking elements that hold the report, its title or its signature date."""
    text = el.text_content()
    return _holds_report(el) or bool(_TITLE.search(_compact(text))) or bool(_DATE_LINE.search(text))


def _drop_chrome(body) -> None:
    """Remove site chrome and hidden elements, sparing any that hold the report itself."""
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        hidden = el.get("hidden") is not None or _HIDDEN.search(el.get("style") or "")
        if el.tag in _ALWAYS or hidden:
            doomed.append(el)
        elif el.tag in _DROP_TAGS or _looks_chrome(el, _CHROME):
            in_article = el.tag in ("header", "footer") and any(a.tag in ("article", "main") for a in el.iterancestors())
            if _holds_report(el) or (in_article and _spared(el)):
                continue
            doomed.append(el)
    _drop(doomed)


def _drop_around(core) -> None:
    """Inside the article, drop the direct children that are plainly page chrome."""
    _drop([c for c in _children(core) if _looks_chrome(c, _CHROME_AROUND) and not _markers(c.text_content())
           and not _spared(c)])


def _drop(elements: list) -> None:
    for el in elements:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


# ------------------------------------------------------------------ locating the article -

_MARKERS = [re.compile(p) for p in (
    r"总体情况", r"主动公开政府信息情况", r"收到和处理政府信息公开申请情况", r"行政复议[、,，]?\S{0,10}行政诉讼情况",
    r"存在的主要问题", r"其他需要报告的事项", r"本年(?:度)?新收", r"申请人情况", r"第二十条第",
)]
_TITLE = re.compile(r"(?:信息公开|政务公开).{0,12}(?:年度?报告|年报)|20\d{2}\s*年\s*度?.{0,20}报告")
_SIGNATURE_LINE = re.compile(r"^(?:\S{2,40}(?:人民政府|政府|办事处|委员会|管委会|局|办公室|办公厅|厅|院|中心|街道|镇|乡)|20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")
_DATE_LINE = re.compile(r"20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _compact(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", "", text)


def _markers(text: str) -> int:
    flat = _compact(text)
    return sum(bool(p.search(flat)) for p in _MARKERS)


def _holds_report(el) -> bool:
    return _markers(el.text_content()) >= 3


def _children(el) -> Iterator:
    return (c for c in el if isinstance(c.tag, str))


def _core(body):
    """The deepest element holding every report marker of the page (the body when none)."""
    best = _markers(body.text_content())
    if best == 0:
        return _densest(body)
    node = body
    while True:
        if node.tag == "table" and not _is_layout(node):
            return node
        inside = [c for c in _children(node) if _markers(c.text_content()) == best]
        if len(inside) != 1:
            return node
        node = inside[0]


_CONTAINERS = {"div", "section", "article", "main", "td", "th", "table", "tbody", "tr", "center", "blockquote", "font"}


def _densest(body):
    """Without report markers: the deepest element holding most of the page's non-link text."""

    def plain(el) -> int:
        links = sum(len(_compact(a.text_content())) for a in el.iter("a"))
        return len(_compact(el.text_content())) - links

    total = plain(body)
    node = body
    while True:
        nxt = [c for c in _children(node) if c.tag in _CONTAINERS and plain(c) >= 0.6 * total]
        if len(nxt) != 1 or total == 0:
            return node
        node = nxt[0]


def _neighbours(core, preceding: bool, levels: int = 4) -> Iterator:
    """Elements before (nearest first) or after the core, climbing up to ``levels`` ancestors."""
    node = core
    for _ in range(levels):
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            return
        yield from (s for s in node.itersiblings(preceding=preceding) if isinstance(s.tag, str))
        node = parent


def _title_outside(core, core_lines: list[str]) -> list:
    """The report's title element when it stands just above the article, not in it."""
    first_heading = next((i for i, ln in enumerate(core_lines) if _markers(ln)), len(core_lines))
    if any(_TITLE.search(_compact(ln)) for ln in core_lines[:first_heading]):
        return []
    seen = 0
    for el in _neighbours(core, preceding=True):
        text = _compact(el.text_content())
        if not text:
            continue
        links = sum(len(_compact(a.text_content())) for a in el.iter("a"))
        if len(text) <= 120 and _TITLE.search(text) and links < len(text) / 2:
            return [el]
        seen += 1
        if seen >= 3 or len(text) > 400:
            return []
    return []


def _signature_outside(core, core_lines: list[str]) -> list:
    """Signature lines (agency, date) standing just below the article, when it has none."""
    tail = core_lines[-3:]
    if any(_DATE_LINE.search(ln) for ln in tail):
        return []
    out = []
    for el in _neighbours(core, preceding=False, levels=3):
        text = el.text_content().strip()
        if not text:
            continue
        lines = [ln for ln in _lines_of(el) if ln]
        if lines and len(lines) <= 3 and all(_SIGNATURE_LINE.match(_compact(ln)) for ln in lines):
            out.append(el)
            if any(_DATE_LINE.search(ln) for ln in lines):
                break
            continue
        break
    return out


# ------------------------------------------------------------------ text and tables -----

_BLOCK = {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
          "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main",
          "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
          "html", "form", "legend", "option", "title"}
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WS = re.compile(r"[ \t\r\n\f\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _collapse(raw: str) -> str:
    """Browser white-space collapsing; a source line break between CJK characters vanishes."""
    raw = _INVISIBLE.sub("", raw)

    def repl(m: re.Match) -> str:
        s, before, after = m.group(0), m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
        if ("\n" in s or "\r" in s) and "\u00a0" not in s and _CJK_CHAR.match(before or "a") and _CJK_CHAR.match(after or "a"):
            return ""
        return " "

    return _WS.sub(repl, raw).strip()


def join_cell_lines(lines: list[str]) -> str:
    """A cell's lines (<br>, paragraphs) as one string: no space where either side is CJK (a wrapped label), else one.

    Numbers on more than one line are two values stacked in one cell, never one number
    (an explicit break is not a wrap): joined with ``STACKED``, read as null (``cell_text``).
    """
    pieces = [ln.strip() for ln in lines if ln.strip()]
    if stacked(pieces):
        return join_stacked(pieces)
    out = ""
    for ln in lines:
        if out and not (_CJK_CHAR.match(out[-1]) or _CJK_CHAR.match(ln[0])):
            out += " "
        out += ln
    return out


class _Text:
    """Lines of text as blocks open and close; tables as grids and tab rows."""

    def __init__(self, tables: list[TableGrid] | None, pictures=None) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.tables = tables  # None: inside a table cell, where nested tables are flattened
        self.pictures = pictures  # PagePictures: a picture the file ships, OCR'd where it stands

    def add(self, s: str | None) -> None:
        if s:
            self.buf.append(s)

    def flush(self) -> None:
        if self.buf:
            line = _collapse("".join(self.buf))
            self.buf = []
            if line:
                self.lines.append(line)

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:
            pass
        elif tag == "br":
            self.flush()
        elif tag == "img" and self.pictures is not None and self.tables is not None:
            content = self.pictures(el)
            if content is not None:
                from pipeline.readers.ocr import grids_of

                self.flush()
                self.tables.extend(grids_of([content]))
                self.lines.extend(line for line in content.text().split("\n") if line.strip())
        elif tag == "table":
            self.flush()
            self.table(el)
        elif tag == "pre":
            self.flush()
            for ln in el.text_content().split("\n"):
                if ln.strip():
                    self.lines.append(_INVISIBLE.sub("", ln).strip())
        elif tag in _BLOCK:
            self.flush()
            self.add(el.text)
            for child in el:
                self.walk(child)
            self.flush()
        else:
            self.add(el.text)
            for child in el:
                self.walk(child)
        self.add(el.tail)

    def table(self, el) -> None:
        if self.tables is None or _is_layout(el):
            caption = el.find("caption")
            if caption is not None:
                self.walk_children_as_block(caption)
            for row in _rows(el):
                for cell in _cells(row):
                    self.walk_children_as_block(cell)
            return
        caption = el.find("caption")
        if caption is not None:
            self.walk_children_as_block(caption)
        grid = table_grid(el)
        if grid:
            self.tables.append(TableGrid(1, grid))
            self.lines.extend("\t".join(c for c in row if c is not None) for row in grid)

    def walk_children_as_block(self, el) -> None:
        self.flush()
        self.add(el.text)
        for child in el:
            self.walk(child)
        self.flush()


def _lines_of(el) -> list[str]:
    t = _Text(None)
    t.walk_children_as_block(el)
    return t.lines


def _rows(table) -> list:
    """The table's own rows (not a nested table's), header first and footer last."""
    head = table.xpath("./thead/tr")
    foot = table.xpath("./tfoot/tr")
    body = table.xpath("./tr | ./tbody/tr")
    return head + body + foot


def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _is_layout(table) -> bool:
    """A table used for page layout: a cell holds a table, or it is a single-cell frame."""
    rows = _rows(table)
    cells = [c for r in rows for c in _cells(r)]
    if len(cells) <= 1:
        return True
    return any(c.xpath(".//table") for c in cells)


def _span(cell, name: str) -> int:
    try:
        return max(0, min(int(re.sub(r"[^\d]", "", cell.get(name, "1")) or 1), 1000))
    except ValueError:
        return 1


def cell_text(cell) -> str:
    """A cell's text: its lines joined (no space between CJK), whitespace-only as ""."""
    text = join_cell_lines(_lines_of(cell))
    return text.replace("\t", " ")


def table_cells(table) -> tuple[list[tuple[int, int, int, int, str]], int, int]:
    """The HTML table algorithm: each cell at its first free slot, spanning its rows and columns.

    Returns the cells as (row, column, rowspan, colspan, text), and the grid's row and
    column count. Rows without a cell of their own and not covered by one are left out.
    A table over ``MAX_TABLE_COLUMNS`` a row or ``MAX_TABLE_CELLS`` in all raises
    ``TableTooLarge`` before its slots are allocated (``grid_bounds``).
    """
    rows = _rows(table)
    n = len(rows)
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, int, int, str]] = []
    kept: list[int] = []
    width = 0
    area = 0
    for r, tr in enumerate(rows):
        cells = _cells(tr)
        if cells or any((r, j) in taken for j in range(width)):
            kept.append(r)
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            colspan = max(1, _span(cell, "colspan"))
            rowspan = _span(cell, "rowspan")
            rowspan = n - r if rowspan == 0 else max(1, min(rowspan, n - r))
            check_columns(c + colspan)
            area += rowspan * colspan
            check_cells(area)  # before the slots are taken: spans are the page's own numbers
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            out.append((r, c, rowspan, colspan, cell_text(cell)))
            c += colspan
            width = max(width, c)
    check_cells(len(kept) * width)  # the grid ``table_grid`` allocates
    index = {r: i for i, r in enumerate(kept)}
    return [(index[r], c, rs, cs, t) for r, c, rs, cs, t in out], len(kept), width


def table_grid(table) -> list[list[str | None]]:
    """A cell's text in its top-left slot, the slots it covers None.

    A slot no cell reaches is "" (a blank) between cells, but None past a row's last cell:
    there is no cell there at all. That matters when a header spans more columns than the
    data rows have (CMS tables often do): the data rows are then shorter than the grid, and
    blanks padded onto their right end would read as their last columns and shift every value.
    """
    cells, n_rows, width = table_cells(table)
    grid: list[list[str | None]] = [[""] * width for _ in range(n_rows)]
    last = [-1] * n_rows  # the rightmost slot a cell occupies or covers, per row
    for r, c, rs, cs, text in cells:
        for i in range(rs):
            if r + i < n_rows:
                last[r + i] = max(last[r + i], c + cs - 1)
            for j in range(cs):
                if r + i < n_rows:
                    grid[r + i][c + j] = None
        grid[r][c] = text
    for r, row in enumerate(grid):
        for j in range(last[r] + 1, width):
            row[j] = None
    return grid


# ------------------------------------------------------------------ the reader ----------


MAX_DEPTH = 256
"""Nesting libxml2's HTML parser follows without its "huge" option; past it, it stops reading
and everything after the deep part is lost (which is why runs of empty nesting are collapsed
first, and a page still nesting deeper carries a warning)."""

_DATA_URI = re.compile(r"data:[^\s\"'()<>,]{0,200},[^\s\"'()<>]{1024,}", re.I)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{65536,}")
_OPEN_RUN = re.compile(r"(?:<(?:div|span|section|article|main|font|center|b|i|u|em|strong|p|blockquote)\b[^<>]*>\s*){32,}",
                       re.I)
_CLOSE_RUN = re.compile(r"(?:</(?:div|span|section|article|main|font|center|b|i|u|em|strong|p|blockquote)\s*>\s*){32,}",
                        re.I)


def strip_binary(text: str) -> tuple[str, list[str]]:
    """The page without embedded binary, and a warning when some was dropped.

    Why: a ``data:`` URI image (in ``src``, ``href`` or a style's ``url()``) or a base64 blob
    in a script holds no report text, and one over 10 MB passes libxml2's buffer limit: the
    parser gives up and the whole page reads as "without article text". A ``data:`` URI over
    1 KB becomes ``data:,``; a run of 64 KB of base64 characters (no report text is one) goes.
    """
    n = len(text)
    text = _DATA_URI.sub("data:,", text)
    text = _BASE64_RUN.sub("", text)
    dropped = n - len(text)
    return text, [f"embedded binary removed before parsing ({dropped:,} characters of data: URIs or base64)"] if dropped else []


def flatten_nesting(text: str) -> tuple[str, list[str]]:
    """The page with runs of 32+ nested tags that hold nothing between them collapsed to one.

    Why: libxml2 stops at ``MAX_DEPTH`` levels and silently drops the rest of the page; tags
    opened one inside the other with only whitespace between carry no text or table, so one
    level of them reads the same. Runs of closing tags collapse likewise (a closing tag with
    nothing open to close is ignored by the parser).
    """
    flat = _CLOSE_RUN.sub("</div>", _OPEN_RUN.sub("<div>", text))
    return flat, ["page nests tags 32 or more levels deep with nothing between them; collapsed to one level"] \
        if len(flat) != len(text) else []


def parse_html(text: str, warnings: list[str] | None = None):
    """The page as an lxml tree (the text re-encoded, so no declaration inside can contradict it).

    ``warnings``, when given, gets one when the page nests deeper than ``MAX_DEPTH`` and the
    parser dropped what follows the deep part.
    """
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    if warnings is not None and any("Excessive depth" in e.message for e in parser.error_log):
        warnings.append(f"page nests deeper than {MAX_DEPTH} levels (the HTML parser's limit); "
                        "text after the deep part was not read")
    return root


def article(root, pictures=None) -> tuple[list[str], list[TableGrid]]:
    """The report article's lines (tables as tab rows) and its table grids; ``pictures``
    (``PagePictures``) reads the pictures in the article that the file ships."""
    body = root.find("body")
    if body is None:
        body = root
    _drop_chrome(body)
    core = _core(body)
    _drop_around(core)
    tables: list[TableGrid] = []
    main = _Text(tables, pictures)
    main.walk_children_as_block(core)
    before, after = _title_outside(core, main.lines), _signature_outside(core, main.lines)
    lines: list[str] = []
    for el in before:
        lines += _lines_of(el)
    lines += main.lines
    for el in after:
        lines += _lines_of(el)
    return lines, tables


def read_html(path: Path, sha256: str, raw: bytes | None = None, limits: Limits | None = None,
              parts: dict[str, bytes] | None = None, base: str | None = None) -> Document:
    """Read a saved web page into a one-page Document, or raise ``UnreadableFile`` saying why.

    ``raw``: the page's bytes when they are not the file's own (the HTML part of a ``.mht``);
    ``parts``, ``base``: that archive's pictures by location and the page's own location. The
    pictures the file ships are OCR'd where they stand (``html_pictures``), within ``limits``.
    """
    from pipeline.readers.html_pictures import PagePictures, lift_data_images

    limits = Limits.from_env() if limits is None else limits
    raw = Path(path).read_bytes() if raw is None else raw
    try:
        text, warnings = decode_html(raw)
    except UnreadableFile as exc:
        raise UnreadableFile(f"{path}: {exc}") from exc
    pictures = None
    if limits.ocr_max_pages:
        text, lifted = lift_data_images(text)
        if lifted:
            warnings.append(f"embedded binary removed before parsing: {len(lifted)} inline picture(s) "
                            f"({sum(map(len, lifted)):,} characters of data: URIs), kept aside to be OCR'd")
        pictures = PagePictures(Path(path), limits, lifted, parts, base)
    text, dropped = strip_binary(text)
    text, flattened = flatten_nesting(text)
    warnings += dropped + flattened
    try:
        root = parse_html(text, warnings)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"{path}: not a readable web page ({exc})") from exc
    meta: dict[str, str] = {}
    _take_meta(root, meta)
    try:
        lines, tables = article(root, pictures)
    except TableTooLarge as exc:
        raise TableTooLarge(f"{path}: {exc}") from exc
    if not lines:
        raise UnreadableFile(f"{path}: web page without article text")
    read = pictures is not None and pictures.read_count > 0
    return Document(
        path=str(path),
        sha256=sha256,
        format="html",
        pages=[Page(1, "\n".join(lines))],
        tables=tables,
        warnings=warnings + (pictures.warnings if pictures else []),
        meta=meta,
        ocr_pages=[1] if read else [],
        unreadable=pictures.notes if read else [],
    )
