"""Document → report record: the one parser, driven by the national template.

Readers differ; this does not. It finds the sections, detects the format (2021 or 2019)
from the table headers, reads the three tables (from cell grids where the reader has
them, else from text), the metadata, and computes the format's own checks.
"""

from __future__ import annotations

import re
import resource
from bisect import bisect_right
from pathlib import Path

import pipeline
from pipeline import template as tpl
from pipeline.document import STACKED, Document, UnreadableFile
from pipeline.ingest.limits import MB, Limits, address_space
from pipeline.parsing import checks as chk
from pipeline.parsing import metadata as meta
from pipeline.parsing import status as report_status
from pipeline.parsing import tables
from pipeline.parsing.cells import RowValues
from pipeline.parsing.labels import other_group_shown
from pipeline.parsing.normalize import compact, normalize
from pipeline.parsing.ocr_sums import withhold_doubtful
from pipeline.parsing.sections import cut_unheaded_requests, cut_unheaded_review, find_sections


def detect_template(text: str, s2: tuple[int, int] | None, s3: tuple[int, int] | None) -> str | None:
    """2019 or 2021, from the table headers (never from the year)."""
    if s2:
        head = compact(text[s2[0] : s2[1]])
        if re.search(r"本年新制作|本年新公开|对外公开总数量|上一年项目数量|政府集中采购", head):
            return "2019"
        if re.search(r"本年制发|现行有效|本年度?[废止]|本年收费金额|本年处理决定", head):
            return "2021"
    if s3:
        body = compact(text[s3[0] : s3[1]])
        if re.search(r"逾期不补正|逾期未按收费|缴纳费用", body):
            return "2021"
        if "其他处理" in body:
            return "2019"
    return None


def _empty_record(path: str, sha256: str | None, fmt: str, status: str) -> dict:
    """The record's full shape with nothing read yet. ``sha256`` None (content never read: a
    missing file, a folder, a pipe) gives ``report_id`` None, never an id made up of zeros."""
    return {
        "source": {"path": path, "sha256": sha256, "format": fmt},
        "parser_version": pipeline.PARSER_VERSION,  # read at call time: a version bump applies at once
        "report_id": sha256[:16] if sha256 else None,
        "status": status,
        "template": None,
        "year": None,
        "agency": None,
        "region": {"province": None, "city": None, "county": None, "town": None},
        "published_on": None,
        "coverage": None,
        "active_disclosure": {"total": None, "by_category": {}},
        "article20": {},
        "units": {},
        "requests": {},
        "review_litigation": {},
        "derived": {},
        # how and where each printed cell was read: "requests.granted.total" -> {"method": "grid", "page": 2}
        "cell_methods": {},
        "table_pages": {},
        "checks": [],
        "issues": [],
    }


def _not_a_report(rec: dict) -> None:
    """Clear what was read of a document that turned out not to be a report (a blank template)."""
    blank = _empty_record(rec["source"]["path"], rec["source"]["sha256"], rec["source"]["format"], "not_a_report")
    for key in ("status", "template", "year", "agency", "region", "published_on", "coverage", "active_disclosure",
                "article20", "units", "requests", "review_litigation", "derived", "table_pages"):
        rec[key] = blank[key]


def _issue(rec: dict, severity: str, code: str, where: str, detail: str) -> None:
    rec["issues"].append({"severity": severity, "code": code, "where": where, "detail": detail})


