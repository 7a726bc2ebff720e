"""How each template row is recognised in text: label patterns in the template's order.

Patterns are the distinctive start of the printed label (with variants seen in real
reports), matched loosely (any whitespace between characters), plus the row's own item
number ("2." before 其他法律…) so that number is never taken for a cell value.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.parsing.normalize import loose

CJK = r"\u4e00-\u9fff"

# row_key -> (item number printed before the label or None, label variants)
REQUEST_LABELS: dict[str, tuple[int | None, tuple[str, ...]]] = {
    "new_received": (None, ("本年新收", "本年度新收", "新收政府信息公开申请")),
    "carried_over": (None, ("上年结转", "上一年结转", "上年度结转")),
    "granted": (None, ("予以公开",)),
    "partially_granted": (None, ("部分公开",)),
    "denied_state_secret": (1, ("属于国家秘密", "国家秘密")),
    "denied_law_prohibited": (2, ("其他法律行政法规禁止公开", "其他法律", "禁止公开")),
    "denied_security_stability": (3, ("危及", "三安全一稳定")),
    "denied_third_party": (4, ("保护第三方", "第三方合法权益")),
    "denied_internal_affairs": (5, ("属于三类内部事务", "三类内部事务", "内部事务")),
    "denied_process_info": (6, ("属于四类过程性", "四类过程性", "过程性信息")),
    "denied_enforcement_file": (7, ("属于行政执法案卷", "行政执法案卷")),
    "denied_query_matter": (8, ("属于行政查询事项", "行政查询事项")),
    "unavailable_not_held": (1, ("本机关不掌握", "不掌握相关")),
    "unavailable_needs_creation": (2, ("没有现成信息", "另行制作")),
    "unavailable_unclear": (3, ("补正后申请内容仍不明确", "仍不明确")),
    "not_processed_petition": (1, ("信访举报投诉", "信访")),
    "not_processed_duplicate": (2, ("重复申请",)),
    "not_processed_publication": (3, ("要求提供公开出版物", "公开出版物")),
    "not_processed_excessive": (4, ("无正当理由大量反复申请", "大量反复申请")),
    "not_processed_confirmation": (5, ("要求行政机关确认", "确认或重新出具")),
    "other_overdue_correction": (1, ("申请人无正当理由逾期不补正", "逾期不补正")),
    "other_overdue_fee": (2, ("申请人逾期未按收费通知", "逾期未按收费", "缴纳费用")),
    # "3. 其他": the word alone, not the start of 其他处理 / 其他法律 / 其他组织
    "other_other": (3, ("其\\s*他(?!\\s*[" + CJK + "])",)),
    "other_processing": (None, ("其他处理",)),
    "total_processed": (None, ("(?:\\(\\s*七\\s*\\)|七\\s*、)?\\s*总\\s*计",)),
    "carried_forward": (None, ("结转下年度", "结转下一年度", "结转下年", "结转至下年")),
}

ARTICLE20_LABELS: dict[str, tuple[str, ...]] = {
    "regulations": ("规章",),
    "normative_documents": ("行政规范性文件", "规范性文件"),
    "administrative_licensing": ("行政许可",),
    "other_external_services": ("其他对外管理服务事项", "其他对外管理服务"),
    "administrative_penalty": ("行政处罚",),
    "administrative_coercion": ("行政强制",),
    "administrative_fees": ("行政事业性收费",),
    "centralized_procurement": ("政府集中采购",),
}

_RAW = {"other_other", "total_processed"}  # patterns already written as regexes


def _label_regex(key: str, variant: str) -> str:
    return variant if key in _RAW else loose(variant)


CUT_PREFIX = 5
"""Characters of a long label's first line that find the label alone (``_cut_variants``)."""


def _cut_variants(row_key: str, *, shared: bool = False) -> tuple[str, ...]:
    """The first ``CUT_PREFIX`` characters of each of the row's labels longer than that, when
    they are part of no other row's label.

    Why: a PDF's narrow label cell breaks a label over lines, and a text extractor may print
    other text between them — the group label's column piece by piece, the row's values
    ("5 . 属于三类内" / "开" / "0 0 0 0 0 0 0" / "部事务信息", pdfplumber). No variant is then
    whole on the page; the label's first line is, and is the row's own when no other row's
    label holds it. ``shared``: the cuts that another row's label holds too ("无正当理由" is in
    4.无正当理由大量反复申请 and in 申请人无正当理由逾期不补正), which find the row only after its
    printed item number ("4 . 无正当理由")."""
    if row_key in _RAW:
        return ()
    others = [v for k, (_n, vs) in REQUEST_LABELS.items() if k != row_key and k not in _RAW for v in vs]
    return _first_lines(REQUEST_LABELS[row_key][1], others, shared=shared)


