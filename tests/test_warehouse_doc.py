"""docs/warehouse.md stays true: it documents every table and view a built warehouse has, with
every column, and embeds every example query of sql/examples verbatim."""

from __future__ import annotations

import re

import pytest
from factories import two_year_corpus
from test_warehouse import SQL_DIR, build, query

from pipeline.warehouse import wide_view

ROOT = SQL_DIR.parent
DOC = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    """Each '### `name`' section of the doc, by name."""
    found = re.split(r"^### `([a-z0-9_]+)`\n", DOC, flags=re.M)
    return dict(zip(found[1::2], found[2::2], strict=True))


@pytest.fixture(scope="module")
def relations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every table and view of a freshly built warehouse, with its columns."""
    path = tmp_path_factory.mktemp("doc") / "xxgk.duckdb"
    build(path, two_year_corpus())
    names = query(path, """
        SELECT table_name AS name FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
        UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'""")["name"]
    columns = query(path, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                          "ORDER BY table_name, column_index")  # fmt: skip
    out: dict[str, list[str]] = {name: [] for name in names}
    for name, column in columns.iter_rows():
        if name in out:
            out[name].append(column)
    return out


def test_every_table_and_view_is_documented_with_every_column(relations: dict[str, list[str]]) -> None:
    documented = sections()
    missing = sorted(set(relations) - set(documented))
    assert not missing, f"docs/warehouse.md has no '### `name`' section for {missing}"
    generated = {c.name for c in wide_view.wide_columns()} | {c.name + "_unit" for c in wide_view.wide_columns()}
    for name, columns in relations.items():
        text = documented[name]
        undocumented = [c for c in columns if f"`{c}`" not in text and not (name == wide_view.VIEW and c in generated)]
        assert not undocumented, (name, undocumented)
    wide = documented[wide_view.VIEW]
    for pattern in ("`req_<row_key>_<column_key>`", "`rl_<proceeding_key>_<result_key>`", "`a20_<item_key>_<measure_key>`"):
        assert pattern in wide


def test_the_doc_describes_nothing_the_warehouse_lacks(relations: dict[str, list[str]]) -> None:
    assert sorted(set(sections()) - set(relations)) == []


def test_every_example_query_is_embedded_verbatim() -> None:
    examples = sorted((SQL_DIR / "examples").glob("*.sql"))
    assert len(examples) >= 10
    for path in examples:
        assert path.read_text(encoding="utf-8").strip() in DOC, path.name
        assert f"`sql/examples/{path.name}`" in DOC, path.name


def test_the_readme_points_here_for_every_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/warehouse.md" in readme
    for path in sorted((SQL_DIR / "examples").glob("*.sql")):
        title = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("-- title: ")
        assert title in readme and path.name in readme, path.name
