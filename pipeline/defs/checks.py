"""Asset checks: the national format's own rules, and whether validation quarantined anything.

The format rules (勾稽关系) are WARN: a report that breaks one is still published (the
rule is reported, never "fixed"), and an analyst decides what to do. One check per rule
family keeps the Dagster UI readable: "3 reports break the balance rule" rather than
hundreds of per-column checks. Schema validation is ERROR: a quarantined report is
missing from the warehouse, which someone has to look at.
"""

# No `from __future__ import annotations`: Dagster reads the real annotations (context,
# resources, inputs) at definition time.

import dagster as dg
import polars as pl

from pipeline.defs.assets import ValidatedBatch, md_table
from pipeline.defs.resources import XxgkConfig

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


def _family_result(xxgk: XxgkConfig, prefix: str, meaning: str) -> dg.AssetCheckResult:
    """Evaluate one rule family over every report in the published warehouse.

    Reading the published file (not this run's batch) means an unchanged night still reports
    the reports that break a rule: a finding stays visible until the file is corrected.
    """
    from pipeline.warehouse.readonly import open_read_only

    with open_read_only(xxgk.warehouse_path()) as con:
        results = con.sql(
            "SELECT r.source_path AS path, c.report_id, c.rule, c.ok, c.expected, c.actual, c.detail, "
            "r.is_current FROM check_results c JOIN reports r USING (report_id) "
            "WHERE starts_with(c.rule, ?) AND c.ok IS NOT NULL",
            params=[prefix],
        ).pl()
    failed = failing_rules(results, prefix)
    evaluated = results.height
    cols = [c for c in ("path", "report_id", "rule", "expected", "actual", "detail") if c in failed.columns]
    n_reports = failed["report_id"].n_unique() if not failed.is_empty() else 0
    return dg.AssetCheckResult(
        passed=failed.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{n_reports} report(s) break: {meaning}"
        if n_reports
        else f"all reports satisfy: {meaning}",
        metadata={
            "failing_reports": n_reports,
            "failing_rules": failed.height,
            "evaluated_rules": evaluated,
            "failures": md_table(failed.select(cols).sort(cols[:2]) if cols else failed),
        },
    )


def _family_check(name: str, prefix: str, meaning: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset="warehouse", name=name, description=f"Format rule (WARN): {meaning}.")
    def _check(xxgk: XxgkConfig) -> dg.AssetCheckResult:
        return _family_result(xxgk, prefix, meaning)

    return _check


# Module-level names, one per check: the defs-folder loader collects module attributes.
requests_balance = _family_check("requests_balance", *RULE_FAMILIES["requests_balance"])
requests_outcomes_sum = _family_check("requests_outcomes_sum", *RULE_FAMILIES["requests_outcomes_sum"])
applicants_row_sum = _family_check("applicants_row_sum", *RULE_FAMILIES["applicants_row_sum"])
review_litigation_totals = _family_check(
    "review_litigation_totals", *RULE_FAMILIES["review_litigation_totals"]
)
narrative_matches_tables = _family_check(
    "narrative_matches_tables", *RULE_FAMILIES["narrative_matches_tables"]
)
article20_in_force = _family_check("article20_in_force", *RULE_FAMILIES["article20_in_force"])


def _query(con, sql: str) -> pl.DataFrame:
    """A DuckDB query as a polars frame (a relation's ``.pl()``: duckdb 2 dropped it on cursors)."""
    return con.sql(sql).pl()


@dg.asset_check(
    asset="warehouse",
    description="Format rule (WARN): this year's carried_over = last year's carried_forward, same agency "
    "(cross-year rules in check_results; the carryover_mismatches view when there are none).",
)
def cross_year_carryover(xxgk: XxgkConfig) -> dg.AssetCheckResult:
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
            rules = _query(
                con,
                f"select c.report_id, {path_col}c.rule, c.ok, c.expected, c.actual, c.detail"
                f" from check_results c{join} where {family} order by 1, c.rule",
            )
        source = "check_results"
        if rules.is_empty() and "carryover_mismatches" in names:
            source = "carryover_mismatches"
            failed = _query(con, "select * from carryover_mismatches order by agency_id, year, column_key")
            evaluated = None
        else:
            evaluated = int(rules["ok"].is_not_null().sum()) if not rules.is_empty() else 0
            failed = rules.filter(pl.col("ok") == False).drop("ok") if not rules.is_empty() else rules  # noqa: E712
    key = "report_id" if "report_id" in failed.columns else None
    n_reports = failed[key].n_unique() if key and not failed.is_empty() else 0
    return dg.AssetCheckResult(
        passed=failed.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{n_reports} report(s) whose carried_over differs from last year's carried_forward"
            if not failed.is_empty()
            else "carryover consistent where both years are given"
        ),
        metadata={
            "failing_reports": n_reports,
            "failing_rules": failed.height,
            "evaluated_rules": evaluated if evaluated is not None else -1,
            "source": source,
            "failures": md_table(failed),
        },
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
