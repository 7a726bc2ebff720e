"""Render a report record back into report text, in the layouts text converters produce.

Used by the property tests (every cell must survive a round trip) and the benchmarks.
Layouts: ``flat`` (one line per row, labels broken over lines, blanks printed as a dash,
like seed 000), ``tab`` (tab-separated grid with a header, blanks as empty cells, like
seed 001), ``cells`` (one cell per line, blanks as "/"), ``markdown`` (pipe tables, like
converters to markdown), ``html2text`` (html2text's tables: no outer pipes, cells apart by "| "), ``glued`` (numbers printed against their labels), ``fullwidth``
(full-width digits and ideographic spaces), ``traditional`` (繁體), ``shredded`` (every
label of a table first, then every value: labels and values drifted apart) and
``runtogether`` (a row's digits with their separators lost; blanks cannot be shown) and
``converter`` (a PDF→markdown conversion that shredded the request table: some rows' multi-line
labels float above them as text and the rows keep only their values, a header fragment
becomes a wider pipe header, a page footer and a lone number sit between the rows) and
``crawler`` (a crawler's innerText of the web page: breadcrumbs and "来源：… 时间：…" before the
title, the whole report on one line, every cell run together with only some cell boundaries
kept as a space, item numbers glued to the previous row's digits, the request table's
heading repeated mid-table, negative 本年增/减 printed as "2648-18538") and ``lostlabels`` (the
``tab`` grid with some request rows' label cells blank, as an OCR'd table whose label cells
read nothing renders: their value lines follow the last labelled row's line) and ``pagebreaks``
(``tab``, ``flat`` or ``runtogether`` text as a PDF-to-text converter leaves a printed report:
page footers — "— 5 —", "第 5 页", "5/12", a bare page number — between the tables' rows) and
``pdfmarkdown`` (a PDF-to-markdown converter's tables: see ``render_pdfmd``) and ``tallrows``
(spaced text as pdfplumber and pdftotext -layout print a PDF's tables: tall rows' values
level with the middle of their broken labels, section 四's heads a character a row) and
``onealine`` (pdftotext's default mode: the request table a cell a line, a tall row's first
value between its label's pieces).
"""

from __future__ import annotations

import random
import re

from pipeline import template as tpl

EXACT_LAYOUTS = ("flat", "tab", "cells", "markdown", "html2text", "glued", "fullwidth", "traditional")
# runtogether and crawler are exact only where the sums admit one split; shredded and
# converter (rows detached from their labels) only where every sum confirms the order;
# lostlabels never has the rows whose labels were lost
# pagebreaks: a bare page number between rows has no column, so the row it follows may be left null
SUMS_ONLY_LAYOUTS = ("shredded", "converter", "runtogether", "crawler", "lostlabels", "pagebreaks", "pdfmarkdown",
                     "tallrows", "onealine")
LAYOUTS = EXACT_LAYOUTS + SUMS_ONLY_LAYOUTS


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return f"{v:.1f}"
    return str(v)


def _break(label: str, rng: random.Random) -> str:
    """Break a label over lines the way PDF extraction does."""
    if len(label) < 6 or rng.random() < 0.5:
        return label
    k = rng.randint(2, len(label) - 2)
    return label[:k] + "\n" + label[k:]


def _row_label(table: str, template: str, row: str) -> str:
    col = tpl.columns(table, template, row)[0]
    return tpl.label(table, template, row, col).zh_row


def _values(values: list, layout: str) -> list[str]:
    blank = {"tab": "", "cells": "/", "markdown": "", "runtogether": "", "crawler": ""}.get(layout, "-")
    return [blank if v is None else _fmt(v) for v in values]


