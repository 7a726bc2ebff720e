"""Section headings: the fast search finds exactly the matches of the full heading pattern."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.sections import _PATTERNS, _headings, find_sections

# pieces a report's text is made of around its headings: numberings of every kind, blanks
# and line breaks, the headings' words (whole and cut), and other text
_PIECES = ["一、", "二 、", "三．", "（三）", "(三)", "( 四 )", "4、", "4 .", "十二、", "六", "6", " ", "\n", "  \n ",
           "\u3000", "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况",
           "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "存在的主要问题", "其他需要报告的事项",
           "主动公开", "情况", "本年", "xx", "#", "*", "，", "。"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(min_value=0, max_value=60))
def test_heading_matches_are_the_full_patterns_own(pieces: list[str], pos: int) -> None:
    text = "".join(pieces)
    pos = min(pos, len(text))
    for key, pattern in _PATTERNS.items():
        want = [(m.span(), m.group("num")) for m in pattern.finditer(text, pos)]
        assert [(m.span(), m.group("num")) for m in _headings(key, text, pos)] == want


def test_a_numbered_heading_is_found_with_its_numbering() -> None:
    text = "前言\n一、总体情况\n……\n二 、\n主动公开政府信息情况\n(三)收到和处理政府信息公开申请情况\n"
    starts = find_sections(text).starts
    assert text[slice(*starts["s1"])] == "一、总体情况"
    assert text[slice(*starts["s2"])] == "二 、\n主动公开政府信息情况"
    assert text[slice(*starts["s3"])] == "(三)收到和处理政府信息公开申请情况"
