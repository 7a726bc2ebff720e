"""The ``pdfmarkdown`` layout: a printed report's tables as a PDF-to-markdown converter leaves them.

markitdown and pymupdf4llm rebuild a table from a page's text lines, not from its cells.
Running them over generated PDFs showed these shapes, each rebuilt here from the ``tab``
rendering with random numbers:

- one printed table cut into several markdown tables (a rule line under each one's first
  row), each with padding columns of its own, so a column's field differs from table to
  table; now and then a row sits one field right of its table's other rows;
- a number too wide for its cell carried on in a pipe row of its own ("| 42935 |" over
  "| 4 |", under its number or one field off, for every wide cell of the row at once) or
  in the cell after ``<br>`` ("67597<br>6");
- two neighbouring cells' numbers in one field ("31 36"), a padding field taking the place,
  or a row's first numbers merged in pairs with no field kept for them ("| 21 0 | 0 0 | 21 |");
- a header head cut over two rows ("商业企" over "业");
- a number printed as a superscript, its whole cell ("|<sup>19</sup>|", pymupdf4llm);
- bold headings, labels and now and then a row's numbers ("| **12** |", pymupdf4llm);
- the request table's first rows as picture text (their words and numbers on a line, no
  pipes), and section 四's heading cut into the fields of a pipe row right under the
  table's last row ("|四、政府|信息公开行政复议、|行政诉讼情况|||", pymupdf4llm);
- two article-20 labels in one cell ("行政处罚<br>行政强制") with one value after them;
- a printed page's running header and footer lines between the rows ("…2025年度…报告_…",
  "12/4/26, 6:46 PM", "file:///…/report.html", "1/4");
- that running header printed over a table row, where a page starts on it: its glyphs put
  into the row's cells by position, each cell's share after a ``<br>`` ("|1.属于国家秘密<br>
  平潭…政府|0<br>信息公开工|…", pymupdf4llm over a browser-printed page); the header also
  stands on lines of its own, as on every other page;
- a long row label cut into two or three fields line by line, the first part of each of its
  lines in one field and the next parts in the next ("1.申请人无<br>期不补正<br>…|正当理由逾<br>、
  行政机关不<br>…", "二、上年<br>请数量|结转政|府信息公开申", pymupdf4llm where gaps split the
  label's lines);
- a small table's first row printed with its label field empty and the label on a line of
  its own after the row, outside the table ("|  | 396 | 0 | 181 |" then "行政许可", markitdown
  where a tall row's label sits lower than its values);
- section 四's heading shredded into its table's first header row, each piece in a field
  with pieces of the heads ("|四、政府结果结果|信息公开行政复议、行政复议其他尚未|行政诉讼情况
  未经复议直|接起诉|…"), so no heading line is left, and the row's first numbers stacked in
  a few fields ("|1<br>1|0<br>0<br>2|4<br>0|0|…", pymupdf4llm over a Word PDF).
"""

from __future__ import annotations

import random

_WIDE = 5  # digits: a number this wide may wrap in its cell
_HEADINGS = ("一、", "二、", "三、", "四、", "五、", "六、")
_HEADS = {"商业企业": ("商业企", "业"), "科研机构": ("科研机", "构"), "社会公益组织": ("社会公", "益组织"),
          "法律服务机构": ("法律服", "务机构")}


