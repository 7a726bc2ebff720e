"""The ``xxgk`` command: ``run`` the pipeline, ``parse`` files, show the warehouse's ``status``,
``export`` it (CSV, Parquet, Excel) and build its HTML ``report``.

argparse rather than click: no extra dependency, and ``xxgk parse`` stays fast because
nothing here imports Dagster at module level (only ``xxgk run`` loads it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_RAW = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse/xxgk.duckdb"
DEFAULT_EXPORT_DIR = "data/export"


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


# --- xxgk run -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Exit 0 whenever the pipeline ran, even with quarantined files or failed checks: those
    are findings about the data (listed in the summary), not failures of the run."""
    from rich.table import Table

    from pipeline.run import run_pipeline

    console = _console()
    try:
        summary = run_pipeline(
            Path(args.raw),
            Path(args.warehouse),
            progress=not args.no_progress,
            reread=args.reread or (),
            workers=args.workers,
        )
    except Exception as exc:
        _console(stderr=True).print(f"[bold red]xxgk run failed:[/] {type(exc).__name__}: {exc}")
        return 1

    console.print(f"[bold]xxgk run[/] {summary.raw_dir} → {summary.warehouse}")
    table = Table(show_header=True)
    table.add_column("files", justify="left")
    table.add_column("count", justify="right")
    table.add_row("seen", str(summary.files_seen))
    table.add_row("loaded (read now)", str(summary.loaded))
    table.add_row("unchanged (not re-read)", str(summary.unchanged))
    table.add_row("duplicate (same content)", str(summary.duplicate))
    table.add_row("removed (gone since last run)", str(summary.removed))
    table.add_row("quarantined", str(len(summary.quarantined)), style="red" if summary.quarantined else None)
    table.add_row(
        "checks failed", str(len(summary.checks_failed)), style="yellow" if summary.checks_failed else None
    )
    console.print(table)
    if summary.quarantined:
        q = Table(title="quarantined files", show_lines=False)
        q.add_column("path")
        q.add_column("reason", overflow="fold")
        for path, reason in summary.quarantined:
            q.add_row(path, reason)
        console.print(q)
    if summary.checks_failed:
        c = Table(title="failed checks")
        for col in ("check", "severity", "description"):
            c.add_column(col, overflow="fold")
        for f in summary.checks_failed:
            c.add_row(f"{f.asset}:{f.name}", f.severity, f.description)
        console.print(c)
    if summary.step_seconds:
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in summary.step_seconds.items())
        console.print(f"[dim]steps: {steps}[/]")
    console.print(f"[dim]{summary.seconds:.1f}s, run {summary.run_id}[/]")
    return 0


# --- xxgk parse -----------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    from pipeline.parsing import parse_file

    console = None if args.json else _console()
    for name in args.files:
        record = parse_file(Path(name))
        if args.json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()
        else:
            print_record(record, console)
    return 0


def _fmt(value: Any, derived: bool = False) -> str:
    if value is None:
        return "[dim]—[/]"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}[yellow]*[/]" if derived else str(value)


