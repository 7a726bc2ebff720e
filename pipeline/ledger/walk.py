"""Walking the raw folder: shared by the manifest scan and ``raw_files_sensor``.

Both must agree on which files count, or the sensor would fire for files the pipeline then
ignores (or miss files it reads). No Dagster import here: it is plain file-system code.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.ledger.paths import printable

HIDDEN_PREFIXES = (".", "~$")
"""Dot files (``.DS_Store``, editor swap files, ``.gitkeep``) and Office lock files (``~$x.docx``)."""


def is_hidden(rel: Path) -> bool:
    """True when any component of ``rel`` (a path relative to the raw dir) is hidden."""
    return any(part.startswith(HIDDEN_PREFIXES) for part in rel.parts)


@dataclass(frozen=True)
class Skipped:
    """An entry of the raw folder that is not read, with the reason the ingest log gives."""

    path: Path
    reason: str


def _special(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _classify(path: Path, root: str) -> Skipped | None:
    """None when ``path`` is a regular file to read; else why it is not read.

    A symbolic link is followed only when it resolves to a regular file inside the raw
    folder (then it is one more name for that file). A link leading out of the folder is not
    followed (only stat'ed, to tell a dangling link), so a planted link to ``/etc/shadow`` is
    never opened; a dangling link, or one to a device, pipe or folder, is reported.
    """
    try:
        st = path.lstat()
    except OSError as exc:
        return Skipped(path, f"cannot be read ({exc.strerror or exc})")
    if not stat.S_ISLNK(st.st_mode):
        kind = _special(st.st_mode)
        return None if kind is None else Skipped(path, f"{kind}, not a regular file; not read")
    target = printable(os.readlink(path))
    resolved = os.path.realpath(path)
    try:
        mode = os.stat(resolved).st_mode  # a stat, never an open: harmless wherever it points
    except OSError:
        return Skipped(path, f"a symbolic link to {target}, which does not exist (dangling link); not read")
    if not _inside(resolved, root):
        return Skipped(path, f"a symbolic link to {target}, outside the raw folder; not followed")
    kind = _special(mode)
    return None if kind is None else Skipped(path, f"a symbolic link to {target}, {kind}; not read")


def walk_raw(raw_dir: Path) -> tuple[list[Path], list[Skipped]]:
    """The regular, non-hidden files under ``raw_dir`` (recursively), and the entries skipped.

    Both sorted by path: that makes the manifest, the duplicate choice and the fingerprint
    deterministic. Folders reached through a symbolic link are not entered (the walk never
    leaves the raw folder, and a link loop cannot trap it). A missing raw dir yields nothing
    rather than an error: an empty run is not a crash (``raw_manifest`` refuses a missing dir).
    """
    if not raw_dir.is_dir():
        return [], []
    root = os.path.realpath(raw_dir)
    files: list[Path] = []
    skipped: list[Skipped] = []
    for folder, dirs, names in os.walk(raw_dir, followlinks=False):
        base = Path(folder)
        kept = []
        for d in dirs:
            sub = base / d
            if is_hidden(sub.relative_to(raw_dir)):
                continue
            if sub.is_symlink():
                found = _classify(sub, root)
                skipped.append(found or Skipped(sub, f"a symbolic link to {printable(os.readlink(sub))}; not followed"))
            else:
                kept.append(d)
        dirs[:] = kept
        for name in names:
            p = base / name
            if is_hidden(p.relative_to(raw_dir)):
                continue
            found = _classify(p, root)
            if found is None:
                files.append(p)
            else:
                skipped.append(found)
    return sorted(files), sorted(skipped, key=lambda s: s.path)


def iter_raw_files(raw_dir: Path) -> list[Path]:
    """Every regular, non-hidden file under ``raw_dir``, sorted by path (see ``walk_raw``)."""
    return walk_raw(raw_dir)[0]


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
        h.update(f"extra:{printable(str(p))}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    for p in iter_raw_files(raw_dir):
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{printable(p.relative_to(raw_dir).as_posix())}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