def _fill(rec: dict, table: str, keys: list[str], cols_of, found: dict[str, RowValues],
          not_printed: dict[str, str] | None = None, ocr: bool = False,
          ocr_pages: frozenset[int] = frozenset()) -> None:
    """Write found rows into the record; every template cell is present, null when not given.

    ``not_printed``: rows the page does not have by design (a mixed 2019/2021 table), with why.
    Each cell holding a value gets its provenance in ``cell_methods`` (method and page), one
    shared dict per row: an OCR-read document's cells are all ``ocr``, whatever placed them,
    and so are those of a row read from a page in ``ocr_pages`` (a mixed PDF's scanned page,
    a DOCX page with a table pasted as a picture).
    """
    out: dict[str, dict] = {}
    methods = rec["cell_methods"]
    for key in keys:
        cols = cols_of(key)
        row = found.get(key)
        if row is None:
            out[key] = dict.fromkeys(cols)
            if not_printed and key in not_printed:
                _issue(rec, "warning", "row_not_printed", f"{table}.{key}", not_printed[key])
            else:
                _issue(rec, "warning", "row_missing", f"{table}.{key}", "row not found in the source")
            continue
        out[key] = {}
        for code, detail in row.issues:
            _issue(rec, "warning", code, f"{table}.{key}", detail)
        placed = {"method": "ocr" if ocr or row.page in ocr_pages else row.method, "page": row.page}
        for col, cell in zip(cols, row.cells, strict=True):
            out[key][col] = None if cell is None else cell.value
            if cell is not None and cell.value is not None:
                methods[f"{table}.{key}.{col}"] = placed
            if cell is not None and cell.reason == "stacked_values":
                shown = " over ".join(f"'{p}'" for p in cell.raw.split(STACKED))
                _issue(rec, "warning", "stacked_values", f"{table}.{key}.{col}",
                       f"printed as {shown} in one cell: values stacked (a lost row rule, separate lines), "
                       "not one number; left null")
            elif cell is None or cell.value is None:
                how = f"printed as '{cell.raw}'" if cell is not None else "blank or lost in the source"
                _issue(rec, "warning", "cell_missing", f"{table}.{key}.{col}", how)
            elif cell.unit:
                rec["units"][f"{table}.{key}.{col}"] = cell.unit
    rec[table] = out


def _derive(rec: dict) -> None:
    """Offer (never substitute) a missing total or part that its row's printed cells fix."""
    def one(table: str, row: str, values: dict, parts: tuple[str, ...], total: str) -> None:
        missing = [k for k in (*parts, total) if values.get(k) is None]
        if len(missing) != 1:
            return
        k = missing[0]
        if k == total:
            v = sum(values[p] for p in parts)
            how = f"sum of {', '.join(parts)}"
        else:
            v = values[total] - sum(values[p] for p in parts if p != k)
            how = f"{total} minus the other parts"
            if v < 0:
                return
        where = f"{table}.{row}.{k}"
        rec["derived"][where] = {"value": v, "from": how}
        rec["cell_methods"][where] = {"method": "derived", "page": None}
        _issue(rec, "info", "derivable", where, f"missing; {how} gives {v} (kept null in the table)")

    for row, values in rec["requests"].items():
        one("requests", row, values, tpl.APPLICANT_COLUMNS, "total")
    for group, values in rec["review_litigation"].items():
        one("review_litigation", group, values, tpl.REVIEW_RESULTS[:-1], "total")


def _unplaced(rows: dict[str, RowValues]) -> bool:
    """Some request row of a table whose rows lost their labels was not placed (cells_unplaced)."""
    return any(code == "cells_unplaced" for r in rows.values() for code, _detail in r.issues)


