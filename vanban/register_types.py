"""The register's data: the lines it reads, the fields it gives, and the thresholds they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def found(value: str | list[str], lines: list[RegisterLine], factor: float = 1.0) -> Field:
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
