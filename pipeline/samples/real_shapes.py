"""Reports as real web pages and mirrors leave them: the shapes that trip metadata and status.

A random record (pipeline.samples.generate) printed as a crawler's text of its web page, with
the real pages' troubles drawn at random:

- page chrome before the title: a breadcrumb (on one line, or one item per line as an office
  suite saves a page, ending in a bare "政府信息公开年报"), an index block whose 发布机构/来源 is the
  *publisher* (another office) and whose 发布日期 is the web date, share and print widgets;
- the title printed whole, printed year first, or omitted (the agency then only in the
  text: "现将…公布如下", "本报告由…编制", "请与…联系", "…认真贯彻…"), and section 一 going
  on to what departments did ("县教育局紧紧围绕…": not the agency);
- a town named bare (``XX镇人民政府``) with or without the contact address giving its county;
- the active-disclosure figure exact with a 其中 list, approximate ("80余条"), or given per
  channel only (网站…条, 微信…条: no total);
- the tables removed or shown as images, or the page cut at a random point before section 五;
- the signature (body and date) present or absent, traditional script, and spam injected in
  place of every mention of the agency (a mirror's doing);
- the site's footer after the report, as a page printed or saved whole leaves it: print and
  share widgets, related links with their web dates, copyright, site code, ICP licence.

``real_shape`` returns the text and the truth of its metadata: what a careful reader gets
from that text, with ``None`` where the text does not say. The property tests hold the
parser to "right or null, never invented" on these.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline.samples.render_text import render_text

# agency → (province, city, county, town): the generator's fixed agencies, with the region
# a reader can state from the name alone
KNOWN_REGIONS: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    "米易县丙谷镇人民政府": ("四川省", "攀枝花市", "米易县", "丙谷镇"),
    "米易县草场镇人民政府": ("四川省", "攀枝花市", "米易县", "草场镇"),
    "攀枝花市东区炳草岗街道办事处": ("四川省", "攀枝花市", "东区", "炳草岗街道"),
    "盐边县红格镇人民政府": ("四川省", "攀枝花市", "盐边县", "红格镇"),
    "成都市武侯区人民政府": ("四川省", "成都市", "武侯区", None),
    "米易县新山傈僳族乡人民政府": ("四川省", "攀枝花市", "米易县", "新山傈僳族乡"),
}
BRANCHES: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    # a national system's local branch (the system named first, then the place)
    "国家税务总局攀枝花市税务局": ("四川省", "攀枝花市", None, None),
    "国家金融监督管理总局攀枝花监管分局": (None, None, None, None),  # 攀枝花 alone: no division's full name
    # an autonomous prefecture or county by its common short name
    "凉山州卫生健康委员会": ("四川省", "凉山彝族自治州", None, None),
    "木里县人民政府": ("四川省", "凉山彝族自治州", "木里藏族自治县", None),
    "北川县教育局": ("四川省", "绵阳市", "北川羌族自治县", None),
    # a ministry, a party department (the party's name is no place)
    "生态环境部": (None, None, None, None),
    "中共攀枝花市委宣传部": ("四川省", "攀枝花市", None, None),
}
"""Bodies whose region the name gives in a form the first agencies do not: drawn now and then."""
PUBLISHERS = ("盐边县人民政府办公室", "成都市大数据中心", "米易县政务服务管理局", "仁和区融媒体中心")
"""Publishers of the page (发布机构/来源): real offices, never the reporting agency."""
CHANNELS = ("政府门户网站", "政务微信公众号", "政务微博")


MENU_WORDS = ("首页", "政务公开", "解读回应", "办事服务", "互动交流", "政府信息公开", "领导之窗", "政府机构",
              "要闻", "政府会议", "最新文件", "政策文件库", "政府工作报告", "登录", "注册", "无障碍浏览")


def _site_footer(rng: random.Random, year: int) -> str:
    """What follows the report on its page: widgets, related links (web dates), the site's footer."""
    posted = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    lines = [rng.choice(["打印本页 关闭窗口", "【打印本页】【关闭窗口】", "分享到：微信 微博"]),
             rng.choice(["相关文章", "相关链接"]),
             f"关于公布{year}年度政务公开工作要点的通知 {posted}",
             f"版权所有：{rng.choice(PUBLISHERS)}　© {year + 1}",
             f"网站标识码：{rng.randint(10**9, 10**10 - 1)}　蜀ICP备{rng.randint(10**7, 10**8 - 1)}号-1"]
    return "\n" + "\n".join(lines) + "\n"


