"""Generated sample reports with non-zero numbers: two years of one made-up town.

The seed samples in ``data/raw/`` are real reports of towns that received no requests, so
every figure is 0 and the example queries (share granted, year-over-year) have nothing to
show. These two are made by the generator (``random_record``) from fixed seeds — the same
bytes every time — for a town that does not exist, 米易县示范镇 ("demonstration town"), so
nobody mistakes them for an agency's real figures. The 2024 report carries over what the
2023 one carried forward, and its 现行有效件数 follow from 2023's, as a consistent pair of real
reports would: no format check fails on them.
"""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.samples.generate import random_record
from pipeline.samples.render_text import render_text
from pipeline.samples.series import carry_on

AGENCY = "米易县示范镇人民政府"
TOWN = "示范镇"
YEARS = (2023, 2024)
FOLDER = "generated"  # under data/raw/


def _acceptable(rec: dict) -> bool:
    """Figures every example query can show: requests received and granted, a review corrected."""
    req, rl = rec["requests"], rec["review_litigation"]
    return (req["new_received"]["total"] > 0 and req["granted"]["total"] > 0
            and req["total_processed"]["total"] > 0 and rl["review"]["corrected"] > 0)  # fmt: skip


def demo_records() -> list[dict]:
    """The two years' records (the truth the rendered files print), deterministic."""
    out: list[dict] = []
    seed = 0
    for year in YEARS:
        while True:
            seed += 1
            rec = random_record(random.Random(seed), template="2021", large=False)
            if out and not carry_on(out[-1], rec):  # carried over = carried forward last year
                continue
            if _acceptable(rec):
                break
        rec.update(agency=AGENCY, town=TOWN, year=year, published_on=f"{year + 1}-01-{10 + seed % 18:02d}")
        out.append(rec)
    return out


def write_demo_samples(raw_dir: Path) -> list[Path]:
    """Write ``<raw_dir>/generated/demo_town_<year>.txt`` for each year; returns the paths."""
    folder = Path(raw_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, rec in enumerate(demo_records()):
        path = folder / f"demo_town_{rec['year']}.txt"
        path.write_text(render_text(rec, ("flat", "tab")[i % 2], seed=rec["year"]), encoding="utf-8")
        paths.append(path)
    return paths
