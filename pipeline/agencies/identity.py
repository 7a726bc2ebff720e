"""One identity per issuing body, however its name is written: the canonical key.

Year-over-year views join a report to the same agency's report of the year before, so the
agency must be recognised whether its report is signed 米易县丙谷镇人民政府, 丙谷镇,
攀枝花市米易县丙谷镇 or 丙谷镇政府, in traditional script or with odd spacing. The key is
built from the name and the report's region only (never from a file, a run or arrival
order), so every run gives every report the same agency:

1. *Spelling*: NFKC (full-width forms), whitespace and decoration (·, quotes, 《》)
   removed, traditional characters simplified — except characters that simplified place
   names use themselves (乾县 stays 乾县, not 干县).
2. *Locating prefix*: division names opening the name (四川省攀枝花市米易县…) are read off
   with the gazetteer (pipeline.agencies.regions); they locate the body, they are not its name.
3. *Body*: what is left, with its suffix normalized — a town is ``X镇``/``X乡``/``X苏木``
   (人民政府/政府 dropped), a street is ``X街道`` (街道办事处/街道办 dropped), a government is
   ``人民政府`` (政府 alone too), a leading 人民政府 inside a department's name becomes 政府
   (人民政府办公室 = 政府办公室).
4. *Qualification*: the body is qualified by the narrowest division known — from the name's
   own prefix, else from the report's region. A town written with only its city is placed
   in the region's county when that county lies in the city. So 丙谷镇 of 米易县 and a 丙谷镇
   elsewhere differ, and so do 米易县教育局 and 攀枝花市教育局.

The key reads ``<adcode>:<body>`` (``510421:丙谷镇``, ``510421:人民政府``, ``510400:教育局``),
``:<body>`` when no division is known, and ``unknown:<sha256>`` for a report whose agency
could not be read (its own agency: nameless reports must not merge). agency_id is the
first 12 hex digits of its sha1.

Near-misses (an OCR slip dropping a character: 新山族乡 for 新山傈僳族乡) are *not* merged
here: no rule tells a slip from a different body safely. The analyst file does it
(pipeline.agencies.aliases).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pipeline.agencies.regions import Division, gazetteer, resolve_region, strip_divisions
from pipeline.agencies.towns import town_characters

LEVELS = ("town", "street", "county", "city", "province", "department", "unknown")

_DECORATION = re.compile(r"[\s·•・“”\"'《》]+")
_GOVERNMENT = frozenset({"", "人民政府", "政府"})
_STREET = re.compile(r"(.+街道)(?:办事处|办)?")
_TOWN = re.compile(r"(.+?(?:镇|乡|苏木))(?:人民政府|政府)?")
_DEPARTMENT_SUFFIXES = (
    "局", "委员会", "委", "会", "办公室", "办", "厅", "部", "署", "中心", "处", "站", "所", "队", "院", "室",
)  # fmt: skip


@cache
def _t2s_char(ch: str) -> str:
    """One character simplified, unless simplified place names use it as it is."""
    if ch.isascii():
        return ch
    simple = _opencc_t2s().convert(ch)
    if simple == ch or ch in gazetteer().characters or ch in town_characters():
        return ch  # town names too: 垌塚镇 is spelled with 塚, which t2s would make 冢
    return simple


@cache
def _opencc_t2s():  # -> opencc.OpenCC (imported lazily: most runs meet no traditional script)
    import opencc

    return opencc.OpenCC("t2s")


def normalize_name(name: object) -> str | None:
    """The spelling identity starts from: NFKC, no whitespace or decoration, simplified script.

    "米易县 丙谷镇人民政府", "米易縣丙谷鎮人民政府" and "米易县丙谷镇人民政府" give one string.
    """
    if name is None:
        return None
    text = _DECORATION.sub("", unicodedata.normalize("NFKC", str(name)))
    text = "".join(_t2s_char(ch) for ch in text)
    return text or None


@dataclass(frozen=True)
class Identity:
    """What the rules make of one spelling in one region (see the module docstring)."""

    key: str
    normalized: str | None
    body: str
    level: str
    division: Division | None
    """The division qualifying the body (and locating the agency); None when unknown."""

    @property
    def agency_id(self) -> str:
        return key_to_id(self.key)

    @property
    def town(self) -> str | None:
        return self.body if self.level in ("town", "street") else None


def key_to_id(key: str) -> str:
    """First 12 hex of sha1(key): short enough to read, stable because the key is."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _body(rest: str) -> tuple[str, str]:
    """(body, kind) of a name with its locating prefix removed; kind is a level or 'government'."""
    if rest in _GOVERNMENT:
        return "人民政府", "government"
    m = _STREET.fullmatch(rest)
    if m:
        return m.group(1), "street"
    m = _TOWN.fullmatch(rest)
    if m:
        return m.group(1), "town"
    if rest.startswith("人民政府"):
        rest = "政府" + rest[len("人民政府") :]
    if rest.endswith(_DEPARTMENT_SUFFIXES):
        return rest, "department"
    return rest, "unknown"


def identify(
    name: object,
    province: str | None = None,
    city: str | None = None,
    county: str | None = None,
    sha256: str | None = None,
) -> Identity:
    """The identity of a report's agency from its printed name and the report's region.

    ``sha256`` (the report file's) only keys a report whose agency could not be read.
    """
    text = None if name is None else str(name)
    nameless = normalize_name(text) is None
    return _identify(text, province or None, city or None, county or None, sha256 if nameless else None)


@cache
def _identify(
    name: str | None, province: str | None, city: str | None, county: str | None, sha256: str | None
) -> Identity:
    region = resolve_region(province, city, county)
    normalized = normalize_name(name)
    if normalized is None:
        return Identity(f"unknown:{sha256 or ''}", None, "", "unknown", region)
    named, rest = strip_divisions(normalized, region)
    body, kind = _body(rest)
    where = named or region
    if kind in ("town", "street") and named is not None and region is not None:
        if named.rank < region.rank and named.contains(region):
            where = region  # 攀枝花市丙谷镇 in a report from 米易县: a town lies in a county
    if kind == "government":
        level = where.level if where is not None else "unknown"
    else:
        level = kind
    key = f"{where.adcode if where is not None else ''}:{body}"
    return Identity(key, normalized, body, level, where)


def agency_level(name: object, province: str | None, city: str | None, county: str | None,
                 town: str | None = None) -> str:  # fmt: skip
    """The level the name and region support (``town`` is not needed: the name says it)."""
    return identify(name, province, city, county).level
