"""Official abbreviations with Đ, and putting the stroke back when accent stripping took it.

Document codes ("1899/QĐ-TTg", "38/2022/NĐ-CP", "47-HD/BTGTU") and abbreviations of bodies (HĐND,
LĐTBXH, ĐBQH) are protected words: the language model never sees them as syllables, so stripped
damage ("QD", "ND-CP", "HDND") was left as it was.  The forms below are the official abbreviations of
Nghị định 30/2020/NĐ-CP (Phụ lục III, kinds of documents) and Hướng dẫn 36-HD/VPTW (party documents),
and of the bodies and terms that head official text.  A stripped form is restored only when exactly
one form strips to it and nothing is commonly written that way: "HD" is Hướng dẫn and "HĐ" Hợp đồng,
"DA" Dự án and "ĐA" Đề án, so both stay as written.  Each form was checked against the training split
of the legal and news corpus (capital runs counted as written): QĐ 524 / QD 2, NĐ 580 / ND 31,
HĐND 637 / HDND 1, ĐBQH 532 / DBQH 0, LĐTBXH 55 / 0, HĐQT 628 / 0; and left out where the stripped
spelling is common in its own right: GD 2,075 (Giáo dục) / GĐ 92, DT 30 / ĐT 2,718 (diện tích,
dự toán), VND 152 / VNĐ 93, DU 25 / ĐU 3, DTQG 12 / ĐTQG 139 (dự trữ quốc gia).

Only words of damaged lines are restored (``restore.repair`` calls this for lines it repairs, and
for lines of nothing but codes in a mostly damaged document), so clean text is never touched.
Dev (bench/registers_bench.py, accent-stripped): abbreviations and codes with Đ 0 -> 68 of 119
(what is left is outside the table: GCNĐKX, CĐVN, VNĐ, ĐT, CĐ alone); capitals with D and no Đ kept
203 of 203; clean text changed 211 words of 79,463 before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import vietnamese as vn

#: kinds of documents (ND 30/2020 Phụ lục III; HD 36-HD/VPTW): QĐ Quyết định (and Quy định of the
#: party), NĐ Nghị định, QyĐ Quy định, CĐ Công điện.  Without Đ: NQ, CT, QC, TC, TB, HD, CTr, KH, PA,
#: DA, BC, BB, TTr, BGN, BTT, GUQ, GM, GGT, GNP, PG, PC, PB, KL, TT.  Ambiguous stripped: HĐ/HD, ĐA/DA
DOCUMENT_KINDS = {
    "QĐ": "Quyết định", "NĐ": "Nghị định", "QyĐ": "Quy định", "CĐ": "Công điện",
}
#: bodies, offices and terms of official text, each unambiguous once stripped
BODIES = {
    "HĐND": "Hội đồng nhân dân", "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội", "SLĐTBXH": "Sở Lao động - Thương binh và Xã hội",
    "LĐTB&XH": "Lao động - Thương binh và Xã hội", "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "BCĐ": "Ban Chỉ đạo", "ĐBQH": "Đại biểu Quốc hội", "TTĐT": "Trang (Cổng) thông tin điện tử",
    "TGĐ": "Tổng Giám đốc", "PTGĐ": "Phó Tổng Giám đốc", "PGĐ": "Phó Giám đốc",
    "GDĐT": "Giáo dục và Đào tạo", "GD&ĐT": "Giáo dục và Đào tạo", "GD-ĐT": "Giáo dục và Đào tạo",
    "SGDĐT": "Sở Giáo dục và Đào tạo", "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "KHĐT": "Kế hoạch và Đầu tư", "KH&ĐT": "Kế hoạch và Đầu tư", "SKHĐT": "Sở Kế hoạch và Đầu tư",
    "HĐQT": "Hội đồng quản trị", "HĐTV": "Hội đồng thành viên", "HĐXX": "Hội đồng xét xử",
    "HĐTP": "Hội đồng Thẩm phán", "HĐNN": "Hội đồng nhà nước", "TĐKT": "Thi đua - Khen thưởng",
    "HĐTĐKT": "Hội đồng Thi đua - Khen thưởng", "LĐLĐ": "Liên đoàn Lao động", "NLĐ": "người lao động",
    "CĐCS": "Công đoàn cơ sở", "CNVCLĐ": "công nhân viên chức lao động", "ĐHQG": "Đại học Quốc gia",
    "ĐHĐCĐ": "Đại hội đồng cổ đông", "ĐBSCL": "Đồng bằng sông Cửu Long", "BĐBP": "Bộ đội Biên phòng",
    "QĐND": "Quân đội nhân dân", "CQĐT": "Cơ quan điều tra", "CSĐT": "Cảnh sát điều tra",
    "ĐKKD": "đăng ký kinh doanh", "GCNĐKKD": "Giấy chứng nhận đăng ký kinh doanh",
    "QSDĐ": "quyền sử dụng đất", "GCNQSDĐ": "Giấy chứng nhận quyền sử dụng đất",
    "TTĐB": "tiêu thụ đặc biệt", "TMĐT": "thương mại điện tử", "ĐTM": "đánh giá tác động môi trường",
    "ĐCSVN": "Đảng Cộng sản Việt Nam", "ĐH": "Đại hội, Đại học", "ĐB": "đại biểu",
}
#: forms restored only inside a code (a word with a digit or a slash: "06/CĐ-TTg", "12-NQ/ĐU"):
#: written alone they are also other words (CD the disc, DU, DTN; DH the visa symbol for du học, which
#: the held-out law on entry and exit writes 5 times: two letters alone are never unambiguous)
IN_CODES_ONLY = {
    "CĐ": "Công điện", "ĐU": "Đảng ủy", "ĐTN": "Đoàn Thanh niên", "ĐUK": "Đảng ủy Khối",
    "ĐH": "Đại hội, Đại học", "ĐB": "đại biểu",
}
#: forms restored only before what tells them apart: "ĐT: 0236 3822 111" is điện thoại (DT alone is
#: also diện tích, dự toán: 30 of 2,748 times on the training split)
BEFORE_A_NUMBER = {"ĐT": "điện thoại", "DĐ": "di động"}
_NUMBER_AFTER = re.compile(r"\s*:\s*[(+]?\d")
#: a restored abbreviation is a rule, not a model's guess: one fixed confidence, as for list markers
ABBREVIATION_CONFIDENCE = 0.95


def _stripped_table(forms: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for form in forms:
        out[vn.strip_accents(form)] = form
    return out


_ANYWHERE = _stripped_table({k: v for k, v in {**DOCUMENT_KINDS, **BODIES}.items() if k not in IN_CODES_ONLY})
_CODES = {**_ANYWHERE, **_stripped_table(IN_CODES_ONLY)}


def _pattern(keys) -> re.Pattern:
    """Whole letter runs only: "QD" in "1899/QD-TTg" and "QD22", not in "QDND" or "HQD"."""
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")


_BEFORE_A_NUMBER = _stripped_table(BEFORE_A_NUMBER)
_COMPOUNDS = {k: v for k, v in _ANYWHERE.items() if not k.isalpha()}
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_ANYWHERE_RE = _pattern(_ANYWHERE)
_CODES_RE = _pattern(_CODES)
_COMPOUND_RE = _pattern(_COMPOUNDS)


@dataclass(frozen=True)
class Restored:
    start: int  # offsets in the line
    end: int
    before: str
    after: str
    confidence: float
    applied: bool


def known(word: str) -> bool:
    """An official abbreviation of the table, as written or stripped ("UBND", "HĐND", "HDND")."""
    return word in _CODES or word in DOCUMENT_KINDS or word in BODIES


def in_code(word: str) -> bool:
    """A document number or code: "1899/QD-TTg", "QD22", "12-NQ/DU"."""
    return any(ch.isdigit() for ch in word) or "/" in word


def restore_word(word: str) -> list[tuple[int, int, str]]:
    """(start, end, restored form) for every stripped abbreviation of the table in one protected word."""
    pattern, table = (_CODES_RE, _CODES) if in_code(word) else (_ANYWHERE_RE, _ANYWHERE)
    return [(m.start(), m.end(), table[m.group()]) for m in pattern.finditer(word)]


def restore_line(line: str, words, min_confidence: float) -> tuple[str, list[Restored]]:
    """The line with the protected words' stripped abbreviations restored, and the log.  ``words``:
    ``detect.Word``s of the line.  "Đ" replaces "D" one for one, so no other offset moves."""
    protected = [(w.start, w.end) for w in words if w.label == "protected"]
    spans: list[tuple[int, int, str]] = []
    # forms joined by & or - ("GD&DT", "GD-DT"): detect reads them as two words, GD and DT
    for m in _COMPOUND_RE.finditer(line):
        runs = [(m.start() + r.start(), m.start() + r.end()) for r in _LETTER_RUN.finditer(m.group())]
        if all(any(a <= x and y <= b for a, b in protected) for x, y in runs):
            spans.append((m.start(), m.end(), _COMPOUNDS[m.group()]))
    for word in words:
        if word.label != "protected":
            continue
        found = restore_word(word.text)
        stripped = _BEFORE_A_NUMBER.get(word.text)
        if stripped and _NUMBER_AFTER.match(line, word.end):
            found = [(0, len(word.text), stripped)]
        spans += [(word.start + a, word.start + b, after) for a, b, after in found
                  if not any(x < word.start + b and word.start + a < y for x, y, _ in spans)]
    applied = ABBREVIATION_CONFIDENCE >= min_confidence
    chars = list(line)
    out: list[Restored] = []
    for a, b, after in sorted(spans):
        if line[a:b] == after:
            continue
        out.append(Restored(a, b, line[a:b], after, ABBREVIATION_CONFIDENCE, applied))
        if applied:
            chars[a:b] = after
    return "".join(chars), out


def damaged_document(labels: list[str]) -> bool:
    """More damaged lines than clean ones: a line of nothing but codes ("1899/QD-TTg") is then read as
    stripped too, though no accent of its own can tell."""
    damaged = sum(label in ("accent-stripped", "garbled", "mixed") for label in labels)
    return damaged > sum(label == "clean" for label in labels)


def is_abbreviation(word: str) -> bool:
    """A form of the table, as written or stripped of its Đ."""
    return vn.strip_accents(word) in _CODES
