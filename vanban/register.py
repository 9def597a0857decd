"""The document register: the header, title, addressees and signature of an official document.

``extract(lines)`` reads a list of ``RegisterLine`` (page, box, text, confidence, block kind)
in reading order and returns the 17 fields of the register, each a ``Field(value,
confidence, page, box)``.  The rules are those of Nghị định 30/2020/NĐ-CP (state bodies) and
Hướng dẫn 36-HD/VPTW (Party bodies): issuing body top left (cơ quan chủ quản above it), "Số"
under it, "V/v" for a công văn, motto and dateline top right, the title in capitals, "Kính
gửi:", "Nơi nhận:" bottom left and the signature block bottom right.  A field that is not
found is empty with confidence 0: nothing is guessed, and numbers written by hand into a
printed form are only taken when Tesseract read them with good confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from . import register_fields as rf

KEYS = ("issuer", "issuer_parent", "number", "code", "doc_type", "place", "date", "subject",
        "recipients", "cc", "signer", "signer_title", "received_number", "received_date")
LIST_KEYS = ("recipients", "cc")
#: handwritten digits (received stamp, number filled into a form) below this word confidence are not read
HANDWRITTEN_MIN_CONFIDENCE = 75.0
#: printed numbers whose OCR words are less sure than this are not reported (the code still is)
NUMBER_MIN_CONFIDENCE = 60.0
#: ... unless the digits were read as digits, when the word's confidence may be lowered by its letters
PRINTED_DIGITS_MIN_CONFIDENCE = 30.0
#: a value read with less confidence than this (0-1) is left out
MIN_FIELD_CONFIDENCE = 0.4
#: a motto line is recognised from this similarity of its folded letters
MOTTO_SIMILARITY = 0.75
#: the header of page 1 is looked for in this many lines
HEADER_LINES = 30
#: the signature is looked for in this many lines at the end of the document
FOOTER_LINES = 30


@dataclass(frozen=True)
class RegisterLine:
    """One printed line as the extractor sees it; ``raw`` is the OCR text (numbers are read from it)."""

    page: int
    box: tuple[int, int, int, int] | None  # left, top, width, height in page pixels
    text: str
    confidence: float = 100.0  # 0-100, mean of the line's words
    block_kind: str = ""  # header-left, header-right, paragraph, heading, column-left, ...
    block: int = -1  # running index of the line's block in the document, -1 when unknown
    words: tuple[tuple[str, float], ...] = ()  # OCR words and their confidences
    raw: str = ""

    @property
    def ocr(self) -> str:
        return self.raw or self.text


@dataclass
class Field:
    value: str | list[str] = ""
    confidence: float = 0.0  # 0-1
    page: int | None = None
    box: list[int] | None = None  # left, top, width, height

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 3), "page": self.page, "box": self.box}


def empty_register() -> dict[str, Field]:
    return {k: Field([] if k in LIST_KEYS else "") for k in KEYS}


def _field(value: str | list[str], lines: list[RegisterLine], factor: float = 1.0) -> Field:
    """A found value with the confidence and place of the lines it was read from."""
    if not value or not lines:
        return Field([] if isinstance(value, list) else "")
    conf = min(ln.confidence for ln in lines) / 100.0 * factor
    if conf < MIN_FIELD_CONFIDENCE:  # read too badly to be told from a made-up value: left empty
        return Field([] if isinstance(value, list) else "")
    boxes = [ln.box for ln in lines if ln.box is not None and ln.page == lines[0].page]
    box = None
    if boxes:
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        box = [left, top, right - left, bottom - top]
    return Field(value, max(0.0, min(1.0, conf)), lines[0].page, box)


def extract(lines: list[RegisterLine]) -> dict[str, Field]:
    """The register of one document; every key is present, empty when not found."""
    lines = [ln for ln in lines if ln.text.strip()]
    out = empty_register()
    if not lines:
        return out
    first_page = min(ln.page for ln in lines)
    stamp_lines = [ln for ln in lines if ln.block_kind == "stamp"]
    lines = [ln for ln in lines if ln.block_kind != "stamp"]
    page1 = [part for ln in lines if ln.page == first_page for part in _split_at_motto(ln)]
    top = page1[:_header_end(page1)]
    stamp = _received_stamp(top, out)
    if stamp_lines:
        _stamp_crop(stamp_lines, out)
    used = set(stamp)
    head_end = _header(top, used, out)
    _subject_and_type(page1, head_end, out)
    _recipients(page1, out)
    cc_lines = _cc(lines, out)
    _signature(lines, set(map(id, cc_lines)), out)
    return out


_MOTTO_START = re.compile(r"\b(cong ho[aà] x|dang cong san viet|doc lap\s*[-–—]?\s*tu)")


def _split_at_motto(ln: RegisterLine) -> list[RegisterLine]:
    """'UBND TỈNH X  CỘNG HÒA XÃ HỘI ...': Tesseract ran the two header columns into one line."""
    text = rf.nfc(ln.text)
    m = _MOTTO_START.search(rf.fold(text))
    if not m or m.start() < 4 or len(rf.fold(text)) != len(text.lower()):
        return [ln]
    cut = m.start()
    left, right = text[:cut].rstrip(" _-|—"), text[cut:]
    if not left.strip():
        return [ln]
    box_l = box_r = ln.box
    if ln.box is not None:
        x, y, w, h = ln.box
        wl = int(w * len(left) / max(1, len(text)))
        box_l, box_r = (x, y, wl, h), (x + wl, y, w - wl, h)
    n_left = len(left.split())
    raw_words = ln.ocr.split()
    return [replace(ln, text=left, box=box_l, words=ln.words[:n_left], raw=" ".join(raw_words[:n_left])),
            replace(ln, text=right, box=box_r, words=ln.words[n_left:], raw=" ".join(raw_words[n_left:]))]


def _header_end(page1: list[RegisterLine]) -> int:
    """The header is what comes before the title, "Kính gửi" or the first line of running text."""
    for i, ln in enumerate(page1[:HEADER_LINES]):
        if _title_at(page1, i):
            return i
        if ln.block_kind in ("header-left", "header-right"):
            continue
        if _title_at(page1, i) or rf.fold(ln.text).startswith("kinh gui") or len(ln.text) > 100:
            return i
    return min(len(page1), HEADER_LINES)


# ---------------------------------------------------------------- received stamp


def _received_stamp(top: list[RegisterLine], out: dict[str, Field]) -> list[int]:
    """The blue "ĐẾN / Số / Ngày" stamp: indices of its lines; its handwritten values only if well read."""
    for i, ln in enumerate(top):
        if not re.fullmatch(r"(cong van )?d[eê]n\W*", rf.fold(ln.ocr)):
            continue
        used = [i]
        if i > 0 and rf.is_caps(top[i - 1].text) and rf.is_motto(top[i - 1].text) < MOTTO_SIMILARITY \
                and not rf.number_value(top[i - 1].ocr) and top[i - 1].block_kind not in ("header-left",):
            used.append(i - 1)  # the receiving office's name printed above "ĐẾN"
        for j in range(i + 1, min(len(top), i + 5)):
            nxt = top[j]
            f = rf.fold(nxt.ocr)
            m_no = re.match(r"^s[o06]\s*[:.]?\s*(\S+)", f)
            m_day = re.match(r"^ngay\s*[:.]?\s*(.+)$", f)
            if m_no and not rf.number_value(nxt.ocr):
                used.append(j)
                num = rf.digits(m_no[1])
                if num and _well_read(nxt, m_no[1]):
                    out["received_number"] = _field(num, [nxt], 0.9)
            elif m_day:
                used.append(j)
                date = rf.slash_date(m_day[1])
                if date and _well_read(nxt, m_day[1].split()[0]):
                    out["received_date"] = _field(date, [nxt], 0.9)
            elif f.startswith(("chuyen", "luu ho so")):
                used.append(j)
        return used
    return []


def _stamp_crop(lines: list[RegisterLine], out: dict[str, Field]) -> None:
    """The stamp read on its own (``ocr/stamp.py``): its labels are often misread, its digits less so.

    The date is the d/m/yyyy word, the number the last all-digit word of another line; each only
    when Tesseract was sure of that word (they are handwritten).
    """
    date_line = None
    for ln in lines:
        for word, conf in ln.words:
            m = re.fullmatch(r"\W*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\W*", word)
            if m and conf >= HANDWRITTEN_MIN_CONFIDENCE and not out["received_date"].value:
                date = rf.iso_date(m[1], m[2], m[3])
                if date:
                    out["received_date"] = _field(date, [ln], conf / max(ln.confidence, 1) * 0.9)
                    date_line = ln
    if out["received_number"].value:
        return
    for ln in lines:
        if ln is date_line or not ln.words or re.search(r"\d{1,2}/\d{1,2}/", ln.text):
            continue
        numbers = [(w, c) for w, c in ln.words if re.fullmatch(r"\d{1,5}", w)
                   and not re.fullmatch(r"(19|20)\d\d", w)]  # a year is what is left of a broken date
        if numbers and numbers[-1][1] >= HANDWRITTEN_MIN_CONFIDENCE:
            word, conf = numbers[-1]
            out["received_number"] = _field(word, [ln], conf / max(ln.confidence, 1) * 0.9)
            return


def _well_read(line: RegisterLine, token: str) -> bool:
    """Handwritten digits count only when every OCR word holding them is confidently read."""
    if not line.words:
        return line.confidence >= HANDWRITTEN_MIN_CONFIDENCE
    digits = set(re.sub(r"\D", "", token))
    confs = [c for w, c in line.words if any(ch in digits for ch in w) and re.search(r"\d", w)]
    return bool(confs) and min(confs) >= HANDWRITTEN_MIN_CONFIDENCE


# ---------------------------------------------------------------- header


def _header(top: list[RegisterLine], used: set[int], out: dict[str, Field]) -> int:
    """Issuer, parent body, number, code, place and date; returns the index after the header."""
    number_at = None
    for i, ln in enumerate(top):
        if i in used or _title_at(top, i):
            if _title_at(top, i):
                break
            continue
        value = rf.number_value(ln.ocr)
        if value:
            number_at = i
            _number(ln, value, out)
            break
    date_at = None
    for i, ln in enumerate(top):
        if i in used:
            continue
        pd = rf.place_date(ln.text) or rf.place_date(ln.ocr)
        if pd and len(ln.text) < 90 and len(pd[0]) <= 40:
            date_at = i
            place, date = pd
            if place:
                out["place"] = _field(place, [ln])
            out["date"] = _field(date, [ln])
            break
    if date_at is None:  # a dateline whose day was left blank or written by hand: the place only
        for ln in top:
            m = re.match(r"^(.{2,40}?),\s*ngay\b", rf.fold(ln.text))
            if m and len(ln.text) < 90:
                out["place"] = _field(" ".join(rf.nfc(ln.text).split()[:len(m[1].split())]).rstrip(","), [ln], 0.9)
                break
    mottos = [i for i, ln in enumerate(top) if rf.is_motto(ln.text) >= MOTTO_SIMILARITY]
    _issuer(top, len(top), number_at, used, mottos, out)
    return len(top)


def _number(ln: RegisterLine, value: str, out: dict[str, Field]) -> None:
    parts = value.split("/")
    fixed = [rf.digits(p) or p for p in parts]
    factor = 0.85 if fixed != parts else 1.0  # digit look-alikes repaired ("2O23")
    value = "/".join(fixed)
    head = re.split(r"[/]", value)[0] if not re.match(r"^[^/]*\d-[A-ZĐ]", value) else value.split("-")[0]
    if head and not re.fullmatch(r"\d+(/\d{4})?", head) and not re.fullmatch(r"\d+", head):
        value, factor = value[len(head):], 0.6  # "Li0/QĐ-STP": the digits were not read
        head = ""
    lead = re.match(r"^(\d+)", value)
    if lead and not _well_read_number(ln, value):
        value = value[len(lead[1]):]  # a number written by hand into the form, or read badly: left out
        factor = 0.6
    elif not lead:
        factor = 0.7  # the form's number was left blank
    value = rf.plain_code(value)
    number, code = rf.split_number(value)
    out["number"] = _field(value, [ln], factor)
    if code:
        out["code"] = _field(code, [ln], factor)


def _well_read_number(ln: RegisterLine, value: str) -> bool:
    """The OCR words that hold the number's digits were read with confidence."""
    if not ln.words:
        return True
    head = re.split(r"[/-]", value)[0]
    words = [w for w, _ in ln.words if re.search(r"\d", w) or "/" in w or head and head in w]
    confs = [c for w, c in ln.words if w in words]
    if not confs:
        return True
    clean = all(head in w for w in words if re.search(r"\d", w))  # digits as read, no look-alike repaired
    return min(confs) >= (NUMBER_MIN_CONFIDENCE if not clean else PRINTED_DIGITS_MIN_CONFIDENCE)


