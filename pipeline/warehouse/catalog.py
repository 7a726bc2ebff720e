"""The warehouse's catalog: every table and view, its Chinese description, and its columns
(name, DuckDB type, Chinese comment), as the published file has them.

Dagster declares one asset per table and view (``pipeline.defs.assets``), with the column
schema in the asset's metadata, so the catalog must be known when the definitions load,
before any warehouse exists. It is read off an empty warehouse built in memory by the same
code that publishes (``pipeline.warehouse.publish.create_schema``: the frames' schemas, the
SQL views, ``sql/comments.sql``), so it cannot drift from what a run writes — no second list
of tables or columns to keep in step.

Building it costs about a second, and the definitions load in every Dagster step process,
so the result is cached on disk under a key made of the bytes of every source that shapes
the schema (``pipeline/**/*.py``, ``sql/**/*.sql``, the template CSV) and DuckDB's version:
any change there rebuilds it once; otherwise loading it takes milliseconds. An unwritable
cache folder only means building it each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pipeline

ROOT = Path(pipeline.__file__).resolve().parents[1]
ENV_CACHE = "XXGK_CACHE_DIR"
_SOURCES = (("pipeline", "*.py"), ("pipeline", "*.csv"), ("sql", "*.sql"))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True)
class Relation:
    name: str
    kind: str
    """``table`` or ``view``."""
    comment: str
    columns: tuple[Column, ...]
    reads: tuple[str, ...] = ()
    """For a view: the tables and views its SQL reads (FROM / JOIN), for lineage."""


_READS = re.compile(r"\b(?:FROM|JOIN)[\s(]+\"?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
"""A relation named after FROM or JOIN, in DuckDB's own rendering of a view's SQL
(``FROM ((reports AS r INNER JOIN agencies …``)."""


def describe(con) -> list[Relation]:  # noqa: ANN001 - a duckdb connection (duckdb imported lazily)
    """Every table and view of the connection's main schema, with columns in their order.

    A column's description is its own comment, else what the exports' headers use
    (pipeline.export.headers: a same-named column's comment, or the glossary's name), so the
    catalog and the Excel headers say the same thing.
    """
    from pipeline.export.headers import Headers

    headers = Headers.of(con)
    relations = con.execute(
        """
        SELECT table_name, 'table', coalesce(comment, ''), '' FROM duckdb_tables()
        WHERE schema_name = 'main' AND NOT internal AND NOT temporary AND database_name = current_database()
        UNION ALL
        SELECT view_name, 'view', coalesce(comment, ''), sql FROM duckdb_views()
        WHERE schema_name = 'main' AND NOT internal AND NOT temporary AND database_name = current_database()
        ORDER BY 1
        """
    ).fetchall()
    names = {r[0] for r in relations}
    columns: dict[str, list[Column]] = {}
    for table, name, type_, comment in con.execute(
        """
        SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
        WHERE schema_name = 'main' AND database_name = current_database()
        ORDER BY table_name, column_index
        """
    ).fetchall():
        text = comment or headers.description(table, name) or headers.chinese(table, name) or ""
        columns.setdefault(table, []).append(Column(name, type_, text))
    return [
        Relation(name, kind, comment, tuple(columns.get(name, ())), _reads(sql, names - {name}))
        for name, kind, comment, sql in relations
    ]


def _reads(sql: str, names: set[str]) -> tuple[str, ...]:
    """The relations a view's SQL names after FROM or JOIN (its CTEs are not relations)."""
    return tuple(sorted({m.group(1) for m in _READS.finditer(sql or "")} & names))


def build() -> list[Relation]:
    """An empty warehouse in memory, made by the publishing code, described."""
    import duckdb

    from pipeline.warehouse.publish import create_schema

    con = duckdb.connect(":memory:")
    try:
        create_schema(con)
        return describe(con)
    finally:
        con.close()


def source_key() -> str:
    """A digest of everything that shapes the schema (see the module docstring)."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("duckdb").encode())  # importing duckdb here would cost 0.3 s
    for folder, pattern in _SOURCES:
        for path in sorted((ROOT / folder).rglob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def cache_dir() -> Path:
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xxgk"


def _load(path: Path) -> list[Relation] | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [
            Relation(r["name"], r["kind"], r["comment"], tuple(Column(**c) for c in r["columns"]), tuple(r["reads"]))
            for r in raw
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(path: Path, relations: list[Relation]) -> None:
    """Written beside and renamed: two step processes building at once never read half a file."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([asdict(r) for r in relations], fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


KEEP = 8
"""Cached catalogs kept: one per recent state of the sources (several worktrees or branches
share the cache folder); older ones are deleted when a new one is written."""


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("catalog-*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


@lru_cache(maxsize=1)
def catalog() -> tuple[Relation, ...]:
    """The warehouse's relations, from the disk cache when the sources are unchanged."""
    path = cache_dir() / f"catalog-{source_key()}.json"
    cached = _load(path)
    if cached is not None:
        return tuple(cached)
    relations = build()
    _save(path, relations)
    with contextlib.suppress(OSError):
        _prune(path.parent)
    return tuple(relations)
