"""Locating the six sections of the national format in a report's text.

Headings are matched by their words, not their numbering: agencies restart or skip
numbers, and the 2019-era heading of section 四 is worded differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.parsing.normalize import loose

_NUM = r"(?P<num>[一二三四五六七八九十]+\s*[、.．]|\(\s*[一二三四五六]\s*\)|\d\s*[、.])?\s*"

HEADINGS: dict[str, list[str]] = {
    "s1": ["总体情况"],
    "s2": ["主动公开政府信息情况"],
    "s3": ["收到和处理政府信息公开申请情况"],
    "s4": ["政府信息公开行政复议、行政诉讼情况", "政府信息公开行政复议,行政诉讼情况",
           "因政府信息公开工作被申请行政复议、提起行政诉讼情况", "行政复议、行政诉讼情况"],
    "s5": ["存在的主要问题及改进情况", "存在的主要问题和改进情况", "存在的主要问题"],
    "s6": ["其他需要报告的事项"],
}

_PATTERNS = {k: re.compile(_NUM + "(?:" + "|".join(loose(v) for v in vs) + ")") for k, vs in HEADINGS.items()}
# the same headings without their numbering: these start with a heading's first characters,
# so the regex engine skips ahead to them instead of trying the numbering at every position
_WORDS = {k: re.compile("(?:" + "|".join(loose(v) for v in vs) + ")") for k, vs in HEADINGS.items()}
_NUMBERING = frozenset("一二三四五六七八九十、.．()")


def _headings(key: str, text: str, pos: int) -> Iterator[re.Match[str]]:
    """The matches of ``_PATTERNS[key]`` in ``text`` from ``pos``, as ``finditer`` gives them.

    Why: with its optional numbering first, that pattern is tried at every position of a
    report's text (~0.2 ms a report for the six headings). Each match holds the heading's
    words, and its numbering and blanks lie in the run of numbering characters and blanks
    just before them (``_NUMBERING``, digits, whitespace: a superset of what ``_NUM`` can
    match), so no match starts before that run; searching the full pattern from the run's
    start finds the same match ``finditer`` would.
    """
    words, full = _WORDS[key], _PATTERNS[key]
    while (found := words.search(text, pos)) is not None:
        start = found.start()
        while start > pos and ((ch := text[start - 1]) in _NUMBERING or ch.isspace() or ch.isnumeric()):
            start -= 1
        m = full.search(text, start)
        if m is None:  # cannot happen: the pattern matches the words alone, without numbering
            return
        yield m
        pos = m.end()


@dataclass
class Sections:
    """Start offsets of each heading found (in order), and the end of the text."""

    starts: dict[str, tuple[int, int]]
    length: int

    def span(self, key: str, *, fallback_start: int | None = None) -> tuple[int, int] | None:
        """From the end of heading ``key`` to the start of the next heading found."""
        if key in self.starts:
            begin = self.starts[key][1]
        elif fallback_start is not None:
            begin = fallback_start
        else:
            return None
        nexts = [s for k, (s, _e) in self.starts.items() if s > begin and k > key]
        return begin, min(nexts) if nexts else self.length

    def has(self, key: str) -> bool:
        return key in self.starts


def find_sections(text: str) -> Sections:
    starts: dict[str, tuple[int, int]] = {}
    pos = 0
    for key in ("s1", "s2", "s3", "s4", "s5", "s6"):
        # headings sit at a line start; search in order so a later mention is not taken
        first = numbered = None
        for m in _headings(key, text, pos):
            first = first or m
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text[line_start : m.start()].strip(" \t#*") == "":
                first = m
                break
            numbered = numbered or (m if m.group("num") else None)
        else:
            # flattened text (no line breaks kept): the first numbered heading ("二、主动公开…"),
            # not an introduction listing the sections by name; else the first mention
            first = numbered or first
        if first is not None:
            starts[key] = (first.start(), first.end())
            pos = first.end()
    return Sections(starts, len(text))


# the request table's own words: its header, or its first row's label
_REQUEST_TABLE = re.compile("|".join(loose(v) for v in ("申请人情况", "本年新收", "本年度新收", "新收政府信息公开申请")))


def cut_unheaded_requests(text: str, s2: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Section 二's span and the request table's, when section 三's heading was not found.

    Without that heading, section 二 runs on over the request table to the next heading
    found (an OCR'd page can lose a heading printed tight above a table; a report may leave
    it out). The request table starts at its own first words in that span: its header
    (申请人情况) or its first row (本年新收…); section 二 ends there. None for the table when
    neither shows.
    """
    return _cut_at(text, s2, _REQUEST_TABLE)


def _cut_at(text: str, span: tuple[int, int], words: re.Pattern[str]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """``span`` cut at the start of the line where ``words`` first match in it: (before, from
    there on), or (``span``, None) when they do not match."""
    m = words.search(text, span[0], span[1])
    if m is None:
        return span, None
    start = max(text.rfind("\n", span[0], m.start()) + 1, span[0])
    return (span[0], start), (start, span[1])


# the review table's own header words: its litigation heads, never in the request table
_REVIEW_TABLE = re.compile("|".join(loose(v) for v in ("未经复议直接起诉", "复议后起诉")))


def cut_unheaded_review(text: str, s3: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Section 三's span and section 四's, when section 四's heading was not found.

    A converter can shred that heading into the table's header, a few characters a field
    among the heads ("四、政府结果结果 | 信息公开行政复议、行政复议其他尚未 | 行政诉讼情况未经复议直 |
    接起诉", pymupdf4llm), so no heading is matched and section 三 runs on over the review
    table. That table starts at the line of its own litigation heads (未经复议直接起诉,
    复议后起诉), which the request table never prints; section 三 ends there. None for
    section 四 when neither shows.
    """
    return _cut_at(text, s3, _REVIEW_TABLE)
