"""The ``xxgk`` command: ``run`` the pipeline, ``parse`` files, show the warehouse's ``status``,
``export`` it (CSV, Parquet, Excel) and build its HTML ``report``.

argparse rather than click: no extra dependency, and ``xxgk parse`` stays fast because
nothing here imports Dagster at module level (only ``xxgk run`` loads it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_RAW = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse/xxgk.duckdb"
DEFAULT_EXPORT_DIR = "data/export"


def _console(stderr: bool = False):
    """A rich console whose plain messages are never hard-wrapped (``soft_wrap``): a path or a
    reason broken over lines at the terminal's width (or ``COLUMNS``) cannot be copied or
    grepped. Tables still fit the width."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail(command: str, message: str) -> int:
    """One line on stderr, ``xxgk <command>: <message>``, and exit code 1: the same shape for
    every command and every argument a user can get wrong."""
    from rich.markup import escape

    _console(stderr=True).print(f"[bold red]xxgk {command}:[/] {escape(message)}")
    return 1


def _not_a_warehouse(path: Path, command: str) -> int | None:
    """Exit code 1 after one line on stderr when ``path`` exists but is not an xxgk warehouse.

    The same message for every command (pipeline.warehouse.identity), and no traceback: the
    operator typed a wrong path, nothing is broken.
    """
    from pipeline.warehouse.identity import not_a_warehouse

    message = not_a_warehouse(path)
    return None if message is None else _fail(command, message)


def _tolerant_output() -> None:
    """Never let a terminal's encoding fail a command that has done its work.

    With ``PYTHONIOENCODING=ascii`` (or a C locale under a scheduler) printing "→" or a
    Chinese path raised UnicodeEncodeError after the run had published: exit 1 for a
    success. Characters the stream cannot encode are written as escapes instead.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or exotic stream: leave it as it is
                pass


# --- xxgk run -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Exit 0 whenever the pipeline ran, even with quarantined files or failed checks: those
    are findings about the data (listed in the summary), not failures of the run."""
    problem = _run_arguments_problem(args)
    if problem:  # before Dagster is even imported: one line, no stack trace
        return _fail("run", problem)
    from pipeline.run import run_pipeline

    if (refused := _not_a_warehouse(Path(args.warehouse), "run")) is not None:
        return refused
    try:
        summary = run_pipeline(
            Path(args.raw),
            Path(args.warehouse),
            progress=not args.no_progress,
            reread=args.reread or (),
            workers=args.workers,
            log_level="INFO" if args.verbose else "CRITICAL",
            allow_removals=args.allow_removals,
        )
    except Exception as exc:
        return _fail("run", f"failed: {type(exc).__name__}: {exc}")
    print_run_summary(summary, verbose=args.verbose)
    return 0