def _issuer(top: list[RegisterLine], end: int, number_at: int | None, used: set[int], mottos: list[int],
            out: dict[str, Field]) -> None:
    """Capital lines of the left column above "Số": cơ quan chủ quản (if two levels) and ban hành."""
    if number_at is None:  # a "Số" line whose value could not be read still ends the names
        number_at = next((i for i, ln in enumerate(top[:end]) if re.match(r"^s[o06]\s*[:.]", rf.fold(ln.ocr))
                          and i not in used and ln.block_kind != "header-right"), None)
    stop = number_at if number_at is not None else end
    names: list[RegisterLine] = []
    for i, ln in enumerate(top[:stop]):
        if i in used or i in mottos or ln.text.strip() == "*":
            continue
        if ln.block_kind.endswith("-right"):
            continue  # motto, dateline, a stamp: the issuer is in the left column
        text = rf.trim_junk(rf.strip_rule(ln.text))
        if not text or rf.is_rule(text) or rf.place_date(text) or not rf.is_caps(text):
            continue
        if rf.is_motto(text) >= MOTTO_SIMILARITY or re.fullmatch(r"[\W\d_]*", text):
            continue
        names.append(ln)
    motto_boxes = [top[i].box for i in mottos if top[i].box is not None]
    if motto_boxes:  # the issuer is set level with the motto: capitals far above it are something else
        m_top, m_h = min(b[1] for b in motto_boxes), max(b[3] for b in motto_boxes)
        names = [ln for ln in names if ln.box is None or ln.box[1] + ln.box[3] >= m_top - 1.5 * m_h]
    if not names:
        return
    groups: list[list[RegisterLine]] = []
    for ln in names:
        text = rf.trim_junk(rf.strip_rule(ln.text))
        last = rf.trim_junk(rf.strip_rule(groups[-1][-1].text)) if groups else ""
        tail = len(text.split()) <= 3 and not rf.fold(text).startswith(rf.ORG_WORDS) and len(last.split()) >= 3
        joins = groups and (rf.body_of_place(text) or rf.fold(text).startswith(("va ", "& "))
                            or rf.ends_in_unit(last, text) or tail
                            or rf.fold(rf.strip_rule(groups[-1][-1].text)).endswith((" va", ",")))
        if joins and len(groups[-1]) < 3:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    name = lambda g: rf.trim_junk(" ".join(rf.trim_junk(rf.strip_rule(x.text)) for x in g))
    if len(groups) == 1:
        out["issuer"] = _field(name(groups[0]), groups[0])
    else:
        out["issuer_parent"] = _field(name(groups[0]), groups[0])
        rest = [ln for g in groups[1:] for ln in g]
        out["issuer"] = _field(name(rest), rest)


