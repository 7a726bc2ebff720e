"""The checks the national format itself defines, computed on the numbers as printed.

A failed check is reported, never fixed. A check whose inputs are missing is "not
evaluable" (ok = None), which is different from passing.
"""

from __future__ import annotations

import re

from pipeline import template as tpl

Number = int | float


def _check(rule: str, expected, actual, detail: str, missing: list[str]) -> dict:
    if missing:
        return {"rule": rule, "ok": None, "expected": expected, "actual": actual,
                "detail": f"not evaluable: missing {', '.join(missing)}"}
    ok = abs(expected - actual) < 1e-9
    return {"rule": rule, "ok": ok, "expected": expected, "actual": actual, "detail": detail}


def _sum(values: dict[str, Number | None], keys, prefix: str) -> tuple[Number | None, list[str]]:
    missing = [f"{prefix}.{k}" for k in keys if values.get(k) is None]
    if missing:
        return None, missing
    return sum(values[k] for k in keys), []


def request_checks(requests: dict[str, dict[str, Number | None]], template: str) -> list[dict]:
    out: list[dict] = []
    if not requests:
        return out
    # a page printing the other format's （六）其他处理 row(s) is summed over what it printed
    group = tpl.printed_group(requests, template)
    rows = tpl.record_request_rows(template, group)
    outcome_rows = tpl.outcome_rows(requests, template)
    for col in tpl.REQUEST_COLUMNS:
        column = {r: requests.get(r, {}).get(col) for r in rows}
        left, m1 = _sum(column, ["new_received", "carried_over"], f"requests.*.{col}")
        right, m2 = _sum(column, ["total_processed", "carried_forward"], f"requests.*.{col}")
        out.append(_check(f"requests.balance.{col}", left, right,
                          "new_received + carried_over = total_processed + carried_forward", m1 + m2))
        parts, m3 = _sum(column, outcome_rows, f"requests.*.{col}")
        total = column.get("total_processed")
        out.append(_check(f"requests.outcomes.{col}", total, parts,
                          "total_processed = sum of the outcome rows",
                          m3 + ([f"requests.total_processed.{col}"] if total is None else [])))
    for row in rows:
        values = requests.get(row, {})
        parts, m = _sum(values, tpl.APPLICANT_COLUMNS, f"requests.{row}")
        total = values.get("total")
        out.append(_check(f"requests.applicants.{row}", total, parts,
                          "total = sum of the six applicant columns",
                          m + ([f"requests.{row}.total"] if total is None else [])))
    return out


def review_checks(review: dict[str, dict[str, Number | None]]) -> list[dict]:
    out: list[dict] = []
    for group in tpl.REVIEW_GROUPS:
        values = review.get(group, {})
        if not values:
            continue
        parts, m = _sum(values, tpl.REVIEW_RESULTS[:-1], f"review_litigation.{group}")
        total = values.get("total")
        out.append(_check(f"review_litigation.total.{group}", total, parts,
                          "total = upheld + corrected + other + pending",
                          m + ([f"review_litigation.{group}.total"] if total is None else [])))
    return out


# -- narrative against tables --------------------------------------------------------------
#
# Section 一 often states the year's figures in words ("共收到政府信息公开申请9件，其中予以公开2件、
# 部分公开1件……发生行政复议1件、行政诉讼0件"). Each figure found is checked against the table it
# repeats. The patterns are deliberately narrow: a figure is taken only when the words right
# before it say what it counts, within one clause, and the clause is not about another year.
# A sentence that matches nothing gives no check (silence is not a statement of 0).

_STOP = "。,，;；!！?？\n"
"""Clause boundaries (text reaches here NFKC-normalized, so '，' is usually ','; both kinds kept)."""
_GAP = rf"(?P<gap>[^{_STOP}\d]{{0,6}}?)"
"""Words allowed between what is counted and the number ('共', '案件', '的'…), never a digit."""
_UNIT = r"\s*(?:件|个|宗|起)"
_NUM = r"(?P<n>\d+|零)"
_HAPPENED = r"(?:发生|收到|出现|涉及|产生|接到|办理)?"

_BAD_GAP = re.compile(r"增|减|比|较|上升|下降|维持|纠正|其他|审结|撤销|诉讼|复议|不予|部分|无法")
"""A gap naming a change (同比增加9件), an outcome (结果纠正1件) or another figure is not the total."""
_YEAR_MARK = re.compile(r"(?P<year>20\d\d)年|(?P<other>上年|去年|上一年|前一年|同期)|(?P<this>本年|今年|全年)")