def _first_lines(variants: tuple[str, ...], others: list[str], *, shared: bool = False) -> tuple[str, ...]:
    """The first ``CUT_PREFIX`` characters of each variant longer than that, once each, that
    ``others`` hold (``shared``) or do not hold (the default)."""
    out: list[str] = []
    for v in variants:
        cut = v[:CUT_PREFIX]
        if len(v) > CUT_PREFIX and cut not in out and any(cut in o for o in others) == shared:
            out.append(cut)
    return tuple(out)


@cache
def request_row_pattern(row_key: str) -> re.Pattern[str]:
    """Pattern for a request row's label, including its item number when printed."""
    number, variants = REQUEST_LABELS[row_key]
    variants = (*variants, *_cut_variants(row_key))
    body = "(?:" + "|".join(_label_regex(row_key, v) for v in variants) + ")"
    if number is not None:
        # "2." / "2、" / "2 ." before the label, or "2" glued to it: the item number.
        prefix = rf"(?:(?<![\d.]){number}\s*[.、]\s*|(?<![\d.]){number}(?=\S))?"
        numbered = [loose(v) for v in _cut_variants(row_key, shared=True)]
        if numbered:  # a cut another row's label holds too: only right after the item number
            return re.compile(f"{prefix}{body}|(?<![\\d.]){number}\\s*[.、]\\s*(?:{'|'.join(numbered)})")
        return re.compile(prefix + body)
    return re.compile(body)


@cache
def article20_pattern(item_key: str) -> re.Pattern[str]:
    """Pattern for an article 20 row's label: its variants, then their first lines (``_a20_cuts``)."""
    variants = (*ARTICLE20_LABELS[item_key], *_a20_cuts(item_key))
    return re.compile("(?:" + "|".join(loose(v) for v in variants) + ")")


def _a20_cuts(item_key: str) -> tuple[str, ...]:
    """The first ``CUT_PREFIX`` characters of the item's labels longer than that, when no other
    item's label holds them: the request rows' ``_cut_variants``, for the small tables of
    section 二 ("行政规范性文" / "77 132 470" / "件": pdfplumber prints a narrow label cell's
    lines with the row's values between them)."""
    others = [v for k, vs in ARTICLE20_LABELS.items() if k != item_key for v in vs]
    return _first_lines(ARTICLE20_LABELS[item_key], others)


# the sub-rows' words, or the group heading followed by a numbered sub-row (its "3.其他" alone
# when the other sub-rows' labels were lost: an OCR'd grid whose label cells read blank)
_GROUP_2021 = re.compile("|".join([*(loose(v) for v in ("逾期不补正", "逾期未按收费", "缴纳费用")),
                                   loose("其他处理") + r"\s*[123]\s*[.．、]"]))
_GROUP_2019 = re.compile(loose("其他处理"))


def other_group_shown(request_text: str) -> str | None:
    """Which format's （六）其他处理 group the request table prints: "2021" (three sub-rows),
    "2019" (the single row), or None when no label shows it (the parser then takes the
    template's, or the group its sums confirm).

    Decided by the labels on the page, never by the template: a 2021-format report that kept
    the 2019 row prints 其他处理 and none of the 2021 sub-rows' words (2021's own group heading
    is also （六）其他处理, so the sub-rows' words decide first).
    """
    if _GROUP_2021.search(request_text):
        return "2021"
    if _GROUP_2019.search(request_text):
        return "2019"
    return None


MISREAD_AHEAD = 3  # an OCR row label read with a wrong character is looked for among this many next rows
MISREAD_LEAST = 4  # characters: a label variant shorter than this is never matched with one of them read wrong


def misread_row(label: str, keys: tuple[str, ...], start: int) -> tuple[int, str] | None:
    """The one row among the next ``MISREAD_AHEAD`` (from ``start``) whose label ``label`` prints
    with one Chinese character read as another by OCR (其他外理 for 其他处理), and that variant;
    None when no row or more than one does.

    For OCR'd rows only, and only after no row's label matched as printed. Recognisers confuse
    glyphs of similar shape (处/外, 未/末); one such character must not lose a whole row. A
    variant of fewer than ``MISREAD_LEAST`` characters is never matched so (one character is
    too large a share of 信访), and the row must be one of the next few, the only one that
    matches: a wrong row would carry every number of the line into it.
    """
    cjk = [m.start() for m in re.finditer(f"[{CJK}]", label)]
    hits: list[tuple[int, str]] = []
    for k in range(start, min(len(keys), start + MISREAD_AHEAD)):
        key = keys[k]
        if key not in REQUEST_LABELS or key in _RAW:
            continue
        for variant in REQUEST_LABELS[key][1]:
            if len(variant) < MISREAD_LEAST:
                continue
            pattern = re.compile(_label_regex(key, variant))
            if any(pattern.search(label[:p] + c + label[p + 1 :]) for p in cjk for c in set(variant) - {label[p]}):
                hits.append((k, variant))
                break
    return hits[0] if len(hits) == 1 else None
