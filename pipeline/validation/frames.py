"""Flatten report records (docs/record-example.json) into the warehouse's long frames.

One frame per warehouse table (WAREHOUSE.md). Every template cell of a report's template
gets a row even when the report does not give it, with a null value: an analyst must be
able to tell "the report says 0" from "the report says nothing", so nulls are never filled.

Records whose status says they are not reports (``not_a_report``, ``unreadable``) are the
caller's to quarantine and produce no rows. Any other status goes through, so that an
unknown status reaches the schema and is quarantined there with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import repeat
from typing import Any

import polars as pl

from pipeline import template
from pipeline.agencies.assign import AGENCIES_SCHEMA, assign_agencies
from pipeline.agencies.identity import identify
from pipeline.ledger import cell_runs
from pipeline.validation.values import INT64_MAX, CellError, to_int, to_number

NON_REPORT_STATUSES = frozenset({"not_a_report", "unreadable"})
REPORT_STATUSES = ("ok", "incomplete")
CELL_METHODS = ("grid", "delimited", "solved", "template_order", "ocr", "derived")
"""How a cell was read (the record's ``cell_methods``; pipeline.parsing.cells.METHODS)."""
FATAL = "fatal"
"""Issue severity added here for a value the pipeline cannot read; validation quarantines it."""

_S, _I, _F, _B = pl.String, pl.Int64, pl.Float64, pl.Boolean

FRAME_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "agencies": AGENCIES_SCHEMA,
    "reports": {"report_id": _S, "agency_id": _S, "agency_name": _S, "year": _I, "template": _S,
                "published_on": pl.Date, "status": _S, "coverage": _F, "source_path": _S, "sha256": _S,
                "source_format": _S, "source_size": _I, "parser_version": _S, "is_current": _B,
                "page_article20": _I, "page_requests": _I, "page_review_litigation": _I,
                "n_issues": _I, "n_checks_failed": _I, "province": _S, "city": _S, "county": _S,
                "town": _S, "source_mtime": pl.Datetime("us"), "version": _I},
    "request_cells": {"report_id": _S, "row_key": _S, "column_key": _S, "value": _I, "derived": _B,
                      "derived_value": _I, "method": _S, "page": _I},
    "article20_cells": {"report_id": _S, "item_key": _S, "measure_key": _S, "value": _F, "unit": _S,
                        "derived": _B, "derived_value": _F, "method": _S, "page": _I},
    "review_litigation_cells": {"report_id": _S, "proceeding_key": _S, "result_key": _S, "value": _I,
                                "derived": _B, "derived_value": _I, "method": _S, "page": _I},
    "active_disclosure": {"report_id": _S, "category": _S, "count": _I},
    "check_results": {"report_id": _S, "rule": _S, "column_key": _S, "ok": _B, "expected": _F,
                      "actual": _F, "detail": _S, "origin": _S},
    "issues": {"report_id": _S, "severity": _S, "code": _S, "where": _S, "detail": _S},
}  # fmt: skip
"""Column names and polars dtypes of every frame, in table column order (the warehouse uses them too)."""

_DEFAULT_UNITS = {"amount_10k_yuan": "万元"}


def empty_frames() -> dict[str, pl.DataFrame]:
    """Every frame with its schema and no rows: what an empty corpus publishes."""
    return {name: pl.DataFrame(schema=schema) for name, schema in FRAME_SCHEMAS.items()}


def source_of(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record's ``source`` block, or an empty one when it is missing or not a mapping."""
    return _mapping(record.get("source"))


def report_id_of(record: Mapping[str, Any]) -> str:
    """The record's ``report_id``, else sha256[:16], else an id from the path (never empty)."""
    source = source_of(record)
    rid = record.get("report_id") or (source.get("sha256") or "")[:16]
    if rid:
        return str(rid)
    return "nohash-" + hashlib.sha1(str(source.get("path")).encode()).hexdigest()[:9]


class _Rows:
    """Column-wise row accumulator for one frame (cheaper than a list of dicts)."""

    def __init__(self, name: str) -> None:
        self.schema = FRAME_SCHEMAS[name]
        self.cols: dict[str, list[Any]] = {c: [] for c in self.schema}

    def add(self, **values: Any) -> None:
        for column, bucket in self.cols.items():
            bucket.append(values.get(column))

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def truncate(self, length: int) -> None:
        for bucket in self.cols.values():
            del bucket[length:]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.cols, schema=self.schema)