def _grid_table(record: dict, table: str, title: str, first_header: str):
    """One of the three statistical tables, laid out with the template's Chinese labels.

    Rows and columns come from the template (pipeline.template), so a cell the report does
    not give shows as "—" instead of vanishing. Derived cells are marked "*".
    """
    from rich.table import Table

    from pipeline import template as tpl

    values = record.get(table) or {}
    template = str(record.get("template") or "")
    derived = record.get("derived") or {}
    rows = tpl.rows(table, template) if template in tpl.TEMPLATES else tuple(values)
    if not rows:
        return None
    columns = tpl.columns(table, template) if template in tpl.TEMPLATES else ()
    if not columns:
        columns = tuple(dict.fromkeys(c for r in values.values() if isinstance(r, dict) for c in r))

    def zh(row: str, col: str | None) -> tuple[str, str]:
        try:
            k = tpl.label(table, template, row, col or tpl.columns(table, template, row)[0])
            return k.zh_row, k.zh_column
        except (KeyError, IndexError):
            return row, col or ""

    t = Table(title=title, title_justify="left", show_lines=False, pad_edge=False)
    if table == "article20":
        # article20 rows have different measures each: print item, measure, value.
        t.add_column(first_header)
        t.add_column("指标")
        t.add_column("值", justify="right")
        for row in rows:
            for col in (
                tpl.columns(table, template, row) if template in tpl.TEMPLATES else tuple(values.get(row, {}))
            ):
                zr, zc = zh(row, col)
                v = (values.get(row) or {}).get(col)
                unit = (
                    (record.get("units") or {}).get(f"{row}.{col}")
                    if isinstance(record.get("units"), dict)
                    else None
                )
                t.add_row(zr, zc, _fmt(v, f"{table}.{row}.{col}" in derived) + (f" {unit}" if unit else ""))
        return t
    # Labels are "group leaf" (e.g. "（三）不予公开 1.属于国家秘密"): print each group once as a
    # heading row and the leaves under it, and keep only the leaf of column labels
    # ("法人或其他组织 商业企业" → "商业企业"), so the table fits a terminal.
    t.add_column(first_header, max_width=20, no_wrap=True, overflow="ellipsis")
    for col in columns:
        t.add_column(zh(rows[0], col)[1].split(" ")[-1], justify="right")
    group = None
    for row in rows:
        cells = values.get(row) or {}
        label = zh(row, columns[0] if columns else None)[0]
        head, _, leaf = label.partition(" ")
        if leaf:
            if head != group:
                t.add_row(f"[bold]{head}[/]", *("" for _ in columns))
                group = head
            label = "  " + leaf
        else:
            group = None
        t.add_row(label, *(_fmt(cells.get(c), f"{table}.{row}.{c}" in derived) for c in columns))
    return t


def print_record(record: dict, console) -> None:
    """A readable summary of one record: who, which year, which template, the three tables,
    failed checks and issues — what someone checking a single file wants to see."""
    from rich.panel import Panel
    from rich.table import Table

    src = record.get("source") or {}
    region = record.get("region") or {}
    status = record.get("status")
    colour = {"ok": "green", "incomplete": "yellow"}.get(str(status), "red")
    where = " ".join(str(region[k]) for k in ("province", "city", "county", "town") if region.get(k))
    active = record.get("active_disclosure") or {}
    cats = ", ".join(f"{k} {v}" for k, v in (active.get("by_category") or {}).items())
    head = [
        f"[bold]{record.get('agency') or '?'}[/]  {record.get('year') or '?'}年度  "
        f"模板 {record.get('template') or '—'}  状态 [{colour}]{status}[/]",
        f"地区 {where or '—'}   落款日期 {record.get('published_on') or '—'}",
        f"主动公开 {_fmt(active.get('total'))}" + (f"（{cats}）" if cats else ""),
        f"[dim]{src.get('path')}  {src.get('format')}  sha256 {str(src.get('sha256'))[:16]}[/]",
    ]
    console.print(Panel("\n".join(head), expand=False))
    if status in ("ok", "incomplete"):
        for table, title, first in (
            ("article20", "二、主动公开政府信息情况（第二十条）", "信息内容"),
            ("requests", "三、收到和处理政府信息公开申请情况", "申请情况"),
            ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", "类别"),
        ):
            t = _grid_table(record, table, title, first)
            if t is not None:
                console.print(t)
        if record.get("derived"):
            console.print("[yellow]*[/] [dim]derived (not printed in the report)[/]")
    failed = [c for c in record.get("checks") or [] if c.get("ok") is False]
    if failed:
        t = Table(title=f"failed checks ({len(failed)})", title_justify="left")
        for col in ("rule", "expected", "actual", "detail"):
            t.add_column(col, overflow="fold")
        for c in failed:
            t.add_row(
                str(c.get("rule")), _fmt(c.get("expected")), _fmt(c.get("actual")), str(c.get("detail") or "")
            )
        console.print(t)
    else:
        n = sum(1 for c in record.get("checks") or [] if c.get("ok") is True)
        console.print(f"[green]checks: {n} passed, none failed[/]")
    issues = record.get("issues") or []
    if issues:
        t = Table(title=f"issues ({len(issues)})", title_justify="left")
        for col in ("severity", "code", "where", "detail"):
            t.add_column(col, overflow="fold")
        for i in issues:
            t.add_row(
                str(i.get("severity")),
                str(i.get("code")),
                str(i.get("where") or ""),
                str(i.get("detail") or ""),
            )
        console.print(t)
    console.print()


