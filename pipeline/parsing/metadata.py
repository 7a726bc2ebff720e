"""Who reported, for which year, when: the report's metadata — what the document says, or null.

Real pages put a lot around a report: page chrome and breadcrumbs before the title, the
site's 发布机构/发布日期 (the publisher, often another office, and the web date), spam in
mirrors, statistics periods full of dates. Each field therefore has its own sources, in
order, and nothing else:

- **agency**: the title; the signature; the report's own sentences — "现公布XX2024年…年度报告",
  "本报告由XX编制", "XX编制…报告", the contact line "请与XX联系", "XX认真贯彻…". Every
  candidate must read as an organisation's name (pipeline.agencies.names); an office
  compiling or answering for its government stands for that government.
- **year**: the title, then the statistics period ("统计期限自2024年1月1日…"), then the
  opening of section 一.
- **published_on**: the signature date — a date standing alone (or after the signing body)
  on one of the last lines (of the report: a site's footer after it is not the report).
  Never the statistics period, never the page's 发布日期, never a
  date inside a sentence; a month without a day is no date.
- **template**: the table headers decide (pipeline.parsing.parser.detect_template); without
  tables the national rule by year (reports on 2019–2020: the 2019 format, on 2021 and
  later: the 2021 format, earlier: an old format, null), and without a year the notice cited.
- **active_disclosure**: one exact total stated as the proactively disclosed items, and its
  categories only when a 其中 list of figures follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date

from pipeline.agencies.names import body_of_office, divisions_only, is_org_name
from pipeline.parsing.normalize import compact, normalize

_REPORT_TITLE = re.compile(
    r"(?:信息|政务)公开(?:工作)?(?:年度)?(?:工作)?(?:情况的?)?(?:报告|年报)(?:[(（][^()（）]{0,12}[)）])?$"
)
_PAGE_FIELDS_AFTER = re.compile(
    r"\s+[【\[]?(?:发布时间|发布日期|更新时间|时间|日期|来源|信息来源|浏览次数|阅读次数|点击(?:数|量|次数)?|字号|作者)\s*[:：].*$"
)
"""The page's fields printed on the title's own line ("…年度报告 发布时间：2023-01-18 浏览次数：…")."""
_ATTACHMENT = re.compile(r"^附件\d*[:：]|\.(?:pdf|PDF|docx?|DOCX?|wps|WPS|ofd|OFD)$")
"""A report published as an attachment: its file name is the title ("附件：XX2022年…年度报告.pdf")."""
_TITLE_LABEL = re.compile(r"^(?:标题|题目|文章标题|名称|主题)(?:\s*[:：]|\s+)")
"""A page's field label before the title: "标题：…", or "标题 …" in a metadata table read as text."""
_YEAR = re.compile(r"((?:19|20)\d{2})年度?")
_NAVIGATION = re.compile(r"当前位置|您的位置|首页|[>＞»›]|\s/\s")
"""A breadcrumb ("当前位置：首页 > … > 政府信息公开年报") is never the title, whatever it ends with."""
_NOTICE = re.compile(r"(?:通知|意见|办法|方案|解读|答记者问|新闻|会议|培训|目录|列表)$")


TITLE_REPEAT = 3
"""Lines within which a title naming the body may follow one naming only the year."""


@dataclass
class Title:
    """The report's title line (compacted) with the agency and year it names."""

    text: str
    agency: str | None
    year: int | None
    line: int | None = None


