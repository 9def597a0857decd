"""Vietnamese syllables as text: tones, accent stripping, syllable grammar, tone
placement styles, accent candidates and tokens with character offsets.

The repair model needs these to propose candidates ("duong" -> "đường", ...),
to detect damage (a token that is no Vietnamese syllable) and to score text
in one spelling convention.  Everything here is a pure function over ``str``;
the tables are module-level constants built once at import.

Canonical style: **old** ("hóa", "thủy", "khỏe", "Ủy ban").  Official and news
text mostly writes the old placement (first 8 MB of each shared corpus: 92 % of
the style-bearing syllables in ``uts-vlc-legal``, 100 % in the news sample,
86 % in viwiki), so normalising to it changes the fewest bytes of the
documents we OCR.  Candidate
forms (`accent_variants`) and `normalise_tones` use :data:`CANONICAL_STYLE`;
repair writes the words it restores in the document's own style
(``to_style(word, detect_style(original))``) and never rewrites a word that
differs from its correction only by tone placement: a document may mix both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Style = Literal["old", "new"]

CANONICAL_STYLE: Style = "old"

# Tone number -> combining mark (0 ngang has none).
TONE_MARKS: dict[int, str] = {1: "\u0301", 2: "\u0300", 3: "\u0309", 4: "\u0303", 5: "\u0323"}
TONE_NAMES: tuple[str, ...] = ("ngang", "sắc", "huyền", "hỏi", "ngã", "nặng")
_MARK_TONE: dict[str, int] = {m: t for t, m in TONE_MARKS.items()}
# Vowel modifiers: breve (ă), circumflex (â ê ô), horn (ơ ư).
_MODIFIER_MARKS = "\u0306\u0302\u031b"

_BASE_VOWELS = "aăâeêioôơuưy"
_VOWELS = frozenset(_BASE_VOWELS)
_MODIFIED = frozenset("ăâêôơư")
_CHECKED_CODAS = frozenset({"p", "t", "c", "ch"})


def _build_char_tables() -> tuple[dict[str, tuple[str, int]], dict[int, str | None], dict[int, str | None]]:
    """Precomposed vowel -> (toneless vowel, tone), plus str.translate tables."""
    split: dict[str, tuple[str, int]] = {}
    no_tone: dict[int, str | None] = {}
    no_accent: dict[int, str | None] = {}
    for base in _BASE_VOWELS + _BASE_VOWELS.upper():
        plain = unicodedata.normalize("NFD", base)[0]
        for tone in range(6):
            char = unicodedata.normalize("NFC", base + TONE_MARKS.get(tone, ""))
            assert len(char) == 1, char
            split[char] = (base, tone)
            if char != base:
                no_tone[ord(char)] = base
            if char != plain:
                no_accent[ord(char)] = plain
    no_accent[ord("đ")] = "d"
    no_accent[ord("Đ")] = "D"
    # Marks left over after NFC (on letters that have no precomposed form) go too.
    for mark in TONE_MARKS.values():
        no_tone[ord(mark)] = None
        no_accent[ord(mark)] = None
    for mark in _MODIFIER_MARKS:
        no_accent[ord(mark)] = None
    return split, no_tone, no_accent


_SPLIT_CHAR, _STRIP_TONE_TABLE, _STRIP_ACCENT_TABLE = _build_char_tables()


def _nfc(text: str) -> str:
    """NFC only when needed: the check is much cheaper than normalising."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def split_tone(syllable: str) -> tuple[str, int]:
    """Separate the tone so syllables can be compared and re-toned independently.

    Returns the NFC syllable without its tone mark (modifiers and case kept) and
    the tone number 0..5.  With several tone marks (garbage) the first wins.
    """
    syllable = _nfc(syllable)
    tone = 0
    out = []
    for ch in syllable:
        hit = _SPLIT_CHAR.get(ch)
        if hit is not None:
            out.append(hit[0])
            if hit[1] and not tone:
                tone = hit[1]
        elif ch in _MARK_TONE:
            if not tone:
                tone = _MARK_TONE[ch]
        else:
            out.append(ch)
    return "".join(out), tone


def strip_tone(text: str) -> str:
    """Remove tone marks only (ă â ê ô ơ ư đ stay): the toneless spelling."""
    if text.isascii():
        return text
    return _nfc(text).translate(_STRIP_TONE_TABLE)


