"""Text normalization shared by every parsing step.

NFKC folds full-width digits and punctuation (０１２, （）, ．) and the Kangxi radicals
some PDF producers emit (⼀ for 一) into their ordinary forms, so one set of patterns
matches every producer. Line breaks and tabs are kept: they carry table structure.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \u00a0\u2002-\u200b\u3000\ufeff]+")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "―": "-", "─": "-", "／": "/", "﹣": "-"})


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_DASHES)
    text = _SPACES.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def loose(label: str) -> str:
    """A regex for ``label`` that tolerates whitespace and line breaks between its characters.

    PDF extraction breaks labels anywhere (自然 / 人, 结 果 维 持), so every label match
    goes through this.
    """
    parts = []
    for ch in normalize(label):
        if ch.isspace():
            continue
        parts.append(re.escape(ch))
    return r"\s*".join(parts)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)
