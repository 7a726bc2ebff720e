"""The analyst's alias file: merges the naming rules cannot make safely.

``data/agencies/aliases.csv`` (XxgkConfig.aliases_file) is a UTF-8 CSV with the header
``alias,canonical,note``. Each line says that the agency written ``alias`` is the agency
written ``canonical``::

    alias,canonical,note
    新山族乡,米易县新山傈僳族乡人民政府,OCR slip in the 2023 scan
    米易县教育局,米易县教育和体育局,renamed in 2019: one body

Both cells are spellings, read with the same rules as a report's name (pipeline.agencies
.identity), so ``新山族乡``, ``新山族乡人民政府`` and ``米易县新山族乡`` name the same agency.
A spelling names the agency whose canonical key it gives exactly; failing that, the one
agency whose key narrows it (a bare town name matching one town of that name in the
corpus). An alias that names no agency in the corpus merges nothing (a warning); a
canonical that names none gives a new agency under that name (a rename). Lines starting
with ``#`` and blank lines are skipped; ``note`` is free text kept in ``agency_aliases``.

Any mistake fails the publish with every problem listed as ``file:line: …``, and the
warehouse stays as it was: an unknown or missing column, an empty cell, an alias naming
itself, an alias given two canonicals, lines that form a cycle, or a spelling matching
several agencies. Skipping a bad line instead would silently split or merge agencies and
change their ids from one night to the next; a run that stops says exactly what to fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.agencies.identity import Identity, identify, normalize_name

COLUMNS = ("alias", "canonical", "note")
REQUIRED = ("alias", "canonical")


class AliasFileError(ValueError):
    """The alias file cannot be applied; ``problems`` are ``file:line: message`` strings."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        listing = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"alias file {path} has {len(problems)} problem(s); fix it and run again "
            f"(the warehouse was not changed):\n{listing}"
        )


@dataclass(frozen=True)
class AliasLine:
    """One line of the file: ``alias`` is the agency written ``canonical``."""

    line: int
    alias: str
    canonical: str
    note: str | None = None

    def where(self, path: Path | str) -> str:
        return f"{path}:{self.line}"


@dataclass(frozen=True)
class AliasFile:
    path: str
    lines: tuple[AliasLine, ...] = ()
    warnings: tuple[str, ...] = ()


def load_aliases(path: Path | str | None) -> AliasFile:
    """Read and check the file's form (columns, cells, self-aliases, conflicting lines).

    ``None`` means no file is configured. A configured file that does not exist gives no
    aliases and a warning: a deployment without analysts need not create it.
    """
    if path is None:
        return AliasFile("")
    path = Path(path)
    if not path.exists():
        return AliasFile(str(path), (), (f"alias file {path} not found: no analyst aliases applied",))
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Excel writes, is fine
    except UnicodeDecodeError as err:
        raise AliasFileError(path, [f"{path}: not UTF-8 ({err}); save it as UTF-8 CSV"]) from err
    return parse_aliases(text, str(path))