@dataclass
class Shape:
    """The page text and the metadata a careful reader takes from it."""

    text: str
    truth: dict = field(default_factory=dict)
    """status, template, year, agency, published_on, region{province, city, county, town},
    active_disclosure.total; None where the text does not give it."""
    traits: list[str] = field(default_factory=list)


def _bare_town(rng: random.Random) -> tuple[str, tuple[str, str | None, str, str]] | None:
    """A random town of the town list, as a body named without its county: (name, region)."""
    from pipeline.agencies import places, towns
    from pipeline.agencies.regions import gazetteer, strip_divisions

    table = towns.towns()
    if not table:
        return None
    names = sorted(n for n in table if n.endswith(("镇", "乡", "街道")) and len(n) <= 6
                   and strip_divisions(n)[0] is None)  # the list has a few "孝南区杨店镇"-like entries
    g = gazetteer()
    for _ in range(20):
        town = rng.choice(names)
        entry = rng.choice(table[town])
        div = g.by_code.get(entry.county_code)
        if div is None or div.name != entry.county:
            continue
        where = places._place(div)
        body = town + ("办事处" if town.endswith("街道") else rng.choice(["人民政府", "政府"]))
        return body, (where.province, where.city, where.county, town)
    return None


def real_shape(rec: dict, rng: random.Random) -> Shape:
    """``rec`` (a generated record) printed as a real page's text, with the truth of its metadata."""
    rec = dict(rec)
    if rec["template"] == "2019":
        rec["year"] = rng.choice([2019, 2020])  # the 2019 format is the one of reports on 2019–2020
    year = rec["year"]
    traits: list[str] = []
    agency = rec["agency"]
    region = KNOWN_REGIONS.get(agency, (None, None, None, None))
    address = ""
    if rng.random() < 0.3 and (bare := _bare_town(rng)) is not None:
        agency, full_region = bare
        traits.append("bare_town")
        if rng.random() < 0.5:
            address = f"地址：{full_region[2]}{full_region[3]}人民路{rng.randint(1, 200)}号，"
            region = full_region  # the address names the county
        else:
            region = full_region  # the town list may place it; "right or null" allows less
            traits.append("town_without_county")
    elif rng.random() < 0.15:
        agency = rng.choice(sorted(BRANCHES))
        region = BRANCHES[agency]
        traits.append("branch_name")
    traditional = rng.random() < 0.2 and "bare_town" not in traits
    if traditional:
        traits.append("traditional")

    lines: list[str] = []
    publisher = rng.choice(PUBLISHERS)
    page_date = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.6:
        traits.append("chrome")
        place = region[3] or region[2] or "政务公开"
        crumbs = rng.choice(["当前位置：首页 > 政府信息公开 > 政府信息公开年报 > 正文",
                             f"当前位置：街镇 > {place} > 政务公开 > 政府信息公开年报",
                             f"首页 / 信息公开 / {place} / 政府信息公开工作年度报告"])
        if rng.random() < 0.3:
            # a page saved as Word or text by an office suite: the breadcrumb's items one per line,
            # its last one ("政府信息公开年报") a title's words naming nobody
            traits.append("split_breadcrumb")
            lines += ["当前位置：", "首页", "政务公开", "政府信息公开", "政府信息公开年报"]
        else:
            lines.append(crumbs)
        lines += [
            f"索引号：{rng.randint(10**8, 10**9)}/{year + 1}-{rng.randint(1, 999):05d}",
            f"发布机构：{publisher}",
            f"发布日期：{page_date}",
            f"来源：{publisher}　　浏览次数：{rng.randint(10, 9999)}",
            "字体：【大 中 小】　分享到：微信 微博",
        ]
    title_kind = rng.choice(["whole", "whole", "year_first", "omitted", "labelled", "year_above", "about",
                             "fields_after", "quoted", "situation", "site_suffix", "attachment", "three_lines",
                             "gap"])
    if title_kind == "whole":
        lines.append(f"{agency}{year}年度政府信息公开工作年度报告")
    elif title_kind in ("fields_after", "site_suffix", "attachment", "quoted", "situation"):
        traits.append(f"{title_kind}_title")
        lines.append({
            # a crawler's innerText: the page's fields on the title's own line
            # (or as pymupdf4llm prints the page, its share links underlined: "<u>微信 微博 QQ 空间</u>";
            # picked by the page's date, so that no draw of the generator moves)
            "fields_after": f"{agency}{year}年政府信息公开工作年度报告 {rng.choice(['发布时间', '发布日期', '来源'])}："
                            f"{page_date} 浏览次数：{rng.randint(10, 9999)} "
                            + ("<u>微信 微博 QQ 空间</u>" if int(page_date[-2:]) % 2 else "字号：[ 大 中 小 ]"),
            # the page's own title kept as the first line, the site's name after a dash
            "site_suffix": f"{agency}{year}年政府信息公开工作年度报告{rng.choice(['-', '_', ' - '])}{publisher}门户网站",
            "attachment": f"附件：{agency}{year}年政府信息公开工作年度报告.{rng.choice(['pdf', 'docx', 'doc'])}",
            "quoted": f"《{agency}{year}年政府信息公开工作年度报告》",
            "situation": f"{agency}关于{year}年度政府信息公开工作情况的报告",  # an older wording
        }[title_kind])
    elif title_kind == "three_lines" and region[0] and region[1] and not agency.startswith(region[0]):
        # a title broken over three lines, the first naming only the places above the body
        traits.append("three_line_title")
        above = region[0] + ("" if agency.startswith(region[1]) else region[1])
        agency = above + agency
        lines += [above, agency[len(above):], f"{year}年政府信息公开工作年度报告"]
    elif title_kind == "gap":
        # a title broken over two paragraphs by a converter (trafilatura): a blank line between
        traits.append("gap_title")
        lines += [f"{agency}{year}年", "", "政府信息公开工作年度报告"]
    elif title_kind == "labelled":
        # the page's index block as a table read to text: label and value apart by blanks,
        # the title among its fields, then the title line itself
        traits.append("labelled_title")
        title = f"{agency}{year}年度政府信息公开工作年度报告"
        lines += [f"索引号 {rng.randint(10**8, 10**9)}/{year + 1}-{rng.randint(1, 999):05d} 主题分类 综合政务",
                  f"发布机构 {publisher} 发文日期 {page_date}", f"标题 {title}", title]
    elif title_kind == "year_above":
        # a heading naming only the year, the title naming the body just below it
        traits.append("year_above")
        lines += [f"{year}年度政府信息公开工作年度报告", f"发布日期：{page_date}",
                  f"{agency}{year}年度政府信息公开工作年度报告"]
    elif title_kind == "about":
        traits.append("about_title")
        lines.append(f"{rng.choice(['', publisher])}关于{agency}{year}年度政府信息公开工作年度报告")
    elif title_kind == "year_first":
        lines.append(rng.choice(["{y}年{a}政府信息公开工作年度报告", "【{y}年度】{a}政府信息公开工作年度报告"])
                     .format(y=year, a=agency))
    else:
        traits.append("no_title")
    if rng.random() < 0.15:
        # a page converted to markdown (markdownify, markitdown): its title with the site's parts
        # apart by escaped underscores, then the menus as dozens of link and picture lines
        # or a page printed by a browser: the date and time, the page's title, then its menu
        # items one a line
        printed = rng.random() < 0.5
        traits.append("printed_menu" if printed else "markdown_menu")
        if printed:
            stamp = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{(year + 1) % 100}, {rng.randint(1, 12)}:{rng.randint(0, 59):02d} PM"
            menu = [f"{stamp} {agency}{year}年度政府信息公开工作年度报告_政府信息公开年报_{publisher}"]
            menu += [rng.choice(MENU_WORDS) for _ in range(rng.randint(30, 70))]
        else:
            menu = [f"{agency}{year}年度政府信息公开工作年度报告\\_政府信息公开年报\\_{publisher}", "", ""]
            for k in range(rng.randint(30, 70)):
                word = rng.choice(MENU_WORDS)
                menu.append(rng.choice([f"* [{word}](https://www.example.gov.cn/m{k}/)", f"[{word}](/m{k}/ \"{word}\")",
                                        f"![](/images/m{k}.png)", ""]))
        lines = menu + lines
    # where the text names the agency besides the title; "nowhere": only the title does
    said = rng.choice(["published", "compiled", "contact", "narrative", "nowhere"])
    office = agency + "党政办公室" if agency.endswith("人民政府") and rng.random() < 0.5 else agency
    period = rng.random() < 0.8
    notice = rng.choice(["", "（国办公开办函〔2021〕30号）" if year >= 2021 else "（国办公开办函〔2019〕60号）"])
    preface = f"根据《中华人民共和国政府信息公开条例》和《政府信息公开工作年度报告格式》{notice}要求，"
    if said == "published":
        preface += f"现将{agency}{year}年度政府信息公开工作年度报告公布如下。"
    elif said == "compiled":
        preface += f"本报告由{office}编制。"
    else:
        preface += "编制本报告。"
    if period:
        preface += f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    if said == "contact" or address:
        preface += f"如对本报告有任何疑问，请与{office}联系（{address}电话：0812-{rng.randint(1000000, 9999999)}）。"
    lines.append(preface)
    subject = agency if said == "narrative" else "我单位"
    total = rec["active_disclosure"]["total"]
    cats = rec["active_disclosure"]["by_category"]
    kind = rng.choice(["exact", "exact", "approximate", "channels"])
    clauses: list[tuple[str, int | None]]  # each stated figure, as printed, and its value
    if kind == "exact":
        cat_text = "，".join(f"{k}{v}条" for k, v in cats.items())
        printed = f"{total:,}" if total >= 1000 and rng.random() < 0.3 else str(total)
        clauses = [(rng.choice(["全年主动公开政府信息{}条", "本年度主动公开政府信息数量共计{}条",
                                "主动公开政府信息数量为{}条"]).format(printed), total)]
        disclosure = f"{clauses[0][0]}，其中{cat_text}。"
    elif kind == "approximate":
        clauses = [(f"全年主动公开政府信息{max(total, 10) // 10 * 10}余条", None)]
        disclosure = clauses[0][0] + "。"
    else:
        a, b = rng.sample(CHANNELS, 2)
        x, y = rng.randint(5, 300), rng.randint(301, 600)
        clauses = [(f"通过{a}主动公开政府信息{x}条", x), (f"通过{b}主动公开政府信息{y}条", y)]
        disclosure = "，".join(c for c, _ in clauses) + "。"
    body = render_text({**rec, "agency": agency, "published_on": None}, rng.choice(["flat", "tab"]), rng.randint(0, 99))
    body = body[body.index("二、主动公开政府信息情况"):]
    opening = f"一、总体情况\n{year}年，{subject}认真贯彻落实《中华人民共和国政府信息公开条例》。{disclosure}\n"
    if rng.random() < 0.4:
        # section 一 goes on to what departments did: those bodies are not the report's agency
        traits.append("departments")
        dept = rng.choice(["区农业农村局", "县教育局", "市卫生健康委员会", "区社会事业局", "县财政局"])
        opening += (f"（二）主要做法\n1.推进重点领域信息公开。{dept}紧紧围绕年度重点工作，"
                    f"{rng.choice(['积极', '持续'])}公开政策文件{rng.randint(2, 60)}件。\n")
    tables = rng.choice(["printed", "printed", "images", "removed"])
    if tables != "printed":
        traits.append(f"tables_{tables}")
        picture = "（表格为图片，见原文）\n" if tables == "images" else ""
        body = (f"二、主动公开政府信息情况\n{picture}三、收到和处理政府信息公开申请情况\n{picture}"
                f"四、政府信息公开行政复议、行政诉讼情况\n{picture}五、存在的主要问题及改进情况\n无。\n"
                "六、其他需要报告的事项\n无。\n")
    signed = rng.random() < 0.6
    published_on = None
    if signed:
        month, day = rng.randint(1, 3), rng.randint(1, 28)
        body += f"\n{agency}\n{year + 1}年{month}月{day}日\n"
        published_on = f"{year + 1}-{month:02d}-{day:02d}"
    text = "\n".join(lines) + "\n" + opening + body
    cut = rng.random() < 0.35
    if cut:
        traits.append("cut")
        start = text.index("一、总体情况")
        stop = text.index("五、存在的主要问题")
        text = text[: rng.randint(start + 12, stop - 1)]
        published_on = None
    # one figure stated as the disclosed items is the total (the channel is just where they
    # went); two channels' figures are no total; a cut may leave one of them, or none
    stated = [v for c, v in clauses if c in text]
    truth_total = stated[0] if len(stated) == 1 and len(clauses) == len([c for c, _ in clauses if c in text]) else None
    if kind == "channels" and len(stated) == 1:
        truth_total = stated[0]
    if rng.random() < 0.12 and not traditional:
        # a spam-injected mirror: every mention of the agency replaced by an advert
        junk = f"{rng.choice(['星辉', '金沙', '乐动', '博彩'])}{rng.randint(100, 999)}娱乐官网_{rng.choice(['#', '|', '▲'])}"
        text = text.replace(agency, junk)
        traits.append("spam")
    if not cut and rng.random() < 0.3:
        traits.append("footer")
        text += _site_footer(rng, year)
    if traditional:
        import opencc

        text = opencc.OpenCC("s2t").convert(text)

    if period:
        traits.append("period")
    truth = {
        "status": "ok" if tables == "printed" and not cut else "incomplete",
        "template": rec["template"],
        "year": year,
        "agency": agency,
        "published_on": published_on,
        "region": dict(zip(("province", "city", "county", "town"), region, strict=True)),
        "active_disclosure.total": truth_total,
    }
    return Shape(text, truth, traits)
