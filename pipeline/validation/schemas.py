"""Pandera schemas for every frame, and ``validate_frames``, which quarantines whole reports.

The warehouse must hold whole reports or none of a report: a half-loaded report would make
its totals silently wrong. So a failing row condemns its report, and the report leaves
every frame. Keys are checked against TEMPLATE_KEYS.csv through ``pipeline.template`` so
that no layer can invent a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from pipeline import template
from pipeline.agencies.identity import LEVELS
from pipeline.validation.frames import (
    CELL_METHODS,
    FATAL,
    FRAME_SCHEMAS,
    REPORT_STATUSES,
    empty_frames,
    mark_current,
)


def _keys(table: str, part: str) -> list[str]:
    """Every row or column key of ``table`` in either template (sorted, for stable messages)."""
    return sorted({getattr(k, part) for k in template.all_keys() if k.table == table})


HEX64 = r"^[0-9a-f]{64}$"

CHECK_ORIGINS = ("record", "cross_year")


# Every model's Config says ``strict = True`` (a column the model does not name is an
# error) and ``coerce = False`` itself: pandera reads a Config's own attributes only, so a
# shared base class or mixin with them is silently ignored (it was, until it was noticed).


class Agencies(pa.DataFrameModel):
    agency_id: str = pa.Field(str_matches=r"^[0-9a-f]{12}$", unique=True)
    name: str = pa.Field(nullable=True)
    province: str = pa.Field(nullable=True)
    city: str = pa.Field(nullable=True)
    county: str = pa.Field(nullable=True)
    town: str = pa.Field(nullable=True)
    level: str = pa.Field(isin=list(LEVELS))
    adcode: str = pa.Field(nullable=True, str_matches=r"^[0-9]{6}$")
    canonical_key: str = pa.Field(unique=True)

    class Config:
        strict = True
        coerce = False
        name = "agencies"


class Reports(pa.DataFrameModel):
    report_id: str = pa.Field(unique=True, str_length={"min_value": 1})
    agency_id: str = pa.Field(str_matches=r"^[0-9a-f]{12}$")
    agency_name: str = pa.Field(nullable=True)
    year: pl.Int64 = pa.Field(nullable=True, in_range={"min_value": 2000, "max_value": 2100})
    template: str = pa.Field(nullable=True, isin=list(template.TEMPLATES))
    published_on: pl.Date = pa.Field(nullable=True)
    status: str = pa.Field(isin=list(REPORT_STATUSES))
    coverage: pl.Float64 = pa.Field(nullable=True, in_range={"min_value": 0.0, "max_value": 1.0})
    """Share of the template's cells read (a number or a printed blank); null without a template."""
    source_path: str = pa.Field(str_length={"min_value": 1})
    sha256: str = pa.Field(str_matches=HEX64)
    source_format: str = pa.Field(nullable=True)
    source_size: pl.Int64 = pa.Field(nullable=True, ge=0)
    parser_version: str = pa.Field(nullable=True)
    is_current: pl.Boolean
    page_article20: pl.Int64 = pa.Field(nullable=True, ge=0)
    page_requests: pl.Int64 = pa.Field(nullable=True, ge=0)
    page_review_litigation: pl.Int64 = pa.Field(nullable=True, ge=0)
    n_issues: pl.Int64 = pa.Field(ge=0)
    n_checks_failed: pl.Int64 = pa.Field(ge=0)
    province: str = pa.Field(nullable=True)
    city: str = pa.Field(nullable=True)
    county: str = pa.Field(nullable=True)
    town: str = pa.Field(nullable=True)
    source_mtime: pl.Datetime = pa.Field(nullable=True)
    """Filled at publishing from the raw file's stat (the record does not carry it)."""
    version: pl.Int64 = pa.Field(nullable=True, ge=1)

    @pa.dataframe_check(error="status 'ok' requires a year and a template (none only for a pre-2019 format)")
    def ok_has_year_and_template(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("status") != "ok")
            | (pl.col("year").is_not_null() & (pl.col("template").is_not_null() | (pl.col("year") < 2019)))
        )

    class Config:
        strict = True
        coerce = False
        name = "reports"


class RequestCells(pa.DataFrameModel):
    report_id: str
    row_key: str = pa.Field(isin=_keys("requests", "row_key"))
    column_key: str = pa.Field(isin=_keys("requests", "column_key"))
    value: pl.Int64 = pa.Field(nullable=True, ge=0)
    derived: pl.Boolean
    derived_value: pl.Int64 = pa.Field(nullable=True, ge=0)
    method: str = pa.Field(nullable=True, isin=list(CELL_METHODS))
    page: pl.Int64 = pa.Field(nullable=True, ge=1)

    class Config:
        strict = True
        coerce = False
        name = "request_cells"
        unique = ["report_id", "row_key", "column_key"]