def render_text(rec: dict, layout: str = "flat", seed: int = 0) -> str:
    """The report as ``layout`` prints it (see the module doc)."""
    if layout == "markdown":
        return _to_markdown(_render(rec, "tab", seed))
    if layout == "html2text":
        return _to_html2text(_render(rec, "tab", seed))
    if layout == "fullwidth":
        text = _render(rec, "flat", seed)
        return text.translate(str.maketrans("0123456789 .-", "０１２３４５６７８９\u3000．－"))
    if layout == "traditional":
        import opencc

        return opencc.OpenCC("s2t").convert(_render(rec, "flat", seed))
    if layout == "crawler":
        return _crawler(rec, seed)
    if layout == "converter":
        return _to_markdown(_converter(_render(rec, "tab", seed), seed))
    if layout == "lostlabels":
        return lost_labels(_render(rec, "tab", seed), seed)
    if layout == "pdfmarkdown":
        from pipeline.samples.render_pdfmd import pdf_markdown

        return pdf_markdown(_render(rec, "tab", seed), seed, rec.get("agency") or "", rec["year"])
    if layout == "tallrows":
        return tall_rows(_render(rec, "tab", seed), seed)
    if layout == "onealine":
        return one_a_line(_render(rec, "tab", seed), seed)
    if layout == "pagebreaks":
        return page_breaks(_render(rec, random.Random(seed).choice(["tab", "flat", "runtogether"]), seed), seed)
    return _render(rec, layout, seed)


def lost_labels(tab_text: str, seed: int, share: float = 0.3) -> str:
    """The ``lostlabels`` layout: about ``share`` of the request table's rows with their label cells blank.

    The row keeps its tab cells (value columns stay where they were); only the text of its
    label cells is gone, as an OCR'd grid renders a row whose labels read nothing. A row
    next after a labelled one then sits in that row's stretch of text. In half the rows of
    groups （三）–（六） so blanked, a piece of the group's heading stays in the first cell, as a
    converter prints the group column piece by piece beside rows whose own labels floated off;
    in three rows in ten, a piece from inside the row's own label stays (a narrow label cell's
    middle line printed beside the values).
    """
    rng = random.Random(seed)
    pieces = random.Random(seed + 5)  # drawn apart: which rows lose their labels stays as it was for a seed
    out: list[str] = []
    for line, in_requests in _request_lines(tab_text):
        cells = line.split("\t")
        if in_requests and len(cells) > 3 and any(c.strip().isdigit() for c in cells[3:]) and rng.random() < share:
            keep = ""
            draw = pieces.random()
            if _GROUP.match(cells[0]) and draw < 0.5:
                # the group heading's column printed piece by piece beside the rows ("无法提", markitdown):
                # a piece of it is all the label text the row keeps
                k = pieces.randint(0, len(cells[0]) - 2)
                keep = cells[0][k : k + pieces.choice([1, 2, 3])]
            elif draw > 0.7 and len(sub := cells[1] or cells[0]) >= 9:
                # a narrow label cell's middle line ("政法规禁止公" of 2.其他法律行政法规禁止公开)
                k = pieces.randint(3, len(sub) - 5)
                keep = sub[k : k + pieces.randint(3, 6)]
            line = "\t".join([keep, "", ""] + cells[3:])
        out.append(line)
    return "\n".join(out)


_PAGE_FOOTERS = ("— {n} —", "- {n} -", "-{n}-", "第 {n} 页", "第{n}页 共{m}页", "{n}/{m}", "{n}")


def page_breaks(text: str, seed: int, share: float = 0.15) -> str:
    """The ``pagebreaks`` layout: a page footer after about ``share`` of the tables' value lines.

    A converter of a printed report (pdftotext, a PDF→markdown tool) keeps each page's footer
    where the page ends, often inside a table that runs over the page break; a bare page
    number is indistinguishable from a value line by its text alone.
    """
    rng = random.Random(seed)
    out: list[str] = []
    page = rng.randint(2, 5)
    pages = page + rng.randint(2, 12)
    in_tables = False
    for line in text.split("\n"):
        out.append(line)
        if line.startswith("二、"):
            in_tables = True
        elif line.startswith("五、"):
            in_tables = False
        if in_tables and any(ch.isdigit() for ch in line) and rng.random() < share:
            out.append(rng.choice(_PAGE_FOOTERS).format(n=page, m=pages))
            page += 1
    return "\n".join(out)


