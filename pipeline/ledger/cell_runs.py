"""A record's ``cell_methods`` in run-length form, for the hop from reader worker to staging to frames.

Why: ``cell_methods`` (``{"<table>.<row>.<column>": {"method": ..., "page": ...}}``) has an
entry per printed cell, ~250 a report, and was more than half of a staged record's JSON
(14 of 26 KB). Every byte of it was encoded by the worker, pickled to the parent, written,
read back and decoded into ~250 dicts, only for ``validated_frames`` to turn it into two
columns. Nearly all cells of a table share one method and page (the parser gives a row
one method and page), so in the template's cell order it is a handful of runs.

The staged record carries ``_cell_runs`` instead of ``cell_methods``::

    {"layout": "2021:1a2b3c4d",                       # template and a stamp of its cell order
     "requests": [[m, p, n] | k, ...],                # per table, in the template's cell order:
     "review_litigation": [...], "article20": [...],  #   n cells with {"method": m, "page": p},
     "other": {where: entry, ...}}                    #   k cells without an entry
                                                      # anything else, as it was

``other`` keeps every entry a run cannot say exactly: a key outside the template's cells,
or an entry that is not a dict of exactly a string-or-null ``method`` and an int-or-null
``page``. ``expand`` gives back a dict equal to the original (key order aside, which no
reader of it uses). The record ``xxgk parse`` prints, and the one in the specification, keep
``cell_methods``: this form lives only in a run's staging folder.

The runs are positional, so they are read against the cell order they were written in:
``layout`` names the template and a CRC of its cell keys, and a reader with another cell
order (a run staged by an older template, re-executed after an upgrade) refuses them
rather than misplace a method (``CellRunsError``).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from pipeline import template

KEY = "_cell_runs"
"""Key of the run-length form in a staged record (it replaces ``cell_methods``)."""
TABLES = ("requests", "review_litigation", "article20")
"""The tables with per-cell methods, in the order of a layout's stamp."""
OTHER = "other"
LAYOUT = "layout"
_ABSENT = object()


class CellRunsError(ValueError):
    """Runs that cannot be read against this template's cell order."""


@cache
def cell_keys(table: str, tpl: str) -> tuple[str, ...]:
    """``"<table>.<row>.<column>"`` of every template cell of one table, in template order.

    The order of the frames' rows too (pipeline.validation.frames), which read the runs
    against it without building a key per cell.
    """
    return tuple(f"{table}.{r}.{c}" for r in template.rows(table, tpl) for c in template.columns(table, tpl, r))


@cache
def all_cell_keys(tpl: str) -> frozenset[str]:
    """The cell keys of all three tables of a template."""
    return frozenset(k for table in TABLES for k in cell_keys(table, tpl))


@cache
def layout_stamp(tpl: str) -> str:
    """``"<template>:<crc32 of its cell keys>"``: which cell order a record's runs follow."""
    keys = "\n".join(k for table in TABLES for k in cell_keys(table, tpl))
    return f"{tpl}:{zlib.crc32(keys.encode()):08x}"


def _plain(entry: object) -> tuple[str | None, int | None] | None:
    """``(method, page)`` of an entry a run can say exactly, else None."""
    if type(entry) is not dict or len(entry) != 2:
        return None
    method, page = entry.get("method", False), entry.get("page", False)
    if (method is None or type(method) is str) and (page is None or type(page) is int):
        return method, page
    return None


def compact(cell_methods: object, tpl: object) -> dict[str, Any] | None:
    """The run-length form of ``cell_methods`` for a record of template ``tpl``.

    None when there is nothing to gain or no cell order to follow (not a dict, or a
    template the warehouse does not know): the record then keeps ``cell_methods`` as is.
    """
    if type(cell_methods) is not dict or tpl not in template.TEMPLATES:
        return None
    assert isinstance(tpl, str)
    out: dict[str, Any] = {LAYOUT: layout_stamp(tpl)}
    aside: dict[str, Any] = {}  # entries at a template cell that a run cannot say
    get = cell_methods.get
    for table in TABLES:
        runs: list[Any] = []
        last: list[Any] | None = None  # the open run, if the previous cell had an entry
        seen: object = None  # that run's last entry: the parser shares one per row, so mostly `is`
        for where in cell_keys(table, tpl):
            entry = get(where, _ABSENT)
            if last is not None and entry is seen:
                last[2] += 1
                continue
            said = None if entry is _ABSENT else _plain(entry)
            if said is None:  # no entry, or one a run cannot say exactly (kept in "other")
                if entry is not _ABSENT:
                    aside[where] = entry
                if runs and type(runs[-1]) is int:
                    runs[-1] += 1
                else:
                    runs.append(1)
                last = seen = None
                continue
            if last is not None and last[0] == said[0] and last[1] == said[1]:
                last[2] += 1
            else:
                last = [said[0], said[1], 1]
                runs.append(last)
            seen = entry
        out[table] = runs
    keys = all_cell_keys(tpl)
    out[OTHER] = {k: v for k, v in cell_methods.items() if k not in keys or k in aside}
    return out


def expand(runs: Mapping[str, Any], tpl: object) -> dict[str, Any]:
    """``cell_methods`` back from its run-length form (a dict equal to the one compacted)."""
    out: dict[str, Any] = {}
    for table in TABLES:
        keys = cell_keys(table, str(tpl))
        i = 0
        for run in table_runs(runs, table, tpl, len(keys)):
            if type(run) is int:
                i += run
                continue
            method, page, n = run
            for where in keys[i:i + n]:
                out[where] = {"method": method, "page": page}
            i += n
    out.update(_mapping(runs.get(OTHER)))
    return out


def table_runs(runs: Mapping[str, Any], table: str, tpl: object, cells: int) -> list[Any]:
    """One table's runs, checked to follow ``tpl``'s cell order and to cover its ``cells`` cells."""
    if tpl not in template.TEMPLATES or runs.get(LAYOUT) != layout_stamp(str(tpl)):
        raise CellRunsError(f"cell runs of layout {runs.get(LAYOUT)!r} do not follow template {tpl!r}'s cells")
    found = runs.get(table)
    if type(found) is not list:
        raise CellRunsError(f"cell runs of {table} are not a list")
    total = 0
    for run in found:
        if type(run) is int and run > 0:
            total += run
        elif type(run) is list and len(run) == 3 and type(run[2]) is int and run[2] > 0:
            total += run[2]
        else:
            raise CellRunsError(f"cell run {run!r} of {table} is neither a count nor [method, page, count]")
    if total != cells:
        raise CellRunsError(f"cell runs of {table} cover {total} cells, the template has {cells}")
    return found


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def staged(record: dict[str, Any]) -> dict[str, Any]:
    """The record as it is staged: ``cell_methods`` replaced by ``_cell_runs`` where that applies.

    A shallow copy; the caller's record is left as it was.
    """
    runs = compact(record.get("cell_methods"), record.get("template"))
    if runs is None:
        return record
    out = {k: v for k, v in record.items() if k != "cell_methods"}
    out[KEY] = runs
    return out


def restored(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the parser made it, from its staged form (tests, and anyone reading staging by hand)."""
    if KEY not in record:
        return record
    out = {k: v for k, v in record.items() if k != KEY}
    out["cell_methods"] = expand(record[KEY], record.get("template"))
    return out
