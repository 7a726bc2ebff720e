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


# The （六）其他处理 group of the request table is the one place the two formats print
# different rows: 2019 has one row, 2021 three sub-rows. Real 2021-format reports often keep
# the 2019 row (and a 2019-format report may print the 2021 rows). A record keeps what the
# page prints under the printed row's own key, never a 2019 row under a 2021 key.
OTHER_GROUP: dict[str, tuple[str, ...]] = {
    "2021": ("other_overdue_correction", "other_overdue_fee", "other_other"),
    "2019": ("other_processing",),
}


def other_template(template: str) -> str:
    """The other national format ("2019" for "2021" and the reverse)."""
    return "2019" if template == "2021" else "2021"


@cache
def request_rows(template: str, group_of: str | None = None) -> tuple[str, ...]:
    """The request rows of ``template`` as printed with the （六）其他处理 group of ``group_of``.

    ``group_of`` None or ``template``: the template's own rows. Otherwise the other
    format's group stands where the template's own group stands.
    """
    own = rows("requests", template)
    if group_of is None or group_of == template:
        return own
    group = OTHER_GROUP[template]
    at = own.index(group[0])
    return own[:at] + OTHER_GROUP[group_of] + own[at + len(group) :]


@cache
def record_request_rows(template: str, group_of: str | None = None) -> tuple[str, ...]:
    """Every request row a record holds: the template's rows and, when the page printed the
    other format's group, that group too, right after the template's own (left null)."""
    own = rows("requests", template)
    if group_of is None or group_of == template:
        return own
    group = OTHER_GROUP[template]
    at = own.index(group[-1]) + 1
    return own[:at] + OTHER_GROUP[group_of] + own[at:]


def printed_group(requests: dict, template: str) -> str:
    """Which format's （六）其他处理 group a request table holds values in.

    The template's own group unless it is all null and the other format's group is present
    with a value: that is a page printing the other format's row(s).
    """
    def has_value(keys: tuple[str, ...]) -> bool:
        return any(v is not None for k in keys for v in (requests.get(k) or {}).values())

    other = other_template(template)
    if not has_value(OTHER_GROUP[template]) and has_value(OTHER_GROUP[other]):
        return other
    return template


def outcome_rows(requests: dict, template: str) -> tuple[str, ...]:
    """The outcome rows that sum to （七）总计, as the table printed them."""
    printed = request_rows(template, printed_group(requests, template))
    return printed[printed.index("granted") : printed.index("total_processed")]
