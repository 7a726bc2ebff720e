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
    rows = tpl.rows("requests", template)
    outcome_rows = rows[rows.index("granted") : rows.index("total_processed")]
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


_NARRATIVE_NEW = re.compile(r"(?:共|全年|累计)?(?:收到|受理|新收|接收)[^。,;]{0,12}?申请[^。,;\d]{0,6}?(\d+)\s*(?:件|个|条)")
_NARRATIVE_NONE = re.compile(r"(?:未|没有|无)(?:收到|接收|受理)?[^。,;]{0,8}?(?:依申请公开|政府信息公开申请)")


def narrative_checks(section1: str, requests: dict[str, dict[str, Number | None]]) -> list[dict]:
    """Figures the narrative states about requests, against the table."""
    text = re.sub(r"\s+", "", section1)
    table = requests.get("new_received", {}).get("total") if requests else None
    out: list[dict] = []
    m = _NARRATIVE_NEW.search(text)
    if m:
        stated = int(m.group(1))
        out.append(_check("narrative.new_received", stated, table,
                          f"text states '{m.group(0)}'", [] if table is not None else ["requests.new_received.total"]))
    elif _NARRATIVE_NONE.search(text):
        m = _NARRATIVE_NONE.search(text)
        out.append(_check("narrative.new_received", 0, table,
                          f"text states '{m.group(0)}' (no requests)",
                          [] if table is not None else ["requests.new_received.total"]))
    return out
