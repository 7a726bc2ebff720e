"""Where a report's agency sits: province, city, county and town, from evidence, or null.

The evidence, strongest first: the agency's own name (its opening division names,
``淮安市洪泽区人民政府``), other names of the same body the report prints (title, signature),
the contact address ("地址：微山县两城镇…"), and the site the report says it is published on
("通过东丽区政府信息公开网站"). The gazetteers then complete what the evidence leaves out —
county → city → province, and town → county — but only where they give exactly one answer:
朝阳区 (in 北京市 and 长春市) keeps its name without a province, and a 东街街道 (there are nine)
stays without a county unless the text names one of the counties that have one.

A municipality (北京市, 天津市, 上海市, 重庆市) is a province-level unit: its ``city`` is null
in the record, as the report has no city between the municipality and the district.
A special zone (平潭综合实验区, 兰州新区) named after exactly one division lies in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipeline.agencies import towns
from pipeline.agencies.identity import normalize_name
from pipeline.agencies.regions import Division, gazetteer, parent_of_rank, strip_divisions

_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
# no "街道办事处" suffix: "嘉定镇街道办事处" is the office of 嘉定镇街道, never 嘉定镇 (a 镇 has a 人民政府)
_TOWN = re.compile(r"^([\u4e00-\u9fff]{1,12}?(?:镇|乡|街道|苏木))(?:人民政府|政府|办事处|办)?$")
_ADDRESS = re.compile(r"地址\s*[:：]\s*([^,，;；:：()（）\s]{2,60})")
_ZONE_AT_START = re.compile(r"^([\u4e00-\u9fff]+?(?:综合实验区|实验区|新区|示范区|开发区|高新区|园区))")
_NATIONAL_SYSTEM = re.compile(
    r"^(?:国家税务总局|国家金融监督管理总局|国家外汇管理局|国家统计局|中国人民银行|中国银行保险监督管理委员会"
    r"|中国银保监会|中国证券监督管理委员会|中国证监会|国家烟草专卖局|中共|中国共产党)(?=[\u4e00-\u9fff]{2})"
)
"""A national system's local branch names the system first, then its place: 国家税务总局宁波市税务局
sits in 宁波市, 中共福建省委宣传部 in 福建省 (the system's name is no place of its own)."""
_SITE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:人民政府|政府)?(?:信息公开|政务公开|门户)?(?:网站|门户网|网)")


@dataclass
class Region:
    """What is known of where the agency sits (each part null when unknown)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    town: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"province": self.province, "city": self.city, "county": self.county, "town": self.town}


@cache
def _short_names() -> dict[str, tuple[Division, ...]]:
    """County and city names without their suffix (平潭 for 平潭县): how zones are named."""
    g = gazetteer()
    out: dict[str, list[Division]] = {}
    for d in g.by_code.values():
        if d.name not in g.full_names:
            continue
        short = re.sub(r"(?:自治县|自治州|自治旗|县|市|区|旗|州|盟|地区)$", "", d.name)
        if len(short) >= 2 and short != d.name:
            out.setdefault(short, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def _unique(divisions: Iterable[Division]) -> Division | None:
    found = list({d.adcode: d for d in divisions}.values())
    return found[0] if len(found) == 1 else None


def _division_at_start(name: str) -> tuple[Division | None, str | None, str]:
    """(division if unambiguous, division name as printed, rest of the name) for a name's prefix."""
    div, rest = strip_divisions(name)
    if div is None:
        return None, None, name
    printed = name[: len(name) - len(rest)]
    # strip_divisions picks cpca's first choice for an ambiguous name: keep it only when unique
    last = _last_division_name(printed)
    candidates = gazetteer().by_name.get(last, ()) if last else ()
    if len(candidates) > 1 and printed == last:
        return None, last, rest
    return div, last, rest


def _last_division_name(printed: str) -> str | None:
    """The longest division name that ends ``printed`` ("铁东区", not the "东区" inside it: a
    shorter name found first made 铁东区, which two cities have, look unique)."""
    g = gazetteer()
    for k in range(len(printed)):
        if printed[k:] in g.full_names:
            return printed[k:]
    return None


