"""Bad input never stops or hangs a run: every kind is quarantined with a reason, the good files still parse.

Each bad kind of ``pipeline.samples.bad_files`` goes through ``parse_many`` in one batch
with good generated reports, and must come back with the expected status and a reason that
names the file and the cause. A file that hangs the reader is stopped by a short timeout
while the others complete; a worker that dies is replaced; a decompression bomb the pixel
limit lets through is stopped by the memory cap. Fast: no Dagster.
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.ingest.isolate import IN_FLIGHT_PER_WORKER, ParseTask, parse_many
from pipeline.ingest.limits import Limits
from pipeline.parsing import parse_file
from pipeline.readers import sha256_file
from pipeline.samples.bad_files import write_bad_files
from pipeline.samples.generate import random_record
from pipeline.samples.render_html import report_spec
from pipeline.samples.render_pdf import render_report_pdf
from pipeline.samples.render_text import render_text

FIELDS = ("article20", "requests", "review_litigation", "template", "year", "agency", "published_on")

EXPECTED: dict[str, tuple[str, str]] = {
    # kind: (status, what the reason says after "<path>: ")
    "empty": ("unreadable", "empty file (0 bytes)"),
    "truncated_pdf": ("unreadable", "broken PDF, damaged and no text could be recovered"),
    "encrypted_pdf": ("unreadable", "encrypted PDF, a password is required"),
    "random_bytes": ("unreadable", "not a document this pipeline reads (content is not PDF, Word, web page, "
                                   "image or text; named .pdf)"),
    "too_many_pages": ("unreadable", "400 pages, more than the limit of 150 pages (XXGK_MAX_PAGES)"),
    "too_large": ("unreadable", "101 MB, more than the limit of 100 MB (XXGK_MAX_BYTES)"),
    "image_bomb": ("unreadable", "image of 20000 × 20000 pixels, 400 megapixels, more than the limit of "
                                 "80 megapixels (XXGK_MAX_IMAGE_PIXELS); not decoded"),
    "scan_bomb": ("unreadable", "page 1 has an image of 20000 × 20000 pixels, 400 megapixels, more than the "
                                "limit of 80 megapixels (XXGK_MAX_IMAGE_PIXELS); not decoded"),
    "zip_bomb": ("unreadable", "unpacks to 102 MB, more than the limit of 100 MB (XXGK_MAX_BYTES); a zip bomb?"),
    "news_page": ("not_a_report", "not a report: no report title, section headings or preface (reads as news about a "
                                  "report)"),
    "undecodable_text": ("unreadable", "cannot decode the text: not UTF-8, GB18030 or any encoding"),
    "blank_image": ("unreadable", "image with no text (OCR found none on 1 page(s))"),
}


def _good_reports(folder: Path) -> dict[str, dict]:
    """Two generated reports (text and PDF) and their truth, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    text_rec = random_record(random.Random(11), blank_rate=0.1)
    (folder / "good_report.txt").write_text(render_text(text_rec, "tab", 11), encoding="utf-8")
    pdf_rec = random_record(random.Random(12), blank_rate=0.1)
    render_report_pdf(report_spec(pdf_rec), folder / "good_report.pdf")
    return {"good_report.txt": text_rec, "good_report.pdf": pdf_rec}


def _tasks(folder: Path, names) -> list[ParseTask]:
    return [ParseTask(sha256_file(folder / n) if (folder / n).is_file() else "0" * 64, str(folder / n), None)
            for n in names]


def _error(record: dict) -> dict:
    errors = [i for i in record["issues"] if i["severity"] == "error"]
    assert len(errors) == 1, record["issues"]
    return errors[0]


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    """Every bad kind plus two good reports, parsed by ``parse_many`` in one batch."""
    folder = tmp_path_factory.mktemp("batch")
    kinds = write_bad_files(folder)
    truth = _good_reports(folder)
    start = time.monotonic()
    done: list[str] = []
    results = {Path(task.path).name: record for task, record in
               parse_many(_tasks(folder, [*kinds, *truth]), Limits(), workers=2,
                          on_done=lambda task, record: done.append(task.path))}
    return {"folder": folder, "kinds": kinds, "truth": truth, "results": results, "done": done,
            "seconds": time.monotonic() - start}


def test_the_generator_writes_every_kind(batch: dict) -> None:
    assert sorted(batch["kinds"].values()) == sorted(EXPECTED)
    assert (batch["folder"] / "oversized.pdf").stat().st_blocks * 512 < 1 << 20  # sparse: no disk used


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_bad_kind_is_quarantined_with_a_reason_naming_file_and_cause(batch: dict, kind: str) -> None:
    name = next(n for n, k in batch["kinds"].items() if k == kind)
    path = batch["folder"] / name
    record = batch["results"][name]
    status, reason = EXPECTED[kind]
    assert record["status"] == status
    assert _error(record)["detail"].startswith(f"{path}: {reason}")
    assert json.loads(json.dumps(record)) == record  # plain JSON, as pickled back from a worker


