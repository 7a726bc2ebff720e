"""NFKC character by character: exactly ``unicodedata.normalize("NFKC", …)`` on every text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.normalize import nfkc

# what report text is made of, and what can make NFKC more than a per-character mapping:
# combining marks (a composition across characters), Hangul jamo (L+V+T compose), a
# precomposed letter followed by a mark that reorders, full-width and compatibility forms,
# ligatures, Kangxi radicals
_PIECES = ["政府信息公开", "（一）", "：", "１２３", "ＡＢ", "e", "\u0301", "\u0327", "\u0323", "\u0307",
           "\u1100", "\u1161", "\u11a8", "가", "é", "ﬁ", "⼀", "⾦", "①", "㈠", "\u3000", "\u00a0", "½", "x²",
           "\u0b47", "\u0b3e", "\u0dd9", "\u0dcf", "ｶﾞ", "\uff9e", "A", "\n", " "]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_nfkc_is_unicodedatas_on_report_like_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=40))
def test_nfkc_is_unicodedatas_on_any_text(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_mark_composing_across_characters_is_normalized_whole() -> None:
    # "e" maps to itself and U+0301 to itself: the characters' own forms are not NFKC
    # together ("é" is one code point in NFKC); the whole text is normalized then
    assert nfkc("（e\u0301）") == "(é)"
    assert nfkc("\u1100\u1161") == "가"
