"""Use a PDF's own text layer, convert it, or OCR the page instead: the per-page decision.

A born-digital letter's layer is the document's exact text and beats any OCR;
a letter typed in .VnTime or VNI-Times has its legacy bytes in the layer
(converted here); a scanner's own OCR layer is often junk ("trin khai thc
hin": the Vietnamese letters dropped) and must be OCR'd again.  This lives in
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
#: ... and, on a scanned page, lies over this share of the page's ink (a scanner layer of just the header: ~0.1)
MIN_COVERAGE = 0.60
#: a scanner's OCR layer competes with our own OCR (Tesseract's layer of a clean scan: 99 %): it must read this well
SCAN_GOOD_VALID = 0.90


@dataclass(frozen=True)
class LayerChoice:
    """What to do with one page's layer; ``details`` goes into the page's stage report."""

    decision: str  # none / unicode / legacy:<encoding> / garbage / ignored
    use: bool
    text: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def decide(raw: str, mode: str, coverage: Callable[[], float | None] | None = None) -> LayerChoice:
    """Judge one page's layer text (as pdftotext gives it) under ``mode`` auto/use/ignore.

    ``coverage`` measures, only when needed (auto, text good), the share of a
    scanned page's ink under the layer's words (None: not a scan).
    """
    if mode not in MODES:
        raise ValueError(f"text layer mode must be one of {', '.join(MODES)}, not {mode!r}")
    base = {"mode": mode}
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
    if mode == "auto" and good and coverage is not None:
        covered = coverage()
        if covered is not None:
            details["ink_covered"] = round(covered, 3)
            if covered < MIN_COVERAGE:
                return LayerChoice("garbage", False, details=details | {
                    "decision": "garbage", "used": False,
                    "reason": f"the layer reads well but lies over only {covered:.0%} of the scanned page's ink "
                              f"(needs {MIN_COVERAGE:.0%}): part of the page is missing from it, the page is OCR'd"})
            if quality.valid < SCAN_GOOD_VALID:
                return LayerChoice("garbage", False, details=details | {
                    "decision": "garbage", "used": False,
                    "reason": f"a scanner's OCR layer with {quality.valid:.0%} of its words Vietnamese syllables "
                              f"(a scan's layer needs {SCAN_GOOD_VALID:.0%}) is worse than OCR: the page is OCR'd"})
    if mode == "use" or good:
        why = "--text-layer use: any layer is taken" if mode == "use" and not good else (
            f"{quality.valid:.0%} of its {quality.tokens} words are Vietnamese syllables, "
            f"{quality.marked:.0%} with marks")
        if legacy:
            why += f"; converted from {detection.encoding}"
        return LayerChoice(decision, True, text, details | {"decision": decision, "used": True, "reason": why})
    return LayerChoice("garbage", False, details=details | {
        "decision": "garbage", "used": False,
        "reason": f"only {quality.valid:.0%} of its {quality.tokens} words are Vietnamese syllables and "
                  f"{quality.marked:.0%} carry marks (a usable layer has {GOOD_VALID:.0%} and {GOOD_MARKED:.0%}): "
                  "the page is OCR'd"})
