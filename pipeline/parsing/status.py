"""Is the document a report, is the report whole, and how much of its tables was read.

A report that lost its tables — they were images on the web page, the copy stops early, a
mirror cut it — is still a report: its agency, year and narrative figures are worth keeping,
and calling it ``not_a_report`` would throw them away. So ``not_a_report`` is kept for
documents that are not a report at all: a news article about one, a notice on how to compile
them, a list of them, a blank template. Everything else that looks like a report is ``ok``
when it is whole (its end and its three tables are there) and ``incomplete`` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parsing.metadata import Title, is_notice_title
from pipeline.parsing.normalize import compact
from pipeline.parsing.sections import Sections

_OLD_HEADINGS = re.compile(
    r"(?:^|\n)\s*[一二三四五六七八九十]+\s*[、.]\s*(?:政府信息公开(?:工作)?(?:基本情况)?)?"
    r"(?:概述|(?:依申请|主动)公开政府信息(?:的)?情况|(?:政府信息公开的)?收费及减免情况|其他事项|工作基本情况)"
)
_PREFACE = re.compile(
    r"本(?:年度)?报告.{0,80}?(?:编制|组成|统计(?:期限|时限|周期)|包括|根据|由)"
    r"|现(?:特|将)?(?:向社会)?公布.{0,40}?信息公开(?:工作)?(?:年度)?报告"
    r"|编制.{0,20}?信息公开(?:工作)?(?:年度)?报告|编制(?:完成)?(?:了)?本报告"
    r"|现将.{0,40}?信息公开(?:工作)?(?:年度)?报告(?:予以)?公布"
)
_NEWS = re.compile(r"记者|日前|报告显示|报告指出|报告提出|导读|据悉|讯\)|新闻")
_LISTED_TITLE = re.compile(r"信息公开(?:工作)?(?:年度)?报告")


@dataclass
class Kind:
    is_report: bool
    reason: str


def classify(lines: list[str], text: str, secs: Sections, title: Title | None,
             printed: dict[str, bool] | None = None) -> Kind:
    """Report or not, from the document's own marks of a report (title, headings, preface, the
    format's statistical tables)."""
    head = "\n".join(lines[:40])
    headings = sum(secs.has(k) for k in ("s1", "s2", "s3", "s4", "s5", "s6"))
    preface = bool(_PREFACE.search(compact(text[:3000])))
    if title is not None and is_notice_title(title.text):
        return Kind(False, f"the title reads as '{title.text}', not a report")
    first = next((compact(ln) for ln in lines[:10] if compact(ln)), "")
    if len(first) <= 80 and is_notice_title(first) and (first.startswith("关于") or "报告" in first):
        return Kind(False, f"the title reads as a notice or news item ('{first}'), not a report")
    # the listed titles and old headings are looked for only where they can decide (they
    # scan every line or the whole text; a report with its section headings is decided first)
    if headings < 2 and not preface:
        listed = {c for ln in lines if "报告" in ln and _LISTED_TITLE.search(ln) and 8 <= len(c := compact(ln)) <= 80}
        if len(listed) >= 3:
            return Kind(False, f"a list of {len(listed)} report titles, no report text")
    if headings >= 2 or (headings >= 1 and (preface or title is not None)):
        return Kind(True, "section headings")
    if printed and (printed.get("requests") or printed.get("review_litigation")):
        return Kind(True, "the format's statistical tables")
    old = len(_OLD_HEADINGS.findall(text))
    if old >= 1 and (preface or title is not None or old >= 2):
        return Kind(True, "the headings of the pre-2019 format")
    if title is not None and not _NEWS.search(head):
        return Kind(True, "a report title")
    if preface and not _NEWS.search(head):
        return Kind(True, "the report's preface")
    why = "no report title, section headings or preface"
    if _NEWS.search(head):
        why += " (reads as news about a report)"
    return Kind(False, why)


def is_old_format(text: str) -> bool:
    """Headings of the formats used before the 2019 reports (概述 / 依申请公开政府信息情况 …)."""
    return bool(_OLD_HEADINGS.search(text))


_TABLE_MARKS = {
    "article20": re.compile(r"第二十条第\(?[一二三四五六七八九]\)?项|信息内容.{0,40}?(?:本年制发|本年新制作|上一年项目数量|本年新)"),
    "requests": re.compile(r"本年新收.{0,80}?上年结转|上年结转.{0,40}?本年度办理结果"),
    # the heads "未经复议直接起诉" / "复议后起诉" too: a header printed a character a line
    # (pdftotext: 结 / 结 / 其 / 尚 / 总 / 果 / 果 …) keeps only its widest heads whole
    "review_litigation": re.compile(r"行政复议.{0,20}?行政诉讼.{0,200}?(?:结果维持|维持|尚未审结|未经复议直接起诉|复议后起诉)"),
}


def tables_printed(text: str) -> dict[str, bool]:
    """Whether each table is in the text at all (its labels), whatever could be read of it:
    a table whose digits run together is printed; a table shown as an image is not."""
    flat = compact(text)
    return {t: bool(p.search(flat)) for t, p in _TABLE_MARKS.items()}


def coverage(record: dict, printed_blank: int) -> float | None:
    """Share of the template's cells that hold a number or a printed blank ('-', '/')."""
    if record.get("template") is None:
        return None
    total = given = 0
    for table in ("article20", "requests", "review_litigation"):
        for row in (record.get(table) or {}).values():
            for v in row.values():
                total += 1
                given += v is not None
    if total == 0:
        return 0.0
    return round(min(1.0, (given + printed_blank) / total), 4)
