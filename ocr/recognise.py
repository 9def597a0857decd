"""Stage 5, recognise: Tesseract ``vie`` on the cleaned page, kept as words and lines.

Tesseract's own lines are split where a gap is far wider than any space between
words: on an official page that gap is the gutter between the two header
columns, and the layout stage needs the two halves apart.
"""

from __future__ import annotations

import statistics

import numpy as np

from . import tesseract
from .document import Box, Line, Word

#: a gap wider than this many line heights separates two columns, not two words
COLUMN_GAP = 2.0
#: lines Tesseract itself barely believes (mean word confidence) are stamp or pen debris
MIN_LINE_CONFIDENCE = 30.0
#: marks that are never print on their own in an official letter, only specks and rules
SPECK_MARKS = "_|ˆ~`¬"
#: a mark-only word read with less confidence than this is a speck
MIN_SPECK_CONFIDENCE = 50.0
#: a line of at least this many characters (spaces aside) that has fewer letters and digits than this
#: share is an emblem, a seal or a rule read as marks ("*7Ê*'=*?**”^"); print has more letters than that,
#: even a form's dotted blanks ("Số: ......./QĐ-UBND" is about half)
MARKS_LINE_CHARS = 6
MIN_ALNUM_SHARE = 0.3


def recognise(image: np.ndarray, lang: str = "vie", psm: int = 3, dpi: int | None = 300,
              program: bool = False) -> list[Line]:
    """Lines in Tesseract's reading order, each split at column gutters (``program``: see tesseract.recognise)."""
    return lines_from_words(tesseract.recognise(image, lang=lang, psm=psm, dpi=dpi, program=program))


def drop_debris(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Lines with no letter or digit, almost none, or very low confidence, are what is left of a
    seal, an emblem, a signature or a pen stroke; they are dropped (and listed, so nothing vanishes unseen)."""
    kept: list[Line] = []
    dropped: list[str] = []
    for line in lines:
        share = alnum_share(line.text)
        if share == 0 or line.confidence < MIN_LINE_CONFIDENCE or (
                len(line.text.replace(" ", "")) >= MARKS_LINE_CHARS and share < MIN_ALNUM_SHARE):
            dropped.append(line.text)
        else:
            kept.append(line)
    return kept, dropped


def alnum_share(text: str) -> float:
    """Letters and digits over the characters that are not spaces (0 for an empty text)."""
    chars = text.replace(" ", "")
    return sum(ch.isalnum() for ch in chars) / len(chars) if chars else 0.0


def is_speck(text: str, confidence: float) -> bool:
    """A "word" read off a speck or a rule: no letter or digit, and made of rule-like marks or barely
    believed.  Left in a line it bridges the gutter between two header columns ("QUỐC HỘI _ .__
    CỘNG HÒA ..."); a list dash, an ellipsis or a form's dotted blank read with confidence stays."""
    if any(ch.isalnum() for ch in text):
        return False
    return any(ch in SPECK_MARKS for ch in text) or confidence < MIN_SPECK_CONFIDENCE


def lines_from_words(tsv: list[tesseract.TsvWord]) -> list[Line]:
    groups: dict[tuple[int, int, int], list[tesseract.TsvWord]] = {}
    for w in tsv:
        if is_speck(w.text, w.conf):
            continue
        groups.setdefault((w.block, w.par, w.line), []).append(w)
    lines: list[Line] = []
    for key in groups:  # dicts keep Tesseract's order
        words = sorted(groups[key], key=lambda w: w.left)
        height = statistics.median(w.height for w in words)
        segment: list[tesseract.TsvWord] = [words[0]]
        for prev, cur in zip(words, words[1:]):
            if cur.left - (prev.left + prev.width) > COLUMN_GAP * height:
                lines.append(_line(segment))
                segment = []
            segment.append(cur)
        lines.append(_line(segment))
    return lines


def _line(words: list[tesseract.TsvWord]) -> Line:
    # an underscore glued to a word's end is a speck or a rule touching it ("_QUỐC"), never print
    out = [Word(w.text.strip("_") or w.text, Box(w.left, w.top, w.width, w.height), round(w.conf, 1)) for w in words]
    return Line(words=out, box=Box.union([w.box for w in out]))
