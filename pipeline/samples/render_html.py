"""Render a report record as a web page saved from a government site.

Why: the HTML reader must be tested on pages whose every cell is known, with what real
pages carry around the article: a site header, navigation and breadcrumb, a metadata line
(发布机构 / 发布日期: the site's publisher and posting date, deliberately not the reporting
agency nor the signature date), share and print bars, related links, and a footer full of
numbers (网站标识码, ICP licence, phone, year) that must never land in a cell.

The three tables come from the same structure as the sample PDFs (``tables_html`` and
``requests_table``: the national format's merged header and row-group cells), blank cells
written ``&nbsp;`` as sites do. ``seed`` picks the page layout (modern ``div`` page, or an
old page laid out in nested tables), where the title and the metadata stand, and how
paragraphs and cells are marked up, so a property test sweeps the variants.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from html import escape

from pipeline.samples.requests_table import requests_html
from pipeline.samples.spec import ReportSpec
from pipeline.samples.tables_html import article20_html, review_html

PAGE_PUBLISHER = "米易县人民政府办公室"  # the site's 发布机构: never the reporting agency
SITE = "米易县人民政府"
SITE_CODE = "5104210001"
PHONE = "0812-8173166"
FILLER = "本机关坚持以公开为常态、不公开为例外，持续完善政府信息公开工作机制，及时回应社会关切，政务公开工作取得新成效。"


def report_spec(rec: dict) -> ReportSpec:
    """A record (the shape of ``random_record``) as the report's narrative, tables and signature.

    Section 一 states the proactive-disclosure figures the way reports do: "主动公开政府信息
    {total}条，其中工作动态{n}条，通知公告{m}条".
    """
    agency, year, t = rec.get("agency") or "", rec["year"], rec["template"]
    doc_no = "国办公开办函〔2021〕30号" if t == "2021" else "国办公开办函〔2019〕60号"
    ad = rec.get("active_disclosure") or {}
    s1 = []
    if ad.get("total") is not None:
        cats = "，".join(f"{k}{v}条" for k, v in (ad.get("by_category") or {}).items())
        s1.append(f"（一）主动公开情况。{year}年，本机关主动公开政府信息{ad['total']}条" + (f"，其中{cats}" if cats else "") + "。")
    s1 += [f"（二）依申请公开情况。{FILLER}", f"（三）政府信息管理情况。{FILLER}", f"（四）平台建设情况。{FILLER}"]
    signature_date = ""
    if rec.get("published_on"):
        y, m, d = rec["published_on"].split("-")
        signature_date = f"{int(y)}年{int(m)}月{int(d)}日"
    return ReportSpec(
        title_lines=[agency, f"{year}年度政府信息公开工作年度报告"],
        preamble=[
            f"本报告根据《中华人民共和国政府信息公开条例》和{doc_no}要求编制，"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        ],
        section1=s1,
        section5=[f"（一）存在的主要问题。{FILLER}", "（二）改进情况。下一步，本机关将进一步规范信息发布审核流程。"],
        section6=["本年度未收取信息处理费。"],
        template=t,
        article20=rec["article20"],
        requests=rec["requests"],
        review_litigation=rec["review_litigation"],
        signature_agency=agency,
        signature_date=signature_date,
    )


def _blank_cells(html: str) -> str:
    """Empty cells as sites write them: ``&nbsp;``."""
    return re.sub(r"(<td[^>]*>)</td>", r"\1&nbsp;</td>", html)


def _word_cells(html: str, rng: random.Random) -> str:
    """Cell text wrapped the way Word's HTML export does: a paragraph and a span per cell, and
    now and then a number after a span of its own holding a blank (``<span style="font-family:
    Calibri">&nbsp;</span><span>0</span>``: a text extractor putting a line break between
    elements prints a line of blanks before the number)."""
    def cell(m: re.Match[str]) -> str:
        lead = '<span style="font-family:Calibri">&nbsp;</span>' if m.group(2).isdigit() and rng.random() < 0.3 else ""
        return f'{m.group(1)}<p style="text-align:center">{lead}<span style="font-size:10.5pt">{m.group(2)}</span></p></td>'

    return re.sub(r"(<td[^>]*>)(.*?)</td>", cell, html)


def _tables(spec: ReportSpec, rng: random.Random) -> tuple[str, str, str]:
    parts = (article20_html(spec), requests_html(spec, "t3"), review_html(spec))
    parts = tuple(re.sub(r'<div id="t3-end"></div>', "", p) for p in parts)
    if rng.random() < 0.5:
        parts = tuple(_word_cells(p, rng) for p in parts)
    parts = tuple(_blank_cells(p) for p in parts)
    if rng.random() < 0.5:  # Word export: border and cell spacing attributes, a tbody
        parts = tuple(p.replace("<table", '<table border="1" cellspacing="0" cellpadding="0"') for p in parts)
    return parts


def _paras(items: list[str], style: str) -> str:
    if style == "br":
        return "<div>" + "<br>\n".join("&nbsp;&nbsp;&nbsp;&nbsp;" + escape(t) for t in items) + "</div>"
    if style == "span":
        return "".join(f'<p style="text-indent:2em"><span style="font-family:仿宋">{escape(t)}</span></p>' for t in items)
    return "".join(f"<p>\u3000\u3000{escape(t)}</p>" for t in items)


def _content(spec: ReportSpec, rng: random.Random, title_inside: bool, picture=None, as_marked_up: bool = False) -> str:
    style = rng.choice(["p", "br", "span"])
    a20, req, rev = _tables(spec, rng)
    if picture is not None and as_marked_up:  # the page's own markup pictured: numbers may overrun cells
        a20, req, rev = picture(a20, 1), picture(req, 2), picture(rev, 3)
    elif picture is not None:  # the tables pasted as pictures (screenshots), as some sites post them:
        # laid out as the report's own tables (the page's markup variants above are HTML's, not a picture's)
        a20, req, rev = (picture(html, k) for k, html in enumerate(
            (article20_html(spec), re.sub(r'<div id="t3-end"></div>', "", requests_html(spec, "t3")), review_html(spec)), 1))
    heading = rng.choice(['<p style="text-indent:2em"><strong>{}</strong></p>', "<h3>{}</h3>", "<p><b>{}</b></p>"])
    out = []
    if title_inside:
        out += [f'<p style="text-align:center"><strong>{escape(t)}</strong></p>' for t in spec.title_lines]
    out += [
        _paras(spec.preamble, style),
        heading.format("一、总体情况"), _paras(spec.section1, style),
        heading.format("二、主动公开政府信息情况"), a20,
        heading.format("三、收到和处理政府信息公开申请情况"), req,
        heading.format("四、政府信息公开行政复议、行政诉讼情况"), rev,
        heading.format("五、存在的主要问题及改进情况"), _paras(spec.section5, style),
        heading.format("六、其他需要报告的事项"), _paras(spec.section6, style),
        f'<p style="text-align:right">{escape(spec.signature_agency)}</p>',
        f'<p style="text-align:right">{escape(spec.signature_date)}</p>',
    ]
    return "\n".join(out)


def _page_date(spec_date: str, rng: random.Random, year: int) -> tuple[str, str]:
    """The site's posting date, a few days after the signature: (ISO with time, as printed)."""
    m = re.match(r"(\d+)年(\d+)月(\d+)日", spec_date)
    signed = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else date(year + 1, 1, 20)
    posted = signed + timedelta(days=rng.randint(1, 9))
    iso = f"{posted.isoformat()} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
    shown = iso if rng.random() < 0.5 else f"{posted.year}年{posted.month:02d}月{posted.day:02d}日"
    return iso, shown