def _title_parts(flat: str) -> tuple[str | None, int | None]:
    """Agency and year of a title ('米易县丙谷镇2024年度政府信息公开工作年度报告',
    '2024年上海市科委政府信息公开工作年度报告', '河包镇政府信息公开工作年度报告')."""
    body = re.sub(r"(?:政府)?(?:信息|政务)公开.*$", "", flat)
    body = re.sub(r"^[【\[(（]((?:19|20)\d{2}年度?)[】\])）]", r"\1", body)  # "【2023年度】XX…报告"
    m = _YEAR.search(body)
    year = int(m.group(1)) if m else None
    if m is None:
        name = body
    elif m.start() == 0:
        name = body[m.end():]
    else:
        name = body[: m.start()]
    name = name.strip("《》“”\"'")
    name = re.sub(r"(?:关于|的)$", "", name)
    name = re.sub(r"^(?:[\u4e00-\u9fff]*?关于)", "", name)  # "(XX办公室)关于XX县2020年…报告": the report's body follows 关于
    return (name if is_org_name(name) else None), year


def find_title(lines: list[str], page_title: str | None = None, limit: int = 30) -> Title | None:
    """The first line (or two lines joined: titles break) among the opening lines that reads
    as a report's title; else the page's own title when it does."""
    head = ["" if _NAVIGATION.search(ln) or _LINKS_ONLY.match(ln) else
            _ATTACHMENT.sub("", compact(_PAGE_FIELDS_AFTER.sub("", _TITLE_LABEL.sub("", _PRINT_STAMP.sub(
                "", ln.strip()))))).strip("《》“”\"")
            for ln in lines[:_reach(lines, limit)]]
    bare: Title | None = None  # "政府信息公开年报": a title's words naming nothing (a menu item, a column)
    dated: Title | None = None  # "2023年度政府信息公开工作年度报告": a year, no body
    blank = {i for i, ln in enumerate(lines[: len(head)]) if not ln.strip()}
    for title in _title_candidates(head, blank):
        if dated is not None:
            # the page's field or heading named only the year; the title line just below it
            # names the body too (same year or none)
            near = title.line is not None and dated.line is not None and title.line - dated.line <= TITLE_REPEAT
            if title.agency and near and title.year in (None, dated.year):
                return Title(title.text, title.agency, dated.year, title.line)
            continue
        if title.agency:
            return title
        if title.year:
            dated = title
            continue
        bare = bare or title
    if dated is not None:
        return dated
    if page_title:
        for part in re.split(r"[_|｜\-—]+", normalize(page_title)):
            flat = compact(part)
            if _REPORT_TITLE.search(flat) and len(flat) <= 60:
                agency, year = _title_parts(flat)
                if agency or year or bare is None:
                    return Title(flat, agency, year, None)
    return bare


_PRINT_STAMP = re.compile(r"^(?:\d{1,2}/\d{1,2}/\d{2,4},?|\d{4}/\d{1,2}/\d{1,2})\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*")
"""The date and time a browser prints at the head of each page ("12/5/26, 4:52 AM 平潭…年度报告_…",
"2026/12/5 04:52 …"), before the page's title: not part of the title."""
_LINKS_ONLY = re.compile(r"^[\s*+\-]*(?:!?\[[^\]]*\]\([^)]*\)[\s|*]*)+$")
"""A markdown line of links or pictures only ("* [首页](/)", "![](/images/logo.png)"): a page's menu."""


MENU_ITEM = 8
"""A line shorter than this (no blanks counted) may be a menu item ("政府信息公开", "登录")."""


def _reach(lines: list[str], limit: int) -> int:
    """How many lines hold the first ``limit`` lines with words: a page converted to markdown
    opens with its menus as link lines and blank lines (eighty of them before the title of a
    real page through markdownify), and a page printed to PDF with its menu items one a line
    (57 before the title of a real page printed by Chromium); they say nothing."""
    seen = 0
    for i, ln in enumerate(lines):
        if len(compact(ln)) >= MENU_ITEM and not _LINKS_ONLY.match(ln):
            seen += 1
            if seen >= limit:
                return i + 1
    return len(lines)


