"""Vietnamese text in the pre-Unicode encodings: TCVN3 (ABC), VNI and VISCII.

Archives are full of them: a letter typed in .VnTime (TCVN3) or VNI-Times and
printed to PDF keeps its legacy bytes, and a PDF reader shows them as Latin-1
letters ("ViÖt Nam", "Vieät Nam").  Plain ``.txt`` files come as raw legacy
bytes, or as Windows-1258.  This module turns all of them into Unicode NFC and
decides which encoding a text is in by which reading gives real Vietnamese
syllables.  Pure text: no image code, no imports outside ``restore``.

Tables: TCVN3 is TCVN 5712:1993 (VN3 lower case as in the .VnTime fonts, plus
the VN1 capitals at 0x01-0x17 and 0x80-0xFF exactly as glibc's
``TCVN5712-1``); VISCII is RFC 1456 (glibc ``VISCII``); VNI is the VNI-Times
font layout (a base letter followed by one mark character).  The tests check
every one of the 134 accented letters both ways and compare the byte tables
with ``iconv`` when it is installed.  Text typed in the all-capitals .VnTimeH
fonts stores capitals at the lower-case positions: :func:`decode_text`
upper-cases a line (or word) whose plain letters are all capitals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from .vietnamese import is_vietnamese_token

Encoding = Literal["unicode", "tcvn3", "vni", "viscii", "cp1258", "unknown"]
LEGACY: tuple[str, ...] = ("tcvn3", "vni", "viscii")

# ---------------------------------------------------------------- byte tables

_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"  # 80
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 90
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # A0
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0
    "Ổỏõóọồổỗốộờởỡớợù"  # E0
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # F0
)
_TCVN3_LOW = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự",
              0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}

_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"  # 80
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"  # 90
    "Õắằặấầẩậẽẹếềểễệố"  # A0
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"  # B0
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"  # C0
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"  # D0
    "àáâãảăữẫèéêẻìíĩỉ"  # E0
    "đựòóôõỏọụùúũủýợỮ"  # F0
)
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}


def _byte_table(high: str, low: dict[int, str]) -> tuple[str, ...]:
    assert len(high) == 128
    table = [chr(b) for b in range(128)] + list(high)
    for b, ch in low.items():
        table[b] = ch
    return tuple(table)


TCVN3_TABLE = _byte_table(_TCVN3_HIGH, _TCVN3_LOW)
VISCII_TABLE = _byte_table(_VISCII_HIGH, _VISCII_LOW)

# ---------------------------------------------------------------- VNI

# Tone number (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng) -> VNI mark after a plain vowel,
# after â/ê/ô written as base+circumflex, and after ă written as a+breve.
_VNI_TONE = {1: "ù", 2: "ø", 3: "û", 4: "õ", 5: "ï"}
_VNI_CIRCUMFLEX = {0: "â", 1: "á", 2: "à", 3: "å", 4: "ã", 5: "ä"}
_VNI_BREVE = {0: "ê", 1: "é", 2: "è", 3: "ú", 4: "ü", 5: "ë"}
_VNI_I = {0: "i", 1: "í", 2: "ì", 3: "æ", 4: "ó", 5: "ò"}  # i takes one precomposed byte
_VNI_LETTER = {"đ": "ñ", "ơ": "ô", "ư": "ö"}  # one byte each; ơ/ư take tone marks like plain vowels
_TONE_OF_MARK = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def _vni_spelling(letter: str) -> str | None:
    """The VNI-Times characters of one lower-case Vietnamese letter (None: not one)."""
    parts = unicodedata.normalize("NFD", letter)
    base, marks = parts[0], parts[1:]
    tone = next((_TONE_OF_MARK[m] for m in marks if m in _TONE_OF_MARK), 0)
    mods = "".join(m for m in marks if m not in _TONE_OF_MARK)
    if letter == "đ":  # đ has no decomposition
        return "ñ"
    if mods == "\u0302":  # â ê ô
        return base + _VNI_CIRCUMFLEX[tone]
    if mods == "\u0306":  # ă
        return base + _VNI_BREVE[tone]
    if mods == "\u031b":  # ơ ư
        return _VNI_LETTER[unicodedata.normalize("NFC", base + mods)] + _VNI_TONE.get(tone, "")
    if mods:
        return None
    if base == "i":
        return _VNI_I[tone]
    if base == "y" and tone == 5:
        return "î"
    return base + _VNI_TONE.get(tone, "")


def vietnamese_letters() -> list[str]:
    """The 134 precomposed letters Vietnamese adds to ASCII (67 lower, 67 upper)."""
    out = ["đ"]
    for vowel in "aăâeêioôơuưy":
        for tone in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"):
            ch = unicodedata.normalize("NFC", vowel + tone)
            if not ch.isascii():
                out.append(ch)
    return out + [c.upper() for c in out]


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Unicode letter -> VNI, and VNI sequence -> Unicode (either case of base and mark)."""
    encode: dict[str, str] = {}
    decode: dict[str, str] = {}
    for lower in vietnamese_letters()[:67]:
        spelt = _vni_spelling(lower)
        assert spelt is not None, lower
        upper = lower.upper()
        encode[lower], encode[upper] = spelt, spelt.upper()
        for seq, letter in ((spelt, lower), (spelt.upper(), upper)):
            decode[seq] = letter
        if len(spelt) == 2:  # "Aù" (title case, lower-case mark) and "aÙ" are the same letter
            decode[spelt[0].upper() + spelt[1]] = upper
            decode[spelt[0] + spelt[1].upper()] = lower
    return encode, decode