def tall_rows(tab_text: str, seed: int, narrow: bool | None = None) -> str:
    """The ``tallrows`` layout: spaced text as pdfplumber and pdftotext -layout print a PDF's
    tables, a blank cell printed as nothing. A request row whose label is long is a tall row:
    its label broken over lines of up to nine characters, its values level with the middle of
    them. Section 四's header heads are printed a character a row (vertical text in narrow
    cells), so its words cannot be found. The values stand on a line of their own or end one of
    the label's lines ("握相关政府信 7 0 0 0 0 0 7" over "息"). In half the documents the rows of
    a group print narrow label columns (``_narrow_row``; ``narrow`` decides, None: drawn), and
    so do section 二's small tables: a label longer than five characters broken after the
    fifth or a later one, the row's values on a line between its two pieces ("行政规范性文" /
    "77 132 470" / "件", pdfplumber). In three documents in ten, a small table's first row
    whose label is short stands with its values on the line above its label, right under the
    header ("信息内容 本年处理决定数量" / "1330" / "行政处罚" / "行政强制 54", markitdown where a tall
    row's label sits lower than its values)."""
    rng = random.Random(seed)
    lowered = random.Random(seed + 13)  # drawn apart too
    label_below = lowered.random() < 0.3
    after_header = False  # the line before was a small table's header
    columns = random.Random(seed + 7)  # drawn apart: the other shapes stay as they were for a seed
    drawn = columns.random() < 0.5  # the group label's column printed piece by piece among the rows
    narrow = drawn if narrow is None else narrow
    cuts = random.Random(seed + 11)  # drawn apart too
    group_left: dict[str, list[str]] = {}
    out: list[str] = []
    section = ""
    for line in tab_text.split("\n"):
        if line[:2] in ("二、", "三、", "四、", "五、") and "\t" not in line:
            section = line[:2]
        if "\t" not in line:
            out.append(line)
            continue
        fields = line.split("\t")
        values = [f for f in fields if f and not any("\u4e00" <= ch <= "\u9fff" for ch in f)]
        label = "".join(f for f in fields if f and f not in values)
        first_row, after_header = after_header, fields[0] == "信息内容"
        if label_below and first_row and section == "二、" and values and len(label) <= 5 \
                and len(values) == len(fields) - 1:
            out += [" ".join(values), label]
            continue
        if narrow and section == "三、" and values and _GROUP.match(fields[0]) and len(fields[1]) >= 8:
            out += _narrow_row(fields[0], fields[1], values, group_left, columns)
            continue
        if narrow and section == "二、" and values and len(label) > 5:
            k = cuts.randint(5, len(label) - 1)
            out += [label[:k], " ".join(values), label[k:]]
            continue
        if section == "四、" and not values:
            heads = [f for f in fields if f]
            if any(len(h) == 4 for h in heads):  # the heads of four characters, a character a row
                for k in range(4):
                    out.append(" ".join(h[k] for h in heads if len(h) == 4))
            else:
                out.append(" ".join(heads))
            continue
        if section == "三、" and values and len(label) > 12 and rng.random() < 0.6:
            pieces = [label[k : k + 9] for k in range(0, len(label), 9)]
            middle = (len(pieces) + 1) // 2
            if rng.random() < 0.5:  # the values on a line of their own, or ending a piece's line
                out += [*pieces[:middle], " ".join(values), *pieces[middle:]]
            else:
                out += [*pieces[: middle - 1], pieces[middle - 1] + " " + " ".join(values), *pieces[middle:]]
            continue
        out.append(" ".join(f for f in fields if f))
    return "\n".join(out)


_GROUP = re.compile(r"^（[三四五六]）")
_OUTCOMES = "三、本年度办理结果"


