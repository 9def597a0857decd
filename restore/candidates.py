"""Candidate forms for a token: the only outputs the restorer may choose from.

Every repair is one of these candidates, so the restorer cannot invent a
word: an accent-stripped syllable can only become one of its accented forms,
a misspelt token only a syllable the corpus has seen within two edits of it,
and two syllables run together only the accented forms of its two halves.
The original token is always a candidate too.
"""

from __future__ import annotations

import functools
import numpy as np
from symspellpy import SymSpell, Verbosity
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

from . import vietnamese as vn
from .ngram import SPECIALS, NgramModel

#: forms offered per token, commonest first (the encoder's tables hold 16).  Dev, 12 -> 16: legal lines
#: 99.427 -> 99.445 %, documents repaired whole 99.480 -> 99.497 %, garbled WER 10.17 -> 9.78 %
MAX_CANDIDATES = 16
MAX_EDIT = 2
#: respellings offered for a real word in a garbled line, commonest first.  Dev garbled WER and speed
#: (garbled lines, one process): 6 -> 10.70 % at ~950 syllables/s, 10 -> 10.49 % at ~600, 16 -> 10.24 % at ~390
NEIGHBOURS = 6
#: unigram (continuation) probability under which a syllable counts as rare: about the 3,000th
RARE_WEIGHT = 3e-5


class CandidateGenerator:
    """Accent variants and spelling neighbours, restricted to syllables the LM knows."""

    def __init__(self, model: NgramModel):
        self.model = model
        self.known = {w for w in model.vocab if w not in SPECIALS and w.isalpha()}
        weight = np.exp(model.uni_logp)
        self._weight = {w: float(weight[i]) for w, i in model.vocab.items()}
        by_plain: dict[str, float] = {}
        for w in sorted(self.known):  # one order of the sums and of SymSpell's entries whatever the hash seed
            plain = vn.strip_accents(w)
            by_plain[plain] = by_plain.get(plain, 0.0) + self._weight[w]
        self._plain_weight = by_plain
        self._distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)
        self._spell = SymSpell(max_dictionary_edit_distance=MAX_EDIT, prefix_length=7)
        for plain, w in by_plain.items():
            self._spell.create_dictionary_entry(plain, max(1, int(w * 1e7)))

    def weight(self, syllable: str) -> float:
        """The syllable's unigram probability."""
        return self._weight[syllable]

    def accent_forms(self, token: str) -> list[str]:
        """Accented forms of a syllable that the corpus knows, most frequent first."""
        return self._accent_forms(vn.strip_accents(token.lower()))

    @functools.lru_cache(maxsize=50_000)
    def _accent_forms(self, plain: str) -> list[str]:
        forms = [f for f in vn.accent_variants(plain) if f in self.known]
        forms.sort(key=lambda f: (-self._weight[f], f))
        return forms[:MAX_CANDIDATES]

    @functools.lru_cache(maxsize=50_000)
    def spelling(self, token: str) -> list[str]:
        """Known syllables within two edits of a token that is not a syllable, nearest first."""
        plain = vn.strip_accents(token.lower())
        found: list[str] = []
        if len(plain) >= 2:
            for item in self._spell.lookup(plain, Verbosity.ALL, max_edit_distance=min(MAX_EDIT, len(plain) - 1)):
                found.extend(f for f in self._accent_forms(item.term)[:4] if f not in found)
        return found[:MAX_CANDIDATES]

    @functools.lru_cache(maxsize=50_000)
    def neighbours(self, token: str, limit: int = NEIGHBOURS) -> list[str]:
        """Known syllables one letter away from a syllable that is itself valid ("truong" -> "trong"):
        OCR misreadings that still spell a word."""
        plain = vn.strip_accents(token.lower())
        found: list[str] = []
        if len(plain) >= 2:
            for item in self._spell.lookup(plain, Verbosity.ALL, max_edit_distance=1):
                if item.distance == 1:
                    found.extend(f for f in self._accent_forms(item.term)[:2] if f not in found)
        found.sort(key=lambda f: -self._weight[f])
        return found[:limit]

    @functools.lru_cache(maxsize=200_000)
    def letter_edits(self, token: str, form: str) -> int:
        """Letter edits (accents aside) from a token to a candidate form, as symspellpy counts them."""
        a, b = vn.strip_accents(token.lower()), vn.strip_accents(form.lower())
        found = self._distance.compare(a, b, MAX_EDIT + 2)
        return found if found >= 0 else MAX_EDIT + 3

    def rare(self, token: str) -> bool:
        """No accented form of the token is among the ~3,000 commonest syllables ("duan" -> only "duẩn")."""
        forms = self.accent_forms(token)
        return not forms or self._weight[forms[0]] < RARE_WEIGHT

    @functools.lru_cache(maxsize=50_000)
    def split(self, token: str) -> tuple[str, str] | None:
        """The likeliest cut of a token into two known plain syllables ("duan" -> "du", "an")."""
        plain = vn.strip_accents(token.lower())
        best, best_weight = None, 0.0
        for cut in range(1, len(plain)):
            left, right = plain[:cut], plain[cut:]
            weight = self._plain_weight.get(left, 0.0) * self._plain_weight.get(right, 0.0)
            if weight > best_weight and len(plain) >= 4:
                best, best_weight = (left, right), weight
        return best