def _run_arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with ``xxgk run``'s arguments, in one sentence, or None.

    Checked before Dagster starts: Dagster would report a missing folder as two stack
    traces of its own, and a file given as ``--raw`` as a folder that "does not exist".
    """
    raw = Path(args.raw)
    if not raw.exists():
        return f"--raw {raw}: no such folder (give the folder holding the report files)"
    if not raw.is_dir():
        return f"--raw {raw}: not a folder but a file (give the folder holding the report files)"
    warehouse = Path(args.warehouse)
    if warehouse.is_dir():
        return f"--warehouse {warehouse}: a folder, not a DuckDB file (e.g. {warehouse / 'xxgk.duckdb'})"
    if args.workers is not None and args.workers < 0:
        return f"--workers {args.workers}: must be 0 (read in this process) or more"
    return None


def print_run_summary(summary, verbose: bool = False) -> None:
    """One table: what happened to the files, how the format checks came out (passed, failed
    and not evaluable: not evaluable is not a pass), and the time; then the quarantined files
    and failed checks as plain lines that are never cut or wrapped."""
    from rich.table import Table

    console = _console()

    table = Table(title=f"xxgk run {summary.raw_dir} → {summary.warehouse}", title_justify="left")
    table.add_column("", justify="left")
    table.add_column("", justify="right")
    table.show_header = False
    table.add_row("[bold]files[/]", "")
    table.add_row("  seen", str(summary.files_seen))
    table.add_row("  loaded (read now)", str(summary.loaded))
    table.add_row("  unchanged (not re-read)", str(summary.unchanged))
    table.add_row("  duplicate (same content)", str(summary.duplicate))
    table.add_row("  removed (gone since last run)", str(summary.removed))
    table.add_row("  quarantined", str(len(summary.quarantined)), style="red" if summary.quarantined else None)
    checks = summary.format_checks
    if checks is not None:
        table.add_row("[bold]format checks[/] (current reports)", "")
        table.add_row("  passed", str(checks.passed))
        table.add_row("  failed", str(checks.failed), style="yellow" if checks.failed else None)
        table.add_row("  not evaluable (a figure missing)", str(checks.not_evaluable))
        table.add_row("  reports failing one or more", str(checks.failing_reports))
    table.add_row("[bold]time[/]", f"{summary.seconds:.1f} s")
    console.print(table)
    if summary.quarantined:
        console.print(f"[bold red]quarantined files ({len(summary.quarantined)})[/]")
        for path, reason in summary.quarantined:  # reasons usually name the file already
            console.print(f"  {reason}" if path in reason else f"  {path}: {reason}", markup=False)
    if summary.checks_failed:
        console.print(f"[bold yellow]Dagster checks with findings ({len(summary.checks_failed)})[/]")
        for f in summary.checks_failed:
            console.print(f"  {f.asset}:{f.name} ({f.severity}): {f.description}", markup=False)
    if verbose and summary.step_seconds:
        steps = Table(title="seconds per step", title_justify="left")
        steps.add_column("step")
        steps.add_column("seconds", justify="right")
        for k, v in summary.step_seconds.items():
            steps.add_row(k, f"{v:.2f}")
        console.print(steps)
    console.print(f"[dim]run {summary.run_id}[/]")


# --- xxgk parse -----------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    """Print every file's record; exit 1 when any file could not be read.

    A missing file, a folder, a named pipe, an empty or unreadable file still gets its record
    (status ``unreadable``, the reason as an issue, ``report_id`` null: no id is invented for
    content never read) and a one-line message on stderr; the other files print as usual.
    A readable file that is not a report (``not_a_report``) is a finding, not a failure.
    Reading runs under the workers' memory cap (``memory_mb``, ``XXGK_MEMORY_MB``).
    """
    from pipeline.ingest.isolate import _warm_up, cap_memory
    from pipeline.ingest.limits import Limits

    # The same memory cap a worker has (XXGK_MEMORY_MB): a hostile file read in-process
    # must stop with "out of memory", not grow until the machine swaps.
    _warm_up()
    previous = cap_memory(Limits.from_env().memory_mb, hard=False)
    try:
        return _parse_all(args)
    finally:  # called from Python (tests, a notebook), the caller gets its limit back
        if previous is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, previous)


def _parse_all(args: argparse.Namespace) -> int:
    from pipeline.parsing import parse_file

    console = None if args.json else _console()
    failed = 0
    for name in args.files:
        record = parse_file(Path(name))
        if args.json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()
        else:
            print_record(record, console)
        if record.get("status") == "unreadable":
            failed += 1
            reasons = [str(i.get("detail")) for i in record.get("issues") or [] if i.get("severity") == "error"]
            _fail("parse", reasons[0] if reasons else f"{name}: could not be read")
    if failed:
        _fail("parse", f"{failed} of {len(args.files)} file(s) could not be read")
    return 1 if failed else 0


def _fmt(value: Any, derived: Any = None) -> str:
    """A cell as printed, "—" when the report gives none; a cell the report leaves blank but
    its row fixes (``derived``: the record's offer for it) shows that value marked "*"."""
    if value is None and isinstance(derived, dict) and derived.get("value") is not None:
        return f"{_fmt(derived['value'])}[yellow]*[/]"
    if value is None:
        return "[dim]—[/]"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


_GROUP_NUMERAL = re.compile(r"^([一二三四五六七八九十]+、[^（(]+?)\s*([（(][一二三四五六七八九十]+[）)].*)$")


def row_heading(label: str) -> tuple[str | None, str]:
    """Split a template row label into (group, the row's own label).

    "（三）不予公开 1.属于国家秘密" → ("（三）不予公开", "1.属于国家秘密");
    "三、本年度办理结果（一）予以公开" → ("三、本年度办理结果", "（一）予以公开"): each row keeps
    its own words, so two rows of one group never print alike when the column is narrow.
    """
    head, _, leaf = label.partition(" ")
    if leaf:
        return head, leaf
    m = _GROUP_NUMERAL.match(label)
    if m:
        return m.group(1), m.group(2)
    return None, label


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
                unit = (record.get("units") or {}).get(f"{table}.{row}.{col}") if isinstance(
                    record.get("units"), dict) else None  # fmt: skip
                t.add_row(zr, zc, _fmt(v, derived.get(f"{table}.{row}.{col}")) + (f" {unit}" if unit else ""))
        return t
    # Labels are "group leaf" (e.g. "（三）不予公开 1.属于国家秘密"): print each group once as a
    # heading row and each row's own label under it (row_heading), and keep only the leaf of
    # column labels ("法人或其他组织 商业企业" → "商业企业"), so the table fits a terminal.
    # A narrow terminal folds the column headers ("社会公\n益组织") rather than cutting them.
    t.add_column(first_header, min_width=14, max_width=20, no_wrap=True, overflow="ellipsis")
    for col in columns:
        t.add_column(zh(rows[0], col)[1].split(" ")[-1], justify="right", overflow="fold")
    group = None
    for row in rows:
        cells = values.get(row) or {}
        head, label = row_heading(zh(row, columns[0] if columns else None)[0])
        if head:
            if head != group:
                t.add_row(f"[bold]{head}[/]", *("" for _ in columns))
                group = head
            label = "  " + label
        else:
            group = None
        t.add_row(label, *(_fmt(cells.get(c), derived.get(f"{table}.{row}.{c}")) for c in columns))
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
        f"模板 {record.get('template') or '—'}  状态 [{colour}]{status}[/]"
        + (f"  表格覆盖 {record['coverage']:.0%}" if isinstance(record.get("coverage"), int | float) else ""),
        f"地区 {where or '—'}   落款日期 {record.get('published_on') or '—'}",
        f"主动公开 {_fmt(active.get('total'))}" + (f"（{cats}）" if cats else ""),
        f"[dim]{src.get('path')}  {src.get('format')}  report id {record.get('report_id') or '—'}[/]",
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
            console.print(
                "[yellow]*[/] [dim]derived: blank in the report, fixed by the other cells of its row "
                "(the warehouse keeps value null and this in derived_value)[/]"
            )
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
    checks = record.get("checks") or []
    passed = sum(1 for c in checks if c.get("ok") is True)
    not_evaluable = sum(1 for c in checks if c.get("ok") is None)
    console.print(
        f"checks: {passed} passed, {len(failed) or 'none'} failed, {not_evaluable} not evaluable"
        + (" (a figure they need is missing)" if not_evaluable else "")
    )
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
        return _fail("status", f"no warehouse at {path}: run xxgk run first")
    if (refused := _not_a_warehouse(path, "status")) is not None:
        return refused
    with open_read_only(path) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if "ingest_log" not in tables:
            return _fail("status", f"{path} has no ingest_log table")
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

    console.print(f"[bold]{path}[/]")
    console.print(f"last run {run_id} at {at} UTC ({n_files} files; {n_runs} run(s) logged)")
    if meta:
        console.print(
            f"published {meta.get('published_at', '?')}, parser version {meta.get('parser_version', '?')}, "
            f"schema {meta.get('schema_version', '?')}"
        )
    if reports is not None:
        console.print(f"reports: {reports[0]} ({reports[1]} current) from {reports[2]} agencies")
    from pipeline.warehouse.summary import format_checks

    checks = format_checks(path)
    if checks is not None:  # as xxgk run's summary: not evaluable is not a pass
        console.print(
            f"format checks of current reports: {checks.passed} passed, {checks.failed} failed "
            f"(in {checks.failing_reports} report(s)), {checks.not_evaluable} not evaluable"
        )
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
    if (refused := _not_a_warehouse(path, "export")) is not None:
        return refused
    if not path.is_file():
        return _fail("export", f"no warehouse at {path}: run xxgk run first")
    try:
        result = export(path, Path(args.out), args.format)
    except Exception as exc:
        return _fail("export", f"failed: {type(exc).__name__}: {exc}")
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
    if (refused := _not_a_warehouse(path, "report")) is not None:
        return refused
    if not path.is_file():
        return _fail("report", f"no warehouse at {path}: run xxgk run first")
    out = Path(args.out) if args.out else path.parent / "report.html"
    try:
        result = build_report(path, out)
    except Exception as exc:
        return _fail("report", f"failed: {type(exc).__name__}: {exc}")
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
    run.add_argument(
        "--verbose", action="store_true", help="show Dagster's log (INFO and up) and the seconds per step"
    )
    run.add_argument(
        "--allow-removals",
        action="store_true",
        help="publish even if the run removes all reports or more than XXGK_MAX_REMOVED_SHARE (default 20%%)",
    )
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
    _tolerant_output()
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
