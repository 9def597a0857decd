"""The document-wide second pass: a word pair read with certainty in one place of a document tells how
to read it where a line alone leaves a doubt."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import vietnamese as vn
from .ngram import TOKEN_RE, lm_token
from .positions import Position

#: weight of what the rest of the document wrote in the same place, and the confidence from which a
#: first-pass reading counts as evidence (tuned on dev, see Consistency)
CONSISTENCY_WEIGHT = 1.0
CONSISTENCY_SURE = 0.9


@dataclass(frozen=True)
class Reading:
    """How one word was read: its letters as written (lower case, no accents) and the LM token chosen."""

    letters: str
    form: str
    sure: bool


def letters_of(text: str) -> str:
    return vn.strip_accents(text.lower())


def as_written(line: str) -> list[Reading | None]:
    """A line that is not repaired reads as written: the document's own spelling of its words."""
    return [Reading(letters_of(t), lm_token(t), True) if t.isalpha() else None for t in TOKEN_RE.findall(line)]


def _wordletters_of(pos: Position) -> str | None:
    """The letters of a position that is one whole word; splits, joins and punctuation break word pairs."""
    return letters_of(pos.text) if pos.part is None and " " not in pos.text and pos.text.isalpha() else None


def readings_of(positions: list[Position], result) -> list[Reading | None]:
    """The first pass's reading of every position."""
    out: list[Reading | None] = []
    for i, pos in enumerate(positions):
        letters = _wordletters_of(pos)
        choice = result.best[i]
        out.append(None if letters is None else Reading(
            letters, pos.cands[choice], not pos.editable or float(result.probs[i][choice]) >= CONSISTENCY_SURE))
    return out


def word_pairs(reading: list[Reading | None]) -> dict[tuple[str, str, str], Counter]:
    """(side, letters, the neighbour's letters) -> forms the word took beside that neighbour."""
    out: dict[tuple[str, str, str], Counter] = {}
    for a, b in zip(reading, reading[1:]):
        if a is not None and b is not None and a.sure and b.sure:
            out.setdefault(("next", a.letters, b.letters), Counter())[a.form] += 1
            out.setdefault(("prev", b.letters, a.letters), Counter())[b.form] += 1
    return out


class Consistency:
    """Word pairs as the whole document reads them: its clean lines as written, its damaged lines as
    the first pass read them where it was sure.  Official documents repeat their terms ("nhãn năng
    lượng", "trong nước") and OCR repeats its slips, so a pair read with certainty in one place tells
    how to read it where the line alone leaves a doubt."""

    def __init__(self, readings: list[list[Reading | None]]):
        self.counts: dict[tuple[str, str, str], Counter] = {}
        for reading in readings:
            for key, forms in word_pairs(reading).items():
                self.counts.setdefault(key, Counter()).update(forms)

    def for_line(self, reading: list[Reading | None]) -> "LineHint":
        return LineHint(self.counts, word_pairs(reading))


@dataclass
class LineHint:
    counts: dict[tuple[str, str, str], Counter]
    own: dict[tuple[str, str, str], Counter]  # the line's own pairs: a line is no evidence for itself

    def forms(self, letters: str, before: str | None, after: str | None) -> Counter:
        """How often the rest of the document gave these letters each form, beside these neighbours."""
        out: Counter = Counter()
        for key in (("prev", letters, before), ("next", letters, after)):
            if key[2] is not None and key in self.counts:
                out.update(self.counts[key])
                out.subtract(self.own.get(key, Counter()))
        return out

    def bonus(self, positions: list[Position]) -> list[np.ndarray]:
        letters = [_wordletters_of(p) for p in positions]
        out = []
        for i, pos in enumerate(positions):
            bonus = np.zeros(len(pos.cands))
            if pos.editable and len(pos.cands) > 1 and letters[i] is not None:
                seen = self.forms(letters[i], letters[i - 1] if i > 0 else None,
                                  letters[i + 1] if i + 1 < len(positions) else None)
                n = np.array([max(0, seen[c]) for c in pos.cands], float)
                if n.sum() > 0:
                    bonus = CONSISTENCY_WEIGHT * np.log((n + 0.5) / (n.sum() + 0.5))
            out.append(bonus)
        return out

    def disagrees(self, reading: list[Reading | None]) -> bool:
        """True when, for some word, the rest of the document chose another form more often than this one."""
        for i, word in enumerate(reading):
            if word is None:
                continue
            before = reading[i - 1] if i > 0 else None
            after = reading[i + 1] if i + 1 < len(reading) else None
            seen = self.forms(word.letters, before and before.letters, after and after.letters)
            top = max(seen.values(), default=0)
            if top > 0 and seen[word.form] < top:
                return True
        return False
