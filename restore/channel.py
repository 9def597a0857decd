"""A noisy channel of Tesseract's own slips on Vietnamese: how likely it wrote syllable o where the page said t.

Tesseract's errors on a sound scan are mostly real words: a tone read as another ("thẩm" -> "thâm",
"đổi" -> "đối"), a hook or circumflex lost ("phố" -> "phó"), đ/d, ơ/o, ư/u.  A language model alone
cannot tell such a slip from the word meant, and a typed text must never be "corrected" by one.  With
the engine's own word confidence c, Bayes can:

    P(t | o, context) ∝ P(o | t, c) · P(t | context)
    P(o | t, c) = P(right | c)                                      when o == t
                = P(wrong | c) · P(tone_o | tone_t) · Π P(letter edit)   otherwise

The counts come from pairs of real OCR output and truth (``bench/make_ocr_pairs.py``: corpus pages of
the train split rendered as scans and read by vanban's own OCR stages), aligned syllable by syllable.
Pure text: no image code here.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import vietnamese as vn

#: upper edges of the confidence buckets (Tesseract's 0-100 word confidence)
BUCKETS = (30, 50, 60, 70, 80, 85, 90, 93, 96, 101)
#: pseudo-counts: a bucket with few words leans on the overall error rate; unseen edits get ALPHA
PRIOR_WORDS = 50.0
ALPHA = 0.5
_CORE_RE = re.compile(r"^[\W_]*(.*?)[\W_]*$", re.S)


def bucket(confidence: float) -> int:
    return next(i for i, edge in enumerate(BUCKETS) if confidence < edge)


def core(token: str) -> str:
    """A token without the punctuation around it ("biển," -> "biển")."""
    return _CORE_RE.match(token).group(1)


def aligned_syllables(ocr: list[str], truth: list[str]) -> Iterable[tuple[int, str, str]]:
    """(index in ``ocr``, ocr syllable, true syllable) for tokens aligned one to one whose cores are
    syllables of letters: equal runs and same-length replaced runs of a word diff."""
    matcher = difflib.SequenceMatcher(None, ocr, truth, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op not in ("equal", "replace") or a2 - a1 != b2 - b1:
            continue
        for k, (o, t) in enumerate(zip(ocr[a1:a2], truth[b1:b2])):
            o, t = core(o), core(t)
            if o.isalpha() and t.isalpha() and vn.is_vietnamese_token(t):
                yield a1 + k, o, t


def same(o: str, t: str) -> bool:
    """One syllable, whatever its case and tone placement (hoá / hóa)."""
    return o == t or vn.normalise_tones(o.lower()) == vn.normalise_tones(t.lower())


def _letters(syllable: str) -> str:
    return vn.split_tone(syllable.lower())[0]


def letter_edits(o: str, t: str) -> list[tuple[str, str]]:
    """Letter edits from the truth's toneless letters to the OCR's (modifiers kept: "ô" -> "o")."""
    a, b = _letters(t), _letters(o)
    edits: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            edits.extend(zip(a[i1:i2], b[j1:j2]))
        else:
            edits.append((a[i1:i2], b[j1:j2]))
    return edits


@dataclass
class Channel:
    """Counts behind P(o | t, c), and its log."""

    right: list[float] = field(default_factory=lambda: [0.0] * len(BUCKETS))
    wrong: list[float] = field(default_factory=lambda: [0.0] * len(BUCKETS))
    tones: dict[str, float] = field(default_factory=dict)  # "t>o" tone numbers, wrong pairs only
    edits: dict[str, float] = field(default_factory=dict)  # "a>b" letter edits, wrong pairs only
    pairs: int = 0  # wrong pairs counted
    #: log P by (o, t, bucket): the same word and candidate come back on every page; cleared by ``add``
    _memo: dict[tuple[str, str, int], float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def add(self, o: str, t: str, confidence: float) -> None:
        self._memo.clear()
        k = bucket(confidence)
        if same(o, t):
            self.right[k] += 1
            return
        self.wrong[k] += 1
        self.pairs += 1
        key = f"{vn.split_tone(t)[1]}>{vn.split_tone(o)[1]}"
        self.tones[key] = self.tones.get(key, 0.0) + 1
        for a, b in letter_edits(o, t):
            self.edits[f"{a}>{b}"] = self.edits.get(f"{a}>{b}", 0.0) + 1

    def p_wrong(self, confidence: float) -> float:
        return self._p_wrong(bucket(confidence))

    def _p_wrong(self, k: int) -> float:
        overall = sum(self.wrong) / max(1.0, sum(self.wrong) + sum(self.right))
        return (self.wrong[k] + PRIOR_WORDS * overall) / (self.wrong[k] + self.right[k] + PRIOR_WORDS)

    def logp(self, o: str, t: str, confidence: float) -> float:
        """log P(the engine wrote o | the page said t, its confidence)."""
        key = (o, t, bucket(confidence))
        if key not in self._memo:
            self._memo[key] = self._logp(o, t, key[2])
        return self._memo[key]

    def _logp(self, o: str, t: str, k: int) -> float:
        wrong = self._p_wrong(k)
        if same(o, t):
            return math.log(1.0 - wrong)
        total = max(1.0, float(self.pairs))
        tone_t, tone_o = vn.split_tone(t)[1], vn.split_tone(o)[1]
        score = math.log(wrong) + math.log((self.tones.get(f"{tone_t}>{tone_o}", 0.0) + ALPHA) / (total + 36 * ALPHA))
        if tone_t != tone_o:  # the tone slip explains the pair: the tone term is the whole edit
            score -= math.log((sum(v for pair, v in self.tones.items() if pair[0] != pair[2]) + ALPHA) / total)
        for a, b in letter_edits(o, t):
            score += math.log((self.edits.get(f"{a}>{b}", 0.0) + ALPHA) / total)
        return score

    def to_json(self) -> dict:
        return {"buckets": list(BUCKETS), "right": self.right, "wrong": self.wrong, "tones": self.tones,
                "edits": self.edits, "pairs": self.pairs}

    @classmethod
    def from_json(cls, data: dict) -> "Channel":
        if tuple(data["buckets"]) != BUCKETS:
            raise ValueError("channel model made with other confidence buckets")
        return cls(data["right"], data["wrong"], data["tones"], data["edits"], data["pairs"])

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Channel":
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def record_place(record: dict) -> tuple[str, int]:
    """(corpus file, document index) of a ``bench/make_ocr_pairs.py`` record ("doc": "file:index:line")."""
    file, index, _ = record["doc"].split(":")
    return file, int(index)


def learn(records: Iterable[dict]) -> Channel:
    """A channel from ``bench/make_ocr_pairs.py`` records: words with confidences, and the page's truth."""
    channel = Channel()
    for rec in records:
        words = [w for w, _ in rec["words"]]
        confidences = [c for _, c in rec["words"]]
        for i, o, t in aligned_syllables(words, rec["truth"].split()):
            channel.add(o, t, confidences[i])
    return channel
