"""What a sample report contains, independent of how it is rendered.

A ``ReportSpec`` holds a report's narrative and its three tables' cell values keyed exactly
like the report record (``article20`` / ``requests`` / ``review_litigation``), so a test can
render a spec to PDF, read it back, parse it, and compare the record with the spec cell by
cell. ``None`` is a cell the report leaves blank (it renders as an empty cell), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.template import REQUEST_COLUMNS, REVIEW_GROUPS, REVIEW_RESULTS, columns, printed_group, rows

Value = int | float | None
CellTable = dict[str, dict[str, Value]]


@dataclass
class ReportSpec:
    """One annual report to render: narrative paragraphs, signature and table cells.

    Missing rows or cells in the three tables render as blank cells, like a missing cell in
    a real report; ``template`` ("2021" or "2019") decides the tables' rows and headings.
    """

    title_lines: list[str]
    section1: list[str]
    section5: list[str] = field(default_factory=list)
    section6: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    template: str = "2021"
    article20: CellTable = field(default_factory=dict)
    requests: CellTable = field(default_factory=dict)
    review_litigation: CellTable = field(default_factory=dict)
    signature_agency: str = ""
    signature_date: str = ""

    @property
    def request_group(self) -> str:
        """The format whose （六）其他处理 row(s) the request table prints (see ``template.printed_group``)."""
        return printed_group(self.requests, self.template)

    def cell(self, table: str, row_key: str, column_key: str) -> Value:
        """The value of one cell, ``None`` when the spec leaves it blank."""
        return getattr(self, table).get(row_key, {}).get(column_key)


def zero_tables(template: str = "2021") -> dict[str, CellTable]:
    """All three tables filled with 0: the usual report of a town with no requests."""
    return {
        "article20": {r: dict.fromkeys(columns("article20", template, r), 0) for r in rows("article20", template)},
        "requests": {r: dict.fromkeys(REQUEST_COLUMNS, 0) for r in rows("requests", template)},
        "review_litigation": {g: dict.fromkeys(REVIEW_RESULTS, 0) for g in REVIEW_GROUPS},
    }
