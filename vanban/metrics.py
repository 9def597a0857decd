"""Character and word error rates, for tests and benchmarks.

Whitespace is folded before scoring (a line break where the truth has a space
is layout, not a misread letter); everything else counts, diacritics included.
"""

from __future__ import annotations

import unicodedata

import numpy as np


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def edit_distance(a: list | str, b: list | str) -> int:
    """Levenshtein distance, one numpy vector per row so 5,000-character pages score in milliseconds."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    vocab: dict = {}
    bi = np.array([vocab.setdefault(x, len(vocab)) for x in b], dtype=np.int64)
    ai = [vocab.get(x, -1) for x in a]
    offsets = np.arange(len(b) + 1, dtype=np.int64)
    prev = offsets.copy()
    for i, ch in enumerate(ai, start=1):
        cur = np.empty_like(prev)
        cur[0] = i
        # substitution (or match) and deletion
        cur[1:] = np.minimum(prev[:-1] + (bi != ch), prev[1:] + 1)
        # insertion: cur[j] = min(cur[j], cur[j-1] + 1) for all j at once
        cur = np.minimum.accumulate(cur - offsets) + offsets
        prev = cur
    return int(prev[-1])


def cer(hypothesis: str, truth: str) -> float:
    truth_n, hyp_n = normalise(truth), normalise(hypothesis)
    return edit_distance(hyp_n, truth_n) / max(1, len(truth_n))


def wer(hypothesis: str, truth: str) -> float:
    truth_w, hyp_w = normalise(truth).split(), normalise(hypothesis).split()
    return edit_distance(hyp_w, truth_w) / max(1, len(truth_w))
