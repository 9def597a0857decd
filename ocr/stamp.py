"""The blue "ĐẾN" received stamp, read on its own before the clean stage paints coloured ink out.

The register needs the stamp's Số đến and Ngày đến, but the page text must not carry the stamp
(Tesseract reads it into the header as junk).  So the stamp is found as the largest patch of blue
ink in the top part of page 1, its ink is drawn black on white, and that crop alone goes to
Tesseract.  Its lines are reported beside the page, not in it.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import recognise
from .document import Box, Line, Word

#: the stamp is looked for in this top share of the page (ND 30: received stamps go in the top margin)
TOP_SHARE = 0.3
#: blue ink: blue this much above red, and chroma above clean.INK_CHROMA
BLUE_OVER_RED = 40
MIN_CHROMA = 50
#: a stamp is at least this share of the page width wide (a blue pen tick is not one)
MIN_WIDTH_SHARE = 0.08
MAX_WIDTH_SHARE = 0.5


def find(pixels: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, width, height) of the received stamp in a colour page, or None."""
    if pixels.ndim != 3:
        return None
    h, w = pixels.shape[:2]
    top = pixels[: int(h * TOP_SHARE), :, :3].astype(np.int16)
    r, b = top[..., 0], top[..., 2]
    chroma = top.max(axis=2) - top.min(axis=2)
    blue = ((b - r) > BLUE_OVER_RED) & (chroma > MIN_CHROMA)
    if blue.sum() < 200:
        return None
    joined = cv2.dilate(blue.astype(np.uint8), np.ones((15, 15), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    if n < 2:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[best, :4])
    if not MIN_WIDTH_SHARE * w <= bw <= MAX_WIDTH_SHARE * w or bh < 0.02 * h:
        return None
    return x, y, bw, bh


def read(pixels: np.ndarray, lang: str = "vie", dpi: int = 300) -> tuple[list[Line], tuple[int, int, int, int] | None]:
    """The stamp's lines (boxes in page pixels) and where it is; ([], None) when there is no stamp."""
    where = find(pixels)
    if where is None:
        return [], None
    x, y, bw, bh = where
    crop = pixels[y:y + bh, x:x + bw, :3].astype(np.int16)
    chroma = crop.max(axis=2) - crop.min(axis=2)
    ink = ((crop[..., 2] - crop[..., 0]) > 15) & (chroma > 25)
    image = np.where(ink, 0, 255).astype(np.uint8)
    image = cv2.copyMakeBorder(image, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    lines = recognise.recognise(image, lang=lang, psm=6, dpi=dpi)
    shifted = []
    for ln in lines:
        words = [Word(wd.text, Box(wd.box.left + x - 20, wd.box.top + y - 20, wd.box.width, wd.box.height),
                      wd.confidence) for wd in ln.words]
        shifted.append(Line(words, Box.union([wd.box for wd in words])))
    return shifted, where