def _zone_division(name: str) -> Division | None:
    """The division a special zone is named after (平潭综合实验区 → 平潭县), when only one fits."""
    m = _ZONE_AT_START.match(name)  # 兰州新区管委会: the zone, then its body
    if m is None:
        return None
    name = m.group(1)
    g = gazetteer()
    shorts = _short_names()
    for k in range(min(len(name) - 2, g.longest), 1, -1):
        head = name[:k]
        if head in g.full_names:
            return _unique(g.by_name[head])
        if head in shorts:
            return _unique(shorts[head])
    return None


def _place(div: Division) -> Region:
    province = parent_of_rank(div, 0)
    out = Region(province=province.name if province else None)
    if div.rank >= 1:
        city = parent_of_rank(div, 1)
        if city is not None and city.name not in _MUNICIPALITIES and re.search(r"(市|州|盟|地区)$", city.name):
            out.city = city.name
    if div.rank == 1 and div.name not in _MUNICIPALITIES:
        out.city = div.name
    if div.rank == 2:
        out.county = div.name
    return out


def _compatible(a: Division, b: Division) -> bool:
    return a.contains(b) or b.contains(a)


def _town_of(body: str) -> str | None:
    m = _TOWN.match(body)
    return m.group(1) if m else None


def _named_in_text(text: str, name: str) -> bool:
    return bool(name) and name in text


def resolve(names: list[str], text: str) -> Region:
    """The region of the body named ``names`` (the agency first, then other spellings of it)."""
    best: Division | None = None
    county_name: str | None = None
    town: str | None = None
    for printed_name in names:
        # traditional script read after conversion, keeping characters place names use (乾县)
        name = _NATIONAL_SYSTEM.sub("", normalize_name(printed_name) or "")
        div, printed, rest = _division_at_start(name)
        if div is None and printed and county_name is None:
            county_name = printed  # 朝阳区: named, but which one is not known
        zone = _zone_division(rest) if div is None or rest else None
        div = div or zone
        if div is not None and (best is None or (_compatible(best, div) and div.rank > best.rank)):
            best = div
        town = town or _town_of(rest)
    if best is None:
        best = _from_text_evidence(text, town)
    out = _place(best) if best is not None else Region()
    if out.county is None and county_name and (best is None or best.rank < 2):
        out.county = county_name
    if town:
        out.town = town
        if out.county is None:
            _complete_town(out, town, best, text)
    return out


def _from_text_evidence(text: str, town: str | None) -> Division | None:
    """A division the report names as its own address or its own site, when only one is named."""
    found: dict[str, Division] = {}
    for m in _ADDRESS.finditer(text):
        div, _printed, rest = _division_at_start(m.group(1))
        if div is not None:
            found[div.adcode] = div
    if not found:
        g = gazetteer()
        for m in _SITE.finditer(text):
            word = m.group(1)
            for k in range(len(word) - 1):
                piece = word[k:]
                if piece in g.full_names and (div := _unique(g.by_name[piece])) is not None:
                    found[div.adcode] = div
                    break
    narrowest = sorted(found.values(), key=lambda d: -d.rank)
    if not narrowest:
        return None
    top = narrowest[0]
    if all(_compatible(top, d) for d in narrowest):
        return top
    return None


def _complete_town(out: Region, town: str, within: Division | None, text: str) -> None:
    """County (and above) of a town from the town list: only one county may fit."""
    g = gazetteer()
    entries = [e for e in towns.counties_of(town)
               if e.county_code in g.by_code and (within is None or within.contains(g.by_code[e.county_code]))]
    if len(entries) > 1:
        named = [e for e in entries if _named_in_text(text, e.county)]
        entries = named if len({e.county for e in named}) == 1 and len(named) >= 1 else []
    if len({e.county_code for e in entries}) != 1:
        return
    placed = _place(g.by_code[entries[0].county_code])
    out.province, out.city, out.county = placed.province, placed.city, placed.county


def warm_up() -> None:
    """Read the division and town lists now (a reader pool's parent does, before it forks)."""
    gazetteer()
    _short_names()
    towns.towns()
