"""Compare parsed records with the truth of the real reports in ``tests/data/realworld/``.

The real files (public documents, byte for byte as agencies' sites, crawlers and converters left
them) and their truth records are copied from the project's shared set; see the README beside
them. This module applies the judging rules the product is measured by, so the tests can hold
every real item to them:

- a truth cell that is a number must come back as that number (or an accepted alternative);
  any other number is *wrong*;
- a truth cell that is null must come back null (0 is tolerated as "blank read as 0" only in a
  report marked ``ok``); any other number is *invented*;
- metadata fields must match the truth or its alternatives; a value where the truth has none is
  an *invented* field, another value a *wrong* one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REALWORLD = Path(__file__).parent / "data" / "realworld"
TABLES = ("article20", "requests", "review_litigation")
META = (
    "status",
    "template",
    "year",
    "agency",
    "published_on",
    "region.province",
    "region.city",
    "region.county",
    "region.town",
    "active_disclosure.total",
)


def truth_items() -> list[tuple[str, dict, Path]]:
    """Every real item as (id, truth record, raw file path), sorted by id."""
    out = []
    for tf in sorted((REALWORLD / "truth").glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        src = (truth.get("source") or {}).get("path") or truth.get("source_file")
        out.append((tf.stem, truth, REALWORLD / "raw" / Path(src).name))
    return out


def _cells(rec: dict):
    for t in TABLES:
        for row, cols in (rec.get(t) or {}).items():
            for col, v in (cols or {}).items():
                yield f"{t}.{row}.{col}", v


def _get(rec: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(rec, dict):
            return None
        rec = rec.get(part)
    return rec


def _norm(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    s = re.sub(r"\s+", "", str(v))
    try:
        return float(s)
    except ValueError:
        return s


@dataclass
class Score:
    """What one parsed record got right and wrong against its truth."""

    cells: int = 0
    cells_right: int = 0
    nonzero: int = 0
    nonzero_right: int = 0
    wrong: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    meta: int = 0
    meta_right: int = 0
    meta_wrong: list[str] = field(default_factory=list)
    meta_invented: list[str] = field(default_factory=list)
    meta_missing: list[str] = field(default_factory=list)


def compare(record: dict, truth: dict) -> Score:
    """Score ``record`` (a parser output) against ``truth`` under the judging rules above."""
    s = Score()
    alts = truth.get("alternatives") or {}
    partial = truth.get("status") in ("incomplete", "not_a_report")
    got = dict(_cells(record))
    for k, v in _cells(truth):
        g = got.get(k)
        ok_vals = {_norm(x) for x in [v, *alts.get(k, [])]}
        if v is None:
            if _norm(g) in ok_vals or (g in (0, 0.0) and not partial):
                continue
            s.invented.append(f"{k}: got {g}")
            continue
        m = re.fullmatch(r"([0-9.]+)\s*(\S*元)", str(v)) if isinstance(v, str) else None
        if m and (record.get("units") or {}).get(k) == m.group(2):
            ok_vals.add(float(m.group(1)))
        s.cells += 1
        nz = _norm(v) not in (0.0, None)
        s.nonzero += nz
        if _norm(g) in ok_vals:
            s.cells_right += 1
            s.nonzero_right += nz
        elif g is None:
            s.missing.append(k)
        else:
            s.wrong.append(f"{k}: want {v} got {g}")
    for f in META:
        want = _get(truth, f)
        g = _get(record, f)
        ok_vals = {_norm(x) for x in [want, *alts.get(f, [])]}
        if want is None and not alts.get(f):
            if g not in (None, "", {}) and f != "status":
                s.meta_invented.append(f"{f}: got {g}")
            continue
        s.meta += 1
        if _norm(g) in ok_vals:
            s.meta_right += 1
        elif g in (None, ""):
            s.meta_missing.append(f"{f}: want {want}")
        else:
            s.meta_wrong.append(f"{f}: want {want} got {g}")
    return s