class _Builder:
    def __init__(self) -> None:
        self.rows = {name: _Rows(name) for name in FRAME_SCHEMAS if name != "agencies"}

    def issue(self, rid: str, severity: str, code: str, where: str | None, detail: str) -> None:
        self.rows["issues"].add(report_id=rid, severity=severity, code=code, where=where, detail=detail)

    def add_record(self, record: Mapping[str, Any]) -> None:
        """Add one record's rows; a record too malformed to flatten leaves only a fatal issue.

        Its rows are rolled back, so the fatal issue (and the missing reports row) make
        validation quarantine it with the exception in the reason, instead of crashing the run.
        """
        lengths = {name: len(rows) for name, rows in self.rows.items()}
        try:
            self._add_record(record)
        except Exception as err:  # noqa: BLE001 - any malformed record must be quarantined, not crash
            for name, rows in self.rows.items():
                rows.truncate(lengths[name])
            self.issue(report_id_of(record), FATAL, "record_malformed", None, f"{type(err).__name__}: {err}")

    def _add_record(self, record: Mapping[str, Any]) -> None:
        rid = report_id_of(record)
        source = source_of(record)
        tpl = record.get("template")
        tpl = None if tpl is None else str(tpl)
        year = self._int(rid, "year", record.get("year"))
        published_on = self._date(rid, record.get("published_on"))
        region = _mapping(record.get("region"))
        aid = identify(record.get("agency"), *(_str(region.get(k)) for k in ("province", "city", "county")),
                       source.get("sha256")).agency_id  # fmt: skip
        pages = _mapping(record.get("table_pages"))
        checks = [c for c in record.get("checks") or [] if _is_mapping(c)]
        issues = [i for i in record.get("issues") or [] if _is_mapping(i)]

        derived = _mapping(record.get("derived"))
        if tpl in template.TEMPLATES:
            how = _How.of(record, pages)
            self._cells(rid, "requests", tpl, record.get("requests"), derived, how=how)
            self._cells(rid, "review_litigation", tpl, record.get("review_litigation"), derived, how=how)
            self._cells(
                rid, "article20", tpl, record.get("article20"), derived, _mapping(record.get("units")), how=how
            )
        self._active(rid, record.get("active_disclosure"))
        self._checks(rid, checks)
        for item in issues:
            self.issue(rid, _str(item.get("severity")), _str(item.get("code")), _str(item.get("where")),
                       _str(item.get("detail")))  # fmt: skip
        self.rows["reports"].add(
            report_id=rid, agency_id=aid, agency_name=_str(record.get("agency")), year=year, template=tpl,
            published_on=published_on, status=_str(record.get("status")),
            coverage=self._share(rid, "coverage", record.get("coverage")), source_path=_str(source.get("path")),
            sha256=_str(source.get("sha256")), source_format=_str(source.get("format")),
            source_size=self._int(rid, "source.size", source.get("size")),
            parser_version=_str(record.get("parser_version")),
            page_article20=self._page(rid, "article20", pages.get("article20")),
            page_requests=self._page(rid, "requests", pages.get("requests")),
            page_review_litigation=self._page(rid, "review_litigation", pages.get("review_litigation")),
            n_issues=len(issues), n_checks_failed=sum(1 for c in checks if c.get("ok") is False),
            **{key: _str(region.get(key)) or None for key in ("province", "city", "county", "town")},
        )  # fmt: skip

    # -- helpers -------------------------------------------------------------------------

    def _int(self, rid: str, where: str, value: object) -> int | None:
        try:
            return to_int(value)
        except CellError as err:
            self.issue(rid, FATAL, "value_unreadable", where, str(err))
            return None

    def _num(self, rid: str, where: str, value: object) -> tuple[float | None, str | None]:
        try:
            return to_number(value)
        except CellError as err:
            self.issue(rid, FATAL, "value_unreadable", where, str(err))
            return None, None

    def _share(self, rid: str, where: str, value: object) -> float | None:
        """A share between 0 and 1 (the record's ``coverage``); anything else is a warning and null:
        it describes the reading, it is not a printed figure worth quarantining a report for."""
        try:
            number, _unit = to_number(value)
        except CellError as err:
            self.issue(rid, "warning", "value_unreadable", where, str(err))
            return None
        if number is None or not 0.0 <= float(number) <= 1.0:
            if number is not None:
                self.issue(rid, "warning", "value_unreadable", where, f"{number!r} is not a share between 0 and 1")
            return None
        return float(number)

    def _page(self, rid: str, table: str, value: object) -> int | None:
        """The page a table starts on; a table spanning pages is given as a list of pages.

        Pages only help tracing, so an unreadable one is a warning, never a reason to quarantine.
        """
        candidates = value if isinstance(value, list | tuple) else [value]
        try:
            pages = [p for p in (to_int(v) for v in candidates) if p is not None]
        except CellError as err:
            self.issue(rid, "warning", "page_unreadable", f"table_pages.{table}", str(err))
            return None
        return min(pages) if pages else None

    def _date(self, rid: str, value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.issue(
                rid, "warning", "published_on_unreadable", "published_on", f"{value!r} is not an ISO date"
            )
            return None

    def _cells(self, rid: str, table: str, tpl: str, given: object, derived: Mapping[str, Any],
               units: Mapping[str, Any] | None = None, how: _How | None = None) -> None:  # fmt: skip
        """One row per template cell, then one per extra key the record carries.

        Extra keys are kept (not dropped) so that the schema's key checks can see them.
        A table of plain numbers goes through ``_plain_cells`` (whole columns at once);
        anything else — a string, a derived value, an extra key — cell by cell below.
        """
        given = _mapping(given)
        how = how or _How.of({}, {})
        if self._plain_cells(rid, _cell_layout(table, tpl), given, derived, units or {}, how):
            return
        keys = [(r, c) for r in template.rows(table, tpl) for c in template.columns(table, tpl, r)]
        known = set(keys)
        for row, cols in given.items():
            if isinstance(cols, Mapping):
                keys.extend((row, c) for c in cols if (row, c) not in known)
        frame = {"requests": "request_cells", "review_litigation": "review_litigation_cells",
                 "article20": "article20_cells"}[table]  # fmt: skip
        names = {"requests": ("row_key", "column_key"), "review_litigation": ("proceeding_key", "result_key"),
                 "article20": ("item_key", "measure_key")}[table]  # fmt: skip
        for row, col in keys:
            cols = given.get(row)
            raw = cols.get(col) if isinstance(cols, Mapping) else None
            where = f"{table}.{row}.{col}"
            offer = derived.get(where)
            offered = isinstance(offer, Mapping) and offer.get("value") is not None
            values: dict[str, Any] = {
                "report_id": rid,
                names[0]: str(row),
                names[1]: str(col),
                "derived": offered,
            }
            if table == "article20":
                values["value"], printed_unit = self._num(rid, where, raw)
                values["unit"] = _unit(units, row, col) or printed_unit or _DEFAULT_UNITS.get(col)
                values["derived_value"] = (
                    self._num(rid, "derived." + where, offer["value"])[0] if offered else None
                )
            else:
                values["value"] = self._int(rid, where, raw)
                values["derived_value"] = (
                    self._int(rid, "derived." + where, offer["value"]) if offered else None
                )
            values["method"], values["page"] = how.cell(
                table, where, values["value"] is not None, values["derived_value"] is not None
            )
            self.rows[frame].add(**values)

    def _plain_cells(self, rid: str, layout: _CellLayout, given: Mapping[str, Any],
                     derived: Mapping[str, Any], units: Mapping[str, Any], how: _How) -> bool:  # fmt: skip
        """Add a table's rows column-wise when every cell is a plain number or null; else add nothing.

        The common case (~200 cells a report): the record has exactly the template's cells,
        ints (floats for article 20) or None, and no derived value for this table. Those
        cells cannot raise an issue, so the columns are extended whole instead of building
        a row per cell; the rows are the ones the cell-by-cell path gives, in the same
        order. Returns False, having added nothing, when any cell needs that path.
        """
        if derived and any(not isinstance(k, str) or k.startswith(layout.prefix) for k in derived):
            return False
        if not layout.row_set.issuperset(given):
            return False  # a row outside the template: the cell-by-cell path keeps its cells
        raws: list[Any] = []
        for row, columns, known in layout.rows:
            cols = given.get(row)
            if cols is None:
                raws.extend(repeat(None, len(columns)))
            elif _is_mapping(cols):
                if not known.issuperset(cols):
                    return False  # an extra key: its row must reach the schema's key check
                raws.extend(map(cols.get, columns))
            else:
                raws.extend(repeat(None, len(columns)))
        values = _plain_floats(raws) if layout.floats else raws if _plain_ints(raws) else None
        if values is None:
            return False
        n = len(raws)
        cols_out = self.rows[layout.frame].cols
        cols_out["report_id"].extend(repeat(rid, n))
        cols_out[layout.names[0]].extend(layout.row_keys)
        cols_out[layout.names[1]].extend(layout.column_keys)
        cols_out["value"].extend(values)
        cols_out["derived"].extend(repeat(False, n))
        cols_out["derived_value"].extend(repeat(None, n))
        methods, pages = how.cells(layout, values)
        cols_out["method"].extend(methods)
        cols_out["page"].extend(pages)
        if layout.floats:
            if units:
                cols_out["unit"].extend(
                    _unit(units, r, c) or _DEFAULT_UNITS.get(c)
                    for r, c in zip(layout.row_keys, layout.column_keys, strict=True)
                )
            else:
                cols_out["unit"].extend(layout.default_units)
        return True

    def _active(self, rid: str, given: object) -> None:
        if not isinstance(given, Mapping):
            return
        total = self._int(rid, "active_disclosure.total", given.get("total"))
        by_category = given.get("by_category") if isinstance(given.get("by_category"), Mapping) else {}
        if total is None and not by_category:
            return
        for category, count in by_category.items():
            where = f"active_disclosure.by_category.{category}"
            self.rows["active_disclosure"].add(report_id=rid, category=str(category),
                                               count=self._int(rid, where, count))  # fmt: skip
        self.rows["active_disclosure"].add(report_id=rid, category="total", count=total)

    def _checks(self, rid: str, checks: list[Mapping[str, Any]]) -> None:
        """The record's checks, column-wise when every expected/actual is a plain number or null.

        Else check by check (``_check``), so that an unreadable number is reported as an issue
        in the same order as ever.
        """
        n = len(checks)
        numbers = _plain_floats([c.get("expected") for c in checks] + [c.get("actual") for c in checks])
        if numbers is None:
            for check in checks:
                self._check(rid, check)
            return
        rules = list(map(_str, [c.get("rule") for c in checks]))
        cols = self.rows["check_results"].cols
        cols["report_id"].extend(repeat(rid, n))
        cols["rule"].extend(rules)
        cols["column_key"].extend(map(_rule_column, rules))
        cols["ok"].extend([ok if type(ok) is bool else None for ok in [c.get("ok") for c in checks]])
        cols["expected"].extend(numbers[:n])
        cols["actual"].extend(numbers[n:])
        cols["detail"].extend(map(_str, [c.get("detail") for c in checks]))
        cols["origin"].extend(repeat("record", n))

    def _check(self, rid: str, check: Mapping[str, Any]) -> None:
        rule = _str(check.get("rule"))
        ok = check.get("ok")
        self.rows["check_results"].add(
            report_id=rid, rule=rule, column_key=_rule_column(rule),
            ok=ok if isinstance(ok, bool) else None,
            expected=self._num(rid, f"checks.{rule}.expected", check.get("expected"))[0],
            actual=self._num(rid, f"checks.{rule}.actual", check.get("actual"))[0],
            detail=_str(check.get("detail")), origin="record",
        )  # fmt: skip

    # -- frames --------------------------------------------------------------------------

    def frames(self) -> dict[str, pl.DataFrame]:
        """The frames keyed by report (all but agencies); reports' ``version`` and ``is_current`` are null."""
        return {name: rows.frame() for name, rows in self.rows.items()}


def agencies_from_reports(reports: pl.DataFrame) -> pl.DataFrame:
    """One row per agency of these reports, by the naming rules alone (pipeline.agencies).

    Publishing recomputes the agencies of the whole warehouse, with the analyst's alias
    file, from its ``reports`` table (pipeline.agencies.assign_agencies); this is the same
    computation for one batch, so that a batch's frames validate on their own.
    """
    return assign_agencies(reports).agencies.cast(FRAME_SCHEMAS["agencies"])  # type: ignore[arg-type]


@dataclass(frozen=True)
class _CellLayout:
    """The template cells of one table in one template, laid out once for ``_plain_cells``."""

    table: str
    frame: str
    names: tuple[str, str]
    """The frame's two key columns (row_key/column_key, item_key/measure_key, …)."""
    floats: bool
    """Article 20 holds decimals (fees, amounts) and units; the other tables hold counts."""
    prefix: str
    """``"<table>."``: a derived value for this table has a key starting with it."""
    rows: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...]
    """(row key, its column keys in order, the same as a set) for every row, in order."""
    row_set: frozenset[str]
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    default_units: tuple[str | None, ...]
    wheres: tuple[str, ...]
    """``"<table>.<row>.<column>"`` of every cell: its key in the record's ``cell_methods``."""