_VNI_ENCODE, _VNI_DECODE = _vni_tables()
#: letters no legacy byte shown as Latin-1/cp1252 can be
_UNICODE_ONLY = frozenset(c for c in vietnamese_letters() if ord(c) > 0xFF)
_VNI_MARKS = frozenset(seq[1] for seq in _VNI_DECODE if len(seq) == 2)

# ---------------------------------------------------------------- text <-> legacy bytes

_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
#: cp1252's characters at 0x80-0x9F (Š ž “ – ...) -> their byte: how a PDF reader shows a legacy code there
_CP1252_TO_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in _CP1252_UNDEFINED}
#: ... only the letters among them (quotes and dashes drawn through WinAnsi are real punctuation in .VnTime text)
_CP1252_LETTER_TO_BYTE = {ch: b for ch, b in _CP1252_TO_BYTE.items() if ch.isalpha() or ch in "ˆ˜"}


#: a symbol font's codes as PDF readers show them (U+F020-U+F0FF) -> the Latin-1 character of that code
_SYMBOL_FONT_CODES = {o: o - 0xF000 for o in range(0xF020, 0xF100)}


def text_to_bytes(text: str, *, keep_punctuation: bool = True) -> list[int | str]:
    """The legacy bytes behind a text a PDF reader shows as Latin-1/cp1252 letters.

    Characters that are no single byte (already real Unicode) stay characters.
    Symbol fonts put their bytes at U+F020-U+F0FF; those count as bytes too, and
    so do cp1252's letters at 0x80-0x9F (a VN1 capital drawn through WinAnsi);
    cp1252's quotes and dashes there stay punctuation (the .VnTime fonts kept
    them) unless ``keep_punctuation`` is off (VISCII has capitals at every one).
    """
    back = _CP1252_LETTER_TO_BYTE if keep_punctuation else _CP1252_TO_BYTE
    out: list[int | str] = []
    for ch in text:
        o = ord(ch)
        if o < 0x100:
            out.append(o)
        elif 0xF020 <= o <= 0xF0FF:
            out.append(o - 0xF000)
        elif ch in back:
            out.append(back[ch])
        else:
            out.append(ch)
    return out


def _decode_units(units: list[int | str], table: tuple[str, ...]) -> str:
    return "".join(table[u] if isinstance(u, int) else u for u in units)


def decode_bytes(raw: bytes, encoding: str) -> str:
    """Raw legacy bytes -> Unicode NFC."""
    if encoding == "tcvn3":
        return _vntimeh_capitals(unicodedata.normalize("NFC", _decode_units(list(raw), TCVN3_TABLE)))
    if encoding == "viscii":
        return unicodedata.normalize("NFC", _decode_units(list(raw), VISCII_TABLE))
    if encoding == "vni":
        return decode_vni(_cp1252_or_latin1(raw))
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", raw.decode("cp1258"))
    if encoding == "unicode":
        return unicodedata.normalize("NFC", raw.decode("utf-8"))
    raise ValueError(f"unknown encoding {encoding!r}")


def decode_text(text: str, encoding: str) -> str:
    """Text holding legacy bytes as Latin-1/cp1252 letters (a PDF's text layer) -> Unicode NFC."""
    if encoding == "unicode":
        return unicodedata.normalize("NFC", text)
    if encoding == "vni":
        return decode_vni(text.translate(_SYMBOL_FONT_CODES))
    if encoding == "tcvn3":
        return _vntimeh_capitals(unicodedata.normalize("NFC", _decode_units(text_to_bytes(text), TCVN3_TABLE)))
    if encoding == "viscii":
        units = text_to_bytes(text, keep_punctuation=False)
        return unicodedata.normalize("NFC", _decode_units(units, VISCII_TABLE))
    raise ValueError(f"unknown encoding {encoding!r}")