def one_a_line(tab_text: str, seed: int) -> str:
    """The ``onealine`` layout: the request table as pdftotext (default mode) prints a PDF's
    table: each cell's text on a line of its own, a blank line between cells, a blank cell
    printing nothing. A long label is broken over lines of ten characters, and in six rows in
    ten the row's first value stands between its first piece and the rest ("2.其他法律行政法规禁"
    / "0" / "止公开" / "" / "0" …: the value, level with the middle of the tall row, comes
    before the label's lower lines), in half of them at the end of the label's first line
    ("5.属于三类内部事务信 0" / "息"). In three documents in ten, two rows' labels float off
    their values into a cluster after a later row. Other lines are printed spaced, blanks as
    nothing."""
    rng = random.Random(seed)
    out: list[str] = []
    group = ""
    # in three documents in ten, two rows' labels float off their values into a cluster printed
    # after the next row ("（一）予以公开" / "1.属于国家秘密" after row 4: pdftotext's order)
    drawn = random.Random(seed + 23)
    floated = set(drawn.sample(range(2, 20), 2)) if drawn.random() < 0.3 else set()
    cluster: list[str] = []
    rows_seen = 0
    for line, in_requests in _request_lines(tab_text):
        if "\t" not in line:
            out.append(line)
            continue
        fields = line.split("\t")
        values = [f for f in fields[1:] if f and not any("\u4e00" <= ch <= "\u9fff" for ch in f)]
        if not (in_requests and values):
            out.append(" ".join(f for f in fields if f))
            continue
        named = [f for f in fields if f and f not in values]
        if len(named) == 1 and named[0].startswith(_OUTCOMES) and len(named[0]) > len(_OUTCOMES):
            named = [_OUTCOMES, named[0][len(_OUTCOMES) :]]  # the group's cell, apart from the row's
        if len(named) == 2 and (_GROUP.match(named[0]) or named[0] == _OUTCOMES):
            # the group's heading once, above its first row
            if named[0] != group:
                out += [named[0], ""]
            group, named = named[0], named[1:]
        label = "".join(named)
        pieces = [label[k : k + 10] for k in range(0, len(label), 10)]
        if floated and rows_seen in floated:  # its label printed later, in the cluster
            cluster.append(label)
            out.append("")
        elif len(pieces) > 1 and rng.random() < 0.6:
            if rng.random() < 0.5:
                out += [pieces[0], values[0], *pieces[1:], ""]
            else:  # at the end of the label's first line ("5.属于三类内部事务信 0" / "息")
                out += [f"{pieces[0]} {values[0]}", *pieces[1:], ""]
            values = values[1:]
        else:
            out += [*pieces, ""]
        for v in values:
            out += [v, ""]
        rows_seen += 1
        if cluster and rows_seen > max(floated) + 1:  # two rows on: the floated labels, together
            out += [x for lab in cluster for x in (lab, "")]
            cluster = []
    return "\n".join(out + [x for lab in cluster for x in (lab, "")])


def _narrow_row(group: str, sub: str, values: list[str], left: dict[str, list[str]],
                rng: random.Random) -> list[str]:
    """A request row as pdfplumber prints it from a PDF with narrow label columns: the item's
    label cut after its number and five characters ("5 . 属于三类内"), a piece of the group
    label's column (two or three characters, in order down the group's rows: "（三）", "不予公",
    "开") on a line of its own, the row's values, then the rest of the item's label."""
    if group not in left:
        pieces, k = [], 0
        while k < len(group):
            step = rng.choice([2, 3])
            pieces.append(group[k : k + step])
            k += step
        left[group] = pieces
    number, _dot, text = sub.partition(".") if re.match(r"^\d\.", sub) else ("", "", sub)
    first = f"{number} . {text[:5]}" if number else text[:5]
    rest = [text[k : k + 5] for k in range(5, len(text), 5)]
    lines = [first]
    if left[group]:
        lines.append(left[group].pop(0))
    return [*lines, " ".join(values), *rest]


def _request_lines(tab_text: str):
    """Each line of ``tab_text``, and whether it lies in the request table's section (三 up to 四)."""
    in_requests = False
    for line in tab_text.split("\n"):
        if line.startswith("三、收到和处理"):
            in_requests = True
        elif line.startswith("四、"):
            in_requests = False
        yield line, in_requests