# ---------------------------------------------------------------- title and subject


def _title_at(lines: list[RegisterLine], i: int) -> bool:
    ln = lines[i]
    if ln.block_kind == "header-left":
        return False
    if ln.block_kind == "header-right":  # a title set close under the dateline joins the right column
        whole = rf.title_type(ln.text)
        datelike = lambda t: " thang " in f" {rf.fold(t)} " and " nam " in f" {rf.fold(t)} "
        if not whole or whole[1] or not any(datelike(x.text) for x in lines[max(0, i - 3):i]):
            return False
    tt = rf.title_type(ln.text)
    return tt is not None and rf.is_caps(" ".join(ln.text.split()[:2])) and len(ln.text) < 200


_BODY_START = ("can cu", "kinh gui", "thuc hien", "theo ", "xet ", "nham ", "de ", "trong ", "chuong ",
               "dieu ", "phan ", "muc ")


def _subject_and_type(page1: list[RegisterLine], head_end: int, out: dict[str, Field]) -> None:
    vv = None
    for i in range(min(len(page1), head_end + 2)):
        if re.match(r"^\W{0,2}v\s*[/l1|.]\s*[vy]\b\.?", rf.fold(page1[i].text)):
            vv = i
            break
    title = None
    for i in range(head_end, min(len(page1), head_end + 10)):
        if _title_at(page1, i):
            title = i
            break
    if vv is not None:
        first = page1[vv]
        parts = [re.sub(r"^\W{0,2}V\s*[/l1|.]\s*[vy]\s*[:.]?\s*", "", rf.nfc(first.text), flags=re.I)]
        used = [first]
        for nxt in page1[vv + 1:vv + 4]:
            prev = used[-1]
            same = first.block >= 0 and nxt.block == first.block
            if not same and nxt.block_kind == prev.block_kind == "heading" and nxt.box and prev.box:
                gap = nxt.box[1] - (prev.box[1] + prev.box[3])
                same = -0.5 * nxt.box[3] <= gap < 0.8 * nxt.box[3]  # centred lines of one V/v
            lower = nxt.text[:1].islower()
            if (same or lower) and not rf.is_caps(nxt.text) and not rf.place_date(nxt.text) \
                    and not rf.fold(nxt.text).startswith("kinh gui") and not used[-1].text.rstrip().endswith("."):
                parts.append(rf.nfc(nxt.text))
                used.append(nxt)
            else:
                break
        out["subject"] = _field(" ".join(parts).strip(), used)
    if title is not None:
        ln = page1[title]
        doc_type, rest = rf.title_type(ln.text)
        out["doc_type"] = _field(doc_type, [ln])
        if vv is None:
            parts, used = ([rest] if rest else []), [ln]
            for nxt in page1[title + 1:title + 5]:
                text = rf.nfc(nxt.text)
                f = rf.fold(text)
                if rf.is_rule(text) or not text:
                    if parts:
                        break
                    continue
                if f.startswith(_BODY_START) or re.match(r"^[-+•]\s|^(\d+|[ivx]+)[.)]\s", f) or len(text) > 160:
                    break
                if nxt.block_kind and nxt.block_kind not in ("heading", "paragraph", "", ln.block_kind):
                    break
                if text.endswith(":") and rf.is_caps(text):
                    break  # "QUYẾT ĐỊNH:" before the articles
                if nxt.block_kind == "paragraph" and parts and nxt.block != used[-1].block:
                    break
                if len(parts) >= 3 or rf.is_caps(text) and parts and not rf.is_caps(parts[-1]):
                    break  # "GIÁM ĐỐC SỞ ..." under a "Về việc ..." subject is the deciding authority
                parts.append(text)
                used.append(nxt)
            if parts:
                subject = rf.nfc(" ".join(parts)).lstrip("'\"`‘“.,-_ ").rstrip(". ")
                out["subject"] = _field(subject, used if len(used) == 1 else used[1:] if not rest else used)
    if not out["doc_type"].value:
        code = out["code"].value
        from_code = rf.type_of_code(code) if code else None
        if from_code:
            out["doc_type"] = Field(from_code, out["code"].confidence * 0.8, out["code"].page, out["code"].box)
        elif vv is not None:
            f = out["subject"]
            out["doc_type"] = Field("Công văn", f.confidence * 0.9, f.page, f.box)


