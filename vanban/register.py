"""The document register: the header, title, addressees and signature of an official document.

``extract(lines)`` reads a list of ``RegisterLine`` (page, box, text, confidence, block kind)
in reading order and returns the 14 fields of the register, each a ``Field(value,
confidence, page, box)``.  The rules are those of Nghị định 30/2020/NĐ-CP (state bodies) and
Hướng dẫn 36-HD/VPTW (Party bodies): issuing body top left (cơ quan chủ quản above it), "Số"
under it, "V/v" for a công văn, motto and dateline top right, the title in capitals, "Kính
gửi:", "Nơi nhận:" bottom left and the signature block bottom right.  A field that is not
found is empty with confidence 0: nothing is guessed, and numbers written by hand into a
printed form are only taken when Tesseract read them with good confidence.

The rules live in ``register_header`` (top of page 1) and ``register_body`` (the rest), the
string rules they share in ``register_fields``.
"""

from __future__ import annotations

from typing import Any

from .register_body import cc_list, recipients, signature, subject_and_type
from .register_header import header, header_end, received_stamp, split_at_motto, stamp_crop
from .register_types import KEYS, LIST_KEYS, Field, RegisterLine, empty_register

__all__ = ["KEYS", "LIST_KEYS", "Field", "RegisterLine", "csv_row", "empty_register", "extract", "to_json"]


def extract(lines: list[RegisterLine]) -> dict[str, Field]:
    """The register of one document; every key is present, empty when not found."""
    lines = [ln for ln in lines if ln.text.strip()]
    out = empty_register()
    if not lines:
        return out
    first_page = min(ln.page for ln in lines)
    stamp_lines = [ln for ln in lines if ln.block_kind == "stamp"]
    lines = [ln for ln in lines if ln.block_kind != "stamp"]
    page1 = [part for ln in lines if ln.page == first_page for part in split_at_motto(ln)]
    top = page1[:header_end(page1)]
    stamp = received_stamp(top, out)
    if stamp_lines:
        stamp_crop(stamp_lines, out)
    used = set(stamp)
    head_end = header(top, used, out)
    subject_and_type(page1, head_end, out)
    recipients(page1, out)
    cc_lines = cc_list(lines, out)
    signature(lines, set(map(id, cc_lines)), out)
    return out


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
