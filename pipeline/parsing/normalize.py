"""Text normalization shared by every parsing step.

NFKC folds full-width digits and punctuation (０１２, （）, ．) and the Kangxi radicals
some PDF producers emit (⼀ for 一) into their ordinary forms, so one set of patterns
matches every producer. Line breaks and tabs are kept: they carry table structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

from pipeline.readers.cell_text import join_stacked, stacked

_SPACES = re.compile(r"[ \u00a0\u2002-\u200b\u3000\ufeff]+")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "―": "-", "─": "-", "／": "/", "﹣": "-"})
# Any of _DASHES' characters: translate() looks every character of a page up in the table,
# a search for these finds most pages without one ~20 times faster.
_DASH_CHARS = re.compile("[－—–―─／﹣]")


# Characters that only traditional-script text uses, common in these reports.
_TRADITIONAL = re.compile("[開與請處機關數計結辦資國權復議訴訟縣鎮區報門網總維護糾審]")
_PIPE_ROW = re.compile(r"^\s*\|(.*?)\|?\s*$")  # a row cut short may lack its closing pipe
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SCRIPT_CELL = re.compile(r"^\s*<(sup|sub)>([^<]*)</\1>\s*$", re.IGNORECASE)
"""A cell printed wholly as a superscript or subscript (pymupdf4llm: "|<sup>19</sup>|", a value
whose glyphs MuPDF flagged as raised): the cell's text. Only a whole cell: a raised mark after
a cell's text ("22<sup>1</sup>") is a footnote, never a digit of the number."""
TABLE_START = "\u2402"
"""The line a markdown table's rule line becomes: the row above it starts a table of its own.

A PDF-to-markdown converter cuts one printed table into many markdown tables, each with
columns of its own: a header's columns hold for the rows of its own markdown table only
(``parsing.tables``). U+2402 SYMBOL FOR START OF TEXT: unchanged by NFKC, never printed."""


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _pipe_cell(cell: str) -> str:
    """A pipe cell's text; its ``<br>`` pieces follow the readers' one rule (``cell_text``).

    PDF-to-markdown converters (markitdown, pymupdf4llm) print a cell's lines with ``<br>``:
    a wrapped label is one label, and a number over a number ("67597<br>6", a number wrapped
    or two rows' values) is stacked, null, never one value.
    """
    if "<" not in cell:
        return cell.strip()
    if m := _SCRIPT_CELL.match(cell):
        return m.group(2).strip()
    pieces = _br_pieces(cell)
    return join_stacked(pieces) if stacked(pieces) else "".join(pieces)


def _br_pieces(cell: str) -> list[str]:
    """A pipe cell's ``<br>``-separated pieces, stripped, the empty ones left out."""
    return [p.strip() for p in _BREAK.split(cell) if p.strip()]


def _bare_table_rows(lines: list[str]) -> set[int]:
    """The rows of tables printed without outer pipes (html2text: "规章| 0| 0| 0", its rule line
    "---|---|---"): the row above such a rule line and the pipe rows below it.

    Why by the rule line: a row of such a table whose first cell is blank starts with a pipe
    ("| | 自然人| …") and one whose last cell is blank ends with one, so a row alone cannot tell
    an outer pipe from a blank cell; the table's rule line can."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        rule = line.strip()
        if "|" not in rule or rule.startswith("|") or rule.endswith("|") or not _PIPE_RULE.match(line):
            continue
        if i and "|" in lines[i - 1]:
            out.add(i - 1)
        j = i + 1
        while j < len(lines) and "|" in lines[j] and not _PIPE_RULE.match(lines[j]):
            out.add(j)
            j += 1
    return out


RUNNING_MIN = 8
"""Characters (blanks aside) a line needs to count as a page's running header (``_running_lines``)."""
CJK = re.compile("[\u4e00-\u9fff]")
"""A CJK ideograph (the basic block: every character of the national format's words)."""
_BLANKS = re.compile(r"\s+")


def _running_lines(lines: list[str]) -> list[str]:
    """Lines printed at least twice outside pipe rows, blanks removed: a printed page's running
    header or footer ("…2023年度政府信息公开工作年度报告_…", the browser's on every page)."""
    counts = Counter(_BLANKS.sub("", line) for line in lines if "|" not in line)
    return [t for t, n in counts.items() if n >= 2 and len(t) >= RUNNING_MIN and CJK.search(t)]