# --- xxgk status ----------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    """Read the ingest_log of the published warehouse (read-only: an analyst may hold it open)."""
    from rich.table import Table

    from pipeline.warehouse.readonly import open_read_only

    console = _console()
    path = Path(args.warehouse)
    if not path.exists():
        _console(stderr=True).print(f"no warehouse at {path}: run [bold]xxgk run[/] first")
        return 1
    with open_read_only(path) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if "ingest_log" not in tables:
            _console(stderr=True).print(f"{path} has no ingest_log table")
            return 1
        meta = dict(con.execute("select key, value from warehouse_meta").fetchall()) if "warehouse_meta" in tables else {}
        last = con.execute(
            # "at" is quoted: it is a keyword in DuckDB 2
            'select run_id, max("at") as last_at, count(*) from ingest_log '
            "where run_id = coalesce(?, run_id) group by run_id order by last_at desc limit 1",
            [meta.get("last_run_id")],
        ).fetchone()
        if last is None:
            console.print(f"{path}: no runs logged yet")
            return 0
        run_id, at, n_files = last
        counts = con.execute(
            "select outcome, count(*) from ingest_log where run_id = ? group by outcome order by outcome",
            [run_id],
        ).fetchall()
        quarantined = con.execute(
            "select path, reason from ingest_log where run_id = ? and outcome = 'quarantined' order by path",
            [run_id],
        ).fetchall()
        n_runs = con.execute("select count(distinct run_id) from ingest_log").fetchone()[0]
        reports = None
        if "reports" in tables:
            reports = con.execute(
                "select count(*), count(*) filter (where is_current), count(distinct agency_id) from reports"
            ).fetchone()
        failed = None
        if "check_results" in tables:
            failed = con.execute(
                "select count(*), count(distinct report_id) from check_results where ok = false"
            ).fetchone()

    console.print(f"[bold]{path}[/]")
    console.print(f"last run {run_id} at {at} UTC ({n_files} files; {n_runs} run(s) logged)")
    if meta:
        console.print(
            f"published {meta.get('published_at', '?')}, parser version {meta.get('parser_version', '?')}, "
            f"schema {meta.get('schema_version', '?')}"
        )
    if reports is not None:
        console.print(f"reports: {reports[0]} ({reports[1]} current) from {reports[2]} agencies")
    if failed is not None:
        console.print(f"failed format checks: {failed[0]} in {failed[1]} report(s)")
    t = Table(title="files in the last run")
    t.add_column("outcome")
    t.add_column("files", justify="right")
    for outcome, n in counts:
        t.add_row(outcome, str(n), style="red" if outcome == "quarantined" else None)
    console.print(t)
    if quarantined:
        q = Table(title="quarantined files")
        q.add_column("path")
        q.add_column("reason", overflow="fold")
        for p, reason in quarantined:
            q.add_row(p, reason or "")
        console.print(q)
    return 0


