"""Text from an OCR that knew only Latin-1: Vietnamese letters outside it were dropped or simplified.

Office scanners often write a text layer with an OCR whose character set is Latin-1 (ISO 8859-1): it
has à á â ã è é ê ì í ò ó ô õ ù ú ý, but not ă đ ơ ư nor most tone marks on them, so "triển khai
thực hiện" comes out "trin khai thc hin", "của" as "cüa", "Nghị quyết" as "Nghj quyêt".  Such a text
is recognised by its letters: plenty of Latin-1 accents and none of the other Vietnamese letters.
Each word of it can then only have been a syllable whose Latin-1 *projection* gives the word: every
letter outside Latin-1 dropped, or replaced by a Latin-1 letter that looks like it (the bare letter,
the letter with one of its two marks, a diaeresis for a hook above).  That constraint is exact, so
the candidates are few, and the language model chooses among them.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

from . import vietnamese as vn

#: a text is read as Latin-1 OCR when it has at least this many Latin-1 accented letters ...
MIN_LATIN1_ACCENTS = 20
#: ... and at most this many Vietnamese letters outside Latin-1 for each of them (typed Vietnamese has
#: more of those than of the others: ư ơ đ and the dot below, hook and tilde on most vowels)
MAX_OTHER_SHARE = 0.02
#: look-alikes a Latin-1 OCR writes besides the letters' own parts ("Nghj" for "Nghị")
LOOKALIKES = {"ị": ("j",), "Ị": ("J",)}
_HOOK = "\u0309"
_DIAERESIS = "\u0308"
#: ... and this share of its words can be read as a Latin-1 OCR's Vietnamese (a French or English text
#: has Latin-1 accents too: 29 % of its words can; dev legal text with its letters dropped: 99.9 %)
MIN_PROJECTED_SHARE = 0.8
#: most forms one word may come from (the commonest first)
MAX_FORMS = 12


def _latin1(ch: str) -> bool:
    return ord(ch) < 256


def _vietnamese_letter(ch: str) -> bool:
    return ch.isalpha() and not _latin1(ch) and vn.strip_accents(ch) != ch


def latin1_letters(text: str) -> bool:
    """The letters of a text are those of an OCR limited to Latin-1: many Latin-1 accents, no others."""
    accented = sum(1 for ch in text if _latin1(ch) and ch.isalpha() and not ch.isascii())
    other = sum(1 for ch in text if _vietnamese_letter(ch))
    return accented >= MIN_LATIN1_ACCENTS and other <= MAX_OTHER_SHARE * accented


def _renderings(ch: str) -> tuple[str, ...]:
    """What a Latin-1 OCR may write for one letter: itself when it is Latin-1; else nothing, the bare
    letter, the letter with one of its marks, or a diaeresis for a hook above."""
    if _latin1(ch):
        return (ch,)
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    out = {"", vn.strip_accents(ch)}
    for k in range(len(marks)):
        one = unicodedata.normalize("NFC", base + marks[:k] + marks[k + 1:])
        if len(one) == 1 and _latin1(one):
            out.add(one)
    if _HOOK in marks:
        out.add(unicodedata.normalize("NFC", base + _DIAERESIS))
    out.update(LOOKALIKES.get(ch, ()))
    return tuple(sorted(r for r in out if all(_latin1(c) for c in r)))


def projections(syllable: str) -> set[str]:
    """Every way a Latin-1 OCR may have written a (lower-case) syllable."""
    options = [_renderings(ch) for ch in syllable]
    return {"".join(p) for p in itertools.product(*options)}


class Latin1Index:
    """The known syllables by their Latin-1 projections."""

    def __init__(self, known: dict[str, float]):
        """``known``: syllable -> its weight (unigram probability)."""
        index: dict[str, list[str]] = {}
        for syllable in sorted(known):  # sorted, so that equal weights keep one order whatever the hash seed
            for form in sorted(projections(syllable)):
                if form:
                    index.setdefault(form, []).append(syllable)
        self._index = {form: sorted(forms, key=lambda f: (-known[f], f))[:MAX_FORMS] for form, forms in index.items()}

    def readable(self, text: str) -> bool:
        """Enough of the text's words can be read as a Latin-1 OCR's Vietnamese (ask ``latin1_letters``
        first: it is cheap, and most texts fail it)."""
        words = [w for _, _, w in vn.tokens(text)]
        return bool(words) and sum(bool(self.forms(w)) for w in words) >= MIN_PROJECTED_SHARE * len(words)

    @functools.lru_cache(maxsize=50_000)
    def forms(self, word: str) -> tuple[str, ...]:
        """Syllables (lower case, commonest first) a Latin-1 OCR may have written as ``word``.  The index
        holds the projections of the canonical spellings; a word written whole in the other tone placement
        ("hoà", "thuý": no projection of any canonical syllable) is looked up as its canonical spelling."""
        low = word.lower()
        hit = self._index.get(low)
        if hit is None:
            hit = self._index.get(vn.normalise_tones(low), ())
        return tuple(hit)
