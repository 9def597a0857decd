"""Detection: what kind of text each word and line is, before anything is changed.

Labels per word: ``accented`` (a correct-looking accented syllable), ``plain``
(a syllable with no marks: correct like "kinh", or stripped like "phat"),
``partial`` (some marks, not all), ``invalid`` (no Vietnamese syllable:
garbled OCR like "nuroc", or a foreign word) and ``protected`` (numbers,
document codes such as 127-HD/BTGTW or 68/2022/QH15, dates, abbreviations in
capitals, mixed-case names): protected words are never touched.

Labels per line: ``clean``, ``accent-stripped``, ``garbled``, ``mixed``,
``foreign`` (mostly words that are no Vietnamese syllables, and no accents) or
``not-to-touch`` (nothing but protected words), from the shares of those
words.  Clean, foreign and not-to-touch lines are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from . import capitals
from . import vietnamese as vn

CHUNK_RE = re.compile(r"\S+")
#: a chunk with a digit, a slash or inner dots is a code, a date, a number or an abbreviation
CODE_RE = re.compile(r"\d|/|\w\.\w")
#: a list marker ("b)", and "a." at the start of a line) is no word: held out of the line's labels
MARKER_RE = re.compile(r"[a-zđ]\)", re.IGNORECASE)
LINE_MARKER_RE = re.compile(r"[a-zđ][.)]", re.IGNORECASE)
#: the mark that closes an official document ("... kể từ ngày ký./."): punctuation, not a code's slash
CLOSING_RE = re.compile(r"\./\.$")


@dataclass(frozen=True)
class Word:
    start: int  # offsets in the line
    end: int
    text: str
    label: str  # accented, plain, partial, invalid, protected


@dataclass(frozen=True)
class LineReport:
    label: str  # clean, accent-stripped, garbled, mixed, foreign, not-to-touch
    words: tuple[Word, ...]

    def share(self, *labels: str) -> float:
        scored = [w for w in self.words if w.label != "protected"]
        return sum(w.label in labels for w in scored) / len(scored) if scored else 0.0


def classify_word(text: str) -> str:
    if not vn.is_vietnamese_token(text):
        if len(text) >= 2 and text.isupper():
            return "protected"  # UBND, HĐND, COP
        if text != text.lower() and text != text.title() and text != text.upper():
            return "protected"  # iPhone, TTg
        return "invalid"
    if vn.strip_accents(text) == text:
        return "plain"  # "kinh" (right as it is) or "cac" (các with its accent stripped)
    return "accented" if vn.is_valid(text, strict=True) else "partial"


def words(line: str) -> list[Word]:
    """Letter runs of a line with their labels; codes and numbers come out as protected."""
    out: list[Word] = []
    for chunk in CHUNK_RE.finditer(line):
        text = chunk.group()
        core = CLOSING_RE.sub("", text).strip(".,;:!?()[]{}\"'“”‘’…*-–—")
        if MARKER_RE.fullmatch(text) or (not out and LINE_MARKER_RE.fullmatch(text)):
            out.append(Word(chunk.start(), chunk.start() + 1, text[0], "protected"))
            continue
        if core and CODE_RE.search(core) and not _slashed_words(core):
            start = chunk.start() + text.find(core)
            out.append(Word(start, start + len(core), core, "protected"))
            continue
        slashed = "/" in core
        for start, end, token in vn.tokens(text):
            label = "protected" if slashed and not vn.is_vietnamese_token(token) else classify_word(token)  # kg
            out.append(Word(chunk.start() + start, chunk.start() + end, token, label))
    return _abbreviations(out)


def _slashed_words(core: str) -> bool:
    """Syllables joined by slashes ("đồng/tháng", "thi/tuyển", "đồng/kg") are words, not a code: a code
    has a digit or capitals ("47-HD/BTGTU", "AFP/TTXVN").  A unit beside them ("kg") stays as written."""
    parts = core.split("/")
    words = [p for p in parts if vn.is_vietnamese_token(p)]
    return len(parts) >= 2 and bool(words) and all(p.isalpha() and p != p.upper() or p in words for p in parts) \
        and not any(len(p) >= 2 and p.isupper() for p in parts)


def _abbreviations(ws: list[Word]) -> list[Word]:
    """Unmarked capitals in a line that is not in capitals are abbreviations ("TU" = Thành ủy, "UB"), not
    stripped syllables ("TƯ"): they are protected.  In a heading in capitals they are words, and so are
    its capitals that OCR broke (``capitals.damaged_word``: "HHOI", "THAAP", "QUe")."""
    if in_capitals(ws):
        return [Word(w.start, w.end, w.text, capitals.damaged_word(w.text)) if w.label == "protected"
                and w.text.isalpha() and capitals.damaged_word(w.text) else w for w in ws]
    return [Word(w.start, w.end, w.text, "protected") if len(w.text) >= 2 and w.text.isupper() and w.label == "plain"
            else w for w in ws]


def in_capitals(ws) -> bool:
    """A heading in capitals: half its words or more are capitals of two letters or more."""
    return sum(len(w.text) >= 2 and w.text.isupper() for w in ws) * 2 >= len(ws)


UNTOUCHED = ("clean", "foreign", "not-to-touch")
#: a line with this share of its syllables accented was typed (or read) with its accents: an unmarked
#: syllable in it is meant so ("hat-trick", "Cai Qi", "ôtô con"), a capitalised non-syllable is a name
#: (Afghanistan), and only a lower-case non-syllable or a word with half its marks is damage.  Dev, 30
#: documents' lines (1,200, clean): 46 -> 4 syllables changed; accent-stripped and garbled lines have none
SOUND_ACCENTED_SHARE = 0.6
#: letters joined by hyphens ("In-ter-net", "hat-trick") are one foreign word in a sound line
HYPHENATED_RE = re.compile(r"\w+(?:-\w+)+")


def analyse_line(line: str, typed: bool = False) -> LineReport:
    """``typed``: the text comes with no OCR confidences, as a typed file does: in a line typed with its
    accents, the words plainly in another language ("of", "has", "Business Insider") are then no damage."""
    ws = tuple(words(line))
    foreign = _foreign_words(line, ws) if typed else set()
    if _sound(ws, foreign):
        ws = _names_in_sound_line(line, ws, foreign)
    report = LineReport("clean", ws)
    scored = [w for w in ws if w.label != "protected"]
    if not scored:
        return LineReport("not-to-touch", ws)
    invalid = report.share("invalid", "partial")
    plain = report.share("plain")
    if report.share("invalid") >= 0.4 and report.share("accented") < 0.1 and len(scored) >= 3:
        label = "foreign"  # English or another language: nothing to repair
    elif len(scored) >= 3 and (invalid >= 0.15 or (invalid >= 0.08 and invalid * len(scored) >= 2)):
        label = "garbled"
    elif plain >= 0.8 and len(scored) >= 3:
        label = "accent-stripped"
    elif report.share("accented") >= SOUND_ACCENTED_SHARE and invalid == 0 and _plain_run(ws) < 3:
        label = "clean"  # its unmarked syllables are meant so
    elif plain >= 0.45 or invalid > 0 or _plain_run(ws) >= 3:
        label = "mixed"
    else:
        label = "clean"
    return LineReport(label, ws)


def _sound(ws: tuple[Word, ...], foreign: AbstractSet[int]) -> bool:
    """A line typed (or read) with its accents.  In a typed text, what is plainly another language
    (``foreign``: ``_foreign_words``) does not count against it: the rest of the line says how it was
    written."""
    return LineReport("clean", tuple(w for i, w in enumerate(ws) if i not in foreign)).share("accented") \
        >= SOUND_ACCENTED_SHARE


#: a run of this many words or more, unaccented and at least FOREIGN_RUN_SHARE no syllables, is a phrase in
#: another language ("no historic figure has been represented"), not OCR damage.  Dev, clean news and wiki
#: lines (words changed) with bench-tools OCR damage at 0.3 (WER after repair): as before 23 of 62,170, 15.11 %;
#: with the names in capitals, hyphenated words and such runs set aside: 19, 15.11 %
FOREIGN_RUN = 4
FOREIGN_RUN_SHARE = 0.7
#: a word of another language has a vowel; one with none is a slip: an OCR that knew only Latin-1 leaves
#: consonants ("Nguyn Vn", "hng dn các n v lp"), bench-tools' OCR damage "v" for "với"
VOWEL_RE = re.compile(r"[aeiouy]", re.IGNORECASE)


def _foreign_words(line: str, ws: tuple[Word, ...]) -> set[int]:
    """Indices of the words of a typed line that are plainly in another language: names in capitals
    ("Business Insider", "Chief Master Sergeant"), hyphenated words ("Mahàparinirvàna-sùtra"), runs of
    words that are mostly no syllables (a quoted English sentence) and words shaped as no Vietnamese
    syllable is ("has", "wrote", "of")."""
    hyphenated = [(m.start(), m.end()) for m in HYPHENATED_RE.finditer(line)]
    voiced = [w.label == "invalid" and bool(VOWEL_RE.search(w.text)) for w in ws]  # may be a foreign word
    named = [v and w.text[:1].isupper() for v, w in zip(voiced, ws)]
    out = {i for i, w in enumerate(ws) if voiced[i] and (
        named[i] and (i and named[i - 1] or named[i + 1:i + 2] == [True]) or _english_shaped(w.text)
        or any(a <= w.start and w.end <= b for a, b in hyphenated))}
    run: list[int] = []
    for i, w in enumerate((*ws, None)):
        if w is not None and (w.label == "plain" or voiced[i] or w.label == "protected" and run):
            run.append(i)
            continue
        scored = [k for k in run if ws[k].label != "protected"]
        invalid = sum(ws[k].label == "invalid" for k in scored)
        if len(scored) >= FOREIGN_RUN and invalid >= FOREIGN_RUN_SHARE * len(scored):
            out.update(scored)
        run = []
    return out


#: short words of English and French: common in a typed line, and too short to be told by their shape
FUNCTION_WORDS = frozenset("of the and in on at to for is are was by with from an or as it et de du le les des "
                           "la en un une".split())
#: finals no Vietnamese syllable ends on (it ends on a vowel, c, ch, m, n, ng, nh, p or t), and that a
#: slip seldom leaves: OCR and typists drop letters ("nih" for ninh, "thog" for thông) and read t as l
FOREIGN_FINAL_RE = re.compile(r"[bdfjkqrsvwxz]$", re.IGNORECASE)


def _english_shaped(text: str) -> bool:
    """A word in plain ASCII letters that a slip in a Vietnamese word seldom makes: a function word of
    English or French, a letter Vietnamese lacks (f, j, w, z), a doubled vowel it has only before ng
    ("room", "been"; "xoong" is Vietnamese) or an ending it lacks ("has", "wrote", "cold")."""
    if not text.isascii() or not text.isalpha():
        return False
    lower = text.lower()
    return lower in FUNCTION_WORDS or bool(re.search(r"[fjwz]|(?:oo|ee)(?!ng)", lower)) \
        or bool(FOREIGN_FINAL_RE.search(lower))


def _names_in_sound_line(line: str, ws: tuple[Word, ...], foreign: AbstractSet[int] = frozenset()) -> tuple[Word, ...]:
    """In a line typed with its accents, capitalised non-syllables (names), hyphenated foreign words and
    the words of a typed text that are plainly another language (``foreign``) are protected: they are no
    damage to repair and no sign of it.  A typed line's other non-syllables ("nuroc", "khuyếnkhic") are
    damage: slips of a typist, or an OCR layer saved as text.  Dev (clean news and wiki lines holding codes
    or capitals, words changed; bench-tools OCR damage at 0.3, WER after repair): every non-syllable of a
    typed line protected 19 of 62,170, 15.11 %; only these, and a typed sound line's unmarked syllables
    kept (``restore.repair``), 20, 13.85 % (9 of the 20 are typos put right: "thườg", "trứơc", "s ỹ");
    without keeping the unmarked syllables 36, 12.87 %."""
    hyphenated = [(m.start(), m.end()) for m in HYPHENATED_RE.finditer(line)]
    out = []
    for i, w in enumerate(ws):
        in_compound = any(a <= w.start and w.end <= b for a, b in hyphenated)
        if w.label == "invalid" and (i in foreign or w.text[:1].isupper() or in_compound):
            out.append(Word(w.start, w.end, w.text, "protected"))
        elif in_compound and w.label == "plain":
            out.append(Word(w.start, w.end, w.text, "protected"))
        else:
            out.append(w)
    return tuple(out)


#: a line too broken to pass for Vietnamese (6 of 13 words no syllable: "khangan", "nuroc", "kih") is
#: labelled foreign; beside a damaged line, when this share of its words are unmarked syllables, it is OCR
#: damage of the same section, not another language.  Dev, 150 legal paragraphs in lines of 12 words,
#: 30 % garbled (14 of 608 lines foreign): WER 20.01 % -> 18.68 % (beside garbled lines only: 18.83 %; at
#: a share of 0.4, 18.37 %); 15 % garbled: 9.90 % -> 9.65 %.  English lines between damaged ones are kept
FOREIGN_PLAIN_SHARE = 0.5


def may_be_broken_vietnamese(report: LineReport) -> bool:
    """A "foreign" line that may be OCR damage of the Vietnamese around it rather than another language:
    only the lines around it can tell (``restore.repair`` reads it as garbled beside damaged lines, and
    ``restore.reorder`` lets only such a line move with them)."""
    return report.label == "foreign" and report.share("plain") >= FOREIGN_PLAIN_SHARE


def _plain_run(ws: tuple[Word, ...]) -> int:
    """Longest run of consecutive unmarked syllables: stripping damage comes in runs."""
    best = run = 0
    for w in ws:
        run = run + 1 if w.label in ("plain", "partial") else 0
        best = max(best, run)
    return best
