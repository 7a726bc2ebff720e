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
    "requests_balance": ("requests.balance.", "new_received + carried_over = total_processed + carried_forward, per column"),
    "requests_outcomes_sum": ("requests.outcomes.", "total_processed = sum of the outcome rows, per column"),
    "applicants_row_sum": ("requests.applicants.", "total = sum of the six applicant columns, per row"),
    "review_litigation_totals": ("review_litigation.", "total = upheld + corrected + other + pending, per group"),
    "narrative_matches_tables": ("narrative.", "figures stated in the text agree with the tables"),
}


def failing_rules(check_results: pl.DataFrame | None, prefix: str) -> pl.DataFrame:
    """Rows of ``check_results`` in one rule family that failed (ok is False; null = not evaluable)."""
    if check_results is None or check_results.is_empty() or "rule" not in check_results.columns:
        return pl.DataFrame(schema={"report_id": pl.String, "rule": pl.String})
    return check_results.filter(pl.col("rule").str.starts_with(prefix) & (pl.col("ok") == False))  # noqa: E712


def _family_result(batch: ValidatedBatch, prefix: str, meaning: str) -> dg.AssetCheckResult:
    results = batch.frames.get("check_results")
    failed = failing_rules(results, prefix)
    evaluated = 0
    if results is not None and "rule" in results.columns:
        evaluated = int(results.filter(pl.col("rule").str.starts_with(prefix) & pl.col("ok").is_not_null()).height)
    if not failed.is_empty():
        paths = pl.DataFrame(
            {"report_id": list(batch.report_paths), "path": list(batch.report_paths.values())},
            schema={"report_id": pl.String, "path": pl.String},
        )
        failed = failed.join(paths, on="report_id", how="left")
    cols = [c for c in ("path", "report_id", "rule", "expected", "actual", "detail") if c in failed.columns]
    n_reports = failed["report_id"].n_unique() if not failed.is_empty() else 0
    return dg.AssetCheckResult(
        passed=failed.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{n_reports} report(s) break: {meaning}" if n_reports else f"all reports satisfy: {meaning}",
        metadata={
            "failing_reports": n_reports,
            "failing_rules": failed.height,
            "evaluated_rules": evaluated,
            "failures": md_table(failed.select(cols).sort(cols[:2]) if cols else failed),
        },
    )


def _family_check(name: str, prefix: str, meaning: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset="validated_frames", name=name, description=f"Format rule (WARN): {meaning}.", blocking=False)
    def _check(validated_frames: ValidatedBatch) -> dg.AssetCheckResult:
        return _family_result(validated_frames, prefix, meaning)

    return _check


# Module-level names, one per check: the defs-folder loader collects module attributes.
requests_balance = _family_check("requests_balance", *RULE_FAMILIES["requests_balance"])
requests_outcomes_sum = _family_check("requests_outcomes_sum", *RULE_FAMILIES["requests_outcomes_sum"])
applicants_row_sum = _family_check("applicants_row_sum", *RULE_FAMILIES["applicants_row_sum"])
review_litigation_totals = _family_check("review_litigation_totals", *RULE_FAMILIES["review_litigation_totals"])
narrative_matches_tables = _family_check("narrative_matches_tables", *RULE_FAMILIES["narrative_matches_tables"])


@dg.asset_check(
    asset="warehouse",
    description="Format rule (WARN): this year's carried_over = last year's carried_forward, same agency "
    "(the carryover_mismatches view, plus any cross-year rule in check_results).",
)
def cross_year_carryover(xxgk: XxgkConfig) -> dg.AssetCheckResult:
    """Cross-year: only knowable once all years sit together, so it reads the published warehouse."""
    import duckdb

    path = xxgk.warehouse_path()
    with duckdb.connect(str(path), read_only=True) as con:
        names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        frames = []
        if "carryover_mismatches" in names:
            frames.append(con.execute(
                "select agency_id, year, column_key, prev_carried_forward, carried_over from carryover_mismatches"
                " order by agency_id, year, column_key"
            ).pl())
        rules = pl.DataFrame()
        if "check_results" in names:
            rules = con.execute(
                "select c.report_id, r.source_path as path, c.rule, c.expected, c.actual, c.detail"
                " from check_results c left join reports r using (report_id)"
                " where (c.rule like '%carryover%' or c.rule like 'cross_year%') and c.ok = false"
            ).pl() if "reports" in names else con.execute(
                "select report_id, rule, expected, actual, detail from check_results"
                " where (rule like '%carryover%' or rule like 'cross_year%') and ok = false"
            ).pl()
    mismatches = frames[0] if frames else pl.DataFrame()
    n = mismatches.height + rules.height
    agencies = mismatches["agency_id"].n_unique() if not mismatches.is_empty() else 0
    return dg.AssetCheckResult(
        passed=n == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{n} carryover mismatch(es) across {agencies} agency(ies)" if n else "carryover consistent",
        metadata={
            "mismatches": mismatches.height,
            "failing_rules": rules.height,
            "agencies": agencies,
            "carryover_mismatches": md_table(mismatches),
            "failing_check_results": md_table(rules),
            "view_present": "carryover_mismatches" in names,
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
        [{"report_id": rid, "path": validated_frames.report_paths.get(rid), "reason": r} for rid, r in q.items()],
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