def decode_vni(text: str) -> str:
    """VNI-Times characters -> Unicode NFC: a vowel and the mark after it become one letter."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i:i + 2]
        if len(pair) == 2 and pair[1] in _VNI_MARKS and pair in _VNI_DECODE:
            out.append(_VNI_DECODE[pair])
            i += 2
            continue
        ch = text[i]
        out.append(_VNI_DECODE.get(ch, ch))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def encode(text: str, encoding: str) -> bytes:
    """Unicode -> legacy bytes (for tests and round trips); a character with no code is an error."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(ch, ch) for ch in text).encode("cp1252")
    if encoding == "cp1258":
        return _encode_cp1258(text)
    reverse = _REVERSE[encoding]
    try:
        return bytes(reverse[ch] for ch in text)
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} has no {encoding} code") from None


_REVERSE = {name: {ch: b for b, ch in enumerate(table) if not unicodedata.combining(ch)}
            for name, table in (("tcvn3", TCVN3_TABLE), ("viscii", VISCII_TABLE))}


def encode_as_text(text: str, encoding: str) -> str:
    """What a PDF reader shows for ``text`` typed in a legacy font: its bytes as Latin-1/cp1252."""
    raw = encode(text, encoding)
    return _cp1252_or_latin1(raw) if encoding == "vni" else raw.decode("latin-1")


