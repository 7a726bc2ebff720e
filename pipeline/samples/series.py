"""One agency's reports over consecutive years, consistent across years as real ones are.

A single random report checks a table; an agency's series checks what only years together
can: the year-over-year views and the cross-year rules. Each year here carries over what the
year before carried forward (上年结转 = last year's 结转下年度继续办理, column by column), and
an item counted by 现行有效件数 continues last year's count (+ 本年制发 − 本年废止) while both
years use the 2021 format. Years before 2021 use the 2019 format, later ones the 2021 format,
as the national rule has it — so a series from 2019 crosses the change of format.
"""

from __future__ import annotations

import random

from pipeline.samples.generate import random_record

IN_FORCE_ITEMS = ("regulations", "normative_documents")  # the 2021 items with 现行有效件数


def template_for(year: int) -> str:
    """The national format a report on ``year`` uses."""
    return "2019" if year < 2021 else "2021"


def carry_on(prev: dict, rec: dict) -> bool:
    """Make ``rec`` continue ``prev`` (the year before); False when it cannot.

    新收 absorbs the change of 上年结转, so the balance (新收 + 上年结转 = 总计 + 结转) still
    holds; a negative 新收 means this record cannot follow that year (the caller draws again).
    """
    req = rec["requests"]
    for col, v in prev["requests"]["carried_forward"].items():
        req["new_received"][col] += req["carried_over"][col] - v
        req["carried_over"][col] = v
    if any(v < 0 for v in req["new_received"].values()):
        return False
    if rec["template"] == prev["template"] == "2021":
        for item in IN_FORCE_ITEMS:
            now, before = rec["article20"][item], prev["article20"][item]["in_force"]
            now["repealed"] = min(now["repealed"], before + now["issued"])
            now["in_force"] = before + now["issued"] - now["repealed"]
    return True


def series_records(seed: int, years: range, agency: str, *, large: bool = True) -> list[dict]:
    """Records of ``agency`` for each of ``years`` (consecutive), deterministic for a seed."""
    rng = random.Random(seed)
    out: list[dict] = []
    for year in years:
        while True:
            rec = random_record(random.Random(rng.randrange(2**32)), template=template_for(year), large=large)
            if not out or carry_on(out[-1], rec):
                break
        rec.update(agency=agency, town=None, year=year, published_on=f"{year + 1}-01-{rng.randint(10, 28):02d}")
        out.append(rec)
    return out