_FRAME_OF = {"requests": "request_cells", "review_litigation": "review_litigation_cells",
             "article20": "article20_cells"}  # fmt: skip
_KEY_NAMES = {"requests": ("row_key", "column_key"), "review_litigation": ("proceeding_key", "result_key"),
              "article20": ("item_key", "measure_key")}  # fmt: skip


@cache
def _cell_layout(table: str, tpl: str) -> _CellLayout:
    rows = tuple((r, cs, frozenset(cs)) for r in template.rows(table, tpl) for cs in [template.columns(table, tpl, r)])
    cells = [(r, c) for r, columns, _ in rows for c in columns]
    return _CellLayout(
        table=table, frame=_FRAME_OF[table], names=_KEY_NAMES[table], floats=table == "article20",
        prefix=f"{table}.", rows=rows, row_set=frozenset(r for r, _, _ in rows),
        row_keys=tuple(r for r, _ in cells), column_keys=tuple(c for _, c in cells),
        default_units=tuple(_DEFAULT_UNITS.get(c) for _, c in cells),
        wheres=tuple(f"{table}.{r}.{c}" for r, c in cells),
    )  # fmt: skip


_INT_TYPES = frozenset({int, type(None)})
_NUMBER_TYPES = frozenset({int, float, type(None)})