def _title_candidates(head: list[str], blank: AbstractSet[int] = frozenset()) -> Iterator[Title]:
    """Every opening line (or two joined) that reads as a report's title, in order. A site's
    menu or breadcrumb split over lines leaves a bare "政府信息公开年报" above the real title,
    so the caller keeps looking past a candidate that names neither agency nor year. The line
    a title is joined to is the one above it, blank lines (``blank``: a converter's paragraph
    breaks, "平潭综合实验区2019年" / "" / "政府信息公开工作年度报告") aside."""
    for i, ln in enumerate(head):
        j = i - 1
        while j >= 0 and j in blank and i - j <= 2:
            j -= 1
        above = head[j] if j >= 0 else ""
        for cand in (ln, above + ln if i else None):
            if cand and len(cand) <= 60 and _REPORT_TITLE.search(cand):
                agency, year = _title_parts(cand)
                if agency is None and cand is ln and i:
                    joined_agency, joined_year = _title_parts(above + ln)
                    if joined_agency:
                        # a title broken over three lines: "湖北省宜昌市" / "夷陵区人民政府" / "2023年…报告"
                        first = head[j - 1] if j >= 1 else ""
                        if first and divisions_only(first) and is_org_name(first + joined_agency):
                            joined_agency = first + joined_agency
                        yield Title(above + ln, joined_agency, joined_year or year, i)
                        break
                yield Title(cand, agency, year, i)
                break
        else:
            # a page title kept as the first line: "…年度报告-蒙城县人民政府门户网站"
            first = _SITE_SEPARATOR.split(ln, maxsplit=1)[0]
            if first != ln and len(first) <= 60 and _REPORT_TITLE.search(first):
                agency, year = _title_parts(first)
                yield Title(first, agency, year, i)
                continue
            # a title followed on the same line by the report's first sentence or, with no
            # preface, by section 一's heading (flattened pages: a crawler's innerText)
            m = re.match(r"^(.{4,60}?信息公开(?:工作)?(?:年度)?报告)(?=根据|按照|依据|本报告|为|一[、.．]|[（(]一[)）])", ln)
            if m:
                agency, year = _title_parts(m.group(1))
                yield Title(m.group(1), agency, year, i)


_SITE_SEPARATOR = re.compile(r"(?<!\d)[-—_|｜]+(?!\d)")
"""Between a page title's parts ("标题-网站名", "标题_栏目_网站"); not a date's hyphen."""


def is_notice_title(line: str) -> bool:
    """A title that announces something else: a notice, an opinion, a news item, a list."""
    return bool(_NOTICE.search(compact(line)))


# ------------------------------------------------------------------ agency from sentences -----

_ORG = r"([\u4e00-\u9fff]{2,40}?)"
_SENTENCE_SOURCES: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("published_sentence",
     re.compile(r"现(?:特|将)?(?:向社会)?(?:公布|发布|印发|公开)(?:(?:19|20)\d{2}年度?)?" + _ORG
                + r"(?:(?:19|20)\d{2}年度?)(?:政府)?信息公开"), False),
    ("published_sentence",
     re.compile(r"现将" + _ORG + r"(?:(?:19|20)\d{2}年度?)(?:政府)?信息公开"), False),
    ("compiled_by", re.compile(r"由" + _ORG + r"(?=根据|按照|依据|依照|结合|汇总|负责|编制|编写|起草|制作|牵头)"), True),
    ("compiles", re.compile(r"(?:^|[,，。;；:：\n])" + _ORG + r"(?:编制|编写|起草)(?:了|完成)?(?:本|(?:19|20)\d{2})"), True),
    # "(请|可|直接)与…联系": the adverb before 与 changes no name found, and left out the
    # pattern starts with 与/同/向, which the regex engine skips ahead to
    ("contact", re.compile(r"(?:与|同|向)" + _ORG + r"(?:联系|咨询)"), True),
    ("narrative",
     re.compile(r"(?:^|[,，。;；\n])" + _ORG
                + r"(?=认真|坚持|深入|严格|全面|积极|紧紧|持续|进一步|始终|切实|不断|高度重视|紧密|扎实)"), False),
)


_S1_HEADING = re.compile(r"(?:^|\n|。)\s*一[、.．]\s*(?:总体情况|概述)")