def strip_accents(text: str) -> str:
    """Remove every Vietnamese diacritic (đ->d), keeping case: how damaged OCR
    and unaccented typing look.  Non-Vietnamese letters (ñ, ü, ...) are kept;
    the result is NFC whatever the input normalisation was."""
    if text.isascii():
        return text
    return _nfc(text).translate(_STRIP_ACCENT_TABLE)


# ---------------------------------------------------------------------------
# Syllable grammar


@dataclass(frozen=True)
class Syllable:
    """A parsed syllable, fields in lowercase letters as written.

    Two spellings share letters: the ``u`` of onset ``qu`` is also the medial
    (``quốc`` = qu|u|ô|c, ``quy`` = qu|u|y), and onset ``gi`` swallows the
    ``i`` of an i/iê nucleus (``gì`` = gi||i|, ``giếng`` = gi||iê|ng).  Use
    :meth:`spell` rather than concatenating fields.
    """

    onset: str
    medial: str  # "", "o" (hoa, hoe, hoặc) or "u" (thuy, tuân, quy, quốc)
    nucleus: str
    coda: str  # "", c ch m n ng nh p t, or a final glide i y o u
    tone: int

    @property
    def rhyme(self) -> str:
        """The vần (medial + nucleus + coda), e.g. for rhyme-level features."""
        return self.medial + self.nucleus + self.coda

    def spell(self, style: Style = CANONICAL_STYLE) -> str:
        """The lowercase NFC syllable in the given tone style."""
        return place_tone(_spell(self.onset, self.medial, self.nucleus, self.coda), self.tone, style)


ONSETS: tuple[str, ...] = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)

# Nucleus (canonical spelling; iê/ia become yê/ya where the orthography wants)
# -> codas it takes without a medial.
_NUCLEUS_CODAS: dict[str, tuple[str, ...]] = {
    "a": ("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o", "u"),
    "ă": ("c", "m", "n", "ng", "p", "t"),
    "â": ("c", "m", "n", "ng", "p", "t", "u", "y"),
    "e": ("", "c", "m", "n", "ng", "p", "t", "o"),
    "ê": ("", "ch", "m", "n", "nh", "p", "t", "u"),
    "i": ("", "ch", "m", "n", "nh", "p", "t", "u"),
    "y": ("",),
    "o": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "oo": ("c", "ng"),
    "ô": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "ơ": ("", "m", "n", "p", "t", "i"),
    "u": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "ư": ("", "c", "m", "n", "ng", "t", "i", "u"),
    "iê": ("c", "m", "n", "ng", "p", "t", "u"),
    "ia": ("",),
    "uô": ("c", "m", "n", "ng", "t", "i"),
    "ua": ("",),
    "ươ": ("c", "m", "n", "ng", "p", "t", "i", "u"),
    "ưa": ("",),
}

# (medial, nucleus) -> codas, for onsets other than qu.
_MEDIAL_CODAS: dict[tuple[str, str], tuple[str, ...]] = {
    ("o", "a"): ("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o"),
    ("o", "ă"): ("c", "m", "n", "ng", "t"),
    ("o", "e"): ("", "n", "t", "o"),
    ("u", "â"): ("n", "ng", "t", "y"),
    ("u", "ê"): ("", "ch", "nh"),
    ("u", "y"): ("", "ch", "nh", "t", "u"),
    ("u", "iê"): ("n", "t"),
    ("u", "ia"): ("",),
    ("u", "ơ"): ("",),
}

# Nuclei after qu (whose u is the medial) -> codas.
_QU_CODAS: dict[str, tuple[str, ...]] = {
    "a": ("", "c", "ch", "m", "n", "ng", "nh", "t", "i", "y", "o", "u"),
    "ă": ("c", "m", "n", "ng", "p", "t"),
    "â": ("c", "n", "ng", "t", "y"),
    "e": ("", "n", "t", "o"),
    "ê": ("", "ch", "n", "nh", "t", "u"),
    "y": ("", "ch", "nh", "t", "u"),
    "i": ("", "t"),  # older spelling of quy: qui, quí, quít
    "iê": ("n", "t"),
    "ơ": ("", "n", "i"),
    "ô": ("c",),
}

_LABIAL_ONSETS = frozenset({"b", "m", "p", "ph", "v"})


def _spell_nucleus(onset: str, medial: str, nucleus: str) -> str:
    """iê/ia are written yê/ya word-initially or after the u glide."""
    if nucleus == "iê" and (medial == "u" or (onset == "" and medial == "")):
        return "yê"
    if nucleus == "ia" and medial == "u":
        return "ya"
    return nucleus


