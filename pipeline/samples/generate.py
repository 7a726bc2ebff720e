"""Random, internally consistent report records: the truth the renderers print and the tests expect.

Consistent means the format's own checks hold on the complete tables (balance, outcome
sums, applicant totals, review/litigation totals), so the parser's use of those sums
(recovering run-together digits, deriving a lost total) is exercised for real. Blanks are
then punched into the truth as ``None``: what a renderer prints empty, the parser must read
as null.
"""

from __future__ import annotations

import random

from pipeline import template as tpl

AGENCIES = [
    ("米易县丙谷镇人民政府", "丙谷镇"),
    ("米易县草场镇人民政府", "草场镇"),
    ("攀枝花市东区炳草岗街道办事处", "炳草岗街道"),
    ("盐边县红格镇人民政府", "红格镇"),
    ("成都市武侯区人民政府", None),
    ("米易县新山傈僳族乡人民政府", "新山傈僳族乡"),
]


def _count(rng: random.Random, large: bool) -> int:
    r = rng.random()
    if r < 0.45:
        return 0
    if r < 0.85 or not large:
        return rng.randint(1, 60)
    return rng.randint(100, 250_000)


def random_record(rng: random.Random, *, template: str | None = None, blank_rate: float = 0.0,
                  large: bool = True, other_rows_of: str | None = None, blank_zeros_only: bool = False) -> dict:
    """A record shaped like the parser's output (tables, metadata), consistent before blanks.

    ``blank_zeros_only``: blanks are punched only into cells whose value is 0 and never into a
    group's total (a request row's 总计, a review group's 总计) — the common real case, agencies
    leaving zero cells empty. Every sum then still holds with blank = 0, which is the premise
    under which run-together text (where a blank leaves no trace but fewer digits) can be split
    by its sums; with arbitrary blanks (the default) a blank may hide any value and break them.

    ``other_rows_of``: the format whose （六）其他处理 row(s) the request table prints, when not
    the template's own (a 2021 report that kept the 2019 single row, as real ones do). The
    record then holds that group with values and its own group null, as the parser records it.
    """
    t = template or rng.choice(tpl.TEMPLATES)
    rows = tpl.rows("requests", t)
    outcome_rows = rows[rows.index("granted") : rows.index("total_processed")]
    requests: dict[str, dict] = {r: {} for r in rows}
    for col in tpl.APPLICANT_COLUMNS:
        for r in outcome_rows:
            requests[r][col] = _count(rng, large)
        processed = sum(requests[r][col] for r in outcome_rows)
        forward = _count(rng, False)
        over = rng.randint(0, processed + forward) if rng.random() < 0.4 else 0
        requests["total_processed"][col] = processed
        requests["carried_forward"][col] = forward
        requests["carried_over"][col] = over
        requests["new_received"][col] = processed + forward - over
    for r in rows:
        requests[r]["total"] = sum(requests[r][c] for c in tpl.APPLICANT_COLUMNS)
        requests[r] = {c: requests[r][c] for c in tpl.REQUEST_COLUMNS}
    if other_rows_of is not None and other_rows_of != t:
        requests = _other_group(rng, requests, t, other_rows_of)
    review = {}
    for g in tpl.REVIEW_GROUPS:
        parts = {k: _count(rng, False) for k in tpl.REVIEW_RESULTS[:-1]}
        review[g] = {**parts, "total": sum(parts.values())}
    article20: dict[str, dict] = {}
    for item in tpl.rows("article20", t):
        article20[item] = {}
        for col in tpl.columns("article20", t, item):
            if col == "amount_10k_yuan":
                article20[item][col] = rng.choice([0, 0, 1.5, 12.25, 300])
            elif col == "change":
                article20[item][col] = rng.randint(-20, 20)
            else:
                article20[item][col] = _count(rng, large)
    if blank_rate:
        for table in (article20, requests, review):
            for row in table.values():
                for col in row:
                    if rng.random() < blank_rate and (not blank_zeros_only or (row[col] == 0 and col != "total")):
                        row[col] = None
    year = rng.randint(2019, 2024) if t == "2019" else rng.randint(2021, 2025)
    agency, town = rng.choice(AGENCIES)
    cats = {"工作动态": rng.randint(0, 300), "通知公告": rng.randint(0, 80)}
    return {
        "template": t,
        "year": year,
        "agency": agency,
        "town": town,
        "published_on": f"{year + 1}-01-{rng.randint(10, 28):02d}",
        "active_disclosure": {"total": sum(cats.values()), "by_category": cats},
        "article20": article20,
        "requests": requests,
        "review_litigation": review,
    }


def _other_group(rng: random.Random, requests: dict[str, dict], t: str, group_of: str) -> dict[str, dict]:
    """The request table with the other format's （六）其他处理 group printed in place of its own.

    The printed group carries the same per-column sums (one row takes the three rows' sum,
    or three rows split the one row's count), so every check of the format still holds.
    """
    own, other = tpl.OTHER_GROUP[t], tpl.OTHER_GROUP[group_of]
    out = {r: dict(v) for r, v in requests.items()}
    new: dict[str, dict] = {k: {} for k in other}
    for col in tpl.APPLICANT_COLUMNS:
        count = sum(requests[r][col] for r in own)
        cuts = sorted(rng.randint(0, count) for _ in range(len(other) - 1))
        for k, lo, hi in zip(other, [0, *cuts], [*cuts, count], strict=True):
            new[k][col] = hi - lo
    for k in other:
        new[k]["total"] = sum(new[k][c] for c in tpl.APPLICANT_COLUMNS)
        out[k] = {c: new[k][c] for c in tpl.REQUEST_COLUMNS}
    for k in own:
        out[k] = dict.fromkeys(tpl.REQUEST_COLUMNS)
    return {r: out[r] for r in tpl.record_request_rows(t, group_of)}
