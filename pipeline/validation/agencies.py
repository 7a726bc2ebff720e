"""Kept so that older imports work: agency identity now lives in ``pipeline.agencies``.

The id is no longer a hash of the spelling alone: it comes from the canonical key of the name
in the report's region (pipeline.agencies.identity), so variants of one body's name share it.
"""

from __future__ import annotations

from pipeline.agencies.identity import LEVELS, agency_level, identify, normalize_name

__all__ = ["LEVELS", "agency_id", "agency_level", "normalize_name"]


def agency_id(name: object, sha256: str | None, province: str | None = None, city: str | None = None,
              county: str | None = None) -> str:  # fmt: skip
    """The agency_id the naming rules give (before the analyst file, which publishing applies)."""
    return identify(name, province, city, county, sha256).agency_id