def _spell(onset: str, medial: str, nucleus: str, coda: str) -> str:
    """Write the parts out with the qu/gi letter sharing."""
    if onset == "qu":
        medial = ""
    elif onset == "gi" and nucleus.startswith("i"):
        nucleus = nucleus[1:]
    return onset + medial + nucleus + coda


def _onset_allows(onset: str, medial: str, nucleus: str, coda: str) -> bool:
    """Spelling and phonotactic rules linking the onset to the rhyme."""
    first = (medial or nucleus)[0]
    front = first in "ieêy"
    if onset == "c":
        return not medial and not front
    if onset == "k":
        return not medial and front
    if onset in ("gh", "ngh"):
        return not medial and nucleus in ("i", "e", "ê", "iê", "ia")
    if onset in ("g", "ng"):
        return not front
    if onset == "gi":
        # gi+ê+m/n/p/t/u and gi+i+u would be spelled like gi+iê+... and gi+u.
        if medial or nucleus in ("y", "ia"):
            return False
        if nucleus == "ê":
            return coda in ("", "ch", "nh")
        return not (nucleus == "i" and coda == "u")
    if onset in _LABIAL_ONSETS:
        return not medial
    return True


def _rhymes_for(onset: str) -> list[tuple[str, str, str]]:
    """Every (medial, nucleus, coda) the onset may take."""
    if onset == "qu":
        return [("u", n, c) for n, codas in _QU_CODAS.items() for c in codas]
    rhymes = [("", n, c) for n, codas in _NUCLEUS_CODAS.items() for c in codas]
    rhymes += [(m, n, c) for (m, n), codas in _MEDIAL_CODAS.items() for c in codas]
    return [r for r in rhymes if _onset_allows(onset, *r)]


def _tones_for(coda: str) -> tuple[int, ...]:
    """Checked codas (p t c ch) take only sắc or nặng."""
    return (1, 5) if coda in _CHECKED_CODAS else (0, 1, 2, 3, 4, 5)


def _tone_index(word: str, style: Style) -> int | None:
    """Index of the letter that carries the tone in a lowercase toneless word."""
    n = len(word)
    i = 0
    while i < n and word[i] not in _VOWELS:
        i += 1
    if i == n:
        return None
    # The u of qu and the i of gi are onset letters when a vowel follows.
    if i > 0 and i + 1 < n and word[i + 1] in _VOWELS and (
        (word[i - 1] == "q" and word[i] == "u") or (i == 1 and word[0] == "g" and word[i] == "i")
    ):
        i += 1
    j = i
    while j < n and word[j] in _VOWELS:
        j += 1
    cluster = word[i:j]
    k = cluster.find("ơ")  # ươ, uơ, ơi: the ơ
    if k >= 0:
        return i + k
    for k, ch in enumerate(cluster):
        if ch in _MODIFIED:
            return i + k
    if j < n:  # closed syllable: last vowel (hoàn, thuyết, huỳnh)
        return j - 1
    if len(cluster) == 2:
        if style == "new" and cluster in ("oa", "oe", "uy"):
            return i + 1
        return i
    if len(cluster) >= 3:
        return i + 1
    return i


def place_tone(toneless: str, tone: int, style: Style = "old") -> str:
    """Put the tone mark on the vowel the orthography wants, keeping case.

    Old and new style differ only for oa, oe, uy without coda (hóa/hoá,
    khỏe/khoẻ, thủy/thuỷ).  An existing tone mark is replaced.
    """
    if tone not in (0, 1, 2, 3, 4, 5):
        raise ValueError(f"tone must be 0..5, got {tone!r}")
    if style not in ("old", "new"):
        raise ValueError(f"style must be 'old' or 'new', got {style!r}")
    base, _ = split_tone(toneless)
    if tone == 0:
        return base
    idx = _tone_index(base.lower(), style)
    if idx is None:
        raise ValueError(f"no vowel to carry a tone in {toneless!r}")
    marked = unicodedata.normalize("NFC", base[idx] + TONE_MARKS[tone])
    return base[:idx] + marked + base[idx + 1 :]


_Grammar = tuple[dict[str, Syllable], dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]


