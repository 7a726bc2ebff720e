"""Agencies of a whole corpus: every report's agency_id, the agencies table, the alias table.

A function of the ``reports`` rows (and the alias file) alone. Publishing calls it over the
whole warehouse each run, because the ledger makes runs incremental: a report loaded years
ago must be re-keyed when the alias file changes or when the rules improve, without
reading its file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipeline.agencies.aliases import AliasFile, resolve
from pipeline.agencies.identity import Identity, identify, key_to_id, normalize_name
from pipeline.agencies.regions import place

_S, _I = pl.String, pl.Int64

AGENCIES_SCHEMA: dict[str, pl.DataType] = {
    "agency_id": _S, "name": _S, "province": _S, "city": _S, "county": _S, "town": _S, "level": _S,
    "adcode": _S, "canonical_key": _S,
}  # fmt: skip
"""The agencies table, in column order (WAREHOUSE.md's columns first)."""

AGENCY_ALIASES_SCHEMA: dict[str, pl.DataType] = {
    "alias": _S, "normalized": _S, "agency_id": _S, "derived_key": _S, "how": _S, "note": _S,
    "first_year": _I, "last_year": _I, "n_reports": _I,
}  # fmt: skip
"""One row per spelling as printed and key the rules derived from it (a spelling seen in two
counties is two rows)."""

REPORT_COLUMNS = ("report_id", "agency_name", "province", "city", "county", "year", "published_on", "sha256")
"""What ``assign_agencies`` reads from the reports."""


@dataclass
class Assignment:
    report_agency: pl.DataFrame
    """report_id, agency_id: the id every report must carry."""
    agencies: pl.DataFrame
    aliases: pl.DataFrame
    warnings: list[str] = field(default_factory=list)


def assign_agencies(reports: pl.DataFrame, aliases: AliasFile | None = None) -> Assignment:
    """Derive each report's identity, apply the alias file, and build both tables.

    The agency's ``name`` is its newest report's spelling (normalized) among the spellings
    the rules gave it — a spelling the analyst file moved in (an OCR slip) never names the
    agency — else the file's canonical spelling. Its region is the gazetteer's for the
    key's division; without one, the newest report's region. Raises AliasFileError when the
    file cannot be applied (pipeline.agencies.aliases).
    """
    rows = reports.select(REPORT_COLUMNS).sort("report_id").to_dicts()
    identities: dict[str, Identity] = {}
    derived: list[str] = []
    for row in rows:
        ident = identify(row["agency_name"], row["province"], row["city"], row["county"], row["sha256"])
        identities.setdefault(ident.key, ident)
        derived.append(ident.key)
    resolution = resolve(aliases or AliasFile(""), identities)
    final = [resolution.merge.get(k, k) for k in derived]

    per_report = pl.DataFrame(
        {
            "report_id": [r["report_id"] for r in rows],
            "derived_key": derived,
            "canonical_key": final,
            "agency_id": [key_to_id(k) for k in final],
            "how": ["file" if k in resolution.merge else "derived" for k in derived],
            "note": [_note(resolution.line_of.get(k)) for k in derived],
            "normalized": [normalize_name(r["agency_name"]) for r in rows],
        },
        schema={"report_id": _S, "derived_key": _S, "canonical_key": _S, "agency_id": _S, "how": _S,
                "note": _S, "normalized": _S},
    ).join(reports.select(REPORT_COLUMNS), on="report_id", how="left")  # fmt: skip

    shown = {**resolution.new, **identities}
    return Assignment(
        report_agency=per_report.select("report_id", "agency_id"),
        agencies=_agencies(per_report, shown, resolution.new),
        aliases=_aliases(per_report),
        warnings=resolution.warnings,
    )


def _note(line: Any) -> str | None:
    return None if line is None else line.note or f"line {line.line}"


def _agencies(
    per_report: pl.DataFrame, identities: dict[str, Identity], new: dict[str, Identity]
) -> pl.DataFrame:
    newest_first = per_report.sort(
        ["canonical_key", "year", "published_on", "report_id"],
        descending=[False, True, True, True],
        nulls_last=True,
    )
    grouped = newest_first.group_by("canonical_key", maintain_order=True).agg(
        pl.col("normalized").filter(pl.col("how") == "derived").drop_nulls().first().alias("own_name"),
        pl.col("normalized").drop_nulls().first().alias("any_name"),
        *(pl.col(c).drop_nulls().first() for c in ("province", "city", "county")),
    )
    out: list[dict[str, Any]] = []
    for row in grouped.iter_rows(named=True):
        key = row["canonical_key"]
        ident = identities[key]
        spelled = new[key].normalized if key in new else None
        where = place(ident.division)
        region = (where.province, where.city, where.county) if ident.division is not None else (
            row["province"], row["city"], row["county"]
        )  # fmt: skip
        out.append({
            "agency_id": key_to_id(key), "name": row["own_name"] or spelled or row["any_name"],
            "province": region[0], "city": region[1], "county": region[2], "town": ident.town,
            "level": ident.level, "adcode": ident.division.adcode if ident.division else None,
            "canonical_key": key,
        })  # fmt: skip
    return pl.DataFrame(out, schema=AGENCIES_SCHEMA).sort("agency_id")


def _aliases(per_report: pl.DataFrame) -> pl.DataFrame:
    return (
        per_report.filter(pl.col("agency_name").is_not_null())
        .group_by("agency_name", "derived_key")
        .agg(
            pl.col("normalized").first(),
            pl.col("agency_id").first(),
            pl.col("how").first(),
            pl.col("note").first(),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
            pl.len().cast(_I).alias("n_reports"),
        )
        .rename({"agency_name": "alias"})
        .select(list(AGENCY_ALIASES_SCHEMA))
        .cast(AGENCY_ALIASES_SCHEMA)  # type: ignore[arg-type]
        .sort("agency_id", "alias", "derived_key")
    )