def _without_overprint(fields: list[str], running: list[str]) -> list[str]:
    """A pipe row's fields without the running header printed over the row.

    A browser prints its page header where the page starts, and when that falls on a table
    row a converter (pymupdf4llm) puts the header's glyphs into the row's cells by position,
    each cell's share after a ``<br>``: "|1.属于国家秘密<br>平潭…政府|0<br>信息公开工|0<br>作年度报|…";
    a blank cell holds its share alone, digits too ("…政府202|5|年度…"). The header runs
    unbroken across the cells under it, so from the first field with a piece after a
    ``<br>`` to the last, each field's last piece is the header's (a field of one piece:
    all of it; an empty field, a padding column, none). They are removed only when, read in
    order, they spell a running line of the document (``_running_lines``, at least
    ``RUNNING_MIN`` characters); the values stay in their own fields. A value taken for a piece would have to spell the header's own
    characters where it stands, and is then left blank, never moved. Anything less leaves
    the row as printed, read (or left null) as before.
    """
    if not running:
        return fields
    pieces = [_br_pieces(f) for f in fields]
    multi = [i for i, p in enumerate(pieces) if len(p) > 1]
    if len(multi) < 2:
        return fields
    # an empty field under the header is a converter's padding column the header's glyphs
    # missed: it holds no piece (the pieces of the others must still spell the line)
    span = [i for i in range(multi[0], multi[-1] + 1) if pieces[i]]
    spelt = _BLANKS.sub("", "".join(pieces[i][-1] for i in span))
    if len(spelt) < RUNNING_MIN or not any(spelt in line for line in running):
        return fields
    out = list(fields)
    for i in span:
        out[i] = "<br>".join(pieces[i][:-1])
    return out


@cache
def _label_variants() -> tuple[str, ...]:
    """The label words of section 二's and the request table's rows (``parsing.labels``), of at
    least four characters."""
    from pipeline.parsing.labels import _RAW, ARTICLE20_LABELS, REQUEST_LABELS  # labels imports this module

    words = [v for k, (_n, vs) in REQUEST_LABELS.items() if k not in _RAW for v in vs]
    return tuple(v for v in [*words, *(v for vs in ARTICLE20_LABELS.values() for v in vs)] if len(v) >= 4)


def _interleaved_label(fields: list[str]) -> list[str]:
    """A pipe row's fields with a label a converter cut into two or three fields, line by line, put together.

    pymupdf4llm splits a wrapped label's lines at gaps in them into fields, each line's first
    part in one field, its next part in the next ("1.申请人无<br>期不补正<br>再处理其<br>申请|
    正当理由逾<br>、行政机关不<br>政府信息公开"; "二、上年<br>请数量|结转政|府信息公开申"): read
    across, line by line, they are the label. Neighbouring fields of text only, the first on
    two lines or more and each next one on as many lines or one fewer (a short last line
    stops before the gap), are read so when the lines taken in turn hold a row's label word
    (``_label_variants``) that no field holds on its own nor the fields one after the other;
    the label goes in the first field, the others are left empty (the row keeps its width).
    Fields that are labels of their own (a group's and its item's, two heads) hold their
    words alone and stay as they are.
    """
    pieces = [_br_pieces(f) for f in fields]
    words = _label_variants()
    for i in range(len(fields) - 1):
        lines = len(pieces[i])
        if lines < 2 or not all(CJK.search(p) for p in pieces[i]):
            continue
        for width in (3, 2):
            run = pieces[i : i + width]
            counts = [len(p) for p in run]
            if len(run) < width or any(c not in (lines, lines - 1) or c < 1 for c in counts):
                continue
            if any(a < b for a, b in zip(counts, counts[1:], strict=False)):
                continue
            if not all(CJK.search(p) for part in run for p in part):
                continue
            turns = [part[j] for j in range(lines) for part in run if j < len(part)]
            across = _BLANKS.sub("", "".join(turns))
            apart = _BLANKS.sub("", "".join(p for part in run for p in part))
            alone = [_BLANKS.sub("", "".join(part)) for part in run]
            if any(w in across and w not in apart for w in words) and not any(w in f for w in words for f in alone):
                return [*fields[:i], "<br>".join(turns), *[""] * (width - 1), *fields[i + width :]]
    return fields