_STATEMENTS: dict[str, tuple[str, ...]] = {
    # rule suffix: patterns giving the figure in group "n" (first acceptable match wins)
    "new_received": (
        rf"(?:收到|受理|新收|接收|接到)[^{_STOP}\d]{{0,12}}?申请{_GAP}{_NUM}\s*(?:件|个|条|份)",
    ),
    "granted": (rf"(?<!部分)(?<!不)(?:予以公开|同意公开){_GAP}{_NUM}{_UNIT}",),
    "partially_granted": (rf"部分(?:予以)?公开{_GAP}{_NUM}{_UNIT}",),
    "review": (
        rf"行政复议(?:[、和及与]行政诉讼)(?:案件)?(?:均|各)(?:为)?{_NUM}(?:{_UNIT})?",
        rf"行政复议(?:案件|申请)?{_GAP}{_NUM}{_UNIT}",
    ),
    "litigation": (
        rf"行政复议[、和及与]行政诉讼(?:案件)?(?:均|各)(?:为)?{_NUM}(?:{_UNIT})?",
        rf"(?<!复议[、和及与])行政诉讼(?:案件)?{_GAP}{_NUM}{_UNIT}",  # not the tail of a joint phrase
    ),
}
_NONE_STATEMENTS: dict[str, tuple[str, ...]] = {
    # rule suffix: patterns saying there were none ("本年度无依申请公开情况")
    "new_received": (rf"(?:未|没有|无){_HAPPENED}(?:收到|接收|受理)?[^{_STOP}]{{0,8}}?(?:依申请公开|政府信息公开申请)",),
    "review": (rf"(?:未|没有|无){_HAPPENED}[^{_STOP}\d]{{0,12}}?行政复议",),
    "litigation": (
        rf"(?:未|没有|无){_HAPPENED}[^{_STOP}\d]{{0,12}}?行政复议[、和及与或]行政诉讼",
        rf"(?:未|没有|无){_HAPPENED}[^{_STOP}\d]{{0,12}}?行政诉讼",
    ),
}

_NONE_MEANS = {"new_received": "no requests", "review": "no administrative review", "litigation": "no litigation"}


def _about_another_year(text: str, start: int, year: int | None) -> bool:
    """Whether the figure at ``start`` is about a year other than the report's.

    The year named last in the figure's own clause decides ("…，较2023年收到的申请12件减少3件"
    is about 2023); failing that, the year the sentence opens with ("2023年，丙谷镇收到申请
    12件"). 本年/全年 name the report's year; 上年, 去年, 同期 another one.
    """
    sentence = max(text.rfind(c, 0, start) for c in "。;；!！?？\n") + 1
    clause = max(text.rfind(c, 0, start) for c in _STOP) + 1
    marks = list(_YEAR_MARK.finditer(text, clause, start)) or list(_YEAR_MARK.finditer(text, sentence, clause))[:1]
    if not marks:
        return False
    mark = marks[-1]
    if mark.group("other"):
        return True
    if mark.group("year"):
        return year is not None and int(mark.group("year")) != year
    return False  # 本年, 全年


def _stated(text: str, patterns: tuple[str, ...], year: int | None) -> re.Match[str] | None:
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            gap = m.groupdict().get("gap") or ""
            if _BAD_GAP.search(gap) or _about_another_year(text, m.start(), year):
                continue
            return m
    return None


def _table_figure(
    rule: str,
    requests: dict[str, dict[str, Number | None]],
    review: dict[str, dict[str, Number | None]],
) -> tuple[Number | None, list[str]]:
    """The table's figure the narrative repeats, and the cells missing to know it."""
    if rule in ("new_received", "granted", "partially_granted"):
        value = (requests or {}).get(rule, {}).get("total")
        return value, [] if value is not None else [f"requests.{rule}.total"]
    groups = ("review",) if rule == "review" else ("litigation_direct", "litigation_after_review")
    values = {g: (review or {}).get(g, {}).get("total") for g in groups}
    missing = [f"review_litigation.{g}.total" for g, v in values.items() if v is None]
    return (None if missing else sum(values.values())), missing  # type: ignore[arg-type]


def narrative_checks(
    section1: str,
    requests: dict[str, dict[str, Number | None]],
    review: dict[str, dict[str, Number | None]] | None = None,
    year: int | None = None,
) -> list[dict]:
    """Figures section 一 states — new requests, granted, partially granted, administrative review
    and litigation totals — against the tables (litigation: direct + after review).

    ``year`` is the report's year: a figure in a clause about another year ("2023年收到12件")
    is not this report's.
    """
    text = re.sub(r"\s+", "", section1)
    out: list[dict] = []
    for rule, patterns in _STATEMENTS.items():
        m = _stated(text, patterns, year)
        said_none = None if m else _stated(text, _NONE_STATEMENTS.get(rule, ()), year)
        if m is None and said_none is None:
            continue
        table, missing = _table_figure(rule, requests, review or {})
        if m is not None:
            stated = 0 if m.group("n") == "零" else int(m.group("n"))
            detail = f"text states '{m.group(0)}'"
        else:
            stated = 0
            detail = f"text states '{said_none.group(0)}' ({_NONE_MEANS[rule]})"  # type: ignore[union-attr]
        out.append(_check(f"narrative.{rule}", stated, table, detail, missing))
    return out