def parse_document(doc: Document) -> dict:
    # normalized page by page, so an offset in the text still tells its page
    pages = [normalize(p.text) for p in doc.pages]
    text = "\n".join(pages)
    starts: list[int] = []
    pos = 0
    for p in pages:
        starts.append(pos)
        pos += len(p) + 1
    rec = _empty_record(doc.path, doc.sha256, doc.format, "ok")
    if doc.ocr:
        rec["source"]["ocr"] = True
        _issue(rec, "info", "ocr", "source", "text read by OCR: every value is OCR-read")
    elif doc.ocr_pages:
        rec["source"]["ocr_pages"] = list(doc.ocr_pages)
        _issue(rec, "info", "ocr", "source", f"page(s) {', '.join(map(str, doc.ocr_pages))} read by OCR: "
               "values there are OCR-read")
    for note in doc.unreadable:
        _issue(rec, "warning", "value_unreadable", "source", note)
    if doc.meta:
        rec["source"]["page_meta"] = dict(doc.meta)
    for w in doc.warnings:
        _issue(rec, "info", "reader", "source", w)
    secs = find_sections(text)

    def page_of(offset: int) -> int | None:
        if not doc.pages:
            return None
        return doc.pages[max(0, bisect_right(starts, offset) - 1)].number

    s2, s3, s4 = secs.span("s2"), secs.span("s3"), secs.span("s4")
    if s3 is None and s2 is not None:
        s2, s3 = cut_unheaded_requests(text, s2)
    if s4 is None and s3 is not None:
        s3, s4 = cut_unheaded_review(text, s3)
    lines = text.split("\n")
    title = meta.find_title(lines, (doc.meta or {}).get("title"))
    printed = report_status.tables_printed(text)
    kind = report_status.classify(lines, text, secs, title, printed)
    if not kind.is_report:
        rec["status"] = "not_a_report"
        _issue(rec, "error", "not_a_report", "source", f"{doc.path}: not a report: {kind.reason}")
        return rec

    # metadata: what the document says, or null (pipeline.parsing.metadata)
    s1 = secs.span("s1") or (0, secs.starts.get("s2", (len(text),))[0])
    last = max((secs.starts[k][0] for k in ("s5", "s6") if k in secs.starts), default=None)
    md = meta.read_metadata(text, lines, title, secs.span("s1"), last)
    rec["agency"], rec["year"], rec["published_on"], rec["region"] = md.agency, md.year, md.published_on, md.region
    for severity, code, where, detail in md.notes:
        _issue(rec, severity, code, where, detail)
    ad = meta.active_disclosure(text[s1[0] : meta.narrative_end(text, s1)])
    rec["active_disclosure"] = {"total": ad.total, "by_category": ad.by_category}
    for code, detail in ad.issues:
        _issue(rec, "warning", code, "active_disclosure", detail)

    template = detect_template(text, s2, s3)
    if template is None:
        template, why = meta.template_without_tables(rec["year"], text)
        _issue(rec, "info", "template_inferred", "template", f"no table headers to tell the format: {why}")
    rec["template"] = template
    ends = secs.has("s5") or secs.has("s6") or rec["published_on"] is not None
    old_format = (rec["year"] is not None and rec["year"] < 2019) or report_status.is_old_format(text)
    if template is None and not old_format:
        # neither headers, year nor notice tell the format: the rows are read as the 2021
        # format's (their labels decide), the record's template stays null
        _issue(rec, "warning", "template_unknown", "template", "format not known; rows read with the 2021 labels")
        template = "2021"
    if template is None:  # a pre-2019 format: no template cells to read
        rec["status"] = "ok" if ends and rec["year"] is not None else "incomplete"
        if not ends:
            _issue(rec, "warning", "incomplete", "source", "text stops before the end")
        rec["coverage"] = None
        return rec

    # tables: grids first (cell positions known), text otherwise
    grows = tables.grid_rows(doc.tables) if doc.tables else []
    a20 = tables.article20_from_grid(grows, template) if grows else {}
    if len(a20) < 2 and s2:
        a20 = tables.article20_from_text(text, s2, template, page_of)
    shown = other_group_shown(text[s3[0] : s3[1]]) if s3 else None
    group = shown or template
    req_keys = tpl.request_rows(template, group)
    req = tables.requests_from_grid(grows, template, req_keys) if grows else {}
    run = unmarked = False  # the request table read from run-together text / with unmarked blanks
    if len(req) < len(req_keys) // 2 and s3:
        read = tables.read_requests_text(text, s3, template, page_of, req_keys)
        if shown is None and _unplaced(read.rows):
            # no label tells which format's （六）其他处理 the table prints (its own label lost with
            # others'), and rows placed by the template's order were not confirmed: the other
            # format's group is read too and kept when every row is placed with it and rows were
            # placed by the template's order (each confirmed by every sum): that group is then
            # the one the sums allow, not one read where nothing could tell
            other = "2019" if group == "2021" else "2021"
            other_keys = tpl.request_rows(template, other)
            alt = tables.read_requests_text(text, s3, template, page_of, other_keys)
            if not _unplaced(alt.rows) and any(r.method == "template_order" for r in alt.rows.values()):
                read, group, req_keys = alt, other, other_keys
        req, run, unmarked = read.rows, read.run_together and not grows, read.unmarked
    rv = tables.review_from_grid(grows) if grows else None
    if rv is None and s4:
        rv = tables.review_from_text(text, s4, page_of, run_together=run, unmarked=unmarked,
                                     zeros_shown=run and tables.blanks_shown_zero(req, req_keys))

    items = list(tpl.rows("article20", template))
    _fill(rec, "article20", items, lambda k: tpl.columns("article20", template, k), a20, ocr=doc.ocr, ocr_pages=frozenset(doc.ocr_pages))
    not_printed = {}
    if group != template:
        shown = "、".join(f"requests.{k}" for k in tpl.OTHER_GROUP[group])
        not_printed = dict.fromkeys(tpl.OTHER_GROUP[template], (
            f"the {template}-format table prints the {group} format's （六）其他处理 row(s) instead; "
            f"kept as printed under {shown}"))
    _fill(rec, "requests", list(tpl.record_request_rows(template, group)), lambda k: tpl.REQUEST_COLUMNS, req,
          not_printed, doc.ocr, frozenset(doc.ocr_pages))
    review_found: dict[str, RowValues] = {}
    if rv is not None:
        for gi, group in enumerate(tpl.REVIEW_GROUPS):
            review_found[group] = RowValues(rv.cells[gi * 5 : gi * 5 + 5], rv.issues if gi == 0 else [], rv.page,
                                            rv.method)
    _fill(rec, "review_litigation", list(tpl.REVIEW_GROUPS), lambda k: tpl.REVIEW_RESULTS, review_found, ocr=doc.ocr,
          ocr_pages=frozenset(doc.ocr_pages))
    for table, found in (("article20", a20), ("requests", req), ("review_litigation", review_found)):
        pages = sorted({r.page for r in found.values() if r.page is not None})
        if pages:
            rec["table_pages"][table] = pages[0] if len(pages) == 1 else pages
    withhold_doubtful(rec, {"requests": req, "review_litigation": review_found}, template)
    _derive(rec)

    # a blank template (headings and table labels, no figure, no narrative) is not a report
    has_values = any(v is not None for t in ("article20", "requests", "review_litigation")
                     for row in rec[t].values() for v in row.values())
    narrative = len(re.findall(r"[\u4e00-\u9fff]", text[s1[0] : s1[1]]))
    if not has_values and sum(printed.values()) >= 2 and narrative < 20 and rec["agency"] is None:
        _not_a_report(rec)
        _issue(rec, "error", "not_a_report", "source", f"{doc.path}: a blank template: no figure and no narrative")
        return rec

    # status: ok when the report is whole (its end and its three tables are there)
    found = {"article20": a20, "requests": req, "review_litigation": review_found}
    missing_tables = [t for t in found if not found[t] and not printed[t]]
    if missing_tables or not ends:
        rec["status"] = "incomplete"
        why = "text stops before the end" if not ends else f"tables not found: {', '.join(missing_tables)}"
        _issue(rec, "warning", "incomplete", "source", why)
    printed_blank = sum(1 for i in rec["issues"] if i["code"] == "cell_missing" and i["detail"].startswith("printed as"))
    rec["coverage"] = report_status.coverage(rec, printed_blank)

    rec["checks"] = (
        chk.request_checks(rec["requests"], template)
        + chk.review_checks(rec["review_litigation"])
        + chk.narrative_checks(text[s1[0] : s1[1]], rec["requests"], rec["review_litigation"], rec["year"])
    )
    # A sum that fails on OCR-read values may be the reading's fault, not the source's.
    ocr_note = "; values read by OCR: possibly a reading error, not the source's" if doc.ocr or doc.ocr_pages else ""
    for c in rec["checks"]:
        if c["ok"] is False:
            _issue(rec, "warning", "check_failed", c["rule"], f"expected {c['expected']}, printed {c['actual']}{ocr_note}")
    return rec


