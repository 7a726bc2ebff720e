"""Agency identity and administrative level.

An agency's id must be stable across runs and years, because year-over-year views join a
report to the same agency's report of the year before. It is therefore derived from the
normalized name alone (not from a file, a run or a region guess that may improve later).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

LEVELS = ("town", "county", "city", "province", "department", "unknown")

_TOWN_NAME = re.compile(r"(镇|乡|街道|街道办事处|苏木)(人民政府|政府|办事处)?$")
_DEPARTMENT_SUFFIXES = (
    "局", "委员会", "委", "办公室", "办", "厅", "部", "署", "中心", "处", "站", "所", "队", "院", "室",
)  # fmt: skip


def normalize_name(name: object) -> str | None:
    """NFKC and no whitespace: "米易县 丙谷镇人民政府" and "米易县丙谷镇人民政府" are one agency."""
    if name is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name)))
    return text or None


def agency_id(name: str | None, sha256: str | None) -> str:
    """First 12 hex of sha1(normalized name); a nameless report gets an id of its own file.

    A report whose agency could not be read must still have an agency row (so joins never
    lose it), but must not be merged with other nameless reports: hence the file hash.
    """
    normalized = normalize_name(name)
    key = normalized if normalized is not None else f"unknown:{sha256 or ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def agency_level(name: str | None, province: str | None, city: str | None, county: str | None,
                 town: str | None) -> str:  # fmt: skip
    """The narrowest level the name and region support.

    A town government is recognised by its region or by its name (镇/乡/街道…人民政府); a
    department (…局, …委员会, …办公室) sits inside a county or city, so it is tested before
    the region fields, which would otherwise call it a county.
    """
    normalized = normalize_name(name) or ""
    if town or _TOWN_NAME.search(normalized):
        return "town"
    if normalized and normalized.endswith(_DEPARTMENT_SUFFIXES):
        return "department"
    if county:
        return "county"
    if city:
        return "city"
    if province:
        return "province"
    return "unknown"
