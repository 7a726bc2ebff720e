"""Chinese column headers for exports people read (Excel), taken from the warehouse itself.

The column COMMENTs (sql/comments.sql) are the one place where a column's meaning is written
down, so headers come from them rather than from a second list that would drift. A comment
is a sentence ("机关标识：去除空白后的机关名称 sha1 前 12 位（…）"); a header wants its short
form ("机关标识"), followed by the key in brackets so the sheet still maps back to SQL:
"机关标识（agency_id）".

Views' columns mostly have no comment of their own (DuckDB comments views, not their
columns), so a column without one borrows the comment of a same-named table column
(``agency_id``, ``year``, ``value`` …). The few view-only columns (``prev_value``,
``pct_change`` …) get a label from ``GLOSSARY``; a column nobody described keeps its key.
"""

from __future__ import annotations

import re

import duckdb

SEPARATORS = "：；，。:;,"
MAX_LABEL = 24
"""Characters of Chinese kept in a header: longer ones are cut (the full comment is still
attached to the header cell as an Excel note)."""

GLOSSARY: dict[str, str] = {
    # views' own columns (see sql/views/*.sql)
    "prev_value": "上年值",
    "delta": "增减",
    "pct_change": "增幅",
    "prev_count": "上年条数",
    "prev_report_id": "上年报告标识",
    "prev_carried_forward": "上年结转下年度",
    "difference": "差额",
    "new_requests": "本年新收申请",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "total_processed": "办理结果总计",
    "carried_over": "上年结转",
    "carried_forward": "结转下年度继续办理",
    "review_total": "行政复议总计",
    "litigation_total": "行政诉讼总计",
    "proactive_disclosures": "主动公开条数",
    "agency_name": "机关名称",
    "sort_order": "排序",
    "has_report": "有报告",
    "report_id": "报告标识",
    "column_key": "列键",
    # applicant columns of the request table (request_cells_wide)
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
    # table columns the comments do not cover
    "zh_row": "中文行名",
    "zh_column": "中文列名",
    "zh_label": "中文标签",
    "table": "表",
    "severity": "严重程度",
    "code": "问题代码",
    "where": "位置",
    "detail": "说明",
    "path": "文件路径",
    "size": "文件大小（字节）",
    "mtime": "修改时间",
    "mtime_ns": "修改时间（纳秒）",
    "format": "文件格式",
    "run_id": "运行标识",
    "source_size": "源文件大小（字节）",
    "page_article20": "主动公开表页码",
    "page_review_litigation": "复议诉讼表页码",
    "n_issues": "问题数",
    "n_checks_failed": "未通过校验数",
    "derived_value": "推算值",
    "method": "读取方式",
    # columns whose comment is a list of values ("review 行政复议 / …"), not a name
    "origin": "校验来源",
    "proceeding_key": "程序类别",
    "result_key": "结果",
    "state": "状态",
    # relation-specific, where a same-named column elsewhere means something else
    "warehouse_meta.key": "键",
    "warehouse_meta.value": "值",
}

_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")
_ENUMERATION = re.compile(r"^[a-z][a-z0-9_]* ")
"""A comment that starts "key 中文 / key 中文": it lists the values, it does not name the column."""


def short_label(comment: str) -> str:
    """The head of a comment: up to its first top-level separator, long asides dropped.

    "机关名称（报告落款或标题所载，去除空白）" → "机关名称"; "处理时间（UTC）" stays whole;
    a separator inside brackets does not end the head.
    """
    depth = 0
    head: list[str] = []
    for ch in comment.strip():
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in SEPARATORS:
            break
        head.append(ch)
    text = "".join(head).strip()
    # an aside longer than a few characters, or an example ("如 …"), is detail, not name
    text = _PAREN.sub(
        lambda m: "" if len(m.group(1)) > 6 or m.group(1).startswith("如") else m.group(0), text
    )
    text = text.strip()
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return text


def column_comments(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(relation, column) → comment, for the columns of the main schema that have one."""
    rows = con.execute(
        """
        SELECT table_name, column_name, comment FROM duckdb_columns()
        WHERE schema_name = 'main' AND database_name = current_database() AND comment IS NOT NULL
          AND comment <> ''
        """
    ).fetchall()
    return {(t, c): comment for t, c, comment in rows}


class Headers:
    """Chinese headers and full descriptions for every column of a warehouse."""

    def __init__(self, comments: dict[tuple[str, str], str], tables: set[str]) -> None:
        self._own = comments
        # A column without a comment borrows one from a same-named table column; tables are
        # tried in name order so the choice does not depend on the catalog's order.
        borrowed: dict[str, str] = {}
        for (_relation, column), comment in sorted(
            comments.items(), key=lambda kv: (kv[0][0] not in tables, kv[0])
        ):
            borrowed.setdefault(column, comment)
        self._borrowed = borrowed

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Headers:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "AND database_name = current_database()"
            ).fetchall()
        }
        return cls(column_comments(con), tables)

    def description(self, relation: str, column: str) -> str | None:
        """The column's full comment (its own, else the borrowed one), for an Excel note."""
        own = self._own.get((relation, column))
        if own or f"{relation}.{column}" in GLOSSARY:
            return own
        return self._borrowed.get(column)

    def chinese(self, relation: str, column: str) -> str | None:
        """The short Chinese name of a column, or None when nothing describes it.

        In order: the column's own comment; the glossary (for this relation, then for the
        column name: curated names beat a guess); a same-named column's comment.
        """
        own = self._own.get((relation, column))
        if own and not _ENUMERATION.match(own):
            return short_label(own) or None
        named = GLOSSARY.get(f"{relation}.{column}") or GLOSSARY.get(column)
        if named:
            return named
        borrowed = self._borrowed.get(column)
        if borrowed and not _ENUMERATION.match(borrowed):
            return short_label(borrowed) or None
        return None

    def header(self, relation: str, column: str) -> str:
        """The header text: "中文（key）", or the bare key when no Chinese name is known."""
        zh = self.chinese(relation, column)
        return f"{zh}（{column}）" if zh and zh != column else column