def unreadable_record(path: str, sha256: str | None, fmt: str | None, code: str, detail: str) -> dict:
    """The record of a file that was not read: status ``unreadable``, one error issue saying why.

    Public so that whoever stops a reader from outside (a timeout, a crashed worker process)
    writes the same shape as a reader that refused the file.
    """
    rec = _empty_record(str(path), sha256, fmt or "unknown", "unreadable")
    _issue(rec, "error", code, "source", detail)
    return rec


_OOM_WORDS = ("bad_alloc", "unable to allocate", "cannot allocate memory", "out of memory", "malloc",
              "failed to map segment")


def _out_of_memory(exc: BaseException) -> bool:
    """Whether an error is an allocation that failed, however the library words it.

    Python raises ``MemoryError``; ONNX Runtime, MuPDF and the dynamic loader raise their own
    errors, saying ``std::bad_alloc``, "malloc … failed" or "failed to map segment".
    """
    return isinstance(exc, MemoryError) or any(w in str(exc).lower() for w in _OOM_WORDS)


def _capped(limits: Limits) -> bool:
    """Whether this process reads under the per-file memory cap (a worker, or ``xxgk parse``)."""
    return resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY and bool(limits.memory_mb)


def _met_the_cap(peak_before: int | None, limits: Limits) -> bool:
    """Whether reading this file took the process's address space up to its cap.

    Why: an allocation refused under the cap does not always surface as an out-of-memory
    error. PyMuPDF's extension then returns without a Python exception, and the reader sees
    "SystemError: error return without exception set" (measured on a PDF whose drawing
    inflates to millions of segments: ``VmPeak`` equal to the cap at that moment, and the
    same file read without the cap runs on). A file is held to have met the cap when its
    reading raised the process's peak (``VmPeak``) to within half the per-file budget
    (``memory_mb``) of the cap: no report comes near that, and a peak set by an earlier
    file does not count, since this file must have raised it.
    """
    if peak_before is None:
        return False
    peak = address_space("VmPeak")
    return peak > peak_before and peak >= resource.getrlimit(resource.RLIMIT_AS)[0] - limits.memory_mb * MB // 2


