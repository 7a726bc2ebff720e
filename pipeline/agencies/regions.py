"""The national division list (province, city, county and their 6-digit codes), from cpca.

cpca is already the parser's gazetteer (pipeline.parsing.metadata), so the warehouse and the
parser agree on which places exist and what they are called. Only its data file is read
here (``cpca/resources/adcodes.csv``: adcode, name): importing cpca itself pulls in
pkg_resources, and the matching done here is narrower than cpca's (a prefix of an agency's
name, never a place mentioned in passing).

No division is typed by hand: every name, code and parent below comes from that file.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

RANKS = ("province", "city", "county")

_CITY_NAME = re.compile(r"(市|州|盟|地区)$")
"""A city-rank row whose name ends otherwise (市辖区, 县, 省直辖县级行政区划) only groups
counties; it is not a place an agency is in."""

_ABBREVIABLE = re.compile(r"(省|市)$")
"""Names often written without this last character (四川 for 四川省, 攀枝花 for 攀枝花市)."""

_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西"
    "|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂"
    "|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"^(?P<place>[\u4e00-\u9fff]{{2,}}?)(?:(?:{_ETHNIC})族?)+自治(?P<kind>州|县|旗)$")
"""An autonomous prefecture, county or banner, usually written by its place and kind alone:
黔东南州 for 黔东南苗族侗族自治州, 长阳县 for 长阳土家族自治县 (the ethnic names are the
national list of the country's peoples; "各族" for 龙胜各族自治县)."""

_TOWN_REST = re.compile(r"(街道|镇|乡|苏木)(办事处|办|人民政府|政府)?")
"""When all that follows a division name is a town suffix, the name is the town's own name
(城区街道办事处: 城区 is also a district), not a locator to strip."""


@dataclass(frozen=True)
class Division:
    """One row of the division list: a province, a city (地级) or a county-level unit."""

    adcode: str
    """Six digits: province 2, city 2, county 2 (``510421`` 米易县 in ``5104`` 攀枝花市 in ``51`` 四川省)."""
    name: str
    rank: int
    """0 province, 1 city, 2 county (县, 县级市, 区, 旗)."""

    @property
    def level(self) -> str:
        return RANKS[self.rank]

    def contains(self, other: Division) -> bool:
        """Whether ``other`` is this division or lies inside it."""
        width = 2 * (self.rank + 1)
        return other.rank >= self.rank and other.adcode[:width] == self.adcode[:width]


@dataclass(frozen=True)
class Place:
    """Province, city and county names of a division, as the warehouse shows them."""

    province: str | None
    city: str | None
    county: str | None


@dataclass(frozen=True)
class Gazetteer:
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]
    """Full names and their abbreviations → divisions, in the file's order (cpca's preference
    when a name is ambiguous, so the warehouse agrees with the parser's regions)."""
    full_names: frozenset[str]
    longest: int
    characters: frozenset[str]
    """Every character of every division name: characters simplified Chinese uses in place
    names, which a traditional→simplified conversion must leave alone (乾县 is not 干县)."""


def _rank(code: str) -> int:
    if code.endswith("0000"):
        return 0
    return 1 if code.endswith("00") else 2


def _rows() -> Iterable[tuple[str, str]]:
    resource = importlib.resources.files("cpca.resources").joinpath("adcodes.csv")
    with resource.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield row["adcode"][:6], row["name"]