def _converter(tab_text: str, seed: int) -> str:
    """The ``converter`` layout's request table, before the pipes (see the module doc)."""
    rng = random.Random(seed)
    paired = random.Random(seed + 3).random() < 0.4  # drawn apart: the other shapes stay as they were
    out: list[str] = []
    lost = headed = False
    for line, in_requests in _request_lines(tab_text):
        cells = line.split("\t")
        values = [c for c in cells if c.strip().isdigit()]
        if not in_requests or "\t" not in line or not values:
            out.append(line)
            continue
        if paired:
            cells = cells[:3] + _in_pairs(cells[3:])
        if not headed:
            out += ["", "\t".join(["业", "构", "益组织", "务机构"] + [""] * 5)]  # a header fragment as the pipe header
            headed = True
        label = "".join(c for c in cells[:3] if c)
        r = rng.random()
        if r < 0.35:
            cut = rng.randint(1, max(1, len(label) - 1))
            out += ["", label[:cut], label[cut:], "\t".join(cells[3:])]  # the label floats above its row
            lost = True
        elif r < 0.45 and lost:
            out += ["- " + str(rng.randint(2, 9)) + " -", "", line]  # a page footer between the rows
        elif r < 0.5 and lost:
            out += [str(rng.randint(1, 9)), line]  # a lone number that belongs to no row
        else:
            out.append(line)
    return "\n".join(out)


def _in_pairs(values: list[str]) -> list[str]:
    """A row's values with neighbouring numbers merged two to a field, as markitdown guessed a
    real Word PDF's columns ("23 | 0 | 0 0 | 0 | 0 23"); a blank cell stays a field of its own."""
    out: list[str] = []
    k = 0
    while k < len(values):
        if k + 1 < len(values) and values[k].isdigit() and values[k + 1].isdigit() and k % 2 == 0:
            out.append(f"{values[k]} {values[k + 1]}")
            k += 2
        else:
            out.append(values[k])
            k += 1
    return out


def _crawler(rec: dict, seed: int) -> str:
    """The ``crawler`` layout: the runtogether report flattened onto one line, as innerText gives it."""
    rng = random.Random(seed)
    text = _render(rec, "crawler", seed)
    lines = [ln for ln in text.split("\n") if ln.strip()]
    crumbs = f"首页 > 政务公开 > 政府信息公开年报 来源：{rec.get('agency') or ''} 时间：{rec['year'] + 1}-01-{rng.randint(10, 28)} 【字体：大 中 小】 分享到："
    return crumbs + "\n" + "".join(ln if rng.random() < 0.7 else ln + " " for ln in lines) + "\n"


def _run_cells(vals: list[str], rng: random.Random) -> str:
    """Cells with their separators lost; some cell boundaries keep a space (as real crawls do)."""
    out = ""
    for i, v in enumerate(vals):
        out += v
        if i < len(vals) - 1 and not vals[i + 1].startswith("-") and rng.random() < 0.15:
            out += " "
    return out


def _to_markdown(tab_text: str) -> str:
    """Tab tables as pipe tables, with a rule line under each table's first row."""
    out: list[str] = []
    in_table = False
    for line in tab_text.split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            out.append("| " + " | ".join(cells) + " |")
            if not in_table:
                out.append("|" + "|".join(["---"] * len(cells)) + "|")
            in_table = True
        else:
            in_table = False
            out.append(line)
    return "\n".join(out)


def _to_html2text(tab_text: str) -> str:
    """Tab tables as html2text prints a web page's tables: no outer pipes, cells apart by "| ",
    a rule line of dashes under each table's first row, every row ending in a markdown line
    break (two spaces)."""
    out: list[str] = []
    in_table = False
    for line in tab_text.split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            out.append("| ".join(cells) + "  ")
            if not in_table:
                out.append("|".join(["---"] * len(cells)) + "  ")
            in_table = True
        else:
            in_table = False
            out.append(line)
    return "\n".join(out)


