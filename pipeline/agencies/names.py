"""Is this string the name of an organisation? The gate every agency candidate passes.

Real pages put many strings where a name could be: breadcrumbs ("首页>政府信息公开>…正文
示范区教育局"), sentence fragments ("文件要求,现特向社会公布"), spam injected into a mirror
("bet36体育投注_…#办公厅"), generic references ("区政府", "我镇"). An agency is accepted only
when the whole string reads as one organisation's name: Chinese characters only, ending in an
organisation suffix, with a proper name before the suffix, and no navigation or sentence words.
What fails stays null — a missing agency is honest, a plausible wrong one is not.
"""

from __future__ import annotations

import re

from pipeline.agencies.regions import gazetteer, strip_divisions

_SUFFIX = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|厅|局|委员会|委|管委会|管理委员会|街道办事处|街道办|街道|办事处|镇|乡|苏木"
    r"|综合实验区|实验区|新区|示范区|开发区|高新区|园区|中心|院|署|办|部|银行)$"
)

_NOT_A_BODY_IN_BU = ("干部", "支部", "全部", "内部", "外部", "局部", "各部", "本部")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_NOT_A_NAME = re.compile(
    r"首页|当前位置|位置|正文|栏目|网站|来源|浏览|分享|打印|字体|链接|下载|发布|公布|公开|报告|根据|按照|要求|关于|通知"
    r"|认真|贯彻|坚持|领导下|重视|以下简称|简称|标题|索引号"
    r"|[省市县区镇乡]委[省市县区镇乡]?(?:人民)?政府|党委(?:人民)?政府"
)
"""Navigation, page and sentence words that no organisation's name contains (信息公开 is
allowed only through the office names trimmed below, never in a reporting body's name)."""

_GENERIC_START = re.compile(r"^(?:我|本|各|全|该|上级|其|此|有关)")
_LEVEL_START = re.compile(r"^(?:省|市|区|县|州|旗|镇|乡|街道)(?P<rest>.*)$")
_PLACE_MARK = re.compile(r"镇|乡|街道|村|县|区|市|州|旗|苏木")


def _generic(name: str) -> bool:
    """A reference to a body without its name: 我镇, 各部门, 区政府, 市科委, 县人民政府办公室 —
    but not a place whose own name starts with a level word (镇圩瑶族乡, 市中街道)."""
    if _GENERIC_START.match(name):
        return True
    m = _LEVEL_START.match(name)
    return bool(m) and not _PLACE_MARK.search(m.group("rest"))

_INTERNAL_OFFICE = (
    # 南平市人民政府信息公开工作领导小组办公室, 两城镇人民政府党政办公室
    re.compile(r"^(?P<gov>.+?人民政府)(?:[\u4e00-\u9fff]*?办公室|办公厅|党政办)$"),
    # 唐村镇政府办公室 — but in XX政府信息公开…办公室 the 政府 belongs to 政府信息公开
    re.compile(r"^(?P<gov>.+?政府)(?:党政综合办公室|党政办公室|党政办|综合办公室|办公室|办公厅)$"),
    # 某某镇党政办公室: the town's own office; the town is the body
    re.compile(r"^(?P<gov>.+?(?:镇|乡|苏木|街道))(?:党政综合办公室|党政办公室|党政办|综合办公室|办公室)$"),
)
_DIVISION_SUFFIX = re.compile(r"(?:省|市|县|区|州|旗|盟)$")


def is_org_name(name: str | None) -> bool:
    """Whether ``name`` (already compacted) reads as one organisation's full name."""
    if not name or not (3 <= len(name) <= 30) or not _CJK_ONLY.match(name):
        return False
    if _NOT_A_NAME.search(name):
        return False
    if _DIVISION_SUFFIX.search(name) and (name in gazetteer().full_names or divisions_only(name)):
        return True  # a title naming the body by its place: 开远市2025年…报告, 温州市鹿城区2023年…报告
    m = _SUFFIX.search(name)
    if m is None:
        return False
    if name.endswith(_NOT_A_BODY_IN_BU):
        return False  # 部 ends a ministry or a party department, not 干部, 支部, 全部
    stem = name[: m.start()]
    if len(stem) < 2 or _generic(name) and not _starts_with_division(name):
        return False
    return True


def divisions_only(name: str) -> bool:
    """A chain of divisions, each inside the one before, and nothing else (温州市鹿城区; a title's
    first line "湖北省宜昌市" above the body's name)."""
    div, rest = strip_divisions(name)
    return div is not None and rest == ""


def _starts_with_division(name: str) -> bool:
    g = gazetteer()
    return any(name.startswith(n) for n in (name[:k] for k in range(2, min(len(name), g.longest) + 1))
               if n in g.full_names)


def body_of_office(name: str) -> str:
    """The government an internal office works for: 两城镇人民政府党政办公室 → 两城镇人民政府.

    A report compiled ("由…编制") or answered for ("请与…联系") by a government's own office is
    that government's report; the office is not a reporting body of its own there.
    """
    for pattern in _INTERNAL_OFFICE:
        m = pattern.match(name)
        if m:
            return m.group("gov")
    return name