def test_good_reports_in_the_same_batch_parse_exactly(batch: dict) -> None:
    for name, truth in batch["truth"].items():
        record = batch["results"][name]
        assert record["status"] == "ok", record["issues"]
        for field in FIELDS:
            assert record[field] == truth[field], (name, field)


def test_every_task_is_yielded_once_and_reported_to_on_done(batch: dict) -> None:
    names = [*batch["kinds"], *batch["truth"]]
    assert sorted(batch["results"]) == sorted(names)
    assert sorted(batch["done"]) == sorted(str(batch["folder"] / n) for n in names)
    assert batch["seconds"] < 30


def test_hanging_files_are_stopped_by_the_timeout_while_the_others_complete(tmp_path: Path) -> None:
    kinds = write_bad_files(tmp_path, hanging=True)
    truth = _good_reports(tmp_path)
    slow = [n for n, k in kinds.items() if k in ("hanging_pdf", "vector_bomb", "fifo")]
    tasks = _tasks(tmp_path, [slow[0], *truth, *slow[1:]])
    start = time.monotonic()
    results = {Path(t.path).name: r for t, r in parse_many(tasks, Limits(timeout_seconds=3), workers=2)}
    elapsed = time.monotonic() - start
    for name in ("hanging.pdf", "vector_bomb.pdf"):  # hours and gigabytes, each, when let run
        error = _error(results[name])
        assert results[name]["status"] == "unreadable" and error["code"] == "timeout"
        assert error["detail"] == f"{tmp_path / name}: stopped after 3 s (per-file timeout, XXGK_TIMEOUT_SECONDS)"
    assert _error(results["pipe.txt"])["detail"] == f"{tmp_path / 'pipe.txt'}: not a regular file but a named pipe (FIFO); not read"
    for name in truth:
        assert results[name]["status"] == "ok"
    assert elapsed < 12  # two 3 s timeouts side by side, plus the good files


def _crash_on_request(path: Path, sha256: str | None = None, limits: Limits | None = None) -> dict:
    """A parse function whose worker dies of a segfault on files named crash*: as a C library would."""
    if path.name.startswith("crash"):
        faulthandler.disable()  # pytest's, inherited by the worker: no traceback dump for a planned crash
        os.kill(os.getpid(), signal.SIGSEGV)
    return parse_file(path, sha256, limits)


def test_a_worker_that_dies_is_quarantined_and_the_pool_recovers(tmp_path: Path) -> None:
    truth = _good_reports(tmp_path)
    for k in range(3):
        (tmp_path / f"crash{k}.txt").write_text("会议纪要", encoding="utf-8")
    names = ["crash0.txt", *truth, "crash1.txt", *truth, "crash2.txt", *truth]
    results = list(parse_many(_tasks(tmp_path, names), Limits(), workers=2, max_tasks=2, parse_fn=_crash_on_request))
    assert len(results) == len(names)
    for task, record in results:
        name = Path(task.path).name
        if name.startswith("crash"):
            error = _error(record)
            assert record["status"] == "unreadable" and error["code"] == "worker_died"
            assert error["detail"] == (f"{task.path}: worker process died reading it (signal 11, SIGSEGV): a crash "
                                       "in a C library, or over the limit of 1024 MB (XXGK_MEMORY_MB)?")
        else:
            assert record["status"] == "ok"


def test_the_memory_cap_stops_a_bomb_the_pixel_limit_lets_through(tmp_path: Path) -> None:
    kinds = write_bad_files(tmp_path)
    truth = _good_reports(tmp_path)
    # Pixel limit off: the 400-megapixel PNG is decoded, in a worker that may map 64 MB more.
    limits = Limits(max_image_pixels=0, memory_mb=64)
    tasks = _tasks(tmp_path, ["bomb.png", *truth, "bomb.png"])
    results = list(parse_many(tasks, limits, workers=1))
    for task, record in results:
        if task.path.endswith("bomb.png"):
            error = _error(record)
            assert record["status"] == "unreadable" and error["code"] == "out_of_memory"
            assert error["detail"].startswith(f"{task.path}: ran out of memory reading it")
            assert error["detail"].endswith("the limit of 64 MB (XXGK_MEMORY_MB) per worker process or xxgk parse")
        else:
            assert record["status"] == "ok"  # the same worker goes on
    assert kinds["bomb.png"] == "image_bomb"