# ---------------------------------------------------------------- addressees


def _items(lines: list[RegisterLine], start: int, first_value: str, stop_caps: bool) -> tuple[list[str], list[RegisterLine]]:
    """A list after a label: "- ..." items, or lines set under the first value ("Kính gửi: A / B / C").

    Wrapped items are joined back: a line starting in lower case, or (with boxes) a line under an
    item that ran to the right margin.
    """
    items: list[str] = [first_value] if first_value else []
    used: list[RegisterLine] = [lines[start]]
    label = lines[start]
    ref_left = _value_left(label, first_value)
    page_right = max((x.box[0] + x.box[2] for x in lines if x.box is not None and x.page == label.page), default=0)
    for ln in lines[start + 1:]:
        text = rf.nfc(ln.text)
        f = rf.fold(text)
        marker = bool(re.match(r"^[-+•–*]\s*\S", text)) or bool(re.match(r"^[^\w\s(\"“]\s+\S", text))
        if stop_caps and (rf.is_caps(text) and not marker or rf.is_name(text)):
            break
        if ln.page != label.page or f.startswith(_BODY_START[:4]) or f.startswith(("noi nhan", "kinh gui")):
            break
        prev = used[-1]
        h = max(ln.box[3], 1) if ln.box is not None else 0
        aligned = ref_left is not None and ln.box is not None and abs(ln.box[0] - ref_left) < 1.5 * h
        prev_full = prev.box is not None and page_right and prev.box[0] + prev.box[2] > page_right - 3 * h
        ends = prev.text.rstrip().endswith((".", ";", ","))
        if marker:
            items.append(rf.list_item(text))
            if ref_left is None and ln.box is not None:
                ref_left = ln.box[0]
        elif items and text[:1].islower():
            items[-1] = rf.nfc(items[-1] + " " + text)
        elif items and aligned and prev_full and not ends:
            items[-1] = rf.nfc(items[-1] + " " + text)
        elif items and aligned and not prev.text.rstrip().endswith("."):
            items.append(rf.list_item(text))
        else:
            break
        used.append(ln)
    return [i for i in (rf.list_item(x) for x in items) if i], used


