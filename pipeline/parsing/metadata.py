"""Who reported, for which year, when: the report's metadata, from its title and signature.

The signature (落款) names the issuing body most formally and dates the report, so it is
preferred; the title is the fallback (some titles lost the agency, some signatures are
cut off). Nothing is invented: what the text does not give stays null.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from pipeline.parsing.normalize import compact

_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年?\s*度?")
_ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办事处|委员会|管委会|局|办公室|办公厅|厅|院|中心|所|站|署|部|会|室|处|队|馆|街道|镇|乡|委|公司|集团)$"
)
_TOWN = re.compile(r"(?:县|区|市|旗)([\u4e00-\u9fff]{1,10}?(?:镇|乡|街道|苏木))(?=人民政府|政府|办事处|街道办事处|党委|$)")


def signature(text: str) -> tuple[str | None, str | None, int | None]:
    """(agency, ISO date, offset) from the signature block: the last date not marked 印发."""
    best = None
    for m in _DATE.finditer(text):
        tail = text[m.end() : m.end() + 6]
        if "印发" in tail or "发布" in tail:
            continue
        best = m
    if best is None:
        return None, None, None
    try:
        iso = date(int(best.group(1)), int(best.group(2)), int(best.group(3))).isoformat()
    except ValueError:
        iso = None
    agency = None
    head = text[: best.start()]
    same_line = head[head.rfind("\n") + 1 :].strip()
    lines = [ln.strip(" \t*#") for ln in head.split("\n")]
    candidates = ([same_line] if same_line else []) + [ln for ln in reversed(lines) if ln][:2]
    for cand in candidates:
        c = compact(cand)
        if 2 < len(c) <= 40 and _ORG_SUFFIX.search(c) and not re.search(r"[,。;:!?]", c):
            agency = c
            break
    return agency, iso, best.start()


def title_block(text: str, s1_start: int | None) -> str:
    end = s1_start if s1_start is not None else min(len(text), 400)
    return text[:end]


def title_agency_and_year(title: str) -> tuple[str | None, int | None]:
    """Agency and year from the title ('米易县丙谷镇2024年度政府信息公开工作年度报告')."""
    flat = compact(title)
    m = re.search(r"(.*?)(?:关于)?(20\d{2})\s*年\s*度?.{0,12}?(?:政府)?信息公开", flat)
    if not m:
        m2 = re.search(r"(20\d{2})", flat)
        return None, int(m2.group(1)) if m2 else None
    agency = m.group(1).strip("《》“”\"'")
    agency = re.sub(r"^.*?(?:[。!?]|\))", "", agency) if len(agency) > 40 else agency
    return (agency or None), int(m.group(2))


@cache
def _resolve(name: str) -> tuple[str | None, str | None, str | None]:
    """Province, city, county of a place name, from the cpca gazetteer."""
    import cpca

    df = cpca.transform([name])
    row = df.iloc[0]

    def val(col: str) -> str | None:
        v = row.get(col)
        return v if isinstance(v, str) and v else None

    return val("省"), val("市"), val("区")


def region(agency: str | None, title_agency: str | None) -> dict[str, str | None]:
    names = [n for n in (agency, title_agency) if n]
    out: dict[str, str | None] = {"province": None, "city": None, "county": None, "town": None}
    for n in names:
        province, city, county = _resolve(n)
        out["province"] = out["province"] or province
        out["city"] = out["city"] or city
        out["county"] = out["county"] or county
        if out["town"] is None:
            m = _TOWN.search(n)
            if m:
                out["town"] = m.group(1)
    return out


_ACTIVE_TOTAL = re.compile(r"主动公开[^,。;\d]{0,16}?(\d+)\s*(余|多)?\s*条")
_CATEGORY = re.compile(r"([\u4e00-\u9fff]{2,16}?)\s*(\d+)\s*(余|多)?\s*条")
_CATEGORY_PREFIX = re.compile(r"^(?:其中|包括|包含|含|有|发布|公开|共|为)+")


def active_disclosure(section1: str) -> tuple[dict, list[tuple[str, str]]]:
    """Proactive disclosure total and categories from section 一's narrative."""
    issues: list[tuple[str, str]] = []
    text = re.sub(r"\s+", "", section1)
    m = _ACTIVE_TOTAL.search(text)
    if not m:
        return {"total": None, "by_category": {}}, issues
    total = None if m.group(2) else int(m.group(1))
    if m.group(2):
        issues.append(("approximate_total", f"active disclosure total printed as '{m.group(0)}': not an exact figure"))
    sentence_end = text.find("。", m.end())
    rest = text[m.end() : sentence_end if sentence_end >= 0 else len(text)]
    cats: dict[str, int | None] = {}
    k = rest.find("其中")
    if k >= 0:
        for c in _CATEGORY.finditer(rest, k):
            name = _CATEGORY_PREFIX.sub("", c.group(1))
            if len(name) < 2:
                continue
            if c.group(3):
                issues.append(("approximate_category", f"'{c.group(0)}' is not an exact figure"))
                cats[name] = None
            else:
                cats[name] = int(c.group(2))
    return {"total": total, "by_category": cats}, issues