def pdf_markdown(tab_text: str, seed: int, agency: str = "", year: int = 2025) -> str:
    """``tab_text`` (the ``tab`` layout) as a PDF-to-markdown converter prints it (see the module doc)."""
    rng = random.Random(seed)
    picture = random.Random(seed + 1)  # drawn apart: the other shapes stay as they were for a seed
    as_picture, shred_heading = picture.random() < 0.3, picture.random() < 0.3
    bold = picture.random() < 0.3
    header = f"{agency or '本机关'}{year}年度政府信息公开工作年度报告_{agency or '政府信息公开年报'}"
    overprint = random.Random(seed + 2)  # drawn apart too
    over = overprint.random() < 0.3  # the running header falls on some table rows
    cutting = random.Random(seed + 3)  # drawn apart too
    cut_labels = cutting.random() < 0.3
    lower = random.Random(seed + 4)  # drawn apart too
    labels_below = lower.random() < 0.3
    shredding = random.Random(seed + 5)  # drawn apart too
    into_header = shred_heading and shredding.random() < 0.5
    in_review = False  # after section 四's heading, before its values
    after_heading = False  # the line before is a small table's heading or header
    out: list[str] = []
    pads: list[int] = []
    first_of_table = True
    in_tables = False
    lines = tab_text.split("\n")
    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        if line.startswith("二、"):
            in_tables = True
        elif line.startswith("五、"):
            in_tables = False
        if into_header and line.startswith("四、政府信息公开"):
            heads = [ln.split("\t") for ln in lines[k : k + 3] if "\t" in ln]
            if len(heads) >= 2:
                while k < len(lines) and "\t" not in lines[k]:
                    k += 1
                out.append(_heading_in_header(line, heads[0], heads[1], shredding))
                k += 1  # the header's first line is in that row now
                in_review = True
                continue
        if shred_heading and line.startswith("四、政府信息公开"):
            while out and not out[-1].strip():
                out.pop()
            out.append(_shredded(line, picture))
            continue
        if in_review and "\t" in line and all(f.isdigit() for f in line.split("\t")):
            out.append("|" + "|".join(_stacked(line.split("\t"), shredding)) + "|")
            in_review = False
            continue
        if "\t" not in line or not in_tables:
            out.append(f"**{line}**" if bold and line[:2] in _HEADINGS else line)
            first_of_table = True
            after_heading = line.startswith("第二十条")
            continue
        fields = line.split("\t")
        if after_heading and fields[0] != "信息内容" and labels_below and lower.random() < 0.5 \
                and all(f.isdigit() or f.startswith("-") for f in fields[1:] if f) and all(fields[1:]):
            # the label after its row, outside the table; the row under the header's rule line
            if first_of_table:
                out.append("|" + "|".join(["---"] * len(fields)) + "|")
            out += ["|" + "|".join(_pad(["", *fields[1:]], pads)) + "|", fields[0]]
            first_of_table = True
            after_heading = False
            continue
        after_heading = after_heading and fields[0] == "信息内容"
        if as_picture and fields[0].startswith(("一、本年新收", "二、上年结转")):
            out.append(" ".join(f for f in fields if f))  # picture text: the row's words and numbers on a line
            first_of_table = True
            continue
        if k < len(lines) and _two_labels(fields, lines[k]) and rng.random() < 0.5:
            nxt = lines[k].split("\t")
            k += 1
            fields = [f"{fields[0]}<br>{nxt[0]}", rng.choice([fields[1], nxt[1]])]
        if first_of_table or rng.random() < 0.25:
            pads = sorted(rng.sample(range(len(fields) + 1), rng.randint(0, 3)))
            first_of_table = True
        if bold:
            all_bold = picture.random() < 0.2
            fields = [f"**{f}**" if f and (all_bold or not f.isdigit()) else f for f in fields]
        rows = _wrap(fields, rng)
        if len(rows) == 1 and rng.random() < 0.1:
            rows = [_merge(fields, rng)]
        rows = [r for row in rows for r in _head_rows(row)]
        if rng.random() < 0.05:
            rows = [_raised(row, rng) for row in rows]
        shift = rng.random() < 0.1
        if cut_labels and len(rows) == 1 and cutting.random() < 0.3:
            rows = [_label_cut(rows[0], cutting)]
        if over and len(rows) == 1 and len(rows[0]) >= 3 and overprint.random() < 0.15:
            rows = [_overprinted(rows[0], header, overprint)]
        for i, row in enumerate(rows):
            padded = _pad(row, pads)
            if shift:
                padded = ["", *padded]
            out.append("|" + "|".join(padded) + "|")
            if first_of_table and i == 0:
                out.append("|" + "|".join(["---"] * len(padded)) + "|")
                first_of_table = False
        if rng.random() < 0.08:
            out += rng.choice([
                [f"{agency}{year}年度政府信息公开工作年度报告_{agency}"],
                [f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(20, 27)}, {rng.randint(1, 12)}:"
                 f"{rng.randint(0, 59):02d} PM"],
                ["file:///tmp/report.html", "", f"{rng.randint(1, 3)}/{rng.randint(4, 6)}"],
            ])
            first_of_table = True
    if over:  # the header on lines of its own, as every printed page has it
        out = [header, *out, header]
    return "\n".join(out)


