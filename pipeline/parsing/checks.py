"""The checks the national format itself defines, computed on the numbers as printed.

A failed check is reported, never fixed. A check whose inputs are missing is "not
evaluable" (ok = None), which is different from passing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline import template as tpl

Number = int | float


def _check(rule: str, expected, actual, detail: str, missing: list[str]) -> dict:
    if missing:
        return {"rule": rule, "ok": None, "expected": expected, "actual": actual,
                "detail": f"not evaluable: missing {', '.join(missing)}"}
    ok = abs(expected - actual) < 1e-9
    return {"rule": rule, "ok": ok, "expected": expected, "actual": actual, "detail": detail}


Where = tuple[str, str, str]
"""A cell of the record: (table, row, column)."""


@dataclass(frozen=True)
class Relation:
    """One sum the format defines: the cells of ``expected`` add up to those of ``actual``.

    Why one list: the checks report these sums, and the OCR path (``ocr_sums``) blanks a
    doubtful reading in one that fails; both walk this list, so they cannot disagree on
    which sums the format has or what they are called.
    """

    rule: str
    expected: tuple[Where, ...]
    actual: tuple[Where, ...]
    detail: str
    star: bool = False
    """Name a missing cell of a column sum as ``requests.*.{column}.{row}`` (the rows of one
    column), the total of an outcome sum aside, as the reports have always named them."""

    def missing(self, value: Callable[[Where], Number | None]) -> list[str]:
        """The cells without a value, named as the check reports them (the parts' first, but in a balance)."""
        order = (*self.expected, *self.actual) if self.rule.startswith("requests.balance.") else (
            *self.actual, *self.expected)
        return [self._name(w) for w in order if value(w) is None]

    def _name(self, where: Where) -> str:
        table, row, col = where
        if self.star and not (len(self.expected) == 1 and where in self.expected):
            return f"{table}.*.{col}.{row}"
        return f"{table}.{row}.{col}"


def request_relations(requests: dict[str, dict[str, Number | None]], template: str) -> list[Relation]:
    """The request table's sums: per column the balance and the outcomes, per row the applicants."""
    # a page printing the other format's （六）其他处理 row(s) is summed over what it printed
    rows = tpl.record_request_rows(template, tpl.printed_group(requests, template))
    outcome_rows = tpl.outcome_rows(requests, template)
    out: list[Relation] = []
    for col in tpl.REQUEST_COLUMNS:
        out.append(Relation(f"requests.balance.{col}",
                            (("requests", "new_received", col), ("requests", "carried_over", col)),
                            (("requests", "total_processed", col), ("requests", "carried_forward", col)),
                            "new_received + carried_over = total_processed + carried_forward", star=True))
        out.append(Relation(f"requests.outcomes.{col}", (("requests", "total_processed", col),),
                            tuple(("requests", r, col) for r in outcome_rows),
                            "total_processed = sum of the outcome rows", star=True))
    for row in rows:
        out.append(Relation(f"requests.applicants.{row}", (("requests", row, "total"),),
                            tuple(("requests", row, c) for c in tpl.APPLICANT_COLUMNS),
                            "total = sum of the six applicant columns"))
    return out


def review_relations(review: dict[str, dict[str, Number | None]]) -> list[Relation]:
    """Each printed review or litigation group's total over its results."""
    return [Relation(f"review_litigation.total.{group}", (("review_litigation", group, "total"),),
                     tuple(("review_litigation", group, r) for r in tpl.REVIEW_RESULTS[:-1]),
                     "total = upheld + corrected + other + pending")
            for group in tpl.REVIEW_GROUPS if review.get(group)]


def evaluate(relation: Relation, value: Callable[[Where], Number | None]) -> dict:
    """The check of one relation on the values read; not evaluable (ok None) when a cell is missing.

    Each cell is looked up once (this runs for some forty sums of every report read)."""
    def side(cells: tuple[Where, ...]) -> Number | None:
        values = [value(w) for w in cells]
        return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]

    expected, actual = side(relation.expected), side(relation.actual)
    missing = relation.missing(value) if expected is None or actual is None else []
    return _check(relation.rule, expected, actual, relation.detail, missing)


def lookup(tables: dict[str, dict[str, dict[str, Number | None]]]) -> Callable[[Where], Number | None]:
    """A cell's value in ``tables`` (table -> row -> column -> value), None where absent."""
    return lambda w: ((tables.get(w[0]) or {}).get(w[1]) or {}).get(w[2])


def request_checks(requests: dict[str, dict[str, Number | None]], template: str) -> list[dict]:
    if not requests:
        return []
    value = lookup({"requests": requests})
    return [evaluate(r, value) for r in request_relations(requests, template)]


def review_checks(review: dict[str, dict[str, Number | None]]) -> list[dict]:
    value = lookup({"review_litigation": review})
    return [evaluate(r, value) for r in review_relations(review)]


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
