"""The national template (国办公开办函〔2021〕30号 and 〔2019〕60号), loaded from TEMPLATE_KEYS.csv.

The parser, the warehouse dictionary and the validation schemas all derive their keys from
this one file, so that a key can never exist in one layer and not in another.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES = ("2021", "2019")
CSV_PATH = Path(__file__).with_name("template_keys.csv")


@dataclass(frozen=True)
class TemplateKey:
    """One cell of one of the three statistical tables, with its Chinese labels."""

    table: str
    template: str
    row_key: str
    column_key: str
    zh_row: str
    zh_column: str
    order: int


@cache
def all_keys() -> tuple[TemplateKey, ...]:
    with CSV_PATH.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        TemplateKey(r["table"], r["template"], r["row_key"], r["column_key"], r["zh_row"], r["zh_column"], i)
        for i, r in enumerate(rows)
    )


def _ordered_unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@cache
def rows(table: str, template: str) -> tuple[str, ...]:
    """Row keys of ``table`` in the template's printed order."""
    return _ordered_unique(k.row_key for k in all_keys() if k.table == table and k.template == template)


@cache
def columns(table: str, template: str, row_key: str | None = None) -> tuple[str, ...]:
    """Column keys of ``table`` (for one row when given) in printed order."""
    return _ordered_unique(
        k.column_key
        for k in all_keys()
        if k.table == table and k.template == template and (row_key is None or k.row_key == row_key)
    )


@cache
def label(table: str, template: str, row_key: str, column_key: str) -> TemplateKey:
    for k in all_keys():
        if (k.table, k.template, k.row_key, k.column_key) == (table, template, row_key, column_key):
            return k
    raise KeyError((table, template, row_key, column_key))


REQUEST_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_RESULTS = ("upheld", "corrected", "other", "pending", "total")