def _meta_block(shown_date: str, kind: str, rng: random.Random) -> str:
    visits = rng.randint(100, 99999)
    if kind == "table":
        return (
            '<table class="xxgk-info" width="100%">'
            f"<tr><td>索引号：</td><td>11510421MB1{rng.randint(100000, 999999)}X/2025-{rng.randint(1, 999):05d}</td>"
            "<td>主题分类：</td><td>政务公开</td></tr>"
            f"<tr><td>发布机构：</td><td>{PAGE_PUBLISHER}</td><td>发布日期：</td><td>{shown_date}</td></tr>"
            "<tr><td>文号：</td><td>无</td><td>有效性：</td><td>有效</td></tr></table>"
        )
    if kind == "plain":
        return f"<div>发布机构：{PAGE_PUBLISHER}&nbsp;&nbsp;&nbsp;发布日期：{shown_date}&nbsp;&nbsp;&nbsp;浏览次数：{visits}</div>"
    return (
        f'<div class="article-info"><span>发布机构：{PAGE_PUBLISHER}</span> <span>发布日期：{shown_date}</span> '
        f"<span>浏览次数：{visits}</span> <span>【字体：大 中 小】</span></div>"
    )


def picture_tag(src: str, width_pt: float) -> str:
    """A paragraph showing the picture ``src`` at ``width_pt`` points (as pixels: a point is 4/3 of one)."""
    return f'<p style="text-align:center"><img src="{src}" width="{round(width_pt / 0.75)}" alt=""></p>'


