"""Nightly-run costs on a generated corpus: first run, no-change run, a run after touching 1%.

Run: .venv/bin/python benchmarks/bench_ingest.py [N] [--workers W]

Generates N text reports with the test generator (pipeline.samples), then times three real
``xxgk run`` processes (process start and Dagster included, as the nightly job pays them):
the first run reads every file, the second finds nothing changed and must read no file, the
third follows ``touch`` on 1% of the files (hashed again, not parsed) and a content change
on 0.1% (parsed). Prints wall seconds, files hashed/parsed and the peak RSS of each run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.samples.generate import random_record  # noqa: E402
from pipeline.samples.render_text import render_text  # noqa: E402


def write_corpus(raw: Path, n: int) -> list[Path]:
    rng = random.Random(20261123)
    paths = []
    for i in range(n):
        folder = raw / f"{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"report_{i:06d}.txt"
        path.write_text(render_text(random_record(rng), "flat", i), encoding="utf-8")
        paths.append(path)
    return paths


def xxgk_run(raw: Path, warehouse: Path, workers: int) -> tuple[float, str, float]:
    """(wall seconds, output, peak RSS MB of the run's processes) of one ``xxgk run``."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--raw", str(raw), "--warehouse", str(warehouse),
         "--no-progress", "--workers", str(workers)],
        cwd=ROOT, capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"xxgk run failed:\n{done.stdout}\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, done.stdout, peak


def count(output: str, label: str) -> int:
    m = re.search(rf"│\s*{re.escape(label)}\s*│\s*(\d+)", output)
    return int(m.group(1)) if m else -1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        raw, warehouse = Path(tmp) / "raw", Path(tmp) / "wh" / "xxgk.duckdb"
        t0 = time.perf_counter()
        paths = write_corpus(raw, args.n)
        print(f"generated {len(paths)} text reports in {time.perf_counter() - t0:.1f} s")
        print(f"{'run':28} {'wall s':>8} {'loaded':>7} {'unchanged':>9} {'peak MB':>8}")
        for name in ("first (reads everything)", "no change"):
            s, out, peak = xxgk_run(raw, warehouse, args.workers)
            print(f"{name:28} {s:8.2f} {count(out, 'loaded (read now)'):7} "
                  f"{count(out, 'unchanged (not re-read)'):9} {peak:8.0f}")  # fmt: skip
        rng = random.Random(1)
        for p in rng.sample(paths, max(1, len(paths) // 100)):
            os.utime(p, None)
        for p in rng.sample(paths, max(1, len(paths) // 1000)):
            p.write_text(p.read_text(encoding="utf-8") + "\n附件：无\n", encoding="utf-8")
        s, out, peak = xxgk_run(raw, warehouse, args.workers)
        print(f"{'1% touched, 0.1% changed':28} {s:8.2f} {count(out, 'loaded (read now)'):7} "
              f"{count(out, 'unchanged (not re-read)'):9} {peak:8.0f}")  # fmt: skip
        size = warehouse.stat().st_size / 1e6
        print(f"warehouse {size:.1f} MB for {args.n} reports")


if __name__ == "__main__":
    main()