def test_limits_come_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    assert Limits.from_env({}) == Limits()
    assert Limits() == Limits(max_bytes=100 << 20, max_pages=150, timeout_seconds=300, memory_mb=1024,
                              max_image_pixels=80_000_000, ocr_max_pages=30)
    env = {"XXGK_MAX_BYTES": "2MB", "XXGK_MAX_PAGES": "500", "XXGK_TIMEOUT_SECONDS": "2.5",
           "XXGK_MEMORY_MB": "512", "XXGK_MAX_IMAGE_PIXELS": "0", "XXGK_OCR_MAX_PAGES": "3"}
    assert Limits.from_env(env) == Limits(max_bytes=2 << 20, max_pages=500, timeout_seconds=2.5, memory_mb=512,
                                          max_image_pixels=0, ocr_max_pages=3)
    for var, bad in (("XXGK_MAX_PAGES", "many"), ("XXGK_MAX_BYTES", "big"), ("XXGK_TIMEOUT_SECONDS", "-1")):
        with pytest.raises(ValueError, match=var):
            Limits.from_env({var: bad})

    write_bad_files(tmp_path)
    yearbook = tmp_path / "yearbook_400_pages.pdf"
    assert "more than the limit of 150 pages" in _error(parse_file(yearbook))["detail"]
    monkeypatch.setenv("XXGK_MAX_PAGES", "500")  # read now (and found to be no report)
    assert parse_file(yearbook)["status"] == "not_a_report"
    monkeypatch.setenv("XXGK_MAX_BYTES", "10KB")  # parse_many without limits reads the environment too
    [(_, record)] = parse_many(_tasks(tmp_path, ["encrypted.pdf"]), workers=1)
    assert _error(record)["detail"] == f"{tmp_path / 'encrypted.pdf'}: 44.5 KB, more than the limit of 10 KB (XXGK_MAX_BYTES)"


def test_tasks_are_taken_lazily_and_few_are_in_flight(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(render_text(random_record(random.Random(3)), "flat", 3), encoding="utf-8")
    pulled = 0

    def tasks():
        nonlocal pulled
        for _ in range(60):
            pulled += 1
            yield ParseTask("0" * 64, str(tmp_path / "r.txt"), "txt")

    seen = 0
    for _, record in parse_many(tasks(), Limits(), workers=2):
        seen += 1
        assert record["status"] == "ok"
        assert pulled - seen < IN_FLIGHT_PER_WORKER * 2
    assert seen == pulled == 60

    stream = parse_many(tasks(), Limits(), workers=2)  # a caller that stops early stops the pool
    next(stream)
    stream.close()


def test_in_process_mode_gives_the_same_records(batch: dict) -> None:
    cheap = [n for n, k in batch["kinds"].items() if k != "blank_image"] + list(batch["truth"])
    for task, record in parse_many(_tasks(batch["folder"], cheap), Limits(), workers=0):
        assert record == batch["results"][Path(task.path).name]


def test_importing_the_pool_module_stays_light() -> None:
    code = ("import sys, pipeline.ingest.isolate; "
            "print(sorted(m for m in ('dagster', 'polars', 'pymupdf', 'pymupdf.layout', 'cv2') "
            "if sys.modules.get(m) is not None))")  # None: marked absent (pipeline.offline), not loaded
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_encoded_records_carry_the_whole_record_as_json(tmp_path: Path) -> None:
    """The reader worker encodes the record; the staging line is exactly parse_file's record, its
    cell_methods staged as runs (pipeline.ledger.cell_runs, tests/test_cell_runs.py)."""
    from pipeline.ingest.encoded import JSON_KEY, parse_encoded
    from pipeline.ledger.cell_runs import restored
    from pipeline.ledger.staging import Staging
    from pipeline.parsing import parse_file

    seed = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))[0]
    summary = parse_encoded(seed, sha256="ab" * 32)
    full = parse_file(seed, sha256="ab" * 32)
    assert summary["status"] == full["status"] == "ok" and summary["report_id"] == full["report_id"]
    assert restored(json.loads(summary[JSON_KEY])) == json.loads(json.dumps(full, ensure_ascii=False, default=str))
    staging = Staging(tmp_path / "staging")
    with staging.record_writer() as writer:
        writer.add(summary)
        writer.add({"status": "unreadable", "report_id": None, "source": {"path": "x"}, "issues": []})
    (chunk,) = staging.record_chunks()
    lines = Staging.read_records(chunk)
    assert lines[0] == json.loads(summary[JSON_KEY]) and JSON_KEY not in lines[0]
    assert lines[1]["status"] == "unreadable"


def _ocr_threads(path: Path, sha256: str | None = None, limits: Limits | None = None) -> dict:
    """A parse function that reports the OCR threads its worker was given."""
    from pipeline.readers import ocr_recognise

    return {"threads": ocr_recognise._threads, "pid": os.getpid()}


def test_pool_workers_share_the_cores_for_ocr(tmp_path: Path) -> None:
    """Each of W workers runs OCR on cores / W threads: W workers already keep every core busy."""
    (tmp_path / "a.txt").write_text("会议纪要", encoding="utf-8")
    results = list(parse_many(_tasks(tmp_path, ["a.txt"] * 4), Limits(), workers=2, parse_fn=_ocr_threads))
    assert {record["threads"] for _, record in results} == {max(1, (os.cpu_count() or 1) // 2)}
    assert all(record["pid"] != os.getpid() for _, record in results)