def _build_grammar() -> _Grammar:
    """Enumerate the grammar once: every toned form in both styles, the
    old<->new maps of the forms that differ, and the accent-variant groups."""
    toneless: dict[str, tuple[str, str, str, str]] = {}
    for onset in ONSETS:
        for medial, nucleus, coda in _rhymes_for(onset):
            nuc = _spell_nucleus(onset, medial, nucleus)
            toneless.setdefault(_spell(onset, medial, nuc, coda), (onset, medial, nuc, coda))
    with_tone = {(base, tone): char for char, (base, tone) in _SPLIT_CHAR.items()}
    toned: dict[str, Syllable] = {}
    to_new: dict[str, str] = {}
    to_old: dict[str, str] = {}
    groups: dict[str, list[tuple[tuple[int, int, str], str]]] = {}
    for word, (onset, medial, nuc, coda) in toneless.items():
        i_old = _tone_index(word, "old")
        i_new = _tone_index(word, "new")
        assert i_old is not None and i_new is not None, word
        key = strip_accents(word)
        modified = sum(ch in _MODIFIED or ch == "đ" for ch in word)
        for tone in _tones_for(coda):
            syl = Syllable(onset, medial, nuc, coda, tone)
            old = word[:i_old] + with_tone[word[i_old], tone] + word[i_old + 1 :]
            new = old if i_new == i_old else word[:i_new] + with_tone[word[i_new], tone] + word[i_new + 1 :]
            toned[old] = syl
            toned[new] = syl
            if old != new:
                to_new[old] = new
                to_old[new] = old
            form = old if CANONICAL_STYLE == "old" else new
            # Plain letters first, then by tone: a stable order, not a likelihood.
            groups.setdefault(key, []).append(((modified, tone, form), form))
    variants = {key: tuple(form for _, form in sorted(forms)) for key, forms in groups.items()}
    return toned, to_new, to_old, variants


_TONED, _OLD_TO_NEW, _NEW_TO_OLD, _VARIANTS = _build_grammar()


def parse(syllable: str) -> Syllable | None:
    """The syllable's structure, or None if it is not Vietnamese.

    Case-insensitive, any normalisation.  Strict about tone position: the mark
    must sit where old or new style puts it ("qúa", "hòan" are rejected).
    """
    return _TONED.get(_nfc(syllable).lower())


def _build_reductions() -> dict[str, frozenset[str]]:
    """Lowercase letter -> what it can decay to when OCR or typing drops its
    tone mark, its modifier or both (ố -> ô, ó, o; đ -> d)."""
    out: dict[str, frozenset[str]] = {"đ": frozenset({"d"})}
    for char, (base, tone) in _SPLIT_CHAR.items():
        if not char.islower():
            continue
        plain = unicodedata.normalize("NFD", base)[0]
        forms = {base, plain, unicodedata.normalize("NFC", plain + TONE_MARKS.get(tone, ""))}
        forms.discard(char)
        if forms:
            out[char] = frozenset(forms)
    return out


_REDUCTIONS = _build_reductions()


def is_valid(syllable: str, *, strict: bool = False) -> bool:
    """Whether the token is a Vietnamese syllable, possibly with lost diacritics.

    Strict: exactly what :func:`parse` accepts.  Default: also a syllable that
    lost some or all of its marks ("thuoc", "thuôc", "duong" from thuộc,
    đường), because such tokens need re-accenting, not spelling repair.  A mark
    that is present must still be right: "màt", "qúa", "hòan" are invalid.
    """
    low = _nfc(syllable).lower()
    if low in _TONED:
        return True
    if strict:
        return False
    key = strip_accents(low)
    candidates = _VARIANTS.get(key)
    if not candidates:
        return False
    if key == low:
        return True
    return any(
        len(form) == len(low) and all(a == b or a in _REDUCTIONS.get(b, ()) for a, b in zip(low, form))
        for form in candidates
    )


# ---------------------------------------------------------------------------
# Tone placement styles


def syllable_style(syllable: str) -> Style | None:
    """Which style a syllable is written in, None if both styles write it alike."""
    low = _nfc(syllable).lower()
    if low in _OLD_TO_NEW:
        return "old"
    if low in _NEW_TO_OLD:
        return "new"
    return None


def _numeric_non_digits() -> str:
    """Regex class body for Unicode numbers that str.isalnum() counts but that
    are not letters (², ½, Ⅻ, ①), so "m²" tokenises as "m".  BMP up to U+33FF."""
    chars = [chr(c) for c in range(0x80, 0x3400) if unicodedata.category(chr(c)) in ("No", "Nl")]
    return "".join(re.escape(ch) for ch in chars)