def _plain_ints(values: list[Any]) -> bool:
    """Whether every value is None or an int that ``to_int`` keeps as it is (not a bool, within Int64)."""
    if not _INT_TYPES.issuperset(map(type, values)):
        return False
    nonzero = [*filter(None, values)]  # only ints and None are left: None and 0 drop out
    return not nonzero or (min(nonzero) >= -INT64_MAX and max(nonzero) <= INT64_MAX)


def _plain_floats(values: list[Any]) -> list[float | None] | None:
    """``to_number(v)[0]`` of every value when all are None or finite ints/floats; else None.

    NaN, infinities and numbers beyond Int64 are left to ``to_number`` (which nulls, rejects
    or raises), so this shortcut only ever takes values both paths read the same.
    """
    types = set(map(type, values))
    if not _NUMBER_TYPES.issuperset(types):
        return None
    numbers = [v for v in values if v is not None]
    if float in types and not all(map(math.isfinite, [v for v in numbers if type(v) is float])):
        return None  # checked first: min and max are unreliable with a NaN among the values
    if numbers and not (min(numbers) >= -INT64_MAX and max(numbers) <= INT64_MAX):
        return None
    return [None if v is None else float(v) for v in values]


@lru_cache(maxsize=4096)
def _rule_column(rule: str | None) -> str | None:
    """The request column a ``requests.<rule>.<column>`` check is about (None for other rules)."""
    suffix = rule.rsplit(".", 1)[-1] if rule and rule.startswith("requests.") else None
    return suffix if suffix in template.REQUEST_COLUMNS else None