class Article20Cells(pa.DataFrameModel):
    report_id: str
    item_key: str = pa.Field(isin=_keys("article20", "row_key"))
    measure_key: str = pa.Field(isin=_keys("article20", "column_key"))
    value: pl.Float64 = pa.Field(nullable=True)
    unit: str = pa.Field(nullable=True)
    derived: pl.Boolean
    derived_value: pl.Float64 = pa.Field(nullable=True)
    method: str = pa.Field(nullable=True, isin=list(CELL_METHODS))
    page: pl.Int64 = pa.Field(nullable=True, ge=1)

    @pa.dataframe_check(error="value >= 0 (only the 2019 format's 'change' measure may be negative)")
    def non_negative_except_change(cls, data: pa.PolarsData) -> pl.LazyFrame:
        may_be_negative = pl.col("measure_key") == "change"
        return data.lazyframe.select(
            may_be_negative
            | (pl.col("value").is_null() | (pl.col("value") >= 0))
            & (pl.col("derived_value").is_null() | (pl.col("derived_value") >= 0))
        )

    class Config:
        strict = True
        coerce = False
        name = "article20_cells"
        unique = ["report_id", "item_key", "measure_key"]


class ReviewLitigationCells(pa.DataFrameModel):
    report_id: str
    proceeding_key: str = pa.Field(isin=_keys("review_litigation", "row_key"))
    result_key: str = pa.Field(isin=_keys("review_litigation", "column_key"))
    value: pl.Int64 = pa.Field(nullable=True, ge=0)
    derived: pl.Boolean
    derived_value: pl.Int64 = pa.Field(nullable=True, ge=0)
    method: str = pa.Field(nullable=True, isin=list(CELL_METHODS))
    page: pl.Int64 = pa.Field(nullable=True, ge=1)

    class Config:
        strict = True
        coerce = False
        name = "review_litigation_cells"
        unique = ["report_id", "proceeding_key", "result_key"]


class ActiveDisclosure(pa.DataFrameModel):
    report_id: str
    category: str = pa.Field(str_length={"min_value": 1})
    count: pl.Int64 = pa.Field(nullable=True, ge=0)

    class Config:
        strict = True
        coerce = False
        name = "active_disclosure"
        unique = ["report_id", "category"]


class CheckResults(pa.DataFrameModel):
    report_id: str
    rule: str = pa.Field(str_length={"min_value": 1})
    column_key: str = pa.Field(nullable=True, isin=list(template.REQUEST_COLUMNS))
    ok: pl.Boolean = pa.Field(nullable=True)
    expected: pl.Float64 = pa.Field(nullable=True)
    actual: pl.Float64 = pa.Field(nullable=True)
    detail: str = pa.Field(nullable=True)
    origin: str = pa.Field(isin=list(CHECK_ORIGINS))

    class Config:
        strict = True
        coerce = False
        name = "check_results"


class Issues(pa.DataFrameModel):
    report_id: str
    severity: str = pa.Field(nullable=True, notin=[FATAL])
    code: str = pa.Field(nullable=True)
    where: str = pa.Field(nullable=True)
    detail: str = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False
        name = "issues"


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "agencies": Agencies,
    "reports": Reports,
    "request_cells": RequestCells,
    "article20_cells": Article20Cells,
    "review_litigation_cells": ReviewLitigationCells,
    "active_disclosure": ActiveDisclosure,
    "check_results": CheckResults,
    "issues": Issues,
}
assert set(SCHEMAS) == set(FRAME_SCHEMAS), "every frame needs a schema"

FAILURE_SCHEMA = {"schema": pl.String, "column": pl.String, "check": pl.String, "failure_case": pl.String,
                  "report_id": pl.String}  # fmt: skip


class FrameShapeError(RuntimeError):
    """A frame lacks a column or has a wrong dtype: a bug in the code that built it, not bad data.

    Raised instead of quarantining, because no report could be blamed and publishing an
    empty warehouse over a good one would be worse than failing the run.
    """


@dataclass
class ValidationResult:
    """What passed, what was quarantined and why.

    ``frames`` holds only rows of reports that passed every check (agencies only those
    still referenced); ``quarantined`` maps report_id to a reason naming the failed checks;
    ``failure_cases`` has one row per failing value, for the run log or an asset check.
    """

    frames: dict[str, pl.DataFrame]
    quarantined: dict[str, str] = field(default_factory=dict)
    failure_cases: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FAILURE_SCHEMA))


def _filled(*columns: str) -> list[pl.Expr]:
    """Columns for ``pl.format``, which would turn the whole message null on one null part."""
    return [pl.col(c).cast(pl.String).fill_null("null") for c in columns]


