"""Asset checks: the national format's own rules, and whether validation quarantined anything.

The format rules (勾稽关系) are WARN: a report that breaks one is still published (the
rule is reported, never "fixed"), and an analyst decides what to do. One check per rule
family keeps the Dagster UI readable: "3 reports break the balance rule" rather than
hundreds of per-column checks. Schema validation is ERROR: a quarantined report is
missing from the warehouse, which someone has to look at.

Each format check hangs on the warehouse table whose numbers its rules are about
(``warehouse/request_cells`` for the request table's sums, ``warehouse/review_litigation_cells``
…), so lineage shows which table a failed check concerns.

Not evaluable is not a pass: a rule whose figures are missing has ``ok`` null in
``check_results``. Every check counts those in its metadata (``not_evaluable_rules``,
``not_evaluable_reports``) and, when there are any, does not pass: it ends as a WARN with a
description that says how many rules could not be evaluated, rather than "all reports
satisfy".
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

from typing import Any

import dagster as dg
import polars as pl

from pipeline.defs.assets import ValidatedBatch, md_table, table_key
from pipeline.defs.resources import XxgkConfig

CHECK_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    # check name: (the table its rules are about, other tables its rules read)
    "requests_balance": ("request_cells", ()),
    "requests_outcomes_sum": ("request_cells", ()),
    "applicants_row_sum": ("request_cells", ()),
    "review_litigation_totals": ("review_litigation_cells", ()),
    "narrative_matches_tables": ("request_cells", ("review_litigation_cells", "reports")),
    "article20_in_force": ("article20_cells", ("reports",)),
    "cross_year_carryover": ("request_cells", ("reports",)),
}
"""Which warehouse table each format check is attached to. The narrative check compares the
text of section 一 (reports) with both tables; the cross-year ones compare an agency's
reports of consecutive years."""

RULE_FAMILIES: dict[str, tuple[str, str]] = {
    # check name: (rule prefix in check_results, what it means)
    "requests_balance": (
        "requests.balance.",
        "new_received + carried_over = total_processed + carried_forward, per column",
    ),
    "requests_outcomes_sum": ("requests.outcomes.", "total_processed = sum of the outcome rows, per column"),
    "applicants_row_sum": ("requests.applicants.", "total = sum of the six applicant columns, per row"),
    "review_litigation_totals": (
        "review_litigation.",
        "total = upheld + corrected + other + pending, per group",
    ),
    "narrative_matches_tables": ("narrative.", "figures stated in the text agree with the tables"),
    "article20_in_force": (
        "article20.in_force.",
        "现行有效件数 = last year's 现行有效件数 + 本年制发 - 本年废止, same agency (cross-year)",
    ),
}


def failing_rules(check_results: pl.DataFrame | None, prefix: str) -> pl.DataFrame:
    """Rows of ``check_results`` in one rule family that failed (ok is False; null = not evaluable)."""
    if check_results is None or check_results.is_empty() or "rule" not in check_results.columns:
        return pl.DataFrame(schema={"report_id": pl.String, "rule": pl.String})
    return check_results.filter(pl.col("rule").str.starts_with(prefix) & (pl.col("ok") == False))  # noqa: E712


def not_evaluable(results: pl.DataFrame | None) -> pl.DataFrame:
    """Rows of ``check_results`` that could not be evaluated (ok is null: a figure is missing)."""
    if results is None or results.is_empty() or "ok" not in results.columns:
        return pl.DataFrame(schema={"report_id": pl.String, "rule": pl.String})
    return results.filter(pl.col("ok").is_null())


def check_outcome(
    meaning: str, failed: pl.DataFrame, unknown: pl.DataFrame, evaluated: int | None, **extra: Any
) -> dg.AssetCheckResult:
    """One WARN result from the failed and the not-evaluable rows of a rule family.

    Passes only when no rule failed and every rule could be evaluated: "all reports satisfy"
    is said only when it is known. The not-evaluable count is in the metadata either way.
    """
    n_failed = failed["report_id"].n_unique() if not failed.is_empty() else 0
    n_unknown = unknown["report_id"].n_unique() if not unknown.is_empty() else 0
    if n_failed:
        description = f"{n_failed} report(s) break: {meaning}"
    elif n_unknown:
        description = f"no report breaks it where it can be evaluated: {meaning}"
    else:
        description = f"all reports satisfy: {meaning}"
    if n_unknown:
        description += (
            f"; WARNING: {unknown.height} rule(s) in {n_unknown} report(s) not evaluable (a figure is missing)"
        )
    cols = [c for c in ("path", "report_id", "rule", "expected", "actual", "detail") if c in failed.columns]
    if "rule" not in failed.columns:  # rows of a view (carryover_mismatches): all its columns
        cols = list(failed.columns)
    unknown_cols = [c for c in ("path", "report_id", "rule", "detail") if c in unknown.columns]
    return dg.AssetCheckResult(
        passed=failed.is_empty() and unknown.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "failing_reports": n_failed,
            "failing_rules": failed.height,
            "evaluated_rules": evaluated if evaluated is not None else -1,
            "not_evaluable_rules": unknown.height,
            "not_evaluable_reports": n_unknown,
            **extra,
            "failures": md_table(failed.select(cols).sort(cols[:2]) if cols else failed),
            "not_evaluable": md_table(unknown.select(unknown_cols).sort(unknown_cols[:2]) if unknown_cols else unknown),
        },
    )


def _family_result(xxgk: XxgkConfig, prefix: str, meaning: str) -> dg.AssetCheckResult:
    """Evaluate one rule family over every report in the published warehouse.

    Reading the published file (not this run's batch) means an unchanged night still reports
    the reports that break a rule: a finding stays visible until the file is corrected.
    Current reports only for the not-evaluable count: a superseded version's gaps are not
    what anyone analyses.
    """
    from pipeline.warehouse.readonly import open_read_only

    with open_read_only(xxgk.warehouse_path()) as con:
        results = con.sql(
            "SELECT r.source_path AS path, c.report_id, c.rule, c.ok, c.expected, c.actual, c.detail, "
            "r.is_current FROM check_results c JOIN reports r USING (report_id) "
            "WHERE starts_with(c.rule, ?)",
            params=[prefix],
        ).pl()
    failed = failing_rules(results, prefix)
    unknown = not_evaluable(results).filter(pl.col("is_current")) if not results.is_empty() else not_evaluable(None)
    evaluated = int(results["ok"].is_not_null().sum()) if not results.is_empty() else 0
    return check_outcome(meaning, failed, unknown, evaluated)


def _query(con, sql: str) -> pl.DataFrame:
    """A DuckDB query as a polars frame (a relation's ``.pl()``: duckdb 2 dropped it on cursors)."""
    return con.sql(sql).pl()


def _carryover_result(xxgk: XxgkConfig) -> dg.AssetCheckResult:
    """Cross-year: only knowable once all years sit together, so it reads the published warehouse.

    The warehouse evaluates the rule into ``check_results`` (rules ``requests.carryover.*``,
    origin ``cross_year``) and exposes the same mismatches as the ``carryover_mismatches``
    view; the view is only a fallback, so one mismatch is never counted twice.
    """
    from pipeline.warehouse.readonly import open_read_only

    path = xxgk.warehouse_path()
    with open_read_only(path) as con:  # never blocked by (or blocking) an analyst's session
        names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        rules = pl.DataFrame()
        if "check_results" in names:
            cols = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_name = 'check_results'"
                ).fetchall()
            }
            # carry-over rules only: other cross-year rules (article20.in_force.*) have their own check
            family = "(c.rule like 'requests.carryover.%')" if "origin" in cols else "(c.rule like '%carryover%')"
            join = " left join reports r using (report_id)" if "reports" in names else ""
            path_col = "r.source_path as path, " if join else ""
            current = ", r.is_current" if join and "is_current" in _columns(con, "reports") else ""
            rules = _query(
                con,
                f"select c.report_id, {path_col}c.rule, c.ok, c.expected, c.actual, c.detail{current}"
                f" from check_results c{join} where {family} order by 1, c.rule",
            )
        source = "check_results"
        unknown = not_evaluable(None)
        if rules.is_empty() and "carryover_mismatches" in names:
            source = "carryover_mismatches"
            failed = _query(con, "select * from carryover_mismatches order by agency_id, year, column_key")
            evaluated = None
        else:
            evaluated = int(rules["ok"].is_not_null().sum()) if not rules.is_empty() else 0
            failed = rules.filter(pl.col("ok") == False).drop("ok") if not rules.is_empty() else rules  # noqa: E712
            unknown = not_evaluable(rules)
            if "is_current" in unknown.columns:
                unknown = unknown.filter(pl.col("is_current"))
    if "report_id" not in failed.columns:  # the view's rows name agencies and years, not reports
        failed = (
            failed.with_columns(report_id=pl.concat_str("agency_id", "year", separator=":"))
            if {"agency_id", "year"} <= set(failed.columns)
            else pl.DataFrame(schema={"report_id": pl.String})
        )
    return check_outcome(
        "this year's carried_over = last year's carried_forward (same agency)",
        failed,
        unknown,
        evaluated,
        source=source,
    )