def _opening(head: str) -> str:
    """The preface and the first sentence of section 一 ("2023年，XX街道办事处认真贯彻…"):
    where a report speaks of itself. Further on, section 一 tells what its departments did
    ("区农业农村局紧紧围绕…"), and those bodies are not the report's agency."""
    m = _S1_HEADING.search(head)
    if m is None:
        return head[: _sentence_end(head, 0)]
    return head[: _sentence_end(head, m.end())]


def _sentence_end(text: str, start: int) -> int:
    """The end of the first full sentence (or paragraph) after ``start``."""
    ends = [i for i in (text.find("。", start), text.find("\n", text.find("\n", start) + 1)) if i >= 0]
    return min(ends) + 1 if ends else len(text)


# What a source's sentence cannot match without (its verb and what follows it), looked for
# before the sentence itself: the pattern tries a name of up to 40 characters after every
# comma (~50 µs a report), the guard starts at the verb (a few µs).
_SENTENCE_GUARDS = {"compiles": re.compile(r"(?:编制|编写|起草)(?:了|完成)?(?:本|(?:19|20)\d{2})")}


def agency_from_sentences(text: str) -> tuple[str | None, str | None]:
    """(agency, how) from the report's own sentences, in the order of the sources above.

    Only the opening of the report is read (the preface and section 一): later sentences name
    other bodies (上级, 兄弟单位) far more often than the report's own.
    """
    head = text[:3000]
    for how, pattern, office in _SENTENCE_SOURCES:
        if how in _SENTENCE_GUARDS and _SENTENCE_GUARDS[how].search(head) is None:
            continue
        for m in pattern.finditer(_opening(head) if how == "narrative" else head):
            # the whole run is the name or nothing: a tail of a name is another (wrong) name
            cand = body_of_office(m.group(1)) if office else m.group(1)
            if is_org_name(cand):
                return cand, how
    return None, None


# ------------------------------------------------------------------ dates ------------------------

_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_ARABIC = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_HAN = r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
_CLOSING = re.compile(rf"^(?P<org>[\u4e00-\u9fff]{{2,40}})?\s*(?:{_DATE_ARABIC}|{_DATE_HAN})$")
_TAIL = re.compile(rf"[。\s](?P<org>[\u4e00-\u9fff]{{2,40}})?\s*(?:{_DATE_ARABIC}|{_DATE_HAN})\s*$")


_DATE_LABEL = re.compile(r"发布|日期|时间|更新|来源|生成|印发|浏览")


def _han_number(s: str) -> int:
    if s.startswith("十"):
        return 10 + (_DIGIT.get(s[1:], 0) if len(s) > 1 else 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _DIGIT[tens] * 10 + (_DIGIT[ones] if ones else 0)
    return _DIGIT[s]


def _iso(m: re.Match[str]) -> str | None:
    g = m.groups()
    try:
        if g[1]:
            return date(int(g[1]), int(g[2]), int(g[3])).isoformat()
        y = int("".join(str(_DIGIT[c]) for c in g[4]))
        return date(y, _han_number(g[5]), _han_number(g[6])).isoformat()
    except (ValueError, KeyError):
        return None


@dataclass
class Signature:
    agency: str | None = None
    published_on: str | None = None


def signature(lines: list[str]) -> Signature:
    """The signing body and date: a date alone (or after the body) on one of the last lines.

    Lines after it may only be short remarks (页码, "(此件公开发布)"), never a sentence: a
    date followed by more report is a date inside the report, not its signature.
    """
    body = [ln.strip() for ln in lines if ln.strip()]
    for back in range(1, min(4, len(body)) + 1):
        ln = compact(body[-back])
        after = body[len(body) - back + 1 :]
        if any(len(a) > 30 or a.rstrip().endswith("。") for a in after):
            break
        m = _CLOSING.match(ln)
        if m is None and back == 1 and len(ln) > 40:
            m = _TAIL.search(ln)  # a flattened page: the whole report on one line
        if m is None:
            continue
        org = m.group("org")
        if org and _DATE_LABEL.search(org):
            continue  # "发布日期 2025年1月20日": the page's date, not a signature
        iso = _iso(m)
        if not org and len(body) > back:
            prev = compact(body[-back - 1])
            org = prev if len(prev) <= 40 else None
        agency = org if org and is_org_name(org) else None
        return Signature(agency, iso)
    return Signature()


# ------------------------------------------------------------------ year -------------------------

_PERIOD = re.compile(
    r"(?:统计|数据)[^。]{0,12}?(?:期限|时限|时间|周期|区间|范围|期间)[^。\d]{0,8}?(?:(?:19|20)\d{2}年)?"
    r"[^。\d]{0,4}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
_PERIOD_LOOSE = re.compile(r"(?:自|从)\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到)")
_YEAR_OPENING = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)(?!\s*(?:修订|修正|印发|发布|第))")
_YEAR_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?)?\s*$")


