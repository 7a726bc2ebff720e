"""Towns and streets (乡镇、街道) of China and the county each lies in: the town-level gazetteer.

cpca's division list stops at the county, but most reports come from towns whose text names
only the town ("官洲街道办事处认真贯彻…"). Where a town name exists in exactly one county of the
country, that county (and so its city and province) is the town's; where several counties
have a town of that name, the county stays unknown unless the report itself names one of
them. The list is JioNLP's administrative-division dictionary (``china_location.zip``:
province → city → county with codes, then towns and villages), read from the installed
package's data file without importing jionlp itself (its import prints a banner and loads
a tokenizer the pipeline does not need).
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class TownEntry:
    """One town of the list with the county that holds it (``county_code``: 6-digit adcode)."""

    town: str
    county: str
    county_code: str


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"
    return path if path.is_file() else None


def _lines() -> list[str]:
    path = _data_file()
    if path is None:
        return []
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".txt"))
        with zf.open(name) as fh:
            return io.TextIOWrapper(fh, encoding="utf-8").read().split("\n")


@cache
def towns() -> dict[str, tuple[TownEntry, ...]]:
    """Town name → every county-level unit holding a town of that name (read once per process).

    Indentation gives the level: none a province, one tab a city, two a county (name, code,
    short name), three a town, four a village (skipped).
    """
    out: dict[str, list[TownEntry]] = {}
    county, code = "", ""
    for line in _lines():
        if not line.startswith("\t\t"):
            continue
        if line.startswith("\t\t\t\t"):
            continue  # a village
        if line.startswith("\t\t\t"):
            name = line.strip()
            if name and county:
                out.setdefault(name, []).append(TownEntry(name, county, code))
            continue
        parts = line.strip().split("\t")
        county, code = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
    return {k: tuple(v) for k, v in out.items()}


@cache
def town_characters() -> frozenset[str]:
    """Every character of every town name: a traditional→simplified conversion must keep the
    ones simplified town names use as they are (read only when such a character is met)."""
    return frozenset("".join(towns()))


def available() -> bool:
    """Whether the town list is installed (jionlp); without it towns resolve to nothing."""
    return bool(towns())


def counties_of(town: str) -> tuple[TownEntry, ...]:
    """Every county holding a town named ``town`` (``官洲街道``, ``两城镇``); () when unknown."""
    return towns().get(town, ())
