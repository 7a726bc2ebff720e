"""Build a ``ReportSpec`` from a seed report: narrative from its text, cells from its parsed record.

Why: a PDF rendered from a real report's own words and numbers is a realistic sample whose
expected record is already known (the seed's), so the PDF path can be checked against the
text path report by report. Seed text is extracted text, often with hard line breaks in
mid-sentence; lines are joined back into paragraphs before rendering.
"""

from __future__ import annotations

import re

from pipeline.samples.spec import CellTable, ReportSpec

HEADINGS = {
    1: r"一\s*、\s*总体情况",
    2: r"二\s*、\s*主动公开",
    3: r"三\s*、\s*收到和处理",
    4: r"四\s*、\s*政府信息公开行政复议",
    5: r"五\s*、\s*存在的主要问题",
    6: r"六\s*、\s*其他需要报告",
}
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
PARA_START = re.compile(r"^(?:（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+是|\d+\s*[.．、])")
SENTENCE_END = "。！？；：”」）)"
TEMPLATES = ("2021", "2019")


def clean_line(line: str) -> str:
    """A text line without markdown heading marks, bold marks or surrounding blanks."""
    return line.replace("**", "").strip().lstrip("#").strip()


def paragraphs(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines into paragraphs.

    A paragraph ends after a line closing a sentence, or before a line opening with an item
    marker (（一）, 一是, 1.); a short marker line such as "（一）主动公开" is its own paragraph.
    """
    out: list[str] = []
    current = ""
    for line in (clean_line(raw) for raw in lines):
        if not line:
            continue
        if current and PARA_START.match(line):
            out.append(current)
            current = ""
        current += line
        if line.endswith(tuple(SENTENCE_END)) or (PARA_START.match(line) and len(line) <= 20 and current == line):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _find(lines: list[str], pattern: str, start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        if re.match(pattern, clean_line(lines[i])):
            return i
    return None


def _signature(lines: list[str], start: int) -> tuple[int, str, str]:
    """(index where the signature starts, agency, date) from the last date line after ``start``."""
    for i in range(len(lines) - 1, start, -1):
        if DATE_LINE.match(clean_line(lines[i])):
            j = i - 1
            while j > start and not clean_line(lines[j]):
                j -= 1
            agency = clean_line(lines[j])
            if j > start and len(agency) <= 30 and not agency.endswith("。"):
                return j, agency, re.sub(r"\s+", "", clean_line(lines[i]))
            return i, "", re.sub(r"\s+", "", clean_line(lines[i]))
    return len(lines), "", ""


def spec_from_seed(text: str, record: dict) -> ReportSpec:
    """The spec of a seed: its title, sections 一/五/六 and signature, with the record's cells."""
    lines = text.replace("\r\n", "\n").split("\n")
    at = {n: _find(lines, p) for n, p in HEADINGS.items()}
    one = at[1] if at[1] is not None else 0
    head = [clean_line(x) for x in lines[:one] if clean_line(x)]
    title = [x for x in head if len(x) <= 40 and not x.endswith("。")]
    six = at[6] if at[6] is not None else len(lines) - 1
    sig_at, agency, date = _signature(lines, six)
    template = record.get("template") if record.get("template") in TEMPLATES else "2021"

    def section(n: int) -> list[str]:
        """Paragraphs from heading ``n`` to the next heading found (or the signature)."""
        if at[n] is None:
            return []
        stop = min([i for m, i in at.items() if m > n and i is not None] + [sig_at])
        return paragraphs(lines[at[n] + 1 : stop])

    def cells(table: str) -> CellTable:
        return {row: dict(values) for row, values in (record.get(table) or {}).items() if isinstance(values, dict)}

    return ReportSpec(
        title_lines=title,
        preamble=paragraphs([x for x in head if x not in title]),
        section1=section(1),
        section5=section(5),
        section6=section(6),
        template=template,
        article20=cells("article20"),
        requests=cells("requests"),
        review_litigation=cells("review_litigation"),
        signature_agency=agency or (record.get("agency") or ""),
        signature_date=date,
    )
