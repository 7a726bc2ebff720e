"""Hypothesis strategies for report records: internally consistent or not, with blanks and large numbers."""

from __future__ import annotations

from hypothesis import strategies as st

from pipeline import template as tpl

cell = st.one_of(st.none(), st.integers(0, 50), st.integers(0, 10_000_000))


@st.composite
def records(draw, blank_rate: float = 0.15) -> dict:
    t = draw(st.sampled_from(tpl.TEMPLATES))
    blanks = draw(st.booleans())

    def value(signed: bool = False):
        if blanks and draw(st.floats(0, 1)) < blank_rate:
            return None
        v = draw(st.integers(0, 50) | st.integers(0, 10_000_000))
        return -v if signed and draw(st.booleans()) else v

    article20 = {}
    for item in tpl.rows("article20", t):
        article20[item] = {}
        for col in tpl.columns("article20", t, item):
            if col == "amount_10k_yuan":
                article20[item][col] = None if blanks and draw(st.booleans()) else draw(st.sampled_from([0, 12.5, 3.25, 1000]))
            else:
                article20[item][col] = value(signed=(col == "change"))
    requests = {row: {c: value() for c in tpl.REQUEST_COLUMNS} for row in tpl.rows("requests", t)}
    review = {g: {r: value() for r in tpl.REVIEW_RESULTS} for g in tpl.REVIEW_GROUPS}
    year = draw(st.integers(2019, 2030))
    return {
        "template": t,
        "year": year,
        "agency": draw(st.sampled_from(["米易县丙谷镇人民政府", "攀枝花市东区炳草岗街道办事处", "四川省米易县草场镇人民政府"])),
        "published_on": f"{year + 1}-01-{draw(st.integers(10, 28))}",
        "active_disclosure": {"total": draw(st.integers(1, 5000)), "by_category": {}},
        "article20": article20,
        "requests": requests,
        "review_litigation": review,
    }
