"""The page number printed alone at the top centre of pages 2 and after (Nghị định 30/2020/NĐ-CP).

Tesseract's page segmentation takes a lone digit or two in a wide margin for noise and never
reads it, so the number is looked for where it is printed: above the first line read, near the
centre, one to three digit-sized blobs side by side; that crop alone is read as one line of digits.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import blobs, tesseract
from .document import Box, Line, Word

#: the number's centre lies within this share of the page width from the page's centre
CENTRE_BAND = 0.1
#: a digit stands 1.0-2.2 letter heights (x-height) tall; a number is at most this many wide
MAX_WIDTH = 4.5
MIN_CONFIDENCE = 60.0


def find(binary: np.ndarray, first_line_top: int, xheight: float) -> Box | None:
    """The box of a lone number above ``first_line_top`` near the top centre, or None."""
    h, w = binary.shape
    bottom = int(first_line_top - 0.3 * xheight)
    if bottom < xheight:
        return None
    n, _, stats, _ = blobs.components(blobs.ink_mask(binary[:bottom]))
    digits = []
    for x, y, bw, bh, _area in stats[1:]:
        cx = x + bw / 2
        if 1.0 * xheight <= bh <= 2.2 * xheight and bw <= 1.5 * xheight and abs(cx - w / 2) <= CENTRE_BAND * w:
            digits.append((int(x), int(y), int(bw), int(bh)))
    if not digits:
        return None
    box = Box.union([Box(*d) for d in digits])
    if box.width > MAX_WIDTH * xheight or box.height > 2.5 * xheight or len(digits) > 3:
        return None  # a title or a logo, not a number
    return box


def read(grey: np.ndarray, box: Box, lang: str = "vie", dpi: int = 300) -> Line | None:
    """The number in ``box`` as a one-word line, when Tesseract reads digits with confidence."""
    pad = int(box.height * 0.6)
    y0, x0 = max(0, box.top - pad), max(0, box.left - pad)
    crop = grey[y0:box.top + box.height + pad, x0:box.left + box.width + pad]
    crop = cv2.copyMakeBorder(crop, 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=255)
    words = tesseract.recognise(crop, lang=lang, psm=7, dpi=dpi, whitelist="0123456789")
    text = "".join(w.text for w in words)
    if not words or not text.isdigit() or len(text) > 3 or text.startswith("0"):
        return None
    confidence = min(w.conf for w in words)
    if confidence < MIN_CONFIDENCE:
        return None
    return Line([Word(text, box, round(confidence, 1))], box)