def parse_aliases(text: str, path: str = "<aliases>") -> AliasFile:
    """The checks of ``load_aliases`` on the file's text (``path`` only names it in messages)."""
    problems: list[str] = []
    rows = [(n, row) for n, row in _rows(text) if row and any(c.strip() for c in row)]
    rows = [(n, row) for n, row in rows if not row[0].lstrip().startswith("#")]
    if not rows:
        return AliasFile(path)
    header_line, header = rows[0]
    names = [c.strip().lower() for c in header]
    unknown = [c for c in names if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    duplicated = sorted({c for c in names if names.count(c) > 1})
    if unknown or missing or duplicated:
        detail = "; ".join(
            part
            for part in (
                f"unknown column(s) {', '.join(map(repr, unknown))}" if unknown else "",
                f"missing column(s) {', '.join(missing)}" if missing else "",
                f"column(s) given twice: {', '.join(duplicated)}" if duplicated else "",
            )
            if part
        )
        raise AliasFileError(
            path, [f"{path}:{header_line}: {detail}; the header must be {','.join(COLUMNS)}"]
        )

    lines: list[AliasLine] = []
    for n, row in rows[1:]:
        if len(row) > len(names):
            problems.append(
                f"{path}:{n}: {len(row)} cells where the header has {len(names)} (a comma in a name? quote it)"
            )
            continue
        cells = dict(zip(names, (c.strip() for c in row), strict=False))
        alias, canonical = cells.get("alias") or "", cells.get("canonical") or ""
        if not alias or not canonical:
            problems.append(f"{path}:{n}: alias and canonical must both be given")
            continue
        if normalize_name(alias) == normalize_name(canonical):
            problems.append(f"{path}:{n}: alias {alias!r} names itself")
            continue
        lines.append(AliasLine(n, alias, canonical, cells.get("note") or None))

    seen: dict[str | None, AliasLine] = {}
    for line in lines:
        spelling = normalize_name(line.alias)
        first = seen.setdefault(spelling, line)
        if first is not line and normalize_name(first.canonical) != normalize_name(line.canonical):
            problems.append(
                f"{path}:{line.line}: alias {line.alias!r} is already given canonical "
                f"{first.canonical!r} on line {first.line}"
            )
    if problems:
        raise AliasFileError(path, problems)
    return AliasFile(path, tuple(lines))


def _rows(text: str) -> Iterable[tuple[int, list[str]]]:
    """CSV rows with the physical line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


# -- applying the file to the corpus ----------------------------------------------------------


@dataclass
class Resolution:
    """What the file does to the corpus's agencies, by canonical key."""

    merge: dict[str, str] = field(default_factory=dict)
    """Derived key → the key its reports take (chains followed to the end)."""
    line_of: dict[str, AliasLine] = field(default_factory=dict)
    """Derived key → the line that moved it."""
    new: dict[str, Identity] = field(default_factory=dict)
    """Keys that only a canonical names (a rename): their identity and spelling."""
    warnings: list[str] = field(default_factory=list)


def _within(ref: Identity, other: Identity) -> bool:
    """Whether ``other`` is an agency ``ref`` may name: same body, inside ref's division.

    A town or street written with only its city may be any town of that name in the city;
    a government or department written with a division is that division's own.
    """
    if ref.body != other.body:
        return False
    if ref.division is None:
        return True
    if other.division is None:
        return False
    if ref.division == other.division:
        return True
    return ref.level in ("town", "street") and ref.division.contains(other.division)


def _named(ref: Identity, agencies: Mapping[str, Identity]) -> list[Identity]:
    """The agencies a spelling names: its exact key, else every key it narrows to."""
    if ref.key in agencies:
        return [agencies[ref.key]]
    return [a for key, a in sorted(agencies.items()) if _within(ref, a)]


def _show(identities: list[Identity]) -> str:
    return ", ".join(f"{i.key} ({i.normalized})" for i in identities)


def resolve(aliases: AliasFile, agencies: Mapping[str, Identity]) -> Resolution:
    """Turn the file's lines into merges between the corpus's derived agencies (by key).

    Raises AliasFileError for a spelling naming several agencies, two lines moving one agency
    to different places, and cycles; the other outcomes are warnings (see the module docstring).
    """
    out = Resolution(warnings=list(aliases.warnings))
    problems: list[str] = []
    path = aliases.path
    known = {k: v for k, v in agencies.items() if not k.startswith("unknown:")}
    targets: dict[int, str] = {}
    for line in aliases.lines:
        canonical = identify(line.canonical)
        named = _named(canonical, known)
        if len(named) > 1:
            problems.append(
                f"{line.where(path)}: canonical {line.canonical!r} matches {len(named)} agencies: "
                f"{_show(named)}; write it with its county or city"
            )
            continue
        if named:
            targets[line.line] = named[0].key
        else:
            targets[line.line] = canonical.key
            out.new.setdefault(canonical.key, canonical)

    candidates = {**{k: v for k, v in out.new.items() if k not in known}, **known}
    edges: dict[str, tuple[str, AliasLine]] = {}
    for line in aliases.lines:
        if line.line not in targets:
            continue
        named = _named(identify(line.alias), candidates)
        if len(named) > 1:
            problems.append(
                f"{line.where(path)}: alias {line.alias!r} matches {len(named)} agencies: {_show(named)}; "
                f"write it with its county or city"
            )
            continue
        if not named:
            out.warnings.append(f"{line.where(path)}: alias {line.alias!r} matches no agency in the warehouse; "
                                f"nothing merged")  # fmt: skip
            continue
        source, target = named[0].key, targets[line.line]
        if source == target:
            out.warnings.append(
                f"{line.where(path)}: {line.alias!r} and {line.canonical!r} are already one agency ({target})"
            )
            continue
        if source in edges and edges[source][0] != target:
            other = edges[source][1]
            problems.append(
                f"{line.where(path)}: alias {line.alias!r} is agency {source}, which line {other.line} "
                f"already merges into {edges[source][0]}"
            )
            continue
        edges.setdefault(source, (target, line))

    for source in sorted(edges):
        path_keys = [source]
        key = edges[source][0]
        while key in edges and key not in path_keys:
            path_keys.append(key)
            key = edges[key][0]
        if key in path_keys:
            cycle = sorted({edges[k][1].line for k in path_keys[path_keys.index(key) :]})
            message = f"{path}:{cycle[0]}: lines {', '.join(map(str, cycle))} form a cycle; " \
                      f"merge into one canonical instead"  # fmt: skip
            if message not in problems:
                problems.append(message)
            continue
        out.merge[source] = key
        out.line_of[source] = edges[source][1]
    if problems:
        raise AliasFileError(path, problems)
    return out
