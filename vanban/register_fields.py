"""Small text rules the document register is built from: folding, numbers, dates, names.

Everything here is a pure function on one string, so the rules of Nghị định 30/2020/NĐ-CP
and Hướng dẫn 36-HD/VPTW can be tested one at a time.  OCR damage is met by matching on a
*folded* form (no diacritics, lower case) and by repairing only digit look-alikes inside
tokens that are already mostly digits: a value that still does not parse is left out.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

from restore import vietnamese as vn

#: doc types by their folded title; the value is how the register spells them
DOC_TYPES = {
    "quyet dinh": "Quyết định", "nghi dinh": "Nghị định", "nghi quyet": "Nghị quyết",
    "thong tu": "Thông tư", "thong tu lien tich": "Thông tư liên tịch", "chi thi": "Chỉ thị",
    "huong dan": "Hướng dẫn", "ke hoach": "Kế hoạch", "bao cao": "Báo cáo", "thong bao": "Thông báo",
    "to trinh": "Tờ trình", "cong van": "Công văn", "quy dinh": "Quy định", "quy che": "Quy chế",
    "chuong trinh": "Chương trình", "de an": "Đề án", "ket luan": "Kết luận", "thong tri": "Thông tri",
    "bien ban": "Biên bản", "giay moi": "Giấy mời", "de cuong": "Đề cương", "cong dien": "Công điện",
    "luat": "Luật", "bo luat": "Bộ luật", "phap lenh": "Pháp lệnh", "hien phap": "Hiến pháp",
    "lenh": "Lệnh", "du an": "Dự án", "phuong an": "Phương án", "hop dong": "Hợp đồng",
    "giay gioi thieu": "Giấy giới thiệu", "giay uy quyen": "Giấy ủy quyền", "quyet dinh:": "Quyết định",
}
#: the type letters of a ký hiệu (Phụ lục III of ND 30; HD 36 uses the same letters)
CODE_TYPES = {
    "QĐ": "Quyết định", "NĐ": "Nghị định", "NQ": "Nghị quyết", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị", "HD": "Hướng dẫn", "KH": "Kế hoạch", "BC": "Báo cáo", "TB": "Thông báo",
    "TTr": "Tờ trình", "QĐi": "Quy định", "QC": "Quy chế", "CTr": "Chương trình", "ĐA": "Đề án",
    "KL": "Kết luận", "TT/TW": "Thông tri", "BB": "Biên bản", "GM": "Giấy mời", "CĐ": "Công điện",
    "CV": "Công văn", "QH": "Luật", "L": "Lệnh", "PA": "Phương án", "GGT": "Giấy giới thiệu",
    "GUQ": "Giấy ủy quyền",
}
MOTTOS = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc", "dang cong san viet nam")
PLACE_UNITS = ("tinh ", "thanh pho ", "huyen ", "quan ", "xa ", "phuong ", "thi xa ", "thi tran ",
               "tp. ", "tp ")
TITLE_PREFIXES = ("kt.", "kt ", "k/t", "tm.", "tm ", "t/m", "tl.", "tl ", "t/l", "tuq.", "tuq ", "q.", "q ")

_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                                   "|": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                                   "g": "9", "q": "9"})


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, runs of spaces as one: what labels are matched on."""
    out = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    out = "".join(c for c in out if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", out).strip()


def nfc(text: str) -> str:
    """NFC with single spaces; Tesseract's 'ĐÐ' / 'Ð' (eth) for one Đ put right."""
    text = unicodedata.normalize("NFC", text).replace("ĐÐ", "Đ").replace("Ð", "Đ")
    return re.sub(r"\s+", " ", text).strip()


def plain_code(code: str) -> str:
    """A ký hiệu is written in plain capitals and Đ ('SGDĐT', 'LĐTBXH'): tone marks read on it are OCR noise."""
    out = unicodedata.normalize("NFD", code.replace("Đ", "\0").replace("đ", "\1"))
    out = "".join(c for c in out if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", out).replace("\0", "Đ").replace("\1", "đ")


def trim_junk(text: str) -> str:
    """Tokens with no letter or digit at either end ('BỘ Y TẾ ˆ', '| BỘ TƯ PHÁP.') go."""
    words = nfc(text).split()
    real = lambda w: any(c.isdigit() or c.isalpha() and unicodedata.category(c) != "Lm" for c in w)
    while words and not real(words[0]):
        words.pop(0)
    while words and not real(words[-1]):
        words.pop()
    return " ".join(words).strip(" |.,;:_-'\"")


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def is_motto(text: str) -> float:
    """How much a line looks like one of the mottos (0-1); OCR drops letters and dashes."""
    f = re.sub(r"[^a-z ]", "", fold(text)).strip()
    f = re.sub(r"\s+", " ", f)
    return max(similar(f, m) for m in MOTTOS) if f else 0.0


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def is_rule(text: str) -> bool:
    """A typed rule under a name or title ('-----'); the Party star '*' is not one."""
    return bool(re.fullmatch(r"[\-_=~.·—–]{3,}", text.replace(" ", "")))


def strip_rule(text: str) -> str:
    """'QUỐC HỘI -------' -> 'QUỐC HỘI': rules typed after the name in web copies."""
    return re.sub(r"\s*[-_=~.—–]{3,}\s*$", "", text).strip()


def digits(token: str) -> str | None:
    """A number token with OCR look-alikes repaired ('3O' -> '30'); None if it is not mostly digits."""
    token = token.strip(".,;:()")
    if not token:
        return None
    real = sum(c.isdigit() for c in token)
    if real == 0 or real < len(token) - 1:
        return None
    fixed = token.translate(_DIGIT_LOOKALIKES)
    return fixed if fixed.isdigit() else None


def iso_date(day: str, month: str, year: str) -> str | None:
    """'30', '12', '2023' -> '2023-12-30' when it is a real calendar date (1945-2099)."""
    d, m, y = digits(day), digits(month), digits(year)
    if d is None or m is None or y is None or len(y) != 4:
        return None
    try:
        date = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return date.isoformat() if 1945 <= date.year <= 2099 else None


#: "<Địa danh>, ngày 30 tháng 12 năm 2023" on the folded line
PLACE_DATE = re.compile(r"^(?P<place>.*?)[,.]?\s*nga[yi]\.?\s*(?P<d>\S{1,3})\s*thang\s*(?P<m>\S{1,3})\s*nam\s*(?P<y>\S{4})\b")
SLASH_DATE = re.compile(r"(\S{1,2})\s*[/.-]\s*(\S{1,2})\s*[/.-]\s*(\S{4})")


def place_date(text: str) -> tuple[str, str] | None:
    """(place, ISO date) of a dateline; the place keeps its printed spelling."""
    f = fold(text)
    m = PLACE_DATE.search(f)
    if not m:
        return None
    date = iso_date(m["d"], m["m"], m["y"])
    if date is None:
        return None
    place = ""
    if m["place"].strip():
        # the folded line keeps the character count of the NFC text, except for combining marks
        words = nfc(text).split()
        n = len(m["place"].split())
        place = " ".join(words[:n]).rstrip(",.;: ").lstrip(".,;:-_~'\"` ")
    return place, date


def slash_date(text: str) -> str | None:
    m = SLASH_DATE.search(text)
    return iso_date(m[1], m[2], m[3]) if m else None


#: "Số:" as OCR reads it: Số, So, Sô, S6, S0, Sổ ... with an optional word before ("Luật số")
NUMBER_LABEL = re.compile(r"^(?:[a-z]{2,6}\s+)?s[o06ö]\s*[:.;]?\s*", re.I)


def number_value(text: str) -> str | None:
    """The 'Số' value of a line ('Số: 12/QĐ-UBND' -> '12/QĐ-UBND'); None when the line is not one."""
    line = nfc(text)
    f = fold(line)
    m = NUMBER_LABEL.match(f)
    if not m:
        return None
    prefix = f[:m.end()].split()
    if len(prefix) > 1 and prefix[0] not in ("luat", "lenh", "phap", "nghi", "quyet"):
        if not re.match(r"^[a-z]+\s+s[o06]\s*[:.]", f):
            return None
    value = line[m.end():].strip()
    value = re.sub(r"\s*([/\-–])\s*", r"\1", value).replace("–", "-")
    value = plain_code(value.split()[0]) if value else ""
    value = re.sub(r"^[.…_]+", "", value.rstrip(".,;:-"))  # "Số: ..../TB": a number left blank
    if "/" not in value and not re.match(r"^\d+-[A-ZĐ]", value):
        return None
    if not re.search(r"[A-ZĐ]", value):
        return None
    return value


def split_number(value: str) -> tuple[str, str]:
    """('2428', 'BXD-QLN') from '2428/BXD-QLN'; ('38/2022', 'NĐ-CP'); Party ('47', 'HD/BTGTU')."""
    m = re.match(r"^(\d*)-(.+)$", value)
    if m and not re.match(r"^\d*/", value):
        return m[1], m[2]
    m = re.match(r"^([^/]*(?:/\d{4})?)/(.+)$", value)
    if m:
        return m[1], m[2]
    return "", value


def type_of_code(code: str) -> str | None:
    """Doc type from the type letters of a ký hiệu: 'QĐ-UBND' -> Quyết định; 'BXD-QLN' -> None."""
    party = re.match(r"^([A-Za-zĐđ]+)/", code)
    head = party[1] if party else code.split("-")[0] if "-" in code else None
    if head is None:
        return None
    return CODE_TYPES.get(head)


def title_type(text: str) -> tuple[str, str] | None:
    """(doc type, rest of the line) of a title line: 'QUYẾT ĐỊNH' or 'HƯỚNG DẪN tuyên truyền ...'."""
    line = nfc(text)
    f = fold(line).rstrip(":")
    words = line.split()
    for n in (3, 2, 1):
        if len(words) < n:
            continue
        head = " ".join(words[:n])
        if not is_caps(head):
            continue
        key = " ".join(f.split()[:n]).rstrip(":")
        if key in DOC_TYPES:
            rest = " ".join(words[n:])
            if rest and is_caps(rest) and len(rest.split()) > 1 and DOC_TYPES[key] not in ("Luật", "Bộ luật"):
                pass  # "QUYẾT ĐỊNH VỀ VIỆC ..." keeps its subject
            return DOC_TYPES[key], rest
        close = difflib.get_close_matches(key, list(DOC_TYPES), n=1, cutoff=0.8)
        if close and len(key) >= 6 and n == len(words):
            return DOC_TYPES[close[0]], ""
    return None


def is_name(text: str) -> bool:
    """A signer's name: 2-5 capitalised words, not all caps ('Nguyễn Văn An')."""
    words = nfc(text).split()
    if not 2 <= len(words) <= 5 or len(text) > 40 or is_caps(text):
        return False
    return all(w[0].isupper() and w.replace(".", "").isalpha() for w in words)


def is_signer_title(text: str) -> bool:
    f = fold(text)
    return is_caps(text) and len(text.split()) <= 9 and (f.startswith(TITLE_PREFIXES) or len(text.split()) <= 7)


def archive_item(item: str) -> str:
    """'Lưu: VTF BTNN' -> 'Lưu: VT, BTNN': ND 30 sets the archive line as "Lưu: VT, <unit>", and the
    comma after VT is the mark OCR loses most (read as F, I, L, j or dropped)."""
    m = re.match(r"^(L[ưu]u\s*:?\s*)(V(?:T[FjEI]?|[ILFEỀÉỂ])?)([,;.]?)\s+(\S.*)$", item)
    if not m or m[2] == "VT" and m[3] == ",":
        return item
    return f"{m[1]}VT, {m[4]}"


#: folded words of a signer's title ("KT. TRƯỞNG BAN", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")
_TITLE_CORE = ("truong", "giam", "doc", "tich", "pho", "chanh")


def without_signer_title(item: str) -> str:
    """'Lưu: VT, BDVTU xe TƯỞNG BAN' -> 'Lưu: VT, BDVTU': the signer's title beside the "Nơi nhận" list,
    read into the same line.  A list item never ends in two or more capital syllables one of which is a
    title's word (an archive unit is an abbreviation, no syllable: VT, BDVTU, UBND); a short token
    before them ("xe", "6T") is the seal or the pen read as letters, and goes with them."""
    words = item.split()
    k = len(words)
    while k > 0 and words[k - 1].isalpha() and words[k - 1].isupper() and vn.is_vietnamese_token(words[k - 1]):
        k -= 1  # the run of capital syllables the item ends in
    tail = [fold(w) for w in words[k:]]
    if len(tail) < 2 or not any(similar(w, t) >= 0.8 for w in tail for t in _TITLE_CORE):
        return item
    if k > 0 and len(words[k - 1]) <= 2 and (words[k - 1].islower() or any(c.isdigit() for c in words[k - 1])):
        k -= 1
    return " ".join(words[:k]).rstrip(" ,;")


def list_item(text: str) -> str:
    """'- Như trên;' -> 'Như trên': the item without its marker and separator."""
    return re.sub(r"^([\-+•–*]|[^\w\s(\"“](?=\s))\s*", "", nfc(text)).rstrip(";,.: ").strip()


def body_of_place(text: str) -> bool:
    """'TỈNH QUẢNG NAM' continues 'ỦY BAN NHÂN DÂN': one body's name on two lines."""
    return fold(text).startswith(PLACE_UNITS)


#: words a body's name starts with: a line starting so is a body of its own, not the end of the last
ORG_WORDS = ("ban ", "so ", "phong ", "van phong", "cuc ", "chi cuc", "vu ", "vien ", "trung tam", "truong ",
             "benh vien", "tong cuc", "uy ban", "hoi dong", "dang uy", "chi bo", "cong ty", "thanh uy",
             "tinh uy", "huyen uy", "quan uy", "thi uy", "bo ", "toa an", "kho bac", "cong an", "doan ")


def ends_in_unit(text: str, following: str) -> bool:
    """'ỦY BAN NHÂN DÂN HUYỆN' / 'ĐÔNG TRIỀU': a name cut after its unit word goes on below
    (but 'ĐẢNG ỦY KHỐI CƠ QUAN TỈNH' / 'BAN TUYÊN GIÁO' are two bodies)."""
    cut = (fold(text) + " ").endswith(tuple(" " + u for u in PLACE_UNITS if not u.startswith("tp")))
    return cut and not fold(following).startswith(ORG_WORDS)