def _render(rec: dict, layout: str, seed: int) -> str:
    rng = random.Random(seed)
    t = rec["template"]
    sep = {"tab": "\t", "cells": "\n", "runtogether": "", "crawler": ""}.get(layout, " ")
    shredded_values: list[str] = []
    out: list[str] = []
    agency = rec.get("agency") or ""
    out.append(f"{agency}\n{rec['year']}年度政府信息公开工作年度报告\n")
    out.append("一、总体情况\n")
    ad = rec.get("active_disclosure") or {}
    if ad.get("total") is not None:
        cats = "，".join(f"{k}{v}条" for k, v in ad.get("by_category", {}).items())
        out.append(f"（一）主动公开方面。本年度主动公开信息{ad['total']}条" + (f"，其中{cats}" if cats else "") + "。\n")
    out.append("二、主动公开政府信息情况\n")
    headers = {
        "regulations": "第二十条第（一）项",
        "administrative_licensing": "第二十条第（五）项",
        "administrative_penalty": "第二十条第（六）项",
        "administrative_fees": "第二十条第（八）项",
    }
    if t == "2019":
        headers = {"regulations": "第二十条第（一）项", "administrative_licensing": "第二十条第（五）项",
                   "administrative_fees": "第二十条第（八）项", "centralized_procurement": "第二十条第（九）项"}
    for item in tpl.rows("article20", t):
        cols = tpl.columns("article20", t, item)
        if item in headers:
            out.append(headers[item])
            out.append(sep.join(["信息内容"] + [tpl.label("article20", t, item, c).zh_column for c in cols]))
        vals = _values([rec["article20"][item][c] for c in cols], layout)
        name = tpl.label("article20", t, item, cols[0]).zh_row
        if layout == "crawler":
            out.append(name + _run_cells(vals, rng))
        else:
            out.append(name + ("" if layout == "glued" else " ") + " ".join(vals) if layout in ("glued", "runtogether")
                       else sep.join([name] + vals))
    out.append("\n三、收到和处理政府信息公开申请情况\n")
    if layout == "tab":
        out.append("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况")
        out.append("\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计")
        out.append("\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t")
    else:
        out.append("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n自然\n人\n法人或其他组织\n总\n计\n商业\n企业\n科研\n机构\n社会\n公益\n组织\n法律\n服务\n机构\n其\n他")
    last_group = ""
    for row in tpl.request_rows(t, tpl.printed_group(rec["requests"], t)):
        label = _row_label("requests", t if row in tpl.rows("requests", t) else tpl.other_template(t), row)
        vals = _values([rec["requests"][row][c] for c in tpl.REQUEST_COLUMNS], layout)
        if layout == "tab":
            parts = label.split(" ")
            cells = (parts + ["", "", ""])[:3] if len(parts) > 1 else [label, "", ""]
            out.append("\t".join(cells + vals))
        elif layout == "glued":
            out.append(_break(label, rng) + " ".join(vals))
        elif layout == "runtogether":
            out.append(label + "".join(vals))
        elif layout == "crawler":
            if row == "unavailable_not_held":  # a page break repeated the table's heading
                out.append("三、本年度办理结果")
            group, _, item = label.rpartition(" ")
            # a group label (（三）不予公开) is printed once, so "2.其他法律…" follows the digits
            out.append(("" if group == last_group else group) + item + _run_cells(vals, rng))
            last_group = group
        elif layout == "shredded":
            out.append(_break(label, rng))
            shredded_values.append(" ".join(vals))
        else:
            out.append(sep.join([_break(label, rng)] + vals))
    out.extend(shredded_values)
    out.append("\n四、政府信息公开行政复议、行政诉讼情况\n")
    head = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    if layout == "tab":
        out.append("行政复议\t\t\t\t\t行政诉讼")
        out.append("\t".join(head) + "\t未经复议直接起诉\t\t\t\t\t复议后起诉")
        out.append("\t" * 5 + "\t".join(head * 2))
    else:
        out.append("行政复议 行政诉讼\n" + " ".join(head) + " 未经复议直接起诉 复议后起诉 " + " ".join(head * 2))
    vals = [rec["review_litigation"][g][r] for g in tpl.REVIEW_GROUPS for r in tpl.REVIEW_RESULTS]
    if layout == "crawler":
        out.append(_run_cells(_values(vals, layout), rng))
    else:
        out.append(("\t" if layout == "tab" else sep if layout != "glued" else " ").join(_values(vals, layout)))
    out.append("\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")
    if rec.get("agency") and rec.get("published_on"):
        y, m, d = rec["published_on"].split("-")
        out.append(f"{agency}\n{int(y)}年{int(m)}月{int(d)}日\n")
    return "\n".join(out)