def year_from_text(text: str, s1: tuple[int, int] | None, signed: str | None = None) -> tuple[int | None, str | None]:
    """The year a report covers when its title does not say: the statistics period, a year
    standing alone above section 一 (what is left of a title), then the first year section
    一 names ("2023年,东街街道…") — never one after the signature's year."""
    head = text[:4000]
    for pattern in (_PERIOD, _PERIOD_LOOSE):
        m = pattern.search(head)
        if m:
            return int(m.group(1)), "statistics_period"
    if s1:
        for ln in text[: s1[0]].split("\n")[-12:]:
            m = _YEAR_LINE.match(ln)
            if m:
                return int(m.group(1)), "title_remnant"
        m = _YEAR_OPENING.search(text, s1[0], min(s1[1], s1[0] + 600))
        if m and (signed is None or int(m.group(1)) <= int(signed[:4])):
            return int(m.group(1)), "section_one"
    return None, None


# ------------------------------------------------------------------ template ---------------------

_NOTICE_2021 = re.compile(r"〔\s*2021\s*〕\s*30\s*号|\[\s*2021\s*\]\s*30\s*号|年度报告格式")
_NOTICE_2019 = re.compile(r"〔\s*2019\s*〕\s*60\s*号|\[\s*2019\s*\]\s*60\s*号|关于政府信息公开工作年度报告有关事项的通知")


_HEADERS_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量")
_HEADERS_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数")
"""Column headers of section 二's first table that only one format prints."""


def template_without_tables(year: int | None, text: str) -> tuple[str | None, str]:
    """The format a report whose sections were not found uses: its first table's column
    headers wherever they stand (a page flattened into one line or one cell loses its
    section headings, not its words), else the national rule by year, else the notice it
    cites. Old formats (before the 2019 report) have no template.

    Why the headers before the year: an agency may keep the old format after 2021, and the
    page's words are what it printed; the year only says what the rule asked for.
    """
    flat = compact(text)
    old, new = bool(_HEADERS_2019.search(flat)), bool(_HEADERS_2021.search(flat))
    if old != new:
        fmt = "2019" if old else "2021"
        return fmt, f"its table headers name the {fmt} format's columns"
    if year is not None:
        if year >= 2021:
            return "2021", f"a report on {year} uses the 2021 format"
        if year >= 2019:
            return "2019", f"a report on {year} uses the 2019 format"
        return None, f"a report on {year} predates the national formats"
    head = compact(text[:3000])
    if _NOTICE_2021.search(head):
        return "2021", "cites the 2021 notice (国办公开办函〔2021〕30号)"
    if _NOTICE_2019.search(head):
        return "2019", "cites the 2019 notice (国办公开办函〔2019〕60号)"
    return None, "no table headers, year or notice"


# ------------------------------------------------------------------ active disclosure ------------