def inline_picture(html: str, _number: int) -> str:
    """A table as a ``data:`` URI picture at the width it would print (a CMS inlining a pasted screenshot)."""
    import base64

    from pipeline.samples.render_docx import table_picture

    png, width_pt = table_picture(html)
    return picture_tag(f"data:image/png;base64,{base64.b64encode(png).decode()}", width_pt)


def render_html(rec: dict, *, encoding: str = "utf-8", seed: int = 0, picture=None, as_marked_up: bool = False) -> bytes:
    """The record as a saved government web page, encoded as ``encoding`` ("utf-8" or "gbk").

    ``picture``: given, each of the three tables' HTML and its number (1–3) become what it
    returns (``inline_picture``: a ``data:`` URI screenshot; ``render_mht``: an archive part).
    ``as_marked_up``: the pictures show the tables as this page marks them up (borders, words
    in cells), where wide numbers overrun their cells' rules and the picture's right edge."""
    rng = random.Random(seed)
    spec = report_spec(rec)
    title = "".join(spec.title_lines)
    iso, shown = _page_date(spec.signature_date, rng, rec["year"])
    year_now = int(iso[:4])
    if encoding.lower().replace("-", "") == "utf8":
        charset = rng.choice(['<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'])
        codec = "utf-8"
    elif encoding.lower() in ("gbk", "gb2312", "gb18030"):
        name = rng.choice(["gb2312", "GBK", "gbk"])
        charset = f'<meta http-equiv="Content-Type" content="text/html; charset={name}">'
        codec = "gbk"
    else:
        raise ValueError(f"encoding {encoding!r}: utf-8 or gbk")
    layout = rng.choice(["div", "table"])
    title_at = rng.choice(["outside", "both", "inside"])
    meta_kind = rng.choice(["line", "plain", "table"])
    content = _content(spec, rng, title_inside=title_at != "outside", picture=picture, as_marked_up=as_marked_up)
    h1 = f'<h1 class="article-title">{escape(title)}</h1>' if title_at != "inside" else ""
    meta = _meta_block(shown, meta_kind, rng)
    nav = "".join(f'<li><a href="/{i}/">{t}</a></li>' for i, t in enumerate(["首页", "走进米易", "政务公开", "政务服务", "互动交流", "2024专题"]))
    crumb = '当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a>'
    related = (
        '<ul><li><a href="/a/1.html">米易县2023年度政府信息公开工作年度报告</a><span>2024-01-18</span></li>'
        f'<li><a href="/a/2.html">关于公布{year_now - 1}年度政务公开工作要点的通知</a><span>{year_now - 1}-03-02</span></li></ul>'
    )
    footer = (
        f"<p>版权所有：{PAGE_PUBLISHER}　主办：{PAGE_PUBLISHER}　&copy; {year_now}</p>"
        f"<p>网站标识码：{SITE_CODE}　蜀ICP备05001234号-1　川公网安备 51042102000001号</p>"
        f"<p>联系电话：{PHONE}　地址：米易县攀莲镇新建路88号</p>"
    )
    share = '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>'
    tools = '<div class="print-tools"><a href="#">打印本页</a> <a href="#">关闭窗口</a></div>'
    if layout == "div":
        body = (
            f'<div class="header"><div class="logo">{SITE}</div><div class="search">搜索 热词：年报 2024</div></div>'
            f'<div class="nav"><ul>{nav}</ul></div>'
            f'<div class="breadcrumb">{crumb}</div>'
            '<div class="main"><div class="sidebar"><h3>政府信息公开</h3><ul><li><a href="#">法定主动公开内容（128）</a></li></ul></div>'
            f'<div class="article">{h1}{meta}<div class="article-content" id="zoom">{content}</div>{share}{tools}</div>'
            f'<div class="related"><h3>相关文章</h3>{related}</div></div>'
            f'<div class="footer">{footer}</div>'
        )
    else:  # an older site: the page laid out in nested tables, the data tables inside them
        title_row = f'<tr><td class="title" align="center"><b>{escape(title)}</b></td></tr>' if h1 else ""
        body = (
            f'<table width="1000" align="center"><tr><td><img src="logo.png" alt="{SITE}">{SITE}</td>'
            '<td>今天是：2025年1月20日 星期一</td></tr></table>'
            f'<table width="1000" align="center" class="menu"><tr>{"".join(f"<td>{t}</td>" for t in ["首页", "政务公开", "政务服务"])}</tr></table>'
            '<table width="1000" align="center"><tr>'
            f'<td width="200" valign="top"><table><tr><td><a href="#">信息公开指南</a></td></tr><tr><td><a href="#">信息公开年报（12）</a></td></tr></table></td>'
            f'<td valign="top"><table width="100%"><tr><td>{crumb}</td></tr>{title_row}'
            f"<tr><td>{meta}</td></tr>"
            f'<tr><td id="zoom">{content}</td></tr>'
            f"<tr><td>{tools}</td></tr></table></td></tr></table>"
            f'<table width="1000" align="center" class="bottom"><tr><td>{footer}</td></tr></table>'
        )
    head = (
        f"{charset}<title>{escape(title)}_{SITE}</title>"
        f'<meta name="SiteName" content="{SITE}"><meta name="SiteDomain" content="www.scmiyi.gov.cn">'
        f'<meta name="SiteIDCode" content="{SITE_CODE}"><meta name="ColumnName" content="政府信息公开年报">'
        f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="{iso}">'
        f'<meta name="ContentSource" content="{PAGE_PUBLISHER}">'
        "<style>body{font-size:14px} td{border:1px solid #000} .footer{color:#666}</style>"
        f"<script>var siteId = {SITE_CODE}; var visits = {rng.randint(10000, 999999)}; document.title += '';</script>"
    )
    page = f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    return page.encode(codec, errors="xmlcharrefreplace")


