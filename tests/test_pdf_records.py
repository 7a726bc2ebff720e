"""PDFs give the same records as text: the seed PDFs, and generated reports in ruled PDF tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.parsing import parse_file
from pipeline.samples.render_pdf import render_report_pdf
from pipeline.samples.spec import ReportSpec
from tests.conftest import seed_paths
from tests.strategies import records

FIELDS = ("status", "template", "year", "agency", "region", "published_on", "active_disclosure",
          "article20", "requests", "review_litigation", "derived")


@pytest.mark.parametrize("txt", seed_paths(), ids=lambda p: p.name[:3])
def test_seed_pdf_gives_the_seed_record(txt: Path) -> None:
    pdf = txt.with_suffix(".pdf")
    assert pdf.is_file(), "run scripts/make_sample_pdfs.py"
    a, b = parse_file(txt), parse_file(pdf)
    assert b["source"]["format"] == "pdf"
    for field in FIELDS:
        assert a[field] == b[field], field
    assert isinstance(b["table_pages"]["requests"], int)


def _spec(rec: dict) -> ReportSpec:
    y, m, d = rec["published_on"].split("-")
    total = rec["active_disclosure"]["total"]
    return ReportSpec(
        title_lines=[rec["agency"], f"{rec['year']}年度政府信息公开工作年度报告"],
        section1=[f"（一）主动公开方面。本年度主动公开政府信息{total}条。"] + ["工作持续推进。" * 30] * 3,
        section5=["无。"],
        section6=["无。"],
        template=rec["template"],
        article20=rec["article20"],
        requests=rec["requests"],
        review_litigation=rec["review_litigation"],
        signature_agency=rec["agency"],
        signature_date=f"{int(y)}年{int(m)}月{int(d)}日",
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=records())
def test_generated_pdf_round_trips_every_cell(tmp_path: Path, rec: dict) -> None:
    path = render_report_pdf(_spec(rec), tmp_path / "r.pdf")
    got = parse_file(Path(path))
    assert (got["template"], got["year"], got["agency"], got["published_on"]) == (
        rec["template"], rec["year"], rec["agency"], rec["published_on"])
    assert got["active_disclosure"]["total"] == rec["active_disclosure"]["total"]
    assert got["article20"] == rec["article20"]
    assert got["requests"] == rec["requests"]
    assert got["review_litigation"] == rec["review_litigation"]