_ACTIVE_TOTAL = re.compile(
    r"(?:主动(?:发布)?(?:公开|发布|公布)[^,，。;；\d]{0,12}?信息|(?:公开|发布|公布)政府信息)"
    r"(?:数量|总数|总量)?(?:共计|共|总计|合计|累计|为|达)?[:：]?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*(余|多)?\s*(条|件)"
)
_CATEGORY = re.compile(r"^(?P<name>[^\d]{2,30}?)(?:共|计)?(?P<n>\d+)(?P<approx>余|多)?(?:条|件)$")
_FIGURE = re.compile(r"\d+(?:余|多)?[条件]")
_CATEGORY_PREFIX = re.compile(r"^(?:其中|包括|包含|共计|共|[:：,，(（])+")


@dataclass
class ActiveDisclosure:
    total: int | None = None
    by_category: dict[str, int | None] = field(default_factory=dict)
    issues: list[tuple[str, str]] = field(default_factory=list)


_FIRST_TABLE = re.compile(r"第\s*二\s*十\s*条\s*第|信\s*息\s*内\s*容")


def narrative_end(text: str, s1: tuple[int, int]) -> int:
    """Where section 一's narrative ends: at the first table of section 二 when that comes later
    than the next heading found (a flattened page whose preface lists the parts by name makes
    the heading finder stop inside the preface)."""
    m = _FIRST_TABLE.search(text, s1[0])
    return max(s1[1], m.start()) if m and s1[1] - s1[0] < 200 else s1[1]


def active_disclosure(section1: str) -> ActiveDisclosure:
    """The proactive disclosure total and, when a 其中 list follows it, its categories.

    Several different figures stated as totals (one per channel: 网站…条, 微信…条) give no
    total; "80余条" is not an exact figure.
    """
    out = ActiveDisclosure()
    text = re.sub(r"\s+", "", section1)
    totals: list[tuple[int, dict[str, int | None]]] = []
    approximate: list[dict[str, int | None]] = []
    skip_to = 0
    for m in _ACTIVE_TOTAL.finditer(text):
        if m.start() < skip_to:
            continue  # a figure inside the 其中 list of the total before it
        cats, skip_to = _categories(text, m.end())
        if m.group(2):
            out.issues.append(("approximate_total", f"active disclosure printed as '{m.group(0)}': not an exact figure"))
            approximate.append(cats)
            continue
        totals.append((int(m.group(1).replace(",", "")), cats))
    values = {v for v, _ in totals}
    if len(values) > 1:
        out.issues.append(("ambiguous_total", f"several disclosure figures ({sorted(values)}): none is the total"))
    if len(values) == 1:
        out.total, out.by_category = totals[0]
    elif not totals and len(approximate) == 1:
        out.by_category = approximate[0]  # "50余条，其中工作动态37条…": the parts are exact
    return out


def _categories(text: str, at: int) -> tuple[dict[str, int | None], int]:
    """The 其中 list right after a total ("。其中,工作动态50条,通知公告9条…"), complete or nothing,
    and where the list ends."""
    m = re.compile(r"[,，。;；]?[(（]?其中(?:包括)?[:：,，]?").match(text, at)
    if not m:
        return {}, at
    end = re.compile(r"[。)）]").search(text, m.end())
    stop = end.start() if end else len(text)
    cats: dict[str, int | None] = {}
    body = text[m.end() : stop]
    # items are separated by semicolons when each carries a description ("工作动态37条,涵盖…;
    # 通知公告13条,包括…"), by commas otherwise; an item opens with its name and figure
    items = re.split(r"[;；]", body) if re.search(r"[;；]", body) else re.split(r"[,，]", body)
    for item in items:
        head = re.split(r"[,，]", item)[0]
        # "工作动态61条、通知公告11条": several items in one piece; "政策、规范性文件类信息68条": one
        pieces = re.split(r"(?<=[条件])、", head) if len(_FIGURE.findall(head)) > 1 else [head]
        for piece in pieces:
            piece = _CATEGORY_PREFIX.sub("", piece)
            if not piece:
                continue
            c = _CATEGORY.match(piece)
            if c is None:
                return {}, stop  # a piece without a figure: the list is partial, so no breakdown
            cats[c.group("name")] = None if c.group("approx") else int(c.group("n"))
    return cats, stop