def _wider_headers(html: str, rng: random.Random) -> str:
    """Header cells spanning more columns than the data rows have, as CMS editors leave them.

    申请人情况 (over the seven applicant columns) and 行政诉讼 (over ten) are given one or two
    columns more, so the grid is wider than every data row: a reader that aligns the data
    rows to the grid's right edge shifts every value.
    """
    extra = rng.randint(1, 2)
    html = re.sub(r'colspan="7"([^>]*>(?:<[^>]+>)*申请人情况)', rf'colspan="{7 + extra}"\1', html)
    return re.sub(r'colspan="10"([^>]*>(?:<[^>]+>)*行政诉讼)', rf'colspan="{10 + extra}"\1', html)


def ragged_rows(html: str, rng: random.Random, share: float = 0.25) -> str:
    """About ``share`` of the tables' rows with one empty cell too many at their end.

    CMS editors and Word's HTML leave rows with a stray empty cell after the last column
    (a deleted column's leftover, a spacer): the row is wider than its header, and a reader
    that takes a row's last cells as its values reads every value one column off.
    """
    def one(m: re.Match[str]) -> str:
        row = m.group(0)
        if rng.random() >= share or not re.search(r">\d", row):
            return row
        return row[: -len("</tr>")] + rng.choice(["<td></td>", "<td>&nbsp;</td>", '<td><p><span>&nbsp;</span></p></td>']) + "</tr>"

    return re.sub(r"<tr>(?:(?!</tr>).)*</tr>", one, html, flags=re.S)


def render_html_fragment(rec: dict, *, seed: int = 0) -> bytes:
    """The record as a CMS's article content string: no ``<html>``, ``<head>`` or ``<body>``.

    What a crawler saves from a site's content API (or a page's editor field): it starts with
    ``<p style=…>`` (the centred title) or with a ``<table>`` (the 索引号 index block), blanks are
    ``&nbsp;``, cells are wrapped in Word's paragraphs and spans, and header cells span more
    columns than the data rows (``_wider_headers``). No charset is declared: UTF-8 bytes.
    """
    rng = random.Random(seed)
    spec = report_spec(rec)
    content = _content(spec, rng, title_inside=True)
    content = _wider_headers(content, rng)
    if rng.random() < 0.5:
        _, shown = _page_date(spec.signature_date, rng, rec["year"])
        content = _meta_block(shown, "table", rng).replace(' class="xxgk-info" width="100%"', "") + "\n" + content
    return content.encode("utf-8")
