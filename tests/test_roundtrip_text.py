"""Property: every cell of a generated report survives rendering to text and parsing back."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing import parse_file
from pipeline.samples.render_text import LAYOUTS, render_text
from tests.strategies import records


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=records(), layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 1000))
def test_every_cell_round_trips(tmp_path: Path, rec: dict, layout: str, seed: int) -> None:
    path = tmp_path / f"r_{layout}.txt"
    path.write_text(render_text(rec, layout, seed), encoding="utf-8")
    got = parse_file(path)
    assert got["template"] == rec["template"]
    assert got["year"] == rec["year"]
    assert got["agency"] == rec["agency"]
    assert got["published_on"] == rec["published_on"]
    assert got["active_disclosure"]["total"] == rec["active_disclosure"]["total"]
    assert got["article20"] == rec["article20"]
    assert got["requests"] == rec["requests"]
    assert got["review_litigation"] == rec["review_litigation"] or all(
        v is None for g in rec["review_litigation"].values() for v in g.values()
    )
    # every null in the source is reported, never silently filled
    missing = {i["where"] for i in got["issues"] if i["code"] == "cell_missing"}
    for row, cols in rec["requests"].items():
        for col, v in cols.items():
            assert (v is None) == (f"requests.{row}.{col}" in missing)
