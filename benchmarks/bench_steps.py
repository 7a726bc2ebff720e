"""The steps after reading, one by one, on staged records: validate, publish, Parquet export.

Run: .venv/bin/python benchmarks/bench_steps.py N [--kind txt|pdf|html] [--steps validate,publish,parquet]

``xxgk run`` times its steps too (bench_scale prints them), but a whole run spends most of
its time reading files. This bench reads them once: it stages the records of the corpus
``bench_scale`` generates (``/tmp/xxgk-bench-<kind>-N/raw``, made with ``bench_scale.py N
--kind KIND`` first) as ``report_records`` would, caches them under
``/tmp/xxgk-bench-steps-<kind>-N``, and then times, in this one process:

- ``validated_frames``' work (pipeline.validation.staged.validate_staged) on a fresh copy
  of the staged records, with the peak RSS growth of the step;
- ``warehouse``'s publish (a full build from the staged frames);
- ``warehouse_parquet``'s export of every table and view, and each relation's share.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("pymupdf.layout", None)


def stage_records(kind: str, n: int) -> Path:
    """The corpus's records as staged chunks (cached): what ``report_records`` leaves."""
    from pipeline.ingest.encoded import parse_encoded
    from pipeline.ingest.isolate import ParseTask, parse_many
    from pipeline.ledger.staging import Staging
    from pipeline.readers import sha256_file

    root = Path(tempfile.gettempdir()) / f"xxgk-bench-steps-{kind}-{n}"
    done = root / ".complete"
    if done.exists():
        return root / "records"
    raw = Path(tempfile.gettempdir()) / f"xxgk-bench-{kind}-{n}" / "raw"
    files = sorted(raw.rglob("r*.*"))
    if not files:
        raise SystemExit(f"no corpus in {raw}: run benchmarks/bench_scale.py {n} --kind {kind} first")
    tasks = [ParseTask(sha256=sha256_file(p), path=str(p), format=kind) for p in files]
    t0 = time.perf_counter()
    with Staging(root).record_writer() as writer:
        for _, record in parse_many(tasks, workers=2, parse_fn=parse_encoded):
            writer.add(record)
    print(f"staged {len(tasks)} records in {time.perf_counter() - t0:.1f} s")
    done.touch()
    return root / "records"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--kind", default="txt")
    ap.add_argument("--steps", default="validate,publish,parquet")
    args = ap.parse_args()
    steps = set(args.steps.split(","))
    records = stage_records(args.kind, args.n)

    import duckdb

    from pipeline.export.relations import list_relations
    from pipeline.ledger.staging import Staging
    from pipeline.validation.frames import FRAME_SCHEMAS
    from pipeline.validation.staged import validate_staged
    from pipeline.warehouse.parquet_export import export_parquet
    from pipeline.warehouse.publish import Delta, publish

    with tempfile.TemporaryDirectory(prefix="xxgk-bench-steps-") as tmp:
        tmp_path = Path(tmp)
        staging = Staging(tmp_path / "staging")
        shutil.copytree(records, staging.root / "records")
        import pipeline.validation.schemas  # noqa: F401  (pandera's import is not the step's work)

        before = _peak_mb()
        t0 = time.perf_counter()
        found = validate_staged(staging)
        seconds = time.perf_counter() - t0
        print(f"validate  {seconds:6.2f} s  ({seconds / args.n * 1000:.3f} ms/report; "
              f"peak RSS {before:.0f} → {_peak_mb():.0f} MB; quarantined {len(found.quarantined)}; "
              f"rows {sum(found.rows.values())})")  # fmt: skip

        warehouse = tmp_path / "wh" / "xxgk.duckdb"
        if steps & {"publish", "parquet"}:
            t0 = time.perf_counter()
            delta = Delta(
                frames={name: staging.frame_parts(name) for name in FRAME_SCHEMAS if name != "agencies"},
                run_id="bench",
                full=True,
            )
            publish(delta, warehouse)
            print(f"publish   {time.perf_counter() - t0:6.2f} s")
        if "parquet" in steps:
            t0 = time.perf_counter()
            counts = export_parquet(warehouse, tmp_path / "parquet")
            total = time.perf_counter() - t0
            print(f"parquet   {total:6.2f} s  ({len(counts)} relations, {sum(counts.values())} rows)")
            con = duckdb.connect(str(warehouse), read_only=True)
            per = []
            for name in (r.name for r in list_relations(con)):
                t0 = time.perf_counter()
                con.execute(f'COPY (SELECT * FROM "{name}") TO \'{tmp_path}/one.parquet\' (FORMAT parquet)')
                per.append((time.perf_counter() - t0, name, counts.get(name, 0)))
            con.close()
            print("  slowest relations (one COPY each):")
            for s, name, n in sorted(per, reverse=True)[:8]:
                print(f"    {name:28} {s:6.2f} s  {n:9} rows")


if __name__ == "__main__":
    main()
