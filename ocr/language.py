"""Is a page Vietnamese?  A cheap check on recognised words, for a warning.

Vietnamese prose has a diacritic or a special letter (đ, ơ, ư, â ...) in well
over half of its syllables; English read with the ``vie`` model has very few.
"""

from __future__ import annotations

import unicodedata

MIN_WORDS = 15
MIN_MARKED_SHARE = 0.15


def marked_share(words: list[str]) -> tuple[float, int]:
    """Share of alphabetic words with a non-ASCII Latin letter, and how many words counted."""
    alpha = [w for w in words if sum(ch.isalpha() for ch in w) >= 2]
    if not alpha:
        return 0.0, 0
    marked = sum(1 for w in alpha if any(ch.isalpha() and not ch.isascii() and _latin(ch) for ch in w))
    return marked / len(alpha), len(alpha)


def looks_vietnamese(words: list[str]) -> bool | None:
    """True/False, or None when there are too few words to judge."""
    share, counted = marked_share(words)
    if counted < MIN_WORDS:
        return None
    return share >= MIN_MARKED_SHARE


def _latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")
