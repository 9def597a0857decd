"""Headings in capitals: which of their non-syllables are broken words rather than abbreviations.

In running text a word in capitals that is no syllable is an abbreviation (UBND, TTXVN) and is
protected.  A heading in capitals ("HOẠT ĐỘNG CHỮ THẬP ĐỎ") is words: there OCR damage doubles a
letter ("HHOI", "THAAP", "VAA") or drops one to lower case ("QUe", "HOeT").  An abbreviation of a
heading (UBND, HĐND, TTG, HCM, BHXH, TAND, HIV) is neither, or is in the table of official
abbreviations.  Dev (bench/registers_bench.py, headings in capitals garbled by restore.damage at 15 %):
words right 67.0 -> 76.8 % with the table's codes; accent-stripped headings 99.33 % before and after.
"""

from __future__ import annotations

import functools
import re

from . import abbreviations
from . import vietnamese as vn

#: "CHƯƠNG XII": a number, however near "XI" it reads
ROMAN_RE = re.compile(r"[IVXLCDM]+")
#: shorter capitals are abbreviations whatever they resemble ("TP", "CP")
MIN_LETTERS = 3


def damaged_word(token: str) -> str | None:
    """The label a protected capitals token of a heading in capitals should have instead ("plain",
    "accented", "partial" for a case slip such as "QUe"; "invalid" for a broken word such as "HHOI"),
    or None when it is an abbreviation and stays protected."""
    upper = token.upper()
    if vn.is_vietnamese_token(upper):  # only its case was wrong ("QUe", "DInhH" is not)
        if vn.strip_accents(upper) == upper:
            return "plain"
        return "accented" if vn.is_valid(upper, strict=True) else "partial"
    if len(token) < MIN_LETTERS or abbreviations.is_abbreviation(upper) or ROMAN_RE.fullmatch(upper):
        return None
    return "invalid" if _near_syllable(vn.strip_accents(upper.lower())) else None


@functools.lru_cache(maxsize=20_000)
def _near_syllable(letters: str) -> bool:
    """A syllable with one letter doubled ("hhoi", "thaap", "vve"): other one-letter edits would also
    take abbreviations for words (TAND -> tand, EVN -> ven, HIV -> hiu), so only this slip is read."""
    return any(letters[i] == letters[i + 1] and vn.is_valid(letters[:i] + letters[i + 1:])
               for i in range(len(letters) - 1))
