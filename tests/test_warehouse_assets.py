"""The warehouse in Dagster: one multi-asset whose specs are its tables and views, each
documented (Chinese description, column schema), published together; the format checks on
the tables they concern, and not-evaluable rules counted and warned about, never "all
reports satisfy".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from test_views import views_corpus
from test_warehouse import build

from pipeline.defs.assets import WAREHOUSE, table_key, warehouse, warehouse_specs
from pipeline.defs.checks import CHECK_TABLES, RULE_FAMILIES, _carryover_result, _family_result
from pipeline.defs.resources import XxgkConfig
from pipeline.warehouse import catalog as catalog_mod
from pipeline.warehouse.catalog import catalog, describe

ROOT = Path(__file__).resolve().parents[1]
CJK = ("\u4e00", "\u9fff")


def _chinese(text: str | None) -> bool:
    return bool(text) and any(CJK[0] <= ch <= CJK[1] for ch in text)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("assets") / "xxgk.duckdb"
    build(path, views_corpus())
    return path


# -- the catalog -------------------------------------------------------------------------------


def test_catalog_is_what_a_run_publishes(published: Path) -> None:
    """Same relations, same columns in the same order, same types, as a real published file."""
    with duckdb.connect(str(published), read_only=True) as con:
        real = describe(con)
    assert [(r.name, r.kind, [(c.name, c.type) for c in r.columns]) for r in catalog()] == [
        (r.name, r.kind, [(c.name, c.type) for c in r.columns]) for r in real
    ]
    names = {r.name for r in catalog()}
    assert {"agencies", "reports", "request_cells", "review_litigation_cells", "report_panel", "yoy_requests",
            "report_cells_wide", "report_rates", "check_findings", "coverage"} <= names  # fmt: skip


def test_catalog_cache_is_keyed_by_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(catalog_mod.ENV_CACHE, str(tmp_path))
    catalog.cache_clear()
    try:
        first = catalog()
        (cached,) = tmp_path.glob("catalog-*.json")
        assert cached.name == f"catalog-{catalog_mod.source_key()}.json"
        catalog.cache_clear()
        assert catalog() == first  # read back from the file, identical
        # a different key (a source changed) is a miss: rebuilt, not the stale file
        monkeypatch.setattr(catalog_mod, "source_key", lambda: "changed")
        catalog.cache_clear()
        assert catalog() == first and (tmp_path / "catalog-changed.json").is_file()
        # stale catalogs do not pile up: the newest KEEP stay
        for i in range(catalog_mod.KEEP + 3):
            (tmp_path / f"catalog-stale{i}.json").write_text("[]")
        monkeypatch.setattr(catalog_mod, "source_key", lambda: "newest")
        catalog.cache_clear()
        catalog()
        kept = sorted(f.name for f in tmp_path.glob("catalog-*.json"))
        assert len(kept) == catalog_mod.KEEP and "catalog-newest.json" in kept
        # an unwritable cache is no error: built each time
        monkeypatch.setenv(catalog_mod.ENV_CACHE, str(tmp_path / "file"))
        (tmp_path / "file").write_text("not a folder")
        catalog.cache_clear()
        assert catalog() == first
    finally:
        catalog.cache_clear()


# -- the asset specs ---------------------------------------------------------------------------


def test_every_table_and_view_is_a_documented_asset_spec() -> None:
    specs = {s.key: s for s in warehouse_specs()}
    assert set(specs) == {table_key(r.name) for r in catalog()}
    assert warehouse.op.name == WAREHOUSE and set(warehouse.keys) == set(specs)
    described = total = 0
    for relation in catalog():
        spec = specs[table_key(relation.name)]
        assert spec.group_name == "xxgk"
        assert _chinese(spec.description), relation.name  # every table and view says what it is, in Chinese
        schema = spec.metadata["dagster/column_schema"]
        assert isinstance(schema, dg.TableSchema)
        assert [c.name for c in schema.columns] == [c.name for c in relation.columns]
        total += len(schema.columns)
        described += sum(_chinese(c.description) for c in schema.columns)
    assert described >= 0.9 * total, f"{described} of {total} columns described in Chinese"
    request = {c.name: c for c in specs[table_key("request_cells")].metadata["dagster/column_schema"].columns}
    assert request["value"].type == "BIGINT" and "报告" in (request["value"].description or "")
    panel = {c.name: c for c in specs[table_key("report_panel")].metadata["dagster/column_schema"].columns}
    assert "推算" in (panel["new_requests_derived"].description or "")


def test_lineage_views_read_their_tables_and_tables_come_from_the_run() -> None:
    deps = {s.key: {d.asset_key for d in s.deps} for s in warehouse_specs()}
    assert deps[table_key("reports")] == {dg.AssetKey("validated_frames"), dg.AssetKey("report_records")}
    assert {table_key("current_reports"), table_key("request_cells")} <= deps[table_key("report_panel")]
    assert deps[table_key("yoy_requests")] == {table_key("reports"), table_key("request_cells")}


def test_each_format_check_hangs_on_the_table_it_concerns() -> None:
    defs = dg.load_from_defs_folder(path_within_project=ROOT)
    graph = defs.resolve_asset_graph()
    on = {k.name: k.asset_key for k in graph.asset_check_keys}
    for name, (table, _) in CHECK_TABLES.items():
        assert on[name] == table_key(table), name
    assert set(RULE_FAMILIES) | {"cross_year_carryover"} == set(CHECK_TABLES)
    assert on["review_litigation_totals"] == table_key("review_litigation_cells")


# -- not evaluable -----------------------------------------------------------------------------


def test_a_check_with_not_evaluable_rules_warns_and_counts_them(published: Path) -> None:
    """丙乡's review table is lost: its total rule is not evaluable. The check must not say
    "all reports satisfy"; it warns, with the count in its metadata."""
    xxgk = XxgkConfig(warehouse=str(published))
    result = _family_result(xxgk, *RULE_FAMILIES["review_litigation_totals"])
    assert result.passed is False and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["not_evaluable_rules"].value == 1
    assert result.metadata["not_evaluable_reports"].value == 1
    assert result.metadata["failing_rules"].value == 0
    assert "all reports satisfy" not in result.description
    assert "not evaluable" in result.description and "WARNING" in result.description
    assert "review_litigation.total.review" in result.metadata["not_evaluable"].value


def test_a_check_with_every_rule_evaluated_passes_and_says_zero(tmp_path: Path) -> None:
    from factories import make_record

    path = tmp_path / "xxgk.duckdb"
    build(path, [make_record("米易县甲镇人民政府", 2024, town="甲镇")])
    result = _family_result(XxgkConfig(warehouse=str(path)), *RULE_FAMILIES["requests_balance"])
    assert result.passed is True
    assert result.metadata["not_evaluable_rules"].value == 0
    assert result.description.startswith("all reports satisfy")


def test_cross_year_check_counts_not_evaluable_too(published: Path) -> None:
    """丙乡 2024 gives no 上年结转: its carry-over rule cannot be evaluated (when one is recorded)."""
    result = _carryover_result(XxgkConfig(warehouse=str(published)))
    assert "not_evaluable_rules" in result.metadata
    assert result.metadata["failing_reports"].value >= 1  # 甲镇 2024's carried_over 2 vs 3


# -- one step, every table ---------------------------------------------------------------------


def test_a_run_materializes_every_table_in_one_step(tmp_path: Path) -> None:
    """All specs are materialized by the one ``warehouse`` step of the run (one publish),
    each with its column schema as published; row counts on tables, the run summary on
    ``warehouse/ingest_log``."""
    from pipeline.definitions import defs

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in sorted(p.name for p in (ROOT / "data" / "raw").glob("*.txt"))[:2]:
        shutil.copyfile(ROOT / "data" / "raw" / name, raw / name)
    warehouse_file = tmp_path / "xxgk.duckdb"
    result = dg.materialize(
        [*defs.assets, *defs.asset_checks],  # type: ignore[list-item]
        resources={"xxgk": XxgkConfig(raw_dir=str(raw), warehouse=str(warehouse_file), workers=0)},
    )
    assert result.success
    published = result.asset_materializations_for_node(WAREHOUSE)
    by_key = {m.asset_key: m.metadata for m in published}
    assert set(by_key) == {table_key(r.name) for r in catalog()}
    assert by_key[table_key("reports")]["dagster/row_count"].value == 2
    schema = by_key[table_key("yoy_requests")]["dagster/column_schema"].value
    assert "value_derived" in [c.name for c in schema.columns]
    summary = by_key[table_key("ingest_log")]
    assert summary["files_loaded"].value == 2 and "publish_seconds" in summary
    assert "files_loaded" not in by_key[table_key("reports")]  # once, not on every table
    # the checks ran against the tables they concern
    evaluated = {(e.asset_key, e.check_name) for e in result.get_asset_check_evaluations()}
    assert (table_key("request_cells"), "requests_balance") in evaluated
    for e in result.get_asset_check_evaluations():
        if e.asset_key != dg.AssetKey("validated_frames"):
            assert "not_evaluable_rules" in e.metadata, e.check_name