def _str(value: object) -> str | None:
    return value if type(value) is str else None if value is None else str(value)


def _is_mapping(value: object) -> bool:
    """A Mapping; a plain dict (what JSON gives) is recognised without the slower ABC check."""
    return type(value) is dict or isinstance(value, Mapping)


def _mapping(value: object) -> Mapping[str, Any]:
    """Optional blocks of a record (region, derived, units, pages) that are absent or malformed count as empty."""
    return value if _is_mapping(value) else {}


def _unit(units: Mapping[str, Any], item: str, measure: str) -> str | None:
    """The unit the record gives for one article-20 cell, in any of the shapes a parser may use."""
    for candidate in (
        units.get(f"article20.{item}.{measure}"),
        units.get(f"{item}.{measure}"),
        units.get(item),
    ):
        if isinstance(candidate, Mapping):
            candidate = candidate.get(measure)
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


def mark_current(reports: pl.DataFrame) -> pl.DataFrame:
    """Set ``is_current`` and ``version`` within one batch (publishing recomputes both over
    the whole warehouse with sql/publish/versions.sql, the same ordering).

    Per agency and year the versions are numbered oldest first by signature date
    (``published_on``), then file time (``source_mtime``), then path; the newest is current.
    A re-issued (corrected) report supersedes the first; analysts filter on ``is_current``.
    """
    ordered = reports.sort(
        ["agency_id", "year", "published_on", "source_mtime", "source_path", "report_id"],
        nulls_last=False,
    )
    group = pl.struct("agency_id", "year")
    return (
        ordered.with_columns(version=pl.int_range(1, pl.len() + 1).over(group).cast(pl.Int64))
        .with_columns(is_current=pl.col("version") == pl.col("version").max().over(group))
        .sort("source_path", "report_id", nulls_last=True)
    )