# ------------------------------------------------------------------ all of it --------------------


@dataclass
class Metadata:
    """Every metadata field of a report, with the notes saying where each came from."""

    agency: str | None = None
    year: int | None = None
    published_on: str | None = None
    region: dict[str, str | None] = field(default_factory=dict)
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(severity, code, where, detail) for the record's issues."""


_GOVERNMENT_SUFFIX = re.compile(r"人民政府|政府|街道办事处|办事处")


def _bare_division(name: str) -> bool:
    from pipeline.agencies.regions import gazetteer

    return name in gazetteer().full_names


_SITE_FOOTER = re.compile(r"版权所有|网站标识码|ICP备|公网安备|打印本页|关闭窗口|分享到|^相关(?:文章|链接|阅读|信息)$")
"""A line of the site around the report (widgets, related links, the site's footer), never the report's."""


def signature_before_footer(lines: list[str], from_line: int) -> Signature:
    """The signature of a report that a site's footer follows: ``signature`` over the lines
    before the first footer line at or after ``from_line`` (the report's last section).

    Why: a page printed or saved whole goes on after the signature with print and share
    widgets, related links and the site's footer (copyright, site code, ICP licence), so the
    signature is no longer among the last lines. Only lines after the last section's
    heading are searched for the footer: chrome above the report never cuts it.
    """
    for k in range(max(from_line, 0), len(lines)):
        if _SITE_FOOTER.search(lines[k].strip()):
            return signature(lines[:k])
    return Signature()


def read_metadata(text: str, lines: list[str], title: Title | None, s1: tuple[int, int] | None,
                  last_section: int | None = None) -> Metadata:
    """Agency, year, signature date and region of a report (see the module's docstring).

    ``last_section``: where the report's last section heading starts in ``text`` (a site
    footer after the report is looked for only after it).
    """
    from pipeline.agencies.places import resolve

    out = Metadata()
    sig = signature(lines)
    if sig.published_on is None and sig.agency is None and last_section is not None:
        sig = signature_before_footer(lines, text.count("\n", 0, last_section))
    said, how = agency_from_sentences(text)
    agency = None
    if title is not None and title.agency:
        agency, source = title.agency, "title"
    elif sig.agency:
        agency, source = sig.agency, "signature"
    elif said:
        agency, source = said, how
    else:
        source = None
    for fuller in (sig.agency, said):
        if agency and fuller and fuller.startswith(agency) and _GOVERNMENT_SUFFIX.fullmatch(fuller[len(agency):]):
            if _bare_division(agency) or not agency.endswith(("政府", "办事处")):
                agency = fuller  # the title names the place or town (开远市, XX镇), the text its government
                break
    out.agency = agency
    if agency is None:
        out.notes.append(("warning", "agency_missing", "agency", "no title, signature or sentence names the agency"))
    elif source != "title":
        out.notes.append(("info", f"agency_from_{source}", "agency", f"agency read from the {source.replace('_', ' ')}"))

    out.year = title.year if title is not None else None
    if out.year is None:
        out.year, where = year_from_text(text, s1, sig.published_on)
        if out.year is not None:
            out.notes.append(("info", f"year_from_{where}", "year", f"no year in a title; read from the {where.replace('_', ' ')}"))

    if sig.published_on and out.year is not None and int(sig.published_on[:4]) <= out.year - 1:
        out.notes.append(("warning", "signature_date_implausible", "published_on",
                          f"{sig.published_on} is before the year the report covers ({out.year}); not kept"))
    else:
        out.published_on = sig.published_on

    names = [n for n in (agency, title.agency if title else None, sig.agency, said) if n]
    out.region = resolve(names, text[:4000]).as_dict() if names else resolve([], text[:4000]).as_dict()
    return out