def _value_left(label: RegisterLine, value: str) -> float | None:
    """Where the value after "Kính gửi:" starts on its line, from the share of characters before it."""
    if label.box is None or not value:
        return None
    text = rf.nfc(label.text)
    at = text.find(value[:6])
    return label.box[0] + label.box[2] * at / max(1, len(text)) if at > 0 else None


def _recipients(page1: list[RegisterLine], out: dict[str, Field]) -> None:
    for i, ln in enumerate(page1):
        f = rf.fold(ln.text)
        if not (f.startswith("kinh gui") or rf.similar(f[:9], "kinh gui:") > 0.8 and ":" in f[:12]):
            continue
        value = rf.nfc(ln.text.split(":", 1)[1]) if ":" in ln.text else rf.nfc(ln.text)[9:]
        items, used = _items(page1, i, value.strip(), stop_caps=False)
        if items:
            out["recipients"] = _field(items, used)
        return


def _cc(lines: list[RegisterLine], out: dict[str, Field]) -> list[RegisterLine]:
    for i in range(len(lines) - 1, -1, -1):
        f = rf.fold(lines[i].text).lstrip(".,'`-_ ")
        if f.startswith("noi nhan") or re.match(r"^\S{0,4}\s?nh[a]n\s*:", f) and len(f.split(":")[0]) <= 10:
            value = rf.nfc(lines[i].text.split(":", 1)[1]) if ":" in lines[i].text else ""
            items, used = _items(lines, i, value.strip(), stop_caps=True)
            fixed = [rf.archive_item(x) for x in items]
            if items:
                out["cc"] = _field(fixed, used, 0.9 if fixed != items else 1.0)
            return used
    return []