def records_to_frames(records: Iterable[Mapping[str, Any]]) -> dict[str, pl.DataFrame]:
    """Flatten report records into the normalized long frames named in ``FRAME_SCHEMAS``.

    The same file met twice (same sha256 under two paths) becomes one report, with an
    ``info`` issue naming the other path, so that totals are not counted twice.
    """
    frames = report_frames(records)
    frames["reports"] = mark_current(frames["reports"])
    frames["agencies"] = agencies_from_reports(frames["reports"])
    return {name: frames[name] for name in FRAME_SCHEMAS}


def report_frames(records: Iterable[Mapping[str, Any]]) -> dict[str, pl.DataFrame]:
    """``records_to_frames`` without the parts that depend on the whole batch: no ``agencies``
    frame, and the reports' ``version`` and ``is_current`` left null.

    For a caller that gathers several chunks' frames and validates them together
    (pipeline.validation.staged): it computes those once for the gathered reports.
    """
    builder = _Builder()
    seen: dict[str, tuple[str, str | None]] = {}
    ordered = sorted(records, key=lambda r: str(source_of(r).get("path")))
    for record in ordered:
        if record.get("status") in NON_REPORT_STATUSES:
            continue
        rid = report_id_of(record)
        source = source_of(record)
        sha = source.get("sha256")
        if rid in seen and sha is not None and seen[rid][1] == sha:
            builder.issue(seen[rid][0], "info", "duplicate_file", "source.path",
                          f"the same file is also at {source.get('path')}")  # fmt: skip
            continue
        seen.setdefault(rid, (rid, sha))
        builder.add_record(record)
    return builder.frames()




