"""The samples in data/raw/ are what the README says they are, and the generated ones give the
example queries real figures to show."""

from __future__ import annotations

import re
from pathlib import Path

from test_warehouse import build, query

from pipeline.parsing import parse_file
from pipeline.samples.demo import AGENCY, FOLDER, demo_records, write_demo_samples

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLES = ("article20", "requests", "review_litigation")


def test_generated_samples_are_the_generators_output(tmp_path: Path) -> None:
    """Regenerating gives the committed bytes: they come from the generator, not from a real report."""
    fresh = write_demo_samples(tmp_path)
    committed = sorted((RAW / FOLDER).iterdir())
    assert [p.name for p in committed] == [p.name for p in fresh]
    for ours, theirs in zip(committed, fresh, strict=True):
        assert ours.read_bytes() == theirs.read_bytes(), ours.name


def test_generated_samples_read_back_exactly_with_real_numbers() -> None:
    paths = sorted((RAW / FOLDER).glob("*.txt"))
    truths = demo_records()
    assert len(paths) == len(truths) == 2
    for path, truth in zip(paths, truths, strict=True):
        rec = parse_file(path)
        assert (rec["status"], rec["agency"], rec["year"], rec["published_on"]) == (
            "ok", truth["agency"], truth["year"], truth["published_on"])
        for table in TABLES:
            assert rec[table] == truth[table], (path.name, table)
        assert all(c["ok"] for c in rec["checks"]), path.name  # a consistent report
        assert rec["requests"]["new_received"]["total"] > 0 and rec["requests"]["granted"]["total"] > 0
    # the second year carries over what the first carried forward
    first, second = (parse_file(p) for p in paths)
    assert second["requests"]["carried_over"] == first["requests"]["carried_forward"]
    for item in ("regulations", "normative_documents"):
        now, before = second["article20"][item], first["article20"][item]
        assert now["in_force"] == before["in_force"] + now["issued"] - now["repealed"], item


def test_example_queries_show_figures_for_the_generated_town(tmp_path: Path) -> None:
    records = [parse_file(p) for p in sorted(RAW.rglob("*")) if p.is_file()]
    path = tmp_path / "xxgk.duckdb"
    build(path, records)
    examples = ROOT / "sql" / "examples"
    share = query(path, (examples / "04_share_granted.sql").read_text(encoding="utf-8"))
    demo = share.filter(share["agency_name"].str.contains("示范镇"))
    assert demo.height == 2 and demo["share_granted"].is_not_null().all()
    assert (demo["share_granted"] > 0).all()
    yoy = query(path, (examples / "01_yoy_new_requests_per_town.sql").read_text(encoding="utf-8"))
    later = yoy.filter(yoy["agency_name"].str.contains("示范镇") & (yoy["year"] == 2024))
    assert later.height == 1 and later["delta"].is_not_null().all() and later["delta"][0] != 0
    # a consistent pair: no format check fails on it, cross-year ones included
    failed = query(path, "SELECT c.rule FROM check_results c JOIN reports r USING (report_id) "
                         "JOIN agencies a USING (agency_id) WHERE a.name LIKE '%示范镇%' AND c.ok = false")  # fmt: skip
    assert failed.height == 0, failed


def test_readme_says_plainly_what_the_samples_are() -> None:
    seeds = sorted(RAW.glob("*.txt"))
    pdfs = sorted(RAW.glob("*.pdf"))
    assert [p.stem for p in pdfs] == [p.stem for p in seeds]  # each seed also as a PDF
    at = README.index("`data/raw/` holds")
    text = " ".join(README[at : at + 1500].split())
    assert re.search(rf"{len(seeds)} real reports|{['zero', 'one', 'two', 'three', 'four', 'five', 'six'][len(seeds)]} real", text)
    assert "version 2" in text and "not a republication" in text
    assert f"data/raw/{FOLDER}/" in text and "made-up" in text and AGENCY in text
    assert "scripts/make_demo_samples.py" in text