@cache
def gazetteer() -> Gazetteer:
    """The division list, read once per process (3 500 rows, a few milliseconds)."""
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    full: set[str] = set()
    for code, name in _rows():
        division = Division(code, name, _rank(code))
        by_code[code] = division
        if division.rank == 1 and not _CITY_NAME.search(name):
            continue  # a grouping row (市辖区 …), never written in an agency's name
        full.add(name)
        by_name.setdefault(name, []).append(division)
        short = _ABBREVIABLE.sub("", name)
        if short != name and len(short) >= 2:
            by_name.setdefault(short, []).append(division)
        if m := _AUTONOMOUS.match(name):
            # a name of its own, as complete as the long one (it ends in the division's kind);
            # where another division has it too, both stay candidates and the name is ambiguous
            common = m.group("place") + m.group("kind")
            full.add(common)
            by_name.setdefault(common, []).append(division)
    chars = frozenset(ch for name in full for ch in name)
    return Gazetteer(
        by_code=by_code,
        by_name={k: tuple(v) for k, v in by_name.items()},
        full_names=frozenset(full),
        longest=max(map(len, by_name)),
        characters=chars,
    )


def parent_of_rank(div: Division, rank: int) -> Division | None:
    """The division of ``rank`` that contains ``div`` (None when the list has no such row)."""
    code = (div.adcode[: 2 * (rank + 1)] + "000000")[:6]
    return gazetteer().by_code.get(code)


def place(div: Division | None) -> Place:
    """Province, city and county names of ``div`` and its parents.

    A county directly under a province-level unit (the counties of 北京市 or 重庆市, or a
    县级市 like 仙桃市) has a grouping row for a city: a municipality is then its own city,
    as Chinese statistics present it, and a 省直辖 county has no city.
    """
    if div is None:
        return Place(None, None, None)
    province = parent_of_rank(div, 0)
    names: dict[int, str | None] = {0: province.name if province else None, 1: None, 2: None}
    if div.rank >= 1:
        city = parent_of_rank(div, 1)
        if city is not None and _CITY_NAME.search(city.name):
            names[1] = city.name
        elif province is not None and province.name.endswith("市"):
            names[1] = province.name
    names[div.rank] = div.name
    return Place(names[0], names[1], names[2])


def _pick(candidates: Iterable[Division], within: Division | None, hint: Division | None) -> Division | None:
    """The candidate inside ``within`` (the division already read), else the one compatible
    with ``hint`` (the report's region), else the first (cpca's own choice)."""
    options = [c for c in candidates if within is None or within.contains(c)]
    if not options:
        return None
    if hint is not None:
        for c in options:
            if c.contains(hint) or hint.contains(c):
                return c
    return options[0]


def resolve_region(province: str | None, city: str | None, county: str | None) -> Division | None:
    """The narrowest division a report's region names, each part read inside the one before.

    A part the list does not know is skipped rather than guessed; a part that contradicts the
    one before (a county outside the named city) ends the reading at what was consistent.
    """
    found: Division | None = None
    table = gazetteer().by_name
    for name in (province, city, county):
        if not name or name not in table:
            continue
        candidate = _pick(table[name], found, None)
        if candidate is None:
            break
        found = candidate
    return found


def strip_divisions(text: str, hint: Division | None = None) -> tuple[Division | None, str]:
    """Split ``攀枝花市米易县丙谷镇`` into (米易县, ``丙谷镇``): the divisions that open a name.

    Only a run of division names at the very start is taken, each inside the one before, so
    a place named later in the name (中共米易县委) is left alone. An abbreviated name (攀枝花)
    counts only when a full name follows it: 朝阳街道 is a street, not 朝阳市. A division
    name followed by nothing but a town suffix (城区街道办事处) is the town's own name and is kept.
    """
    g = gazetteer()
    position, found = 0, None
    last_full: tuple[int, Division | None] = (0, None)
    while position < len(text):
        step = None
        for length in range(min(g.longest, len(text) - position), 1, -1):
            piece = text[position : position + length]
            if piece not in g.by_name:
                continue
            deeper = [d for d in g.by_name[piece] if found is None or d.rank > found.rank]
            candidate = _pick(deeper, found, hint)
            if candidate is None or _TOWN_REST.fullmatch(text, position + length):
                continue
            step = (length, candidate, piece in g.full_names)
            break
        if step is None:
            break
        length, found, is_full = step
        position += length
        if is_full:
            last_full = (position, found)
    end, div = last_full
    return div, text[end:]