def _columns(con, table: str) -> set[str]:  # noqa: ANN001 - a duckdb connection
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = ?", [table]
        ).fetchall()
    }


CARRYOVER_MEANING = (
    "this year's carried_over = last year's carried_forward, same agency (cross-year rules in "
    "check_results; the carryover_mismatches view when there are none)"
)


def _spec(name: str, meaning: str) -> dg.AssetCheckSpec:
    table, others = CHECK_TABLES[name]
    return dg.AssetCheckSpec(
        name,
        asset=table_key(table),
        additional_deps=[table_key(t) for t in others],
        description=f"Format rule (WARN): {meaning}. Not evaluable rules are counted and warned about.",
    )


@dg.multi_asset_check(
    specs=[_spec(name, meaning) for name, (_, meaning) in RULE_FAMILIES.items()]
    + [_spec("cross_year_carryover", CARRYOVER_MEANING)],
    name="format_checks",
    can_subset=True,
)
def format_checks(context: dg.AssetCheckExecutionContext, xxgk: XxgkConfig) -> Any:
    """Every format rule family, each its own check on its own table, evaluated in one step.

    One step rather than seven: each reads the published file for a fraction of a second,
    while a step of its own cost a process start-up under the multiprocess executor (and
    Dagster's per-step bookkeeping under any executor). A subset (one check re-run from the
    UI) evaluates only the checks asked for.
    """
    selected = {key.name for key in context.selected_asset_check_keys}
    for name, (prefix, meaning) in RULE_FAMILIES.items():
        if name in selected:
            result = _family_result(xxgk, prefix, meaning)
            yield _keyed(result, name)
    if "cross_year_carryover" in selected:
        yield _keyed(_carryover_result(xxgk), "cross_year_carryover")


