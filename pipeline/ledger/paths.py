"""File names that are not valid UTF-8: a printable form for the warehouse, the bytes for reading.

Linux file names are bytes. A zip made on a Chinese Windows and unpacked here leaves GBK
bytes in the name (``\\xc4\\xea\\xb6\\xc8.txt``); Python hands them over as lone surrogates
(PEP 383), which polars, DuckDB, JSON files and terminals all refuse. So every name the
pipeline *stores or prints* goes through ``printable`` (each undecodable byte as ``\\xNN``,
the way Python's ``backslashreplace`` writes it), while the name it *opens* is the original
one, rebuilt from the raw bytes kept beside it (``raw_files.path_bytes``). A valid UTF-8
name is left exactly as it is, so nothing changes for the usual corpus.
"""

from __future__ import annotations

import os
from typing import Any


def printable(name: str) -> str:
    """``name`` with every undecodable byte (a lone surrogate) written as ``\\xNN``."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no file name produces: escape it as a code point
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def raw_bytes(name: str) -> bytes | None:
    """The name's bytes on disk when it is not valid UTF-8 (else None: the string says it all)."""
    return None if printable(name) == name else os.fsencode(name)


def os_name(path: str, path_bytes: bytes | None) -> str:
    """The name to open: from the raw bytes when the stored path is only a printable form."""
    return os.fsdecode(path_bytes) if path_bytes else path


def printable_record(value: Any) -> Any:
    """``value`` (a parsed record: dicts, lists, strings) with every string made printable.

    Readers and the parser write the path they were given into the record (its source, the
    reasons of its issues); a record read from an undecodable name must be stored under its
    printable one, or the staging file and the warehouse would refuse it.
    """
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_record(k): printable_record(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_record(v) for v in value]
    return value