def _encode_cp1258(text: str) -> bytes:
    """cp1258 has the toneless letters (â, ơ, đ ...) and five combining tones; Python's codec only maps whole characters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONE_OF_MARK)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_OF_MARK))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def _cp1252_or_latin1(raw: bytes) -> str:
    """Bytes as a Windows program shows them: cp1252, its five undefined codes as Latin-1."""
    return "".join(bytes([b]).decode("cp1252") if 0x80 <= b < 0xA0 and b not in _CP1252_UNDEFINED else chr(b)
                   for b in raw)


_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def _vntimeh_capitals(decoded: str) -> str:
    """Upper-case what was typed in a .VnTimeH (capitals-only) font.

    Those fonts draw capitals at the lower-case codes, so "CéNG HßA" decodes to
    "CộNG HòA".  A line whose plain letters are all capitals (at least three),
    or a word with two or more capital plain letters and no small ones, was such
    a run (plain letters are the same bytes in every encoding).
    """
    if decoded.isascii():
        return decoded
    out = []
    for line in decoded.split("\n"):
        plain = _ASCII_LETTERS.findall(line)
        if len(plain) >= 3 and all(c.isupper() for c in plain):
            out.append(line.upper())
            continue
        words = line.split(" ")
        for k, word in enumerate(words):
            plain = _ASCII_LETTERS.findall(word)
            if len(plain) >= 2 and all(c.isupper() for c in plain):
                words[k] = word.upper()
        out.append(" ".join(words))
    return "\n".join(out)


# ---------------------------------------------------------------- detection

_EDGE_PUNCT = ".,;:!?()[]{}\"'“”‘’«»…–—*"
_SPLIT = re.compile(r"[\s\-/]+")
MIN_GAIN = 0.15  # a legacy reading must make this many more tokens valid than the text as it is
MIN_VALID = 0.5  # ... and at least this share of all tokens
MIN_TOKENS = 3


@dataclass(frozen=True)
class Quality:
    """How Vietnamese a text reads: its word tokens, and the shares that are syllables."""

    tokens: int
    valid: float  # share of tokens that are exact Vietnamese syllables
    marked: float  # share of tokens that are exact syllables with a Vietnamese mark

    def to_dict(self) -> dict:
        return {"tokens": self.tokens, "valid": round(self.valid, 3), "marked": round(self.marked, 3)}


def quality(text: str) -> Quality:
    """Exact-syllable shares: mojibake ("ViÖt") and dropped letters ("thc") are not syllables."""
    tokens = valid = marked = 0
    for raw in _SPLIT.split(text):
        core = raw.strip(_EDGE_PUNCT)
        if not any(c.isalpha() for c in core):
            continue
        tokens += 1
        if is_vietnamese_token(core, strict=True):
            valid += 1
            marked += not core.isascii()
    if not tokens:
        return Quality(0, 0.0, 0.0)
    return Quality(tokens, valid / tokens, marked / tokens)


@dataclass(frozen=True)
class Detection:
    encoding: str  # unicode / tcvn3 / vni / viscii / cp1258 / unknown
    score: float  # valid-syllable share of the chosen reading
    scores: dict[str, dict] = field(default_factory=dict)  # every reading tried
    container: str = "text"  # for bytes: how the bytes were read first (utf-8, bytes)

    def to_dict(self) -> dict:
        return {"encoding": self.encoding, "score": round(self.score, 3), "container": self.container,
                "scores": self.scores}


def convert_lines(text: str, encoding: str) -> str:
    """Decode a legacy text line by line, keeping the lines that are Unicode already.

    Documents of the changeover mix both: a header in a Unicode font over a body
    in .VnTime.  A line with a Vietnamese letter beyond Latin-1 (ộ, ư, đ ...)
    cannot be legacy bytes shown as Latin-1, and a line that reads better as it
    stands ("Ông Tâm") is kept too.
    """
    out = []
    for line in text.splitlines(keepends=True):
        as_is = unicodedata.normalize("NFC", line)
        if any(ch in _UNICODE_ONLY for ch in as_is):
            out.append(as_is)
            continue
        decoded = decode_text(line, encoding)
        out.append(as_is if quality(as_is).valid > quality(decoded).valid else decoded)
    return "".join(out)


def detect_text(text: str) -> tuple[Detection, str]:
    """Which encoding a text's letters are in, and the text converted to Unicode NFC.

    Every legacy reading is scored by its share of exact Vietnamese syllables;
    one wins only if it beats the text as it stands by :data:`MIN_GAIN`.  Pure
    ASCII, English or good Unicode all stay ``unicode``.
    """
    as_is = unicodedata.normalize("NFC", text)
    base = quality(as_is)
    scores = {"unicode": base.to_dict()}
    best, best_q, best_text = "unicode", base, as_is
    if not text.isascii():
        for enc in LEGACY:
            converted = convert_lines(text, enc)
            q = quality(converted)
            scores[enc] = q.to_dict()
            if q.valid > best_q.valid:
                best, best_q, best_text = enc, q, converted
    if best != "unicode" and not (best_q.tokens >= MIN_TOKENS and best_q.valid >= MIN_VALID
                                  and best_q.valid - base.valid >= MIN_GAIN and best_q.marked > base.marked):
        best, best_q, best_text = "unicode", base, as_is
    return Detection(best, best_q.valid, scores), best_text


#: control bytes a text file never has; TCVN3 and VISCII use some others for capitals
_JUNK_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} - set(_TCVN3_LOW) - set(_VISCII_LOW)
MAX_JUNK_SHARE = 0.01


def detect_bytes(raw: bytes) -> tuple[Detection, str | None]:
    """Decode a text file of unknown encoding; ``(detection, None)`` when it is no text.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM (Notepad's "Unicode")
    are read as such, then checked for legacy letters inside (a file saved
    from a PDF of a .VnTime letter).  Anything
    else is tried as TCVN3, VNI, VISCII and Windows-1258, and the reading with
    the most exact Vietnamese syllables wins if it is good enough.
    """
    container = "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text, container = raw.decode("utf-16"), "utf-16"
        else:
            text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        detection, converted = detect_text(text)
        return Detection(detection.encoding, detection.score, detection.scores, container), converted
    if not raw or sum(b in _JUNK_BYTES for b in raw) / len(raw) > MAX_JUNK_SHARE:
        return Detection("unknown", 0.0, {}, "bytes"), None
    scores: dict[str, dict] = {}
    best, best_q, best_text = "unknown", Quality(0, 0.0, 0.0), None
    for enc in (*LEGACY, "cp1258"):
        try:
            converted = decode_bytes(raw, enc)
        except UnicodeDecodeError:
            continue
        q = quality(converted)
        scores[enc] = q.to_dict()
        if (q.valid, q.marked) > (best_q.valid, best_q.marked):
            best, best_q, best_text = enc, q, converted
    if best_q.tokens < 1 or best_q.valid < MIN_VALID:
        return Detection("unknown", best_q.valid, scores, "bytes"), None
    return Detection(best, best_q.valid, scores, "bytes"), best_text


__all__ = [
    "Detection", "LEGACY", "Quality", "TCVN3_TABLE", "VISCII_TABLE", "convert_lines", "decode_bytes", "decode_text",
    "decode_vni", "detect_bytes", "detect_text", "encode", "encode_as_text", "quality", "vietnamese_letters",
]
