"""Register rules below the header: trích yếu and doc type, "Kính gửi", "Nơi nhận" and the signature."""

from __future__ import annotations

import re

from . import register_fields as rf
from .register_header import title_at
from .register_types import FOOTER_LINES, MOTTO_SIMILARITY, Field, RegisterLine, found

_BODY_START = ("can cu", "kinh gui", "thuc hien", "theo ", "xet ", "nham ", "de ", "trong ", "chuong ",
               "dieu ", "phan ", "muc ")


_VV = re.compile(r"^\W{0,2}v\s*[/l1|.]\s*[vy]\b\.?")  # "V/v", read "V.v", "V/y", "'V/v"


def subject_and_type(page1: list[RegisterLine], head_end: int, out: dict[str, Field]) -> None:
    """Trích yếu from "V/v" (công văn) or from under the title; the type from the title, else the code."""
    vv = next((i for i in range(min(len(page1), head_end + 2)) if _VV.match(rf.fold(page1[i].text))), None)
    title = next((i for i in range(head_end, min(len(page1), head_end + 10)) if title_at(page1, i)), None)
    if vv is not None:
        _vv_subject(page1, vv, out)
    if title is not None:
        ln = page1[title]
        doc_type, rest = rf.title_type(ln.text)
        out["doc_type"] = found(doc_type, [ln])
        if vv is None:
            _title_subject(page1, title, rest, out)
    if not out["doc_type"].value:
        code = out["code"]
        from_code = rf.type_of_code(code.value) if code.value else None
        if from_code:
            out["doc_type"] = Field(from_code, code.confidence * 0.8, code.page, code.box)
        elif vv is not None:  # a công văn has no title and no type letters in its code
            f = out["subject"]
            out["doc_type"] = Field("Công văn", f.confidence * 0.9, f.page, f.box)


def _vv_subject(page1: list[RegisterLine], vv: int, out: dict[str, Field]) -> None:
    """The V/v line and the lines it wraps onto (same block, lower case, or centred lines touching it)."""
    first = page1[vv]
    parts = [re.sub(r"^\W{0,2}V\s*[/l1|.]\s*[vy]\s*[:.]?\s*", "", rf.nfc(first.text), flags=re.I)]
    used = [first]
    for nxt in page1[vv + 1:vv + 4]:
        prev = used[-1]
        same = first.block >= 0 and nxt.block == first.block
        if not same and nxt.block_kind == prev.block_kind == "heading" and nxt.box and prev.box:
            gap = nxt.box[1] - (prev.box[1] + prev.box[3])
            same = -0.5 * nxt.box[3] <= gap < 0.8 * nxt.box[3]
        if not (same or nxt.text[:1].islower()) or rf.is_caps(nxt.text) or rf.place_date(nxt.text) \
                or rf.fold(nxt.text).startswith("kinh gui") or prev.text.rstrip().endswith("."):
            break
        parts.append(rf.nfc(nxt.text))
        used.append(nxt)
    out["subject"] = found(" ".join(parts).strip(), used)


def _title_subject(page1: list[RegisterLine], title: int, rest: str, out: dict[str, Field]) -> None:
    """Up to three lines under the title ("Về việc …", "Ban hành …"), or the rest of the title line."""
    ln = page1[title]
    parts, used = ([rest] if rest else []), ([ln] if rest else [])
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
        if nxt.block_kind == "paragraph" and used and nxt.block != used[-1].block:
            break
        if len(parts) >= 3 or rf.is_caps(text) and parts and not rf.is_caps(parts[-1]):
            break  # "GIÁM ĐỐC SỞ ..." under a "Về việc ..." subject is the deciding authority
        parts.append(text)
        used.append(nxt)
    if parts:
        subject = rf.nfc(" ".join(parts)).lstrip("'\"`‘“.,-_ ").rstrip(". ")
        out["subject"] = found(subject, used)


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


def recipients(page1: list[RegisterLine], out: dict[str, Field]) -> None:
    for i, ln in enumerate(page1):
        f = rf.fold(ln.text)
        if not (f.startswith("kinh gui") or rf.similar(f[:9], "kinh gui:") > 0.8 and ":" in f[:12]):
            continue
        value = rf.nfc(ln.text.split(":", 1)[1]) if ":" in ln.text else rf.nfc(ln.text)[9:]
        items, used = _items(page1, i, value.strip(), stop_caps=False)
        if items:
            out["recipients"] = found(items, used)
        return


def cc_list(lines: list[RegisterLine], out: dict[str, Field]) -> list[RegisterLine]:
    for i in range(len(lines) - 1, -1, -1):
        f = rf.fold(lines[i].text).lstrip(".,'`-_ ")
        if f.startswith("noi nhan") or re.match(r"^\S{0,4}\s?nh[a]n\s*:", f) and len(f.split(":")[0]) <= 10:
            value = rf.nfc(lines[i].text.split(":", 1)[1]) if ":" in lines[i].text else ""
            items, used = _items(lines, i, value.strip(), stop_caps=True)
            fixed = [rf.archive_item(x) for x in (rf.without_signer_title(item) for item in items) if x]
            if items:
                out["cc"] = found(fixed, used, 0.9 if fixed != items else 1.0)
            return used
    return []


# ---------------------------------------------------------------- signature


def signature(lines: list[RegisterLine], cc: set[int], out: dict[str, Field]) -> None:
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
        out["signer"] = found(name, [ln], 1.0 if titles else 0.7)
        if titles:
            out["signer_title"] = found(rf.nfc(" ".join(t.text for t in titles)), titles)
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