@dataclass(frozen=True)
class _How:
    """How each cell of one record was read (``method``) and its page, for the cell frames.

    From the record's ``cell_methods`` (``{"<table>.<row>.<column>": {"method", "page"}}``,
    written by the parser) where it has one, or from its run-length form ``_cell_runs``
    (pipeline.ledger.cell_runs: how the reader workers stage it), read run by run. A record
    without either (an older parser's, or one made by hand) gives what it does carry:
    ``derived`` for a derived value, ``ocr`` for any value of an OCR-read document, and the
    table's page when it sits on one page; otherwise the method is null (unknown), never guessed.
    """

    given: Mapping[str, Any]
    """The record's cell_methods (empty when it has runs instead)."""
    ocr: bool
    table_page: Mapping[str, int | None]
    runs: Mapping[str, Any] | None = None
    """The record's ``_cell_runs``, when it has no ``cell_methods``."""
    template: object = None

    @staticmethod
    def of(record: Mapping[str, Any], pages: Mapping[str, Any]) -> _How:
        single = {t: p if type(p) is int else None for t, p in pages.items()}
        ocr = bool(source_of(record).get("ocr"))
        runs = record.get(cell_runs.KEY)
        if "cell_methods" not in record and runs is not None:
            if not _is_mapping(runs):
                raise cell_runs.CellRunsError(f"{cell_runs.KEY} is not a mapping")
            return _How({}, ocr, single, runs, record.get("template"))
        return _How(_mapping(record.get("cell_methods")), ocr, single)

    @cached_property
    def _said(self) -> Mapping[str, Any]:
        """Entry per cell key: ``cell_methods``, or the runs expanded (only the cell-by-cell path needs it)."""
        return self.given if self.runs is None else cell_runs.expand(self.runs, self.template)

    def cell(self, table: str, where: str, has_value: bool, has_derived: bool) -> tuple[str | None, int | None]:
        if not (has_value or has_derived):
            return None, None
        given = self._said.get(where)
        if _is_mapping(given):
            return _checked(given.get("method"), given.get("page"))
        if not has_value:
            return "derived", self.table_page.get(table)
        return ("ocr" if self.ocr else None), self.table_page.get(table)

    def cells(self, layout: _CellLayout, values: list[Any]) -> tuple[list[str | None], list[int | None]]:
        """Method and page of a whole table's plain cells (no derived value among them)."""
        if self.runs is not None:
            return self._cells_of_runs(layout, values)
        # ``cell`` inlined (it ran once per cell, ~200 a report, and was half of this step):
        # a null cell has neither; a cell the record describes gets what it says, checked;
        # any other gets what the record carries.
        methods: list[str | None] = []
        pages: list[int | None] = []
        given = self.given.get
        fallback_method = "ocr" if self.ocr else None
        fallback_page = self.table_page.get(layout.table)
        for where, value in zip(layout.wheres, values, strict=True):
            if value is None:
                methods.append(None)
                pages.append(None)
                continue
            said = given(where)
            if type(said) is dict or isinstance(said, Mapping):
                method = said.get("method")
                page = said.get("page")
                methods.append(method if method in CELL_METHODS else None)
                pages.append(page if type(page) is int and page >= 1 else None)
            else:
                methods.append(fallback_method)
                pages.append(fallback_page)
        return methods, pages

    def _cells_of_runs(self, layout: _CellLayout, values: list[Any]) -> tuple[list[str | None], list[int | None]]:
        """``cells`` from the runs: each run checked once and repeated, not a dict per cell.

        The same columns as ``cells`` on the expanded runs: a run's cells get its method and
        page (checked as ``cell`` checks them), a gap's cells what the record carries, an
        entry kept aside (``other``) what it says, and a null cell neither.
        """
        assert self.runs is not None
        runs = cell_runs.table_runs(self.runs, layout.table, self.template, len(layout.wheres))
        fallback_method = "ocr" if self.ocr else None
        fallback_page = self.table_page.get(layout.table)
        methods: list[str | None] = []
        pages: list[int | None] = []
        for run in runs:
            if type(run) is int:
                methods.extend(repeat(fallback_method, run))
                pages.extend(repeat(fallback_page, run))
            else:
                method, page = _checked(run[0], run[1])
                methods.extend(repeat(method, run[2]))
                pages.extend(repeat(page, run[2]))
        other = self.runs.get(cell_runs.OTHER)
        if other:
            for i, where in enumerate(layout.wheres):
                said = other.get(where)
                if _is_mapping(said):
                    methods[i], pages[i] = _checked(said.get("method"), said.get("page"))
        if None in values:
            methods = [None if v is None else m for v, m in zip(values, methods, strict=True)]
            pages = [None if v is None else p for v, p in zip(values, pages, strict=True)]
        return methods, pages


def _checked(method: object, page: object) -> tuple[str | None, int | None]:
    """A method the pipeline knows and a page number from 1, else null: what a cell frame may hold."""
    return (method if method in CELL_METHODS else None), (page if type(page) is int and page >= 1 else None)  # type: ignore[return-value]
