"""The metadata rules one by one: organisation names, regions, signature dates, years,
templates without tables, disclosure totals, and what is (not) a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.agencies import towns
from pipeline.agencies.names import body_of_office, is_org_name
from pipeline.agencies.places import resolve
from pipeline.parsing import metadata as meta
from pipeline.parsing import parse_file


@pytest.mark.parametrize("name", ["米易县丙谷镇人民政府", "教育局", "成都市武侯区人民政府办公室", "兰州新区管委会",
                                  "上海市科委", "镇圩瑶族乡人民政府", "开远市", "炳草岗街道办事处", "全椒县人民政府"])
def test_organisation_names(name: str) -> None:
    assert is_org_name(name)


@pytest.mark.parametrize("name", ["当前位置首页政府信息公开正文示范区教育局", "文件要求现特向社会公布", "区政府", "我镇",
                                  "市科委", "县人民政府办公室", "办公厅", "bet体育#办公厅", "政府信息公开", "各部门",
                                  "2024年丙谷镇人民政府", "来源米易县人民政府办公室", "县委县政府", "区委区政府",
                                  "镇党委政府"])
def test_not_organisation_names(name: str) -> None:
    assert not is_org_name(name)


def test_an_office_stands_for_its_government() -> None:
    assert body_of_office("米易县丙谷镇人民政府党政办公室") == "米易县丙谷镇人民政府"
    assert body_of_office("米易县人民政府信息公开工作领导小组办公室") == "米易县人民政府"
    assert body_of_office("米易县教育局") == "米易县教育局"
    assert body_of_office("米易县丙谷镇党政办") == "米易县丙谷镇"
    # in XX政府信息公开…办公室 the 政府 belongs to 政府信息公开: no government to stand for
    assert body_of_office("某某区政府信息公开工作领导小组办公室") == "某某区政府信息公开工作领导小组办公室"


def _towns(*, shared: bool) -> str:
    """A town name of the list that one county has (shared=False) or several have."""
    for name, entries in sorted(towns.towns().items()):
        counties = {e.county_code for e in entries}
        if name.endswith("镇") and len(name) >= 3 and (len(counties) > 1) == shared and len(entries) == len(counties):
            return name
    raise AssertionError("no such town in the list")


def test_region_from_the_name() -> None:
    r = resolve(["米易县丙谷镇人民政府"], "")
    assert (r.province, r.city, r.county, r.town) == ("四川省", "攀枝花市", "米易县", "丙谷镇")
    r = resolve(["北京市朝阳区人民政府"], "")
    assert (r.province, r.city, r.county) == ("北京市", None, "朝阳区")  # a municipality has no city
    r = resolve(["廣東省人民政府"], "")  # traditional script, read after conversion
    assert (r.province, r.city, r.county) == ("广东省", None, None)
    r = resolve(["朝阳区人民政府"], "")  # in 北京市 and in 长春市: named, but not placed
    assert (r.province, r.city, r.county) == (None, None, "朝阳区")


def test_region_of_a_national_systems_branch_and_of_autonomous_short_names() -> None:
    r = resolve(["国家税务总局宁波市税务局"], "")  # the system first, then the place
    assert (r.province, r.city, r.county) == ("浙江省", "宁波市", None)
    assert resolve(["国家税务总局"], "").as_dict() == {"province": None, "city": None, "county": None, "town": None}
    r = resolve(["黔东南州卫生健康委员会"], "")  # 黔东南苗族侗族自治州 by its common name
    assert (r.province, r.city, r.county) == ("贵州省", "黔东南苗族侗族自治州", None)
    r = resolve(["长阳县人民政府"], "")
    assert (r.province, r.city, r.county) == ("湖北省", "宜昌市", "长阳土家族自治县")
    r = resolve(["伊犁州奎屯市人民政府"], "")  # no 族 in 伊犁哈萨克自治州
    assert (r.province, r.city, r.county) == ("新疆维吾尔自治区", "伊犁哈萨克自治州", "奎屯市")


def test_title_after_a_field_label_a_year_only_heading_or_about() -> None:
    # a page's index block read as text: "标题" and the title apart by a blank, no colon
    lines = ["发布机构 浏阳市永安镇人民政府 发文日期 2021-01-20", "标题 永安镇2020年政府信息公开工作年度报告",
             "永安镇2020年政府信息公开工作年度报告"]
    assert (meta.find_title(lines).agency, meta.find_title(lines).year) == ("永安镇", 2020)
    # a heading naming only the year, the title naming the body just below it
    lines = ["2023年度政府信息公开工作年度报告", "发布日期：2024-01-19", "和平区人民政府2023年度政府信息公开工作年度报告"]
    assert (meta.find_title(lines).agency, meta.find_title(lines).year) == ("和平区人民政府", 2023)
    lines[2] = "和平区人民政府2022年度政府信息公开工作年度报告"  # another year: another report's title
    assert (meta.find_title(lines).agency, meta.find_title(lines).year) == (None, 2023)
    lines = ["2023年度政府信息公开工作年度报告"] + ["一段文字。"] * 4 + ["和平区人民政府2023年度政府信息公开工作年度报告"]
    assert meta.find_title(lines).agency is None  # too far below to be the same title
    title = meta.find_title(["工作动态", "夷陵区人民政府", "2023年政府信息公开工作年度报告"])
    assert title.agency == "夷陵区人民政府"  # a line above that is no place stays out


@pytest.mark.parametrize(("lines", "agency", "year"), [
    (["邯郸市人民政府办公室关于邯郸市人民政府2020年政府信息公开工作年度报告"], "邯郸市人民政府", 2020),
    # the page's fields on the title's line; a title in book quotes; "…工作情况的报告"
    (["南昌县人民政府2022年政府信息公开工作年度报告 发布时间：2023-01-18 浏览次数：1024"], "南昌县人民政府", 2022),
    (["《德清县武康街道2023年政府信息公开工作年度报告》"], "德清县武康街道", 2023),
    (["滨州市沾化区人民政府关于2021年度政府信息公开工作情况的报告"], "滨州市沾化区人民政府", 2021),
    # a page title with the site's name; an attachment's file name; a title over three lines
    (["蒙城县人民政府2023年政府信息公开工作年度报告-蒙城县人民政府门户网站"], "蒙城县人民政府", 2023),
    (["附件：临沭县人民政府2022年政府信息公开工作年度报告.pdf"], "临沭县人民政府", 2022),
    (["湖北省宜昌市", "夷陵区人民政府", "2023年政府信息公开工作年度报告"], "湖北省宜昌市夷陵区人民政府", 2023),
    (["【2023年度】长春市朝阳区人民政府政府信息公开工作年度报告"], "长春市朝阳区人民政府", 2023),  # year in brackets first
])  # fmt: skip
def test_title_shapes(lines: list[str], agency: str, year: int) -> None:
    title = meta.find_title(lines)
    assert (title.agency, title.year) == (agency, year)


@pytest.mark.parametrize(("name", "ok"), [
    ("教育部", True), ("中国人民银行", True), ("中共福建省委宣传部", True), ("温州市鹿城区", True),
    ("党支部", False), ("全体干部", False), ("成都", False),
])  # fmt: skip
def test_ministries_party_departments_and_bare_places_are_names(name: str, ok: bool) -> None:
    assert is_org_name(name) is ok
    if name == "中共福建省委宣传部":
        assert resolve([name], "").province == "福建省"


def test_special_zone_lies_in_the_division_it_is_named_after() -> None:
    r = resolve(["兰州新区管委会"], "")
    assert (r.province, r.city) == ("甘肃省", "兰州市")
    r = resolve(["雄安新区管委会"], "")  # named after no division
    assert (r.province, r.city, r.county) == (None, None, None)


def test_town_to_county_only_when_one_county_has_it() -> None:
    unique, shared = _towns(shared=False), _towns(shared=True)
    r = resolve([unique + "人民政府"], "")
    assert r.town == unique and r.county == towns.counties_of(unique)[0].county
    r = resolve([shared + "人民政府"], "")
    assert r.town == shared and (r.province, r.city, r.county) == (None, None, None)
    one = towns.counties_of(shared)[1]
    r = resolve([shared + "人民政府"], f"如有疑问请联系（地址：{one.county}{shared}人民路1号）")
    assert r.county == one.county


def test_town_names_keep_characters_a_script_conversion_would_change() -> None:
    """Simplified town names use some characters t2s rewrites (a 塚 is not a 冢 in a town's name)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    kept = [n for n in towns.towns() if n.endswith("镇") and t2s.convert(n) != n][:20]
    assert kept, "the town list has names t2s would change"
    for name in kept:
        assert resolve([name + "人民政府"], "").town == name


def test_a_title_past_a_breadcrumb_item_that_names_nobody() -> None:
    lines = ["当前位置：", "首页", "政务公开", "政府信息公开年报", "米易县2023年度政府信息公开工作年度报告", "来源：米易县政务服务中心"]
    title = meta.find_title(lines)
    assert (title.agency, title.year) == ("米易县", 2023)
    assert meta.find_title(["政府信息公开年报", "一、总体情况"]).agency is None  # bare, and nothing better


def test_a_department_in_section_one_is_not_the_agency() -> None:
    text = ("一、总体情况\n2023年，我单位认真贯彻落实《条例》。\n（二）主要做法\n"
            "1.推进信息公开。区农业农村局紧紧围绕重点工作公开政策文件12件。")
    assert meta.agency_from_sentences(text) == (None, None)
    text = "一、总体情况\n2023年，在区委的领导下，官桥街道办事处认真贯彻落实《条例》。全年公开信息63条。"
    assert meta.agency_from_sentences(text) == ("官桥街道办事处", "narrative")


def test_signature_date_only_from_a_closing_line() -> None:
    sig = meta.signature(["六、其他需要报告的事项", "无。", "米易县丙谷镇人民政府", "2025年1月15日"])
    assert (sig.agency, sig.published_on) == ("米易县丙谷镇人民政府", "2025-01-15")
    sig = meta.signature(["无。", "米易县丙谷镇人民政府", "二〇二五年一月十五日"])
    assert sig.published_on == "2025-01-15"
    sig = meta.signature(["无。", "米易县丙谷镇人民政府 2025年1月15日", "米易县丙谷镇党政办公室 2025年1月15日印发"])
    assert sig.published_on == "2025-01-15"
    assert meta.signature(["无。", "米易县丙谷镇人民政府", "2025年1月"]).published_on is None  # no day
    assert meta.signature(["无。", "发布日期 2025年1月20日"]).published_on is None  # the page's date
    assert meta.signature(["统计期限自2024年1月1日至2024年12月31日。", "一、总体情况"]).published_on is None
    assert meta.signature(["2025年1月15日", "全年共召开会议3次，会议于2024年12月31日结束，下一步将继续推进政务公开工作。"
                           ]).published_on is None  # followed by more report


def test_signature_before_a_site_footer_only_after_the_last_section() -> None:
    """A page printed whole: the site's widgets, related links and footer follow the signature."""
    footer = ["打印本页 关闭窗口", "相关文章", "关于公布2024年度政务公开工作要点的通知 2025-02-03",
              "版权所有：米易县人民政府办公室　© 2025", "网站标识码：5104210001　蜀ICP备05001234号-1"]
    lines = ["六、其他需要报告的事项", "无。", "米易县丙谷镇人民政府", "2025年1月15日", *footer]
    assert meta.signature(lines).published_on is None  # the footer hides it from the plain search
    sig = meta.signature_before_footer(lines, 0)
    assert (sig.agency, sig.published_on) == ("米易县丙谷镇人民政府", "2025-01-15")
    # chrome above the last section never cuts the report: a date line up there is no signature
    top = ["2025年1月20日", "分享到：微信 微博", "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    assert meta.signature_before_footer(top + footer, 4).published_on is None
    assert meta.signature_before_footer(top + footer, 0).published_on == "2025-01-20"  # why the bound matters


def test_year_from_the_statistics_period_or_a_title_remnant() -> None:
    text = "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n2022年以来……"
    assert meta.year_from_text(text, (text.index("一、"), len(text))) == (2023, "statistics_period")
    text = " 2024\n\n一、总体情况\n2024 年我乡主动公开信息"
    assert meta.year_from_text(text, (text.index("一、"), len(text)))[0] == 2024


@pytest.mark.parametrize(("year", "cited", "want"), [
    (2024, "国办公开办函〔2019〕60号", "2021"),  # the year decides: a 2024 report uses the 2021 tables
    (2020, "", "2019"), (2019, "", "2019"), (2012, "", None),
    (None, "国办公开办函〔2021〕30号", "2021"), (None, "国办公开办函〔2019〕60号", "2019"), (None, "", None),
])  # fmt: skip
def test_template_without_tables(year, cited, want) -> None:
    assert meta.template_without_tables(year, f"根据《通知》（{cited}）要求")[0] == want


@pytest.mark.parametrize(("text", "total", "cats"), [
    ("全年主动公开政府信息81条。其中，工作动态50条，通知公告31条。", 81, {"工作动态": 50, "通知公告": 31}),
    ("共公布政府信息120条,(其中政策、规范性文件类信息20条,其他信息100条)对于主动公开的", 120,
     {"政策、规范性文件类信息": 20, "其他信息": 100}),
    ("主动公开政府信息80余条。", None, {}),
    ("通过网站主动公开政府信息30条，通过微信主动公开政府信息45条。", None, {}),
    ("主动公开政府信息393件，其中包括：规范性文件13件；2024年度部门预算信息；", 393, {}),
    ("通过政务微信公众号发布信息200条。", None, {}),
    ("本年度主动公开政府信息数量共计1520条。", 1520, {}),
    ("主动公开政府信息数量为320条。", 320, {}),
    ("主动公开各类政府信息1,234条。", 1234, {}),
])  # fmt: skip
def test_active_disclosure(text: str, total, cats) -> None:
    ad = meta.active_disclosure(text)
    assert (ad.total, ad.by_category) == (total, cats)


def _parse(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def test_news_about_a_report_is_not_a_report(tmp_path: Path) -> None:
    rec = _parse(tmp_path, "2023年政府信息公开工作年度报告发布\n日前，某省人民政府正式发布2023年政府信息公开工作年度报告。"
                 "报告显示，全年公开政策文件120件，办理申请88件。（记者 张三）\n")
    assert rec["status"] == "not_a_report"
    assert rec["agency"] is None and rec["year"] is None


def test_list_of_reports_is_not_a_report(tmp_path: Path) -> None:
    rec = _parse(tmp_path, "\n".join(f"米易县丙谷镇{y}年度政府信息公开工作年度报告 {y + 1}-01-15" for y in range(2019, 2025)))
    assert rec["status"] == "not_a_report"


def test_report_without_tables_is_incomplete_with_its_metadata(tmp_path: Path) -> None:
    rec = _parse(tmp_path, "當前位置：首頁 > 政務公開 > 年報\n米易縣丙谷鎮2023年政府信息公開工作年度報告\n"
                 "本報告由米易縣丙谷鎮人民政府編制。本報告所列數據的統計期限自2023年1月1日至2023年12月31日。\n"
                 "一、總體情況\n2023年，全年主動公開政府信息64條。\n二、主動公開政府信息情況\n（表格為圖片）\n")
    assert rec["status"] == "incomplete"
    # the title names the town, the text its government: the fuller name of the same body
    assert (rec["agency"], rec["year"], rec["template"]) == ("米易县丙谷镇人民政府", 2023, "2021")
    assert rec["region"] == {"province": "四川省", "city": "攀枝花市", "county": "米易县", "town": "丙谷镇"}
    assert rec["active_disclosure"]["total"] == 64
    assert rec["coverage"] == 0.0 and rec["published_on"] is None


def test_a_flattened_page_keeps_its_format_by_its_table_headers() -> None:
    """trafilatura puts a web page's body into one pipe cell on one line: no section heading is
    found, and the format came from the year alone (a 2023 report printed in the 2019 format
    was recorded as 2021, 28 of 150 flattened pages). The first table's column headers, which
    only one format prints, now say it wherever they stand; the year rule applies without them."""
    from pipeline.parsing.metadata import template_without_tables

    page = "| XX局2023年政府信息公开工作年度报告 一、总体情况 … 信息内容 本年新制作数量 本年新公开数量 对外公开总数量 |"
    assert template_without_tables(2023, page)[0] == "2019"
    page21 = "| … 信息内容 本年制发件数 本年废止件数 现行有效件数 … |"
    assert template_without_tables(2020, page21)[0] == "2021"
    assert template_without_tables(2023, "| 一、总体情况 … |")[0] == "2021"  # no headers: the year's rule
    assert template_without_tables(2023, page + page21)[0] == "2021"  # both formats' words: the year's rule


@pytest.mark.parametrize("first_line", [True, False])
def test_a_title_below_a_markdown_pages_menus_is_found(first_line: bool) -> None:
    """A web page through markdownify or markitdown: the page's title with escaped separators
    ("…年度报告\\_政府信息公开年报\\_…") or none, then some eighty lines of menus (links, pictures,
    blank lines) before the report's title. The agency was null (only 30 lines were looked at,
    and the escaped "\\_" kept the site's name on the title)."""
    menu = [f"* [{w}](https://www.example.gov.cn/m{k}/)" if k % 3 else "" for k, w in enumerate(["首页", "政务公开"] * 40)]
    head = ["米易县2022年度政府信息公开工作年度报告\\_政府信息公开年报\\_米易县人民政府门户网站"] if first_line else []
    lines = [*head, "", *menu, "![](/images/logo.png)", "", "米易县人民政府2022年度政府信息公开工作年度报告", "",
             "来源：米易县人民政府"]
    title = meta.find_title([meta.normalize(ln) for ln in lines])
    assert title is not None and title.year == 2022
    assert title.agency == ("米易县" if first_line else "米易县人民政府")


def test_a_title_broken_by_a_blank_line_is_one_title() -> None:
    """trafilatura's markdown of a real page: "平潭综合实验区2019年" / "" / "政府信息公开工作年度报告".
    The agency was null: the two halves were joined only when right under each other."""
    title = meta.find_title(["米易县人民政府2019年", "", "政府信息公开工作年度报告", "", "根据《条例》要求，编制本报告。"])
    assert title is not None and (title.agency, title.year) == ("米易县人民政府", 2019)


def test_a_page_printed_by_a_browser_gives_its_title() -> None:
    """A web page printed to PDF by Chromium: each page opens with the date and time and the
    page's title ("12/5/26, 4:52 AM 平潭…年度报告_政府信息公开年报_…"), then the site's menu
    items one a line, 57 of them before the report's title. The stamp made the first line a
    title naming no body, and the title was out of reach: the agency came from a contact
    sentence ("请与…管委会办公室联系")."""
    menu = ["首页", "政务公开", "登录", "注册", "政府信息公开", "要闻", "互动交流"] * 8
    lines = ["12/5/26, 4:52 AM 米易县人民政府2023年度政府信息公开工作年度报告_政府信息公开年报_米易县人民政府门户网站",
             *menu, "米易县人民政府2023年度政府信息公开工作年度报告", "来源：米易县人民政府办公室 时间：2024-03-08 15:34"]
    title = meta.find_title([meta.normalize(ln) for ln in lines])
    assert title is not None and (title.agency, title.year) == ("米易县人民政府", 2023)
    title = meta.find_title([meta.normalize(ln) for ln in lines[1:]])  # the stamp's line lost: the title below the menu
    assert title is not None and (title.agency, title.year) == ("米易县人民政府", 2023)