def _keyed(result: dg.AssetCheckResult, name: str) -> dg.AssetCheckResult:
    """The result addressed to its check (a multi-check's results must say which one they are)."""
    return dg.AssetCheckResult(
        asset_key=table_key(CHECK_TABLES[name][0]),
        check_name=name,
        passed=result.passed,
        severity=result.severity,
        description=result.description,
        metadata=result.metadata,
    )


@dg.asset_check(
    asset="validated_frames",
    description="Schema validation (ERROR): passes when pandera quarantined no report.",
    blocking=False,
)
def schema_validation(validated_frames: ValidatedBatch) -> dg.AssetCheckResult:
    """ERROR, not WARN: a quarantined report is absent from the warehouse until someone fixes it.

    Not blocking: the valid reports are still published (one bad file must not hold back the rest).
    """
    q = validated_frames.quarantined
    q_df = pl.DataFrame(
        [
            {"report_id": rid, "path": validated_frames.report_paths.get(rid), "reason": r}
            for rid, r in q.items()
        ],
        schema={"report_id": pl.String, "path": pl.String, "reason": pl.String},
        orient="row",
    )
    fc = validated_frames.failure_cases
    return dg.AssetCheckResult(
        passed=not q,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{len(q)} report(s) quarantined by validation" if q else "no report quarantined",
        metadata={
            "quarantined": len(q),
            "quarantined_reports": md_table(q_df),
            "failure_cases": md_table(fc if fc is not None else pl.DataFrame()),
        },
    )
