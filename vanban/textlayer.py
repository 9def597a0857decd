"""Use a PDF's own text layer, convert it, or OCR the page instead: the per-page decision.

A born-digital letter's layer is the document's exact text and beats any OCR;
a letter typed in .VnTime or VNI-Times has its legacy bytes in the layer
(converted here); a scanned page's layer is a scanner's OCR, often junk
("trin khai thc hin": the Vietnamese letters dropped) and never checkable,
so the page is OCR'd again.  This lives in
``vanban`` because it joins the two sides: the layer comes from ``ocr.poppler``
and the syllable knowledge from ``restore``, which may not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from restore import encodings

MODES = ("auto", "use", "ignore")
#: fewer letters than this is no layer to judge (a page number, a stamp's caption): OCR the page
MIN_LETTERS = 20
#: a usable layer: this share of its words are exact Vietnamese syllables ...
GOOD_VALID = 0.70
#: ... and this share carry a Vietnamese mark (prose has 40-80 %; a layer that dropped them has ~0)
GOOD_MARKED = 0.20
#: with --text-layer use, a scan's layer lying over less of the page's ink than this gets a warning
MIN_COVERAGE = 0.60


@dataclass(frozen=True)
class LayerChoice:
    """What to do with one page's layer; ``details`` goes into the page's stage report."""

    decision: str  # none / unicode / legacy:<encoding> / garbage / scan / ignored
    use: bool
    text: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def decide(raw: str, mode: str, is_scan: Callable[[], bool] | None = None) -> LayerChoice:
    """Judge one page's layer text (as pdftotext gives it) under ``mode`` auto/use/ignore.

    ``is_scan`` says (asked only when it matters) whether the page is mostly
    one image.  In ``auto`` a scan is OCR'd even under a good-looking layer: a
    scanner's OCR cannot be checked from its text alone (plain Tesseract's text
    of the degraded samples reads 93-98 % valid syllables at 4-13 % CER, where
    vanban's OCR reaches 0.1-0.3 %), and an OCR'd page gets vanban's layout
    and repair.
    """
    if mode not in MODES:
        raise ValueError(f"text layer mode must be one of {', '.join(MODES)}, not {mode!r}")
    base: dict[str, Any] = {"mode": mode}
    if mode == "ignore":
        return LayerChoice("ignored", False, details=base | {"decision": "ignored",
                                                             "reason": "--text-layer ignore: every page is OCR'd"})
    letters = sum(ch.isalpha() for ch in raw)
    base["letters"] = letters
    if letters == 0 or (mode == "auto" and letters < MIN_LETTERS):
        return LayerChoice("none", False, details=base | {
            "decision": "none", "reason": f"the layer has {letters} letters: nothing to use, the page is OCR'd"})
    detection, converted = encodings.detect_text(raw)
    legacy = detection.encoding in encodings.LEGACY
    decision = f"legacy:{detection.encoding}" if legacy else "unicode"
    text = converted if legacy else raw  # a good Unicode layer is kept byte for byte (NFC comes later)
    quality = encodings.quality(converted)
    details = base | {"encoding": detection.encoding, "quality": quality.to_dict(), "readings": detection.scores}
    good = quality.valid >= GOOD_VALID and quality.marked >= GOOD_MARKED
    said = (f"{quality.valid:.0%} of its {quality.tokens} words are Vietnamese syllables, "
            f"{quality.marked:.0%} with marks") + (f"; converted from {detection.encoding}" if legacy else "")
    if good or mode == "use":
        scan = bool(is_scan()) if is_scan is not None else False
        details["scan"] = scan
        if mode == "use":
            return LayerChoice(decision, True, text, details | {
                "decision": decision, "used": True, "reason": f"--text-layer use: the layer is taken ({said})"})
        if scan:
            return LayerChoice("scan", False, details=details | {
                "decision": "scan", "used": False,
                "reason": f"the page is a scanned image and its layer a scanner's OCR ({said}): it is OCR'd again, "
                          "since a scanner's OCR cannot be checked from its text; --text-layer use takes the layer"})
        return LayerChoice(decision, True, text, details | {"decision": decision, "used": True, "reason": said})
    return LayerChoice("garbage", False, details=details | {
        "decision": "garbage", "used": False,
        "reason": f"only {quality.valid:.0%} of its {quality.tokens} words are Vietnamese syllables and "
                  f"{quality.marked:.0%} carry marks (a usable layer has {GOOD_VALID:.0%} and {GOOD_MARKED:.0%}): "
                  "the page is OCR'd"})
