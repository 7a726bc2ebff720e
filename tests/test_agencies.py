"""Agency identity across spellings and years, the analyst alias file, regions and coverage."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from factories import ledger_for, make_record, query

from pipeline.agencies import AliasFileError, assign_agencies, identify, load_aliases, parse_aliases
from pipeline.agencies.identity import normalize_name
from pipeline.validation import records_to_frames, validate_frames
from pipeline.warehouse.publish import Delta, publish

BINGGU = "510421:丙谷镇"
HEADER = "alias,canonical,note\n"


def aid(name: object, province: str | None = None, city: str | None = None, county: str | None = None) -> str:
    return identify(name, province, city, county).agency_id


# -- the canonical key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("米易县丙谷镇人民政府", ("四川省", "攀枝花市", "米易县")),
        ("丙谷镇", ("四川省", "攀枝花市", "米易县")),  # bare town, placed by the report's region
        ("攀枝花市米易县丙谷镇", (None, None, None)),  # placed by its own prefix
        ("丙谷镇政府", (None, None, "米易县")),
        ("攀枝花市丙谷镇", (None, None, "米易县")),  # city in the name, county from the region
        ("攀枝花米易县丙谷镇", (None, None, None)),  # abbreviated city before a full county name
        ("米易縣丙谷鎮人民政府", (None, None, None)),  # traditional script
        ("米易县\u3000丙谷镇 人民政府", (None, None, None)),  # full-width and ASCII spaces
        ("《米易县丙谷镇人民政府》", (None, None, None)),
    ],
)
def test_name_variants_share_one_agency_id(name: str, region: tuple[str | None, ...]) -> None:
    ident = identify(name, *region)
    assert ident.key == BINGGU
    assert ident.agency_id == hashlib.sha1(BINGGU.encode()).hexdigest()[:12]
    assert (ident.level, ident.town, ident.division and ident.division.name) == ("town", "丙谷镇", "米易县")


def test_same_town_name_in_different_counties_are_different_agencies() -> None:
    in_miyi = aid("丙谷镇人民政府", "四川省", "攀枝花市", "米易县")
    in_yanbian = aid("丙谷镇人民政府", "四川省", "攀枝花市", "盐边县")
    unlocated = aid("丙谷镇人民政府")
    assert len({in_miyi, in_yanbian, unlocated}) == 3
    assert identify("丙谷镇人民政府", None, None, "盐边县").key == "510422:丙谷镇"
    assert identify("丙谷镇人民政府").key == ":丙谷镇"  # no region evidence: not guessed


def test_street_office_and_street_are_one_agency() -> None:
    spellings = [
        ("攀枝花市东区炳草岗街道办事处", None),
        ("东区炳草岗街道", None),
        ("炳草岗街道办", "东区"),
        ("炳草岗街道", "东区"),
    ]
    ids = {identify(name, None, None, county) for name, county in spellings}
    assert {(i.key, i.level, i.town) for i in ids} == {("510402:炳草岗街道", "street", "炳草岗街道")}
    # a district's name that is the street's own name is not stripped as a locator
    assert identify("城区街道办事处", "广东省", "汕尾市", "城区").key == "441502:城区街道"


def test_traditional_and_simplified_merge_but_place_names_keep_their_characters() -> None:
    assert aid("米易縣草場鎮人民政府") == aid("米易县草场镇人民政府")
    assert normalize_name("臺灣") == "台湾"
    # OpenCC would turn 乾 into 干; simplified place names use 乾 as it is
    assert normalize_name("乾縣人民政府") == "乾县人民政府"
    assert identify("乾縣人民政府").key == "610424:人民政府"


def test_departments_are_qualified_by_their_county_or_city() -> None:
    assert aid("米易县教育局") == aid("教育局", "四川省", "攀枝花市", "米易县")
    assert aid("米易县教育局") != aid("攀枝花市教育局")
    assert identify("攀枝花市教育局").key == "510400:教育局"
    # a leading 人民政府 inside a department's name is 政府
    assert aid("米易县人民政府办公室") == aid("米易县政府办公室")
    # but a department is never merged with its government
    assert aid("米易县人民政府办公室") != aid("米易县人民政府")


def test_ocr_slip_is_not_merged_by_the_rules() -> None:
    assert aid("米易县新山族乡人民政府") != aid("米易县新山傈僳族乡人民政府")


@pytest.mark.parametrize(
    ("name", "region", "level"),
    [
        ("米易县丙谷镇人民政府", (), "town"),
        ("米易县新山傈僳族乡人民政府", (), "town"),
        ("攀枝花市东区炳草岗街道办事处", (), "street"),
        ("米易县人民政府", (), "county"),
        ("峨眉山市人民政府", (), "county"),  # a 县级市
        ("北京市朝阳区人民政府", (), "county"),
        ("攀枝花市人民政府", (), "city"),
        ("四川省人民政府", (), "province"),
        ("人民政府", ("四川省", "攀枝花市", None), "city"),  # a government placed by the region
        ("米易县教育局", (), "department"),
        ("米易县乡村振兴局", (), "department"),  # 乡 inside a department's name
        ("米易县人民政府办公室", (), "department"),
        ("攀枝花市财政局", (), "department"),
        ("8", (), "unknown"),
        (None, (), "unknown"),
    ],
)
def test_levels(name: str | None, region: tuple[str | None, ...], level: str) -> None:
    assert identify(name, *region).level == level


# -- regions, over a corpus ---------------------------------------------------------------------


def reports_of(records: list[dict[str, Any]]) -> pl.DataFrame:
    return records_to_frames(records)["reports"]


def test_region_is_resolved_from_the_gazetteer() -> None:
    records = [
        make_record(
            "攀枝花市米易县丙谷镇", 2024, province=None, city=None, county=None, town=None, path="a.txt"
        ),
        make_record(
            "重庆市忠县人民政府", 2024, province=None, city=None, county=None, town=None, path="b.txt"
        ),
        make_record(
            "湖北省仙桃市人民政府", 2024, province=None, city=None, county=None, town=None, path="c.txt"
        ),
        make_record("丙谷镇", 2024, province=None, city=None, county=None, town=None, path="d.txt"),
    ]
    agencies = assign_agencies(reports_of(records)).agencies
    rows = {r["name"]: r for r in agencies.iter_rows(named=True)}
    parts = ("province", "city", "county", "town", "adcode", "level")

    def where(name: str) -> tuple[Any, ...]:
        return tuple(rows[name][p] for p in parts)

    assert where("攀枝花市米易县丙谷镇") == ("四川省", "攀枝花市", "米易县", "丙谷镇", "510421", "town")
    assert where("重庆市忠县人民政府") == (
        "重庆市",
        "重庆市",
        "忠县",
        None,
        "500233",
        "county",
    )  # a municipality is its own city
    assert where("湖北省仙桃市人民政府") == (
        "湖北省",
        None,
        "仙桃市",
        None,
        "429004",
        "county",
    )  # 省直辖: no city
    assert where("丙谷镇") == (None, None, None, "丙谷镇", None, "town")  # nothing to resolve from


# -- the alias file ---------------------------------------------------------------------------

XINSHAN = "米易县新山傈僳族乡人民政府"
XINSHAN_SLIP = "米易县新山族乡人民政府"


def xinshan_records() -> list[dict[str, Any]]:
    """新山傈僳族乡 for 2023, and its 2024 report whose scan lost 傈僳 (the newer spelling)."""
    return [
        make_record(XINSHAN, 2023, town="新山傈僳族乡", path="data/raw/xinshan_2023.txt"),
        make_record(XINSHAN_SLIP, 2024, town="新山族乡", new_received=7, path="data/raw/xinshan_2024.txt"),
    ]


def test_alias_file_merges_an_ocr_slip_and_records_how() -> None:
    reports = reports_of(xinshan_records())
    assert assign_agencies(reports).agencies.height == 2

    aliases = parse_aliases(HEADER + "新山族乡,米易县新山傈僳族乡人民政府,OCR slip\n", "aliases.csv")
    merged = assign_agencies(reports, aliases)
    assert merged.report_agency["agency_id"].n_unique() == 1
    agency = merged.agencies.row(0, named=True)
    # the newest report carries the slip, but a spelling the file moved in never names the agency
    assert (agency["name"], agency["canonical_key"], agency["level"]) == (
        XINSHAN,
        "510421:新山傈僳族乡",
        "town",
    )
    table = merged.aliases.select(
        "alias", "how", "note", "derived_key", "first_year", "last_year", "n_reports"
    )
    assert set(table.rows()) == {
        (XINSHAN_SLIP, "file", "OCR slip", "510421:新山族乡", 2024, 2024, 1),
        (XINSHAN, "derived", None, "510421:新山傈僳族乡", 2023, 2023, 1),
    }
    assert merged.warnings == []


def test_alias_file_renames_follows_chains_and_warns_about_unused_lines() -> None:
    reports = reports_of(xinshan_records())
    text = HEADER + (
        "米易县新山族乡,新山傈僳族乡,\n"  # the canonical is bare: the one 新山傈僳族乡 in the corpus
        "新山傈僳族乡,米易县新山傈僳族彝族乡,renamed\n"  # no such agency yet: a rename, and a chain
        "某某镇,米易县丙谷镇,\n"  # names no agency in the corpus
    )
    result = assign_agencies(reports, parse_aliases(text, "aliases.csv"))
    assert result.agencies.select("name", "canonical_key").rows() == [
        ("米易县新山傈僳族彝族乡", "510421:新山傈僳族彝族乡")
    ]
    assert result.warnings == [
        "aliases.csv:4: alias '某某镇' matches no agency in the warehouse; nothing merged"
    ]


def test_alias_file_comments_blank_lines_bom_and_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("\ufeff# a comment, with commas\n\nalias,canonical,note\n"
                    '新山族乡,米易县新山傈僳族乡人民政府,"slip, 2024 scan"\n', encoding="utf-8")  # fmt: skip
    lines = load_aliases(path).lines
    assert [(x.line, x.alias, x.note) for x in lines] == [(4, "新山族乡", "slip, 2024 scan")]
    missing = load_aliases(tmp_path / "none.csv")
    assert missing.lines == () and "not found" in missing.warnings[0]


MALFORMED = {
    "unknown column": ("alias,canonical,why\n", ["aliases.csv:1: unknown column(s) 'why'"]),
    "no header": ("新山族乡,米易县新山傈僳族乡人民政府\n", ["aliases.csv:1: unknown column(s)", "missing column(s) alias, canonical"]),
    "names itself": (HEADER + "# ok\n丙谷镇,丙谷镇\n", ["aliases.csv:3: alias '丙谷镇' names itself"]),
    "empty cell": (HEADER + "新山族乡,,\n", ["aliases.csv:2: alias and canonical must both be given"]),
    "extra cell": (HEADER + "新山族乡,米易县新山傈僳族乡,a,b\n", ["aliases.csv:2: 4 cells where the header has 3"]),
    "two canonicals": (HEADER + "新山族乡,米易县新山傈僳族乡\n新山族乡,米易县丙谷镇\n",
                       ["aliases.csv:3: alias '新山族乡' is already given canonical '米易县新山傈僳族乡' on line 2"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_alias_file_names_file_and_line(case: str) -> None:
    text, expected = MALFORMED[case]
    with pytest.raises(AliasFileError) as err:
        parse_aliases(text, "aliases.csv")
    for part in expected:
        assert part in str(err.value)
    assert "the warehouse was not changed" in str(err.value)


def test_alias_file_problems_that_depend_on_the_corpus() -> None:
    reports = reports_of([
        *xinshan_records(),
        make_record("丙谷镇人民政府", 2024, county="米易县", path="a.txt"),
        make_record("丙谷镇人民政府", 2024, county="盐边县", path="b.txt"),
    ])  # fmt: skip
    cases = {
        "新山族乡,丙谷镇\n": "aliases.csv:2: canonical '丙谷镇' matches 2 agencies: 510421:丙谷镇 (丙谷镇人民政府), "
                              "510422:丙谷镇 (丙谷镇人民政府); write it with its county or city",
        "丙谷镇,米易县新山傈僳族乡\n": "aliases.csv:2: alias '丙谷镇' matches 2 agencies",
        "新山族乡,米易县新山傈僳族乡\n米易县新山傈僳族乡,米易县新山族乡\n": "aliases.csv:2: lines 2, 3 form a cycle",
        "新山族乡,米易县新山傈僳族乡\n米易县新山族乡人民政府,盐边县丙谷镇\n":
            "aliases.csv:3: alias '米易县新山族乡人民政府' is agency 510421:新山族乡, which line 2 already merges",
    }  # fmt: skip
    for lines, message in cases.items():
        with pytest.raises(AliasFileError) as err:
            assign_agencies(reports, parse_aliases(HEADER + lines, "aliases.csv"))
        assert message in str(err.value), (lines, str(err.value))
    # written with its county, the same line is fine
    fixed = assign_agencies(reports, parse_aliases(HEADER + "新山族乡,米易县丙谷镇\n", "aliases.csv"))
    assert fixed.agencies.height == 3


# -- the warehouse ------------------------------------------------------------------------------


def full_build(path: Path, records: list[dict[str, Any]], aliases: Path | None) -> None:
    result = validate_frames(records_to_frames(records))
    assert result.quarantined == {}
    publish(Delta(frames=result.frames, ledger=ledger_for(records, "run-1"), run_id="run-1", full=True,
                  aliases_file=aliases), path)  # fmt: skip


def test_alias_edit_rekeys_old_reports_without_new_files(tmp_path: Path) -> None:
    """An incremental publish with no new report re-keys the warehouse after the file changes."""
    path, aliases = tmp_path / "xxgk.duckdb", tmp_path / "aliases.csv"
    aliases.write_text(HEADER, encoding="utf-8")
    records = [*xinshan_records(), make_record("米易县丙谷镇人民政府", 2024, path="data/raw/binggu_2024.txt"),
               make_record("丙谷镇政府", 2023, province=None, city=None, path="data/raw/binggu_2023.txt")]  # fmt: skip
    full_build(path, records, aliases)
    assert query(path, "SELECT count(*) FROM agencies").item() == 3  # 丙谷镇's two spellings are one
    assert query(path, "SELECT count(*) FROM agency_aliases").item() == 4
    yoy = "SELECT prev_value FROM yoy_requests y JOIN agencies a USING (agency_id) " \
          "WHERE a.town LIKE '新山%' AND y.year = 2024 AND row_key = 'new_received' AND column_key = 'total'"  # fmt: skip
    assert query(path, yoy)["prev_value"].to_list() == [None]  # the slip looks like a new agency

    aliases.write_text(HEADER + "新山族乡,米易县新山傈僳族乡人民政府,OCR slip\n", encoding="utf-8")
    publish(Delta(ledger=ledger_for(records, "run-1"), run_id="run-2", base_run_id="run-1",
                  aliases_file=aliases), path)  # fmt: skip
    assert query(path, "SELECT count(*) FROM agencies").item() == 2
    xinshan = query(path, "SELECT DISTINCT agency_id FROM reports WHERE agency_name LIKE '%新山%'")
    assert xinshan.height == 1
    assert query(path, yoy)["prev_value"].to_list() == [5]  # 2024 now reads against 2023
    how = query(path, "SELECT alias, how, note FROM agency_aliases WHERE how = 'file'")
    assert how.rows() == [(XINSHAN_SLIP, "file", "OCR slip")]
    current = query(
        path, "SELECT year, is_current FROM reports WHERE agency_name LIKE '%新山%' ORDER BY year"
    )
    assert current.rows() == [(2023, True), (2024, True)]

    # a broken edit stops the publish and leaves the warehouse as it was
    aliases.write_text(HEADER + "新山族乡,新山族乡\n", encoding="utf-8")
    with pytest.raises(AliasFileError, match=r"aliases.csv:2: alias '新山族乡' names itself"):
        publish(Delta(ledger=ledger_for(records, "run-2"), run_id="run-3", base_run_id="run-2",
                      aliases_file=aliases), path)  # fmt: skip
    assert query(path, "SELECT value FROM warehouse_meta WHERE key = 'last_run_id'").item() == "run-2"
    assert query(path, "SELECT count(*) FROM agencies").item() == 2


def test_coverage_view_lists_the_missing_town(tmp_path: Path) -> None:
    """Three towns over two years; 撒莲镇 published nothing for 2024."""
    path = tmp_path / "xxgk.duckdb"
    records = [
        make_record("米易县丙谷镇人民政府", 2023, path="data/raw/bg23.txt"),
        make_record("米易县丙谷镇人民政府", 2024, path="data/raw/bg24.txt"),
        make_record("米易县丙谷镇人民政府", 2024, published_on="2025-01-02", path="data/raw/bg24_first.txt"),
        make_record("米易县草场镇人民政府", 2023, town="草场镇", path="data/raw/cc23.txt"),
        make_record("草场镇", 2024, town=None, path="data/raw/cc24.txt"),  # another spelling, same town
        make_record("米易县撒莲镇人民政府", 2023, town="撒莲镇", path="data/raw/sl23.txt"),
    ]
    full_build(path, records, None)
    missing = query(path, "SELECT agency_name, county FROM coverage WHERE year = 2024 AND NOT has_report "
                          "AND level = 'town'")  # fmt: skip
    assert missing.rows() == [("米易县撒莲镇人民政府", "米易县")]
    grid = query(
        path, "SELECT town, year, has_report, report_id, published_on FROM coverage ORDER BY town, year"
    )
    assert grid.height == 6  # 3 towns × 2 years
    assert grid.filter(pl.col("has_report")).height == 5
    binggu_2024 = grid.filter(pl.col("town") == "丙谷镇", pl.col("year") == 2024).row(0, named=True)
    assert binggu_2024["report_id"] == records[1]["report_id"]  # the current version, not the first
    assert binggu_2024["published_on"] == dt.date(2025, 1, 15)
    comments = query(path, "SELECT comment FROM duckdb_columns() WHERE table_name = 'coverage' "
                           "AND column_name = 'has_report'")  # fmt: skip
    assert comments.item() == "该机关该年度是否有报告"


def test_a_county_name_two_cities_have_is_not_taken_for_one_of_them() -> None:
    """"铁东区" is a district of 鞍山市 and of 四平市. The search for the division name ending an
    address found the "东区" inside it first (a name only 攀枝花市 has), so 铁东区 looked unique and
    cpca's first pick (四平市) was taken: invented metadata. The longest name now decides."""
    from pipeline.agencies.places import _division_at_start, resolve

    div, printed, rest = _division_at_start("铁东区站前街道人民路94号")
    assert (div, printed, rest) == (None, "铁东区", "站前街道人民路94号")
    assert _division_at_start("四平市铁东区北门街道")[0].adcode == "220303"  # the city says which
    region = resolve(["某某街道办事处"], "联系地址：铁东区解放路1号").as_dict()
    assert region["province"] is None and region["city"] is None


def test_a_town_street_office_keeps_its_whole_name() -> None:
    """"嘉定镇街道办事处" is the office of 嘉定镇街道: the town pattern stopped at the first 镇 and
    read the rest as an office suffix, so the town came out 嘉定镇 (a town of another county)."""
    from pipeline.agencies.places import _town_of

    assert _town_of("嘉定镇街道办事处") == "嘉定镇街道"
    assert _town_of("站前街道办事处") == "站前街道"
    assert _town_of("丙谷镇人民政府") == "丙谷镇"