def _pipe_tables_to_tabs(text: str) -> str:
    """Markdown pipe tables become tab rows (one cell per tab), each rule line a ``TABLE_START`` line."""
    if "|" not in text:
        return text
    out = []
    lines = text.split("\n")
    bare = _bare_table_rows(lines)
    running = _running_lines(lines) if "<br" in text.lower() else []
    for i, line in enumerate(lines):
        if _PIPE_RULE.match(line) and "-" in line:
            out.append(TABLE_START)
            continue
        if i in bare:  # every field is a cell: a first or last one empty is a blank cell
            out.append("\t".join(_pipe_cell(c) for c in line.rstrip().split("|")))
            continue
        m = _PIPE_ROW.match(line)
        if m:
            fields = _without_overprint(m.group(1).split("|"), running)
            if "<br" in line:
                fields = _interleaved_label(fields)
            out.append("\t".join(_pipe_cell(c) for c in fields))
        elif line.count(" | ") >= 2 or line.count("| ") >= 2:
            # a pipe row whose outer pipes were lost ("label | 0 | 0"; html2text's own tables:
            # "规章| 0| 0| 0"): html2text's rows have no outer pipes, and a blank last cell is a
            # pipe and spaces ("… | 1 |   "); a bare final pipe is a closing one ("… | 0 |")
            body = line.rstrip()
            last_blank = body.endswith("|") and len(body) < len(line)
            fields = (body if last_blank else body.removesuffix("|")).split("|")
            out.append("\t".join(_pipe_cell(c) for c in fields))
        else:
            out.append(line)
    return "\n".join(out)


def normalize(text: str) -> str:
    """One form for every producer: NFKC, simplified script, ASCII dashes, tab rows for pipe tables.

    Short texts (grid cells: "0", "12", the template's labels, hundreds per report and the
    same ones in every report) are remembered; a page of text is not.
    """
    if len(text) <= SHORT:
        return _normalize_short(text)
    return _normalize(text)


SHORT = 64


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = nfkc(text)
    if len(_TRADITIONAL.findall(text)) >= 3:
        text = _t2s().convert(text)
    if _DASH_CHARS.search(text):
        text = text.translate(_DASHES)
    text = _SPACES.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "**" in text:
        text = _BOLD.sub(r"\1", text)
    if "<" in text:
        text = _INLINE_TAG.sub("", text)
    text = _pipe_tables_to_tabs(text)
    if "<" in text:
        # a line break written as HTML outside a pipe table (pymupdf4llm's text of a picture:
        # "规章 0 0 0<br>行政规范性文件 77 132 470<br>…"); inside one, ``_pipe_cell`` read it
        text = _BREAK.sub("\n", text)
    return text


class _CharNFKC(dict):
    """Code point -> its own NFKC form, worked out the first time a character is seen."""

    def __missing__(self, code: int) -> str:
        form = self[code] = unicodedata.normalize("NFKC", chr(code))
        return form


_CHAR_NFKC = _CharNFKC()


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, character by character where that is the same.

    Why: a report's page is mostly CJK with a few full-width signs (（）：), so NFKC's quick
    check fails and CPython decomposes and recomposes the whole page (~0.2 ms a report).
    Each character replaced by its own NFKC form is compatibility-equivalent to ``text``
    (NFKD of a concatenation is the reordered concatenation of the parts' NFKD); when the
    result is in NFKC it is therefore NFKC(text), the one normalized string equivalent to
    it. It is, unless a combining mark or a composable pair meets across characters, and
    ``is_normalized`` says so: then the whole text is normalized as before. The table grows
    with the distinct characters seen, a few thousand.
    """
    if text.isascii():
        return text
    mapped = text.translate(_CHAR_NFKC)
    return mapped if unicodedata.is_normalized("NFKC", mapped) else unicodedata.normalize("NFKC", text)


_BOLD = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")
"""Markdown bold ("| **12** |", "**一、本年新收政府信息公开申请数量**": pymupdf4llm marks a bold
font so): the text itself. Left in, a bold number was label text and a bold label no label."""
_INLINE_TAG = re.compile(r"</?(?:u|b|i|em|strong|s|strike|ins|span|font)(?:\s[^<>]*)?>", re.IGNORECASE)
"""HTML formatting tags a markdown converter leaves in the text ("<u>微信 微博</u>", pymupdf4llm's
underline): no text of the report (their ">" read as a breadcrumb's, the title line beside
them was dropped). Not ``<sup>``/``<sub>``: a raised mark after a number is a footnote, and only
a cell that is one whole is read (``_SCRIPT_CELL``)."""
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A markdown converter's escaped punctuation ("年度报告\\_政府信息公开年报", "void\\(0\\)"): the
character itself. A report's own text has no backslashes."""


def loose(label: str) -> str:
    """A regex for ``label`` that tolerates whitespace and line breaks between its characters.

    PDF extraction breaks labels anywhere (自然 / 人, 结 果 维 持), so every label match
    goes through this.
    """
    parts = []
    for ch in normalize(label):
        if ch.isspace():
            continue
        parts.append(re.escape(ch))
    return r"\s*".join(parts)


def compact(text: str) -> str:
    r"""``text`` without any whitespace.

    ``str.split()`` cuts at exactly the characters the regex ``\s`` matches (both test
    ``Py_UNICODE_ISSPACE``; checked over every code point in the tests) and is about three
    times as fast on a report's text, which is compacted several times per report.
    """
    return "".join(text.split())
