"""Candidate forms for a token: the only outputs the restorer may choose from.

Every repair is one of these candidates, so the restorer cannot invent a
word: an accent-stripped syllable can only become one of its accented forms,
and a misspelt token only a syllable (or two) the corpus has seen, within two
edits of it.  The original token is always a candidate too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from symspellpy import SymSpell, Verbosity

from . import vietnamese as vn
from .ngram import SPECIALS, NgramModel

MAX_CANDIDATES = 12
MAX_EDIT = 2


@dataclass(frozen=True)
class Candidate:
    forms: tuple[str, ...]  # one syllable, or two for a split ("duan" -> "dự", "án")

    @property
    def text(self) -> str:
        return " ".join(self.forms)


class CandidateGenerator:
    """Accent variants and spelling neighbours, restricted to syllables the LM knows."""

    def __init__(self, model: NgramModel):
        self.model = model
        self.known = {w for w in model.vocab if w not in SPECIALS and w.isalpha()}
        weight = np.exp(model.uni_logp)
        self._weight = {w: float(weight[i]) for w, i in model.vocab.items()}
        by_plain: dict[str, float] = {}
        for w in self.known:
            plain = vn.strip_accents(w)
            by_plain[plain] = by_plain.get(plain, 0.0) + self._weight[w]
        self._plain_weight = by_plain
        self._spell = SymSpell(max_dictionary_edit_distance=MAX_EDIT, prefix_length=7)
        for plain, w in by_plain.items():
            self._spell.create_dictionary_entry(plain, max(1, int(w * 1e7)))

    def accent_forms(self, token: str) -> list[str]:
        """Accented forms of a syllable that the corpus knows, most frequent first."""
        return self._accent_forms(vn.strip_accents(token.lower()))

    @functools.lru_cache(maxsize=50_000)
    def _accent_forms(self, plain: str) -> list[str]:
        forms = [f for f in vn.accent_variants(plain) if f in self.known]
        forms.sort(key=lambda f: -self._weight[f])
        return forms[:MAX_CANDIDATES]

    @functools.lru_cache(maxsize=50_000)
    def spelling(self, token: str) -> list[Candidate]:
        """Neighbours of a token that is not a syllable: edits, then splits into two syllables."""
        plain = vn.strip_accents(token.lower())
        found: list[Candidate] = []
        if len(plain) >= 2:
            for item in self._spell.lookup(plain, Verbosity.ALL, max_edit_distance=min(MAX_EDIT, len(plain) - 1)):
                found.extend(Candidate((f,)) for f in self._accent_forms(item.term)[:4])
        for cut in range(1, len(plain)):
            left, right = plain[:cut], plain[cut:]
            if left in self._plain_weight and right in self._plain_weight and len(left) + len(right) >= 4:
                for lf in self._accent_forms(left)[:2]:
                    for rf in self._accent_forms(right)[:2]:
                        found.append(Candidate((lf, rf)))
        seen: set[tuple[str, ...]] = set()
        unique = [c for c in found if not (c.forms in seen or seen.add(c.forms))]
        return unique[:MAX_CANDIDATES]