def _failures(name: str, frame: pl.DataFrame, cases: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Attach the report_id of each failing row (agencies: every report of that agency)."""
    frame_level = cases.filter(pl.col("index").is_null())
    if frame_level.height:
        detail = "; ".join(
            f"{c['column']}: {c['check']} ({c['failure_case']})" for c in frame_level.to_dicts()
        )
        raise FrameShapeError(f"frame {name!r} does not have the expected shape: {detail}")
    key = "agency_id" if name == "agencies" else "report_id"
    indexed = frame.select(key).with_row_index("index").with_columns(pl.col("index").cast(pl.Int64))
    # maintain_order: a report's reason lists its failed checks in the order pandera found
    # them, run after run (polars leaves a join's row order open unless asked)
    located = cases.with_columns(pl.col("index").cast(pl.Int64)).join(indexed, on="index", how="left",
                                                                      maintain_order="left")
    if name == "agencies":
        located = located.join(reports.select("agency_id", "report_id"), on="agency_id", how="inner",
                               maintain_order="left")
    if name == "issues":  # name the fatal issue itself, not only the severity that condemns it
        located = located.join(
            frame.with_row_index("index").select(
                pl.col("index").cast(pl.Int64),
                pl.format("fatal issue {} at {}: {}", *_filled("code", "where", "detail")).alias("what"),
            ),
            on="index",
            how="left",
            maintain_order="left",
        ).with_columns(failure_case=pl.coalesce("what", "failure_case"))
    return located.select(
        pl.lit(name).alias("schema"),
        pl.col("column").cast(pl.String),
        pl.col("check").cast(pl.String),
        pl.col("failure_case").cast(pl.String),
        pl.col("report_id").cast(pl.String),
    )


def _orphans(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Rows whose report_id has no reports row: their report cannot be traced to a file."""
    known = frames["reports"].select("report_id")
    parts = [
        frames[name]
        .select("report_id")
        .unique(maintain_order=True)
        .join(known, on="report_id", how="anti", maintain_order="left")
        .select(
            pl.lit(name).alias("schema"),
            pl.lit("report_id").alias("column"),
            pl.lit("report_id in reports").alias("check"),
            pl.col("report_id").alias("failure_case"),
            pl.col("report_id"),
        )  # fmt: skip
        for name in FRAME_SCHEMAS
        if name not in ("agencies", "reports")
    ]
    return pl.concat(parts).cast(FAILURE_SCHEMA)


def _reasons(cases: pl.DataFrame, limit: int = 5) -> dict[str, str]:
    """One readable sentence per report: "request_cells.value failed greater_than_or_equal_to(0) (got -1)"."""
    described = cases.filter(pl.col("report_id").is_not_null()).select(
        "report_id",
        pl.format("{}.{} failed {} (got {})", *_filled("schema", "column", "check", "failure_case")).alias(
            "reason"
        ),
    )
    reasons: dict[str, str] = {}
    for rid, group in described.group_by("report_id", maintain_order=True):
        items = list(dict.fromkeys(group["reason"].to_list()))
        more = f"; and {len(items) - limit} more" if len(items) > limit else ""
        reasons[str(rid[0])] = "; ".join(items[:limit]) + more
    return reasons


def validate_frames(frames: dict[str, pl.DataFrame]) -> ValidationResult:
    """Validate every frame lazily (all failures at once) and quarantine failing reports.

    Missing frames are treated as empty. Never raises for bad data; raises
    ``FrameShapeError`` only when a frame itself is malformed (a missing column or dtype).
    """
    frames = {**empty_frames(), **frames}
    found = [_orphans(frames)]
    for name, model in SCHEMAS.items():
        try:
            model.validate(frames[name], lazy=True)
        except SchemaErrors as err:
            found.append(_failures(name, frames[name], err.failure_cases, frames["reports"]))
    cases = pl.concat(found).cast(FAILURE_SCHEMA)
    quarantined = _reasons(cases)
    return ValidationResult(frames=_without(frames, set(quarantined)), quarantined=quarantined,
                            failure_cases=cases)  # fmt: skip


def _without(frames: dict[str, pl.DataFrame], report_ids: set[str]) -> dict[str, pl.DataFrame]:
    """Every frame minus the quarantined reports; agencies minus those left without a report."""
    if not report_ids:
        return dict(frames)
    drop = pl.Series("report_id", sorted(report_ids), dtype=pl.String)
    out = {name: df.filter(~pl.col("report_id").is_in(drop.implode()))
           for name, df in frames.items() if name != "agencies"}  # fmt: skip
    out["reports"] = mark_current(out["reports"])
    out["agencies"] = frames["agencies"].filter(
        pl.col("agency_id").is_in(out["reports"]["agency_id"].implode())
    )
    return {name: out[name] for name in frames}