def _label_cut(fields: list[str], rng: random.Random) -> list[str]:
    """``fields`` with the row's last label field (eight characters or more) wrapped in lines of
    five to nine characters, each line cut at one or two gaps: the first parts in the field,
    the next parts in new fields after it (a short last line may stop before a gap)."""
    texts = [i for i, f in enumerate(fields) if "<" not in f and any("\u4e00" <= ch <= "\u9fff" for ch in f)]
    if not texts or len(label := fields[texts[-1]].strip("*")) < 8:
        return fields
    i = texts[-1]
    width = rng.randint(5, 9)
    parts = rng.choice([2, 2, 3])
    lines = [label[k : k + width] for k in range(0, len(label), width)]
    columns: list[list[str]] = [[] for _ in range(parts)]
    for k, line in enumerate(lines):  # the gaps run down the label: only its last line may stop short of them
        last = k == len(lines) - 1
        if len(line) < parts:
            if not last:
                return fields
            columns[0].append(line)
            continue
        cuts = sorted(rng.sample(range(1, len(line) + last), parts - 1))
        pieces = _cut(line, cuts)
        for column, piece in zip(columns, pieces, strict=True):
            if piece:
                column.append(piece)
    if len(lines) < 2 or any(len(c) < len(lines) - 1 for c in columns[1:]):
        return fields
    return [*fields[:i], *("<br>".join(c) for c in columns), *fields[i + 1 :]]


def _cut(text: str, cuts: list[int]) -> list[str]:
    """``text`` cut at the sorted positions ``cuts``."""
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _overprinted(fields: list[str], header: str, rng: random.Random) -> list[str]:
    """``fields`` with ``header`` printed over them: cut in one piece per field, each after a
    ``<br>`` (a blank field holds its piece alone)."""
    cuts = sorted(rng.sample(range(1, len(header)), len(fields) - 1))
    pieces = _cut(header, cuts)
    return [f"{f}<br>{p}" if f else p for f, p in zip(fields, pieces, strict=True)]


def _shredded(heading: str, rng: random.Random) -> str:
    """A section heading printed as fields of a pipe row, cut anywhere ("|四、政府|信息公开行政复议、|…|")."""
    pieces = _cut(heading, sorted(rng.sample(range(2, len(heading) - 1), 2)))
    return "|" + "|".join(pieces) + "|" * rng.randint(2, 4)


def _heading_in_header(heading: str, first: list[str], second: list[str], rng: random.Random) -> str:
    """Section 四's heading cut into three pieces, each in a field of the header's first pipe row
    and followed there by pieces of the heads under it, as a converter joins the lines it finds
    side by side ("|四、政府结果结果|信息公开行政复议、行政复议其他尚未|行政诉讼情况未经复议直|…|")."""
    pieces = _cut(heading, sorted(rng.sample(range(2, len(heading) - 1), 2)))
    tops = [f for f in first if f]
    subs = [f for f in second if f]
    fields = [pieces[0] + "".join(h[:2] for h in subs[:2]),
              pieces[1] + (tops[0] if tops else "") + "".join(h[:2] for h in subs[2:4]),
              pieces[2] + "".join(h[:-3] for h in subs[5:6])]
    fields += [h[-3:] for h in subs[5:6]] + [""] + ["".join(tops[1:])] + [h for h in subs[6:]]
    return "|" + "|".join(fields) + "|" * rng.randint(1, 3)