def _memory_limit(limits: Limits) -> str:
    """The memory limit this process reads under, as a reason can name it: the per-file cap
    (a worker's, or ``xxgk parse``'s) when one is set, else the machine's own memory."""
    if _capped(limits):
        return f"{limits.describe('memory_mb')} per worker process or xxgk parse"
    return "no per-file memory cap in this process (the machine's memory ran out)"


def parse_file(path: Path, sha256: str | None = None, limits: Limits | None = None) -> dict:
    """Read and parse one file; bad input becomes an 'unreadable' record, never an exception.

    ``limits`` (None: ``Limits.from_env()``) are the per-file limits the readers enforce.
    """
    from pipeline.readers import detect_format, read, sha256_file

    path = Path(path)
    limits = Limits.from_env() if limits is None else limits
    regular = path.is_file()  # False for a named pipe, whose reading would block forever
    try:
        # Not regular (missing, a folder, a pipe): no content, so no hash and no report id;
        # read() below says what the path is.
        digest = sha256 or (sha256_file(path) if regular else None)
    except OSError as exc:  # no read permission, an I/O error: a record saying so, not a traceback
        return unreadable_record(str(path), None, "unknown", "unreadable",
                                 f"{path}: cannot be read ({exc.strerror or exc})")
    peak = address_space("VmPeak") if _capped(limits) else None  # to tell an allocation the cap refused
    try:
        doc = read(path, digest, limits)
    except UnreadableFile as exc:
        fmt = detect_format(path) if regular and path.stat().st_size else "unknown"
        return unreadable_record(str(path), digest, fmt, "unreadable", str(exc))
    except Exception as exc:  # a reader bug must not stop the run: the file is quarantined
        if _out_of_memory(exc) or _met_the_cap(peak, limits):  # the worker's memory limit (or the machine's)
            said = str(exc).strip().splitlines()
            return unreadable_record(str(path), digest, "unknown", "out_of_memory",
                                     f"{path}: ran out of memory reading it ({said[-1] if said else type(exc).__name__}); "
                                     f"{_memory_limit(limits)}")
        return unreadable_record(str(path), digest, "unknown", "reader_error", f"{path}: {type(exc).__name__}: {exc}")
    rec = parse_document(doc)
    if regular:
        rec["source"]["size"] = path.stat().st_size
    return rec
