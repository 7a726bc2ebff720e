"""Walking the raw folder: shared by the manifest scan and ``raw_files_sensor``.

Both must agree on which files count, or the sensor would fire for files the pipeline then
ignores (or miss files it reads). No Dagster import here: it is plain file-system code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HIDDEN_PREFIXES = (".", "~$")
"""Dot files (``.DS_Store``, editor swap files, ``.gitkeep``) and Office lock files (``~$x.docx``)."""


def is_hidden(rel: Path) -> bool:
    """True when any component of ``rel`` (a path relative to the raw dir) is hidden."""
    return any(part.startswith(HIDDEN_PREFIXES) for part in rel.parts)


def iter_raw_files(raw_dir: Path) -> list[Path]:
    """Every regular, non-hidden file under ``raw_dir`` (recursively), sorted by path.

    Sorting makes the manifest, the duplicate choice and the fingerprint deterministic.
    A missing raw dir yields no files rather than an error: an empty run is not a crash.
    """
    if not raw_dir.is_dir():
        return []
    out = []
    for p in raw_dir.rglob("*"):
        if is_hidden(p.relative_to(raw_dir)):
            continue
        try:
            if p.is_file():
                out.append(p)
        except OSError:  # a broken symlink or a file we may not stat: not ours to read
            continue
    return sorted(out)


def fingerprint(raw_dir: Path, extra: tuple[Path, ...] = ()) -> str:
    """A hash of (path, size, mtime) of every raw file: changes whenever a file is added,
    removed, replaced or touched, without reading any file's content (cheap every 30 s).

    ``extra`` files (the analysts' alias file) count too: editing one changes the warehouse
    without any raw file changing, so it must start a run as well.
    """
    h = hashlib.sha256()
    for p in extra:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"extra:{p}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    for p in iter_raw_files(raw_dir):
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(raw_dir).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