# ---------------------------------------------------------------- signature


def _signature(lines: list[RegisterLine], cc: set[int], out: dict[str, Field]) -> None:
    """The signer's name is the last name-like line; the capital lines above it are the title."""
    tail = lines[-FOOTER_LINES:]
    for k in range(len(tail) - 1, -1, -1):
        ln = tail[k]
        name = _name_of(ln.text)
        if id(ln) in cc or not name:
            continue
        titles: list[RegisterLine] = []
        junk = 0
        for prev in reversed(tail[:k]):
            if id(prev) in cc:
                break
            text = rf.nfc(prev.text)
            if rf.is_signer_title(text) and rf.is_motto(text) < MOTTO_SIMILARITY and not rf.title_type(text):
                titles.insert(0, prev)
                if len(titles) >= 4:
                    break
                continue
            if titles:
                break
            if len(text) <= 4 or prev.confidence < 50:
                junk += 1  # the seal and the pen signature read as noise
                if junk <= 3:
                    continue
            break
        if not titles and not _alone_at_right(ln, tail, k):
            continue
        out["signer"] = _field(name, [ln], 1.0 if titles else 0.7)
        if titles:
            out["signer_title"] = _field(rf.nfc(" ".join(t.text for t in titles)), titles)
        return


def _name_of(text: str) -> str:
    """The name on a line, after pen strokes read as short junk tokens ('x \\ Nguyễn Văn An')."""
    words = rf.nfc(text).split()
    # a pen stroke reads as one ASCII letter or a mark; 'ê' or 'hị' is what is left of a name's first word
    while words and len(words) > 2 and (re.fullmatch(r"[a-z]", words[0]) or not any(c.isalpha() for c in words[0])):
        words.pop(0)
    name = " ".join(words)
    return name if rf.is_name(name) else ""


def _alone_at_right(ln: RegisterLine, tail: list[RegisterLine], k: int) -> bool:
    """A name as the last line, in the right half of the page: a signature whose title the seal hid."""
    if ln.box is None or k < len(tail) - 2:
        return False
    right = max((x.box[0] + x.box[2] for x in tail if x.box is not None and x.page == ln.page), default=0)
    return ln.box[0] > 0.45 * right


# ---------------------------------------------------------------- serialising


def to_json(register: dict[str, Field]) -> dict[str, dict[str, Any]]:
    return {k: register[k].to_dict() for k in KEYS}


def csv_row(metadata: dict[str, Any]) -> list[str]:
    """The CSV cells of a JSON ``metadata`` object: lists joined with '; '."""
    row = []
    for k in KEYS:
        value = (metadata.get(k) or {}).get("value", "")
        row.append("; ".join(value) if isinstance(value, list) else str(value or ""))
    return row