def _stacked(fields: list[str], rng: random.Random) -> list[str]:
    """A row's first numbers stacked two or three a field ("1<br>1", "0<br>0<br>2"), the rest as they are."""
    out: list[str] = []
    i = 0
    for _ in range(rng.randint(1, 3)):
        size = rng.randint(2, 3)
        if i + size > len(fields):
            break
        out.append("<br>".join(fields[i : i + size]))
        i += size
    return out + fields[i:]


def _two_labels(fields: list[str], nxt: str) -> bool:
    """Two article-20 item rows of one value each, one under the other (行政处罚, 行政强制)."""
    other = nxt.split("\t")
    return (len(fields) == 2 and len(other) == 2 and fields[0] in ("行政处罚", "行政许可")
            and other[0] in ("行政强制", "行政处罚"))


def _wrap(fields: list[str], rng: random.Random) -> list[list[str]]:
    """The row, and the pipe row that carries on its wide numbers when they wrap."""
    wide = [i for i, f in enumerate(fields) if f.isdigit() and len(f) >= _WIDE]
    if not wide or rng.random() < 0.4:
        return [fields]
    if rng.random() < 0.5:  # pymupdf4llm: the cell's lines apart by <br>
        return [[f"{f[:-1]}<br>{f[-1]}" if i in wide else f for i, f in enumerate(fields)]]
    row, more = list(fields), [""] * len(fields)
    off = rng.choice([0, 0, 1])
    for i in wide:
        cut = rng.randint(1, 2)
        row[i] = fields[i][:-cut]
        more[min(i + off, len(fields) - 1)] = fields[i][-cut:]
    return [row, more]


def _merge(fields: list[str], rng: random.Random) -> list[str]:
    """Two neighbouring numbers in one field, a padding field at the end for the lost one; or
    (markitdown over a real Word PDF) the row's first numbers merged in pairs, no field kept
    for the lost ones ("| 21 0 | 0 0 | 0 0 | 21 |")."""
    pairs = [i for i in range(len(fields) - 1) if fields[i].isdigit() and fields[i + 1].isdigit()]
    if not pairs:
        return fields
    if rng.random() < 0.5:
        i = pairs[0]
        out = list(fields[:i])
        for _ in range(rng.randint(1, 3)):
            if i + 1 < len(fields) and fields[i].isdigit() and fields[i + 1].isdigit():
                out.append(f"{fields[i]} {fields[i + 1]}")
                i += 2
        return out + list(fields[i:])
    i = rng.choice(pairs)
    return [*fields[:i], f"{fields[i]} {fields[i + 1]}", *fields[i + 2 :], ""]


def _raised(fields: list[str], rng: random.Random) -> list[str]:
    """One number of the row printed as a superscript, its whole cell (pymupdf4llm: "|<sup>19</sup>|")."""
    digits = [i for i, f in enumerate(fields) if f.isdigit()]
    if not digits:
        return fields
    i = rng.choice(digits)
    return [*fields[:i], f"<sup>{fields[i]}</sup>", *fields[i + 1 :]]


def _head_rows(fields: list[str]) -> list[list[str]]:
    """A header row whose long heads wrap: their first lines, then a row of their second lines."""
    if not any(f in _HEADS for f in fields):
        return [fields]
    return [[_HEADS[f][0] if f in _HEADS else f for f in fields],
            [_HEADS[f][1] if f in _HEADS else "" for f in fields]]


def _pad(fields: list[str], pads: list[int]) -> list[str]:
    """``fields`` with an empty padding field before each index of ``pads``."""
    out: list[str] = []
    for i, f in enumerate(fields):
        out += [""] * pads.count(i)
        out.append(f)
    return out + [""] * sum(p >= len(fields) for p in pads)