# --- xxgk export ----------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    """Every table and view to CSV / Parquet files or one Excel workbook; read-only, so it can
    run while a run publishes or an analyst has the warehouse open."""
    from rich.table import Table

    from pipeline.export import export

    path = Path(args.warehouse)
    if not path.is_file():
        _console(stderr=True).print(f"no warehouse at {path}: run [bold]xxgk run[/] first")
        return 1
    try:
        result = export(path, Path(args.out), args.format)
    except Exception as exc:
        _console(stderr=True).print(f"[bold red]xxgk export failed:[/] {type(exc).__name__}: {exc}")
        return 1
    console = _console()
    table = Table(title=f"xxgk export --format {result.format} → {result.out}", title_justify="left")
    table.add_column("relation")
    table.add_column("kind")
    table.add_column("rows", justify="right")
    table.add_column("written to" if result.format != "xlsx" else "sheets", overflow="fold")
    table.add_column("note", overflow="fold")
    for item in result.relations:
        where = ", ".join(item.sheets) if result.format == "xlsx" else (item.path.name if item.path else "")
        table.add_row(item.name, item.kind, f"{item.rows:,}", where or "[red]not written[/]", item.note)
    console.print(table)
    return 0


# --- xxgk report ----------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """The static HTML report (what the ``warehouse_report`` asset writes after every run)."""
    from pipeline.report import build_report

    path = Path(args.warehouse)
    if not path.is_file():
        _console(stderr=True).print(f"no warehouse at {path}: run [bold]xxgk run[/] first")
        return 1
    out = Path(args.out) if args.out else path.parent / "report.html"
    try:
        result = build_report(path, out)
    except Exception as exc:
        _console(stderr=True).print(f"[bold red]xxgk report failed:[/] {type(exc).__name__}: {exc}")
        return 1
    console = _console()
    c = result.counts
    console.print(f"[bold]xxgk report[/] {path} → {out} ({result.bytes / 1e6:.1f} MB)")
    console.print(
        f"{c['agencies']} agencies in {c['counties']} counties, {c['current_reports']} current reports; "
        f"{c['missing_agency_years']} agency-years without a report; {c['failed_checks']} failed checks"
    )
    for note in result.notes:
        console.print(f"[dim]{note}[/]")
    return 0


# --- entry point ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xxgk",
        description="Government information disclosure annual reports → a validated DuckDB warehouse.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="parse new/changed raw files, validate, publish the warehouse")
    run.add_argument("--raw", default=DEFAULT_RAW, help=f"raw report files (default {DEFAULT_RAW})")
    run.add_argument(
        "--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in CI logs)")
    run.add_argument(
        "--reread",
        action="append",
        metavar="GLOB",
        help="read these files again even if unchanged (path or glob; repeatable)",
    )
    run.add_argument("--workers", type=int, default=None, help="reader processes (default 2; 0 = in-process)")
    run.set_defaults(func=cmd_run)

    parse = sub.add_parser("parse", help="parse files and print their report records")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="one JSON record per line")
    parse.set_defaults(func=cmd_parse)

    status = sub.add_parser("status", help="last run and quarantined files, from the warehouse's ingest_log")
    status.add_argument(
        "--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})"
    )
    status.set_defaults(func=cmd_status)

    from pipeline.export import FORMATS, WORKBOOK_NAME

    export = sub.add_parser("export", help="every table and view as CSV or Parquet files, or one Excel workbook")
    export.add_argument("--format", required=True, choices=FORMATS, help=f"xlsx writes one workbook, {WORKBOOK_NAME}")
    export.add_argument(
        "--out", default=DEFAULT_EXPORT_DIR, metavar="DIR", help=f"output directory (default {DEFAULT_EXPORT_DIR})"
    )
    export.add_argument(
        "--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})"
    )
    export.set_defaults(func=cmd_export)

    report = sub.add_parser("report", help="the static HTML report: charts, coverage grid, failed checks")
    report.add_argument(
        "--out", default=None, metavar="FILE", help="HTML file (default: report.html beside the warehouse)"
    )
    report.add_argument(
        "--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})"
    )
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the exit code (setuptools' wrapper passes it to sys.exit)."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
