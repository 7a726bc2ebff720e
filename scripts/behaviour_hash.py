"""Fingerprint what the reader and parser make of a set of files, to prove a change kept it.

Why: a speed change to a reader or the parser must not change one cell, one page line or one
metadata field. This reads and parses every file in-process (no Dagster, no warehouse) and
hashes, per file, the Document's page texts and table grids and the parsed record. Save the
fingerprints before the change, compare after it: the files whose output moved are listed.

Usage:
  python scripts/behaviour_hash.py --save before.json PATH_OR_GLOB...
  python scripts/behaviour_hash.py --compare before.json PATH_OR_GLOB...

A folder stands for every file in it (not recursive). With no paths: data/raw/ and the real
files of ../shared/realworld/raw/ when present. Exit status 1 when --compare finds a
difference or a file missing from either side.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the pipeline of this checkout, installed or not
DEFAULT_SETS = [ROOT / "data" / "raw", ROOT.parent / "shared" / "realworld" / "raw"]


def files_of(specs: list[str]) -> list[Path]:
    """The files named by ``specs`` (paths, folders, globs), sorted and without repeats."""
    found: set[Path] = set()
    for spec in specs or [str(p) for p in DEFAULT_SETS if p.is_dir()]:
        path = Path(spec)
        if path.is_dir():
            found.update(p for p in path.iterdir() if p.is_file())
        else:
            found.update(Path(p) for p in glob.glob(spec) if Path(p).is_file())
    return sorted(found)


def fingerprint(path: Path) -> str:
    """sha1 of the Document's pages and tables and of the parsed record (or of the error raised)."""
    from pipeline.parsing.parser import parse_document
    from pipeline.readers import read

    try:
        doc = read(path, "0" * 64)
        pages = json.dumps([[p.number, p.text] for p in doc.pages], ensure_ascii=False)
        tables = json.dumps([repr(t) for t in doc.tables], ensure_ascii=False)
        record = json.dumps(parse_document(doc), sort_keys=True, ensure_ascii=False, default=str)
        text = f"{pages}\n{tables}\n{record}"
    except Exception as exc:  # noqa: BLE001 - a refusal is behaviour too: its message is fingerprinted
        text = f"error {type(exc).__name__}: {exc}"
    return hashlib.sha1(text.encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help="files, folders or globs (default: data/raw and the real files)")
    side = ap.add_mutually_exclusive_group(required=True)
    side.add_argument("--save", type=Path, help="write the fingerprints here")
    side.add_argument("--compare", type=Path, help="compare with fingerprints saved before")
    opts = ap.parse_args(argv)
    prints = {str(p): fingerprint(p) for p in files_of(opts.paths)}
    overall = hashlib.sha1(json.dumps(prints, sort_keys=True).encode()).hexdigest()
    print(f"{len(prints)} files, fingerprint {overall}")
    if opts.save:
        opts.save.write_text(json.dumps(prints, indent=0, sort_keys=True), encoding="utf-8")
        return 0
    before = json.loads(opts.compare.read_text(encoding="utf-8"))
    moved = sorted(k for k in prints.keys() & before.keys() if prints[k] != before[k])
    only = sorted(prints.keys() ^ before.keys())
    for name in moved:
        print(f"changed: {name}")
    for name in only:
        print(f"{'new' if name in prints else 'gone'}: {name}")
    print(f"{len(moved)} changed, {len(only)} on one side only")
    return 1 if moved or only else 0


if __name__ == "__main__":
    sys.exit(main())
