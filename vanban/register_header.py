"""Register rules for the top of page 1: received stamp, issuing bodies, "Số", dateline, title line.

ND 30/2020 Phụ lục I and HD 36-HD/VPTW: the issuer (with its parent body above it, and "*" for a
Party body) and "Số" on the left, the motto and "<Địa danh>, ngày … tháng … năm …" on the right.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import register_fields as rf
from .register_types import (HANDWRITTEN_MIN_CONFIDENCE, HEADER_LINES, MOTTO_SIMILARITY, NUMBER_MIN_CONFIDENCE,
                             PRINTED_DIGITS_MIN_CONFIDENCE, Field, RegisterLine, found)

_MOTTO_START = re.compile(r"\b(cong ho[aà] x|dang cong san viet|doc lap\s*[-–—]?\s*tu)")


def split_at_motto(ln: RegisterLine) -> list[RegisterLine]:
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


def header_end(page1: list[RegisterLine]) -> int:
    """The header is what comes before the title, "Kính gửi" or the first line of running text."""
    for i, ln in enumerate(page1[:HEADER_LINES]):
        if title_at(page1, i):
            return i
        if ln.block_kind in ("header-left", "header-right"):
            continue
        if title_at(page1, i) or rf.fold(ln.text).startswith("kinh gui") or len(ln.text) > 100:
            return i
    return min(len(page1), HEADER_LINES)


# ---------------------------------------------------------------- received stamp


def received_stamp(top: list[RegisterLine], out: dict[str, Field]) -> list[int]:
    """The blue "ĐẾN / Số / Ngày" stamp: indices of its lines; its handwritten values only if well read."""
    for i, ln in enumerate(top):
        f = rf.fold(ln.ocr)
        if not (re.fullmatch(r"(cong van )?d[eê]n\W*", f) or len(f.split()) <= 4 and "den" in re.findall(r"\w+", f)):
            continue
        used = [i]
        if i > 0 and rf.is_caps(top[i - 1].text) and rf.is_motto(top[i - 1].text) < MOTTO_SIMILARITY \
                and not rf.number_value(top[i - 1].ocr) and top[i - 1].block_kind not in ("header-left",):
            used.append(i - 1)  # the receiving office's name printed above "ĐẾN"
        for j in range(i + 1, min(len(top), i + 5)):
            nxt = top[j]
            f = rf.fold(nxt.ocr)
            if ln.box is not None and nxt.box is not None and not _in_stamp(nxt.box, ln.box):
                continue  # the header beside the stamp: "SỞ …" is a body, not "Số:"
            m_no = re.match(r"^s[o06]\s*(?:[:.]\s*(\S+)|(\d\S*))", f)
            m_day = re.match(r"^ngay\s*[:.]?\s*(.+)$", f)
            if m_no and not rf.number_value(nxt.ocr):
                used.append(j)
                token = m_no[1] or m_no[2]
                num = rf.digits(token)
                if num and _well_read(nxt, token):
                    out["received_number"] = found(num, [nxt], 0.9)
            elif m_day:
                used.append(j)
                date = rf.slash_date(m_day[1])
                if date and _well_read(nxt, m_day[1].split()[0]):
                    out["received_date"] = found(date, [nxt], 0.9)
            elif f.startswith(("chuyen", "luu ho so")):
                used.append(j)
        if ln.box is not None and not (out["received_number"].value and out["received_date"].value):
            # labels misread ("s„ 676", "Ncay: 8/8/2024"): the stamp's own lines, found by place, read by their digits
            near = [x for x in top if x.box is not None and _in_stamp(x.box, ln.box) and x.block_kind != "header-left"]
            stamp_crop(near, out)
        return used
    return []


def _in_stamp(box: tuple[int, int, int, int], den: tuple[int, int, int, int]) -> bool:
    """A line inside the stamp around "ĐẾN": from a line above it to four below, about as wide as the stamp."""
    h = max(den[3], 1)
    cx = den[0] + den[2] / 2
    return (den[1] - 2 * h <= box[1] <= den[1] + 6 * h and abs(box[0] + box[2] / 2 - cx) < 6 * h
            and box[2] < max(14 * h, 2 * den[2]))


def stamp_crop(lines: list[RegisterLine], out: dict[str, Field]) -> None:
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
                    out["received_date"] = found(date, [ln], conf / max(ln.confidence, 1) * 0.9)
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
            out["received_number"] = found(word, [ln], conf / max(ln.confidence, 1) * 0.9)
            return


def _well_read(line: RegisterLine, token: str) -> bool:
    """Handwritten digits count only when every OCR word holding them is confidently read."""
    if not line.words:
        return line.confidence >= HANDWRITTEN_MIN_CONFIDENCE
    digits = set(re.sub(r"\D", "", token))
    confs = [c for w, c in line.words if any(ch in digits for ch in w) and re.search(r"\d", w)]
    return bool(confs) and min(confs) >= HANDWRITTEN_MIN_CONFIDENCE


# ---------------------------------------------------------------- header


def header(top: list[RegisterLine], used: set[int], out: dict[str, Field]) -> int:
    """Issuer, parent body, number, code, place and date; returns the index after the header."""
    number_at = None
    for i, ln in enumerate(top):
        if i in used or title_at(top, i):
            if title_at(top, i):
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
        # a place name holds no digit: "... Nghị quyết số 42/NQ-CP ngày 09 tháng 4 năm 2020" is the body
        # citing another document's date, under a dateline whose day was left blank
        if pd and len(ln.text) < 90 and len(pd[0]) <= 40 and not re.search(r"\d", pd[0]):
            date_at = i
            place, date = pd
            if place:
                out["place"] = found(place, [ln])
            out["date"] = found(date, [ln])
            break
    if date_at is None:  # a dateline whose day was left blank or written by hand: the place only
        for ln in top:
            m = re.match(r"^(.{2,40}?),\s*ngay\b", rf.fold(ln.text))
            if m and len(ln.text) < 90:
                out["place"] = found(" ".join(rf.nfc(ln.text).split()[:len(m[1].split())]).rstrip(","), [ln], 0.9)
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
    out["number"] = found(value, [ln], factor)
    if code:
        out["code"] = found(code, [ln], factor)


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
        out["issuer"] = found(name(groups[0]), groups[0])
    else:
        out["issuer_parent"] = found(name(groups[0]), groups[0])
        rest = [ln for g in groups[1:] for ln in g]
        out["issuer"] = found(name(rest), rest)


def title_at(lines: list[RegisterLine], i: int) -> bool:
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