# Combining-mark blocks (re has no \p{M}); they belong to the letter before them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTER = rf"[^\W\d_{_numeric_non_digits()}]"
# A maximal run of letters and their combining marks, starting with a letter.
SYLLABLE_RE: re.Pattern[str] = re.compile(rf"{_LETTER}(?:{_LETTER}|[{_MARKS}])*")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for every maximal run of letters, so repairs can be
    mapped back to character offsets of the original text."""
    return [(m.start(), m.end(), m.group()) for m in SYLLABLE_RE.finditer(text)]


def detect_style(text: str) -> Style:
    """The style most ambiguous syllables of the text use ("old" on a tie or none)."""
    old = new = 0
    for m in SYLLABLE_RE.finditer(text):
        style = syllable_style(m.group())
        if style == "old":
            old += 1
        elif style == "new":
            new += 1
    return "new" if new > old else "old"


def _copy_case(pattern: str, form: str) -> str:
    """Letter-by-letter case copy for same-length strings (style changes only move a mark)."""
    return "".join(f.upper() if p.isupper() else f for p, f in zip(pattern, form))


def to_style(text: str, style: Style) -> str:
    """Rewrite every oa/oe/uy syllable into the given style, keeping its case;
    every other character is left byte-identical (a rewritten syllable that came
    in NFD goes out NFC)."""
    if style not in ("old", "new"):
        raise ValueError(f"style must be 'old' or 'new', got {style!r}")
    table = _OLD_TO_NEW if style == "new" else _NEW_TO_OLD

    def fix(m: re.Match[str]) -> str:
        token = m.group()
        nfc = _nfc(token)
        target = table.get(nfc.lower())
        if target is None:
            return token
        return _copy_case(nfc, target)

    return SYLLABLE_RE.sub(fix, text)


def normalise_tones(text: str) -> str:
    """Text in :data:`CANONICAL_STYLE`, the one used for training and scoring."""
    return to_style(text, CANONICAL_STYLE)


# ---------------------------------------------------------------------------
# Candidates and case


def accent_variants(stripped: str) -> tuple[str, ...]:
    """Every valid syllable (lowercase, NFC, canonical style) that loses its
    accents to ``stripped``: the candidate set for re-accenting a token.

    Expects a lowercase ASCII syllable; other input is stripped and lowercased
    first.  Empty tuple when nothing in the grammar matches.
    """
    hit = _VARIANTS.get(stripped)
    if hit is not None:
        return hit
    return _VARIANTS.get(strip_accents(stripped).lower(), ())


def apply_case(pattern: str, form: str) -> str:
    """Give a candidate the case shape of the token it replaces (lower, Title, UPPER).

    A single capital is taken as Title case (sentence start) unless the form is
    one letter too.  Other mixed patterns are copied letter by letter when the
    lengths match, else the form is returned lowercase.
    """
    letters = [ch for ch in pattern if ch.isalpha()]
    if not letters or not any(ch.isupper() for ch in letters):
        return form.lower()
    if all(ch.isupper() for ch in letters):
        if len(letters) == 1 and len(form) > 1:
            return form[:1].upper() + form[1:].lower()
        return form.upper()
    if letters[0].isupper() and not any(ch.isupper() for ch in letters[1:]):
        return form[:1].upper() + form[1:].lower()
    p, f = _nfc(pattern), _nfc(form)
    if len(p) == len(f):
        return _copy_case(p, f.lower())
    return form.lower()


def is_vietnamese_token(token: str, *, strict: bool = False) -> bool:
    """A valid syllable (see :func:`is_valid`) written lower, Title or UPPER case
    ("hOa" is not: mixed case inside a word is an OCR or code artefact)."""
    if not is_valid(token, strict=strict):
        return False
    rest = token[1:]
    return rest == rest.lower() or token == token.upper()


__all__ = [
    "CANONICAL_STYLE",
    "ONSETS",
    "SYLLABLE_RE",
    "Style",
    "Syllable",
    "TONE_MARKS",
    "TONE_NAMES",
    "accent_variants",
    "apply_case",
    "detect_style",
    "is_valid",
    "is_vietnamese_token",
    "normalise_tones",
    "parse",
    "place_tone",
    "split_tone",
    "strip_accents",
    "strip_tone",
    "syllable_style",
    "to_style",
    "tokens",
]
