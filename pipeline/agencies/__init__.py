"""Agencies: who issued each report, recognised across years and spellings.

- ``identity``: the canonical key of a printed name in a report's region, and its level.
- ``regions``: the national division list (cpca's data) — province, city, county, adcode.
- ``aliases``: the analyst's file of merges the rules cannot make (data/agencies/aliases.csv).
- ``assign``: all of it over a corpus — every report's agency_id, the ``agencies`` and
  ``agency_aliases`` tables. Publishing runs it over the whole warehouse each time.
"""

from pipeline.agencies.aliases import AliasFile, AliasFileError, AliasLine, load_aliases, parse_aliases
from pipeline.agencies.assign import AGENCIES_SCHEMA, AGENCY_ALIASES_SCHEMA, Assignment, assign_agencies
from pipeline.agencies.identity import LEVELS, Identity, agency_level, identify, key_to_id, normalize_name

__all__ = [
    "AGENCIES_SCHEMA",
    "AGENCY_ALIASES_SCHEMA",
    "LEVELS",
    "AliasFile",
    "AliasFileError",
    "AliasLine",
    "Assignment",
    "Identity",
    "agency_level",
    "assign_agencies",
    "identify",
    "key_to_id",
    "load_aliases",
    "normalize_name",
    "parse_aliases",
]
