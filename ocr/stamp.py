"""The blue "ĐẾN" received stamp, read on its own before the clean stage paints coloured ink out.

The register needs the stamp's Số đến and Ngày đến, but the page text must not carry the stamp
(Tesseract reads it into the header as junk).  So the stamp is found as the largest patch of blue
ink in the top part of page 1, its ink is drawn black on white, and that crop alone goes to
Tesseract.  Its lines are reported beside the page, not in it.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from . import blobs, recognise
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
    # in uint8 with OpenCV (saturating differences, the thresholds are positive): int16 copies of a
    # colour A4 top cost 0.07 s a page
    r, g, b = cv2.split(np.ascontiguousarray(pixels[: int(h * TOP_SHARE), :, :3]))
    chroma = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    blue = (cv2.subtract(b, r) > BLUE_OVER_RED) & (chroma > MIN_CHROMA)
    if blue.sum() < 200:
        return None
    joined = cv2.dilate(blue.astype(np.uint8), np.ones((15, 15), np.uint8))
    n, _, stats, _ = blobs.components(joined)
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
    return _read_crop(np.where(ink, 0, 255).astype(np.uint8), x, y, lang, dpi), where


def _read_crop(crop: np.ndarray, left: int, top: int, lang: str, dpi: int) -> list[Line]:
    """The lines of a crop that starts at (left, top) on the page, read as one block, in page pixels."""
    border = 20
    image = cv2.copyMakeBorder(crop, border, border, border, border, cv2.BORDER_CONSTANT, value=255)
    out = []
    for ln in recognise.recognise(image, lang=lang, psm=6, dpi=dpi):
        words = [Word(wd.text, Box(wd.box.left + left - border, wd.box.top + top - border, wd.box.width,
                                   wd.box.height), wd.confidence) for wd in ln.words]
        out.append(Line(words, Box.union([wd.box for wd in words])))
    return out


# ---------------------------------------------------------------- framed boxes on any page


#: a framed box (received stamp, digital-signature box) starts in this top share of the page
FRAME_TOP_SHARE = 0.15
#: its frame is at most this share of the page width
MAX_FRAME_WIDTH = 0.45
#: a frame's rules are at most this many x-heights thick (a stamp pad's rule is a tenth or two)
MAX_RULE = 0.5


def find_frames(binary: np.ndarray, xheight: float) -> list[tuple[int, int, int, int]]:
    """(left, top, width, height) of the rectangular frames near the top of an upright page.

    On a grey or black-and-white scan the received stamp has no colour to tell it by; its frame
    does: a rectangle a few lines tall in the top margin, which no body text draws.  A stamp pad
    leaves the frame broken and faded, so a frame is a long top rule with an upright rule hanging
    from one of its ends (the motto's underline has none); the longest side says how tall it is.
    """
    h, w = binary.shape
    xh = max(4, int(round(xheight)))
    top = (binary[: int(h * FRAME_TOP_SHARE)] == 0).astype(np.uint8)
    # paper below the cut: OpenCV erodes as if ink went on past the edge, and the strokes of a line the
    # cut runs through would stand as posts
    top = cv2.copyMakeBorder(top, 0, 2 * xh + 2, 0, 0, cv2.BORDER_CONSTANT, value=0)
    bridged = cv2.morphologyEx(top, cv2.MORPH_CLOSE, np.ones((1, xh // 2 + 1), np.uint8))
    rules = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, 5 * xh), np.uint8))
    bridged = cv2.morphologyEx(top, cv2.MORPH_CLOSE, np.ones((xh // 2 + 1, 1), np.uint8))
    posts = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((2 * xh, 1), np.uint8))
    # a rule is thin: a band as thick as letters is a line of capitals the closing bridged ("UBND TỈNH
    # TUYÊN QUANG" on a blurred, upsampled screenshot), and a post that wide is a column of strokes
    horizontal = [s for s in _segments(rules) if s[3] - s[1] <= MAX_RULE * xh]
    vertical = [s for s in _segments(posts) if s[2] - s[0] <= MAX_RULE * xh]
    frames = []
    for x0, y0, x1, y1 in horizontal:
        if not 8 * xh <= x1 - x0 <= MAX_FRAME_WIDTH * w:
            continue
        hanging = [v for v in vertical if v[1] <= y1 + xh and v[3] - y0 >= 2.5 * xh
                   and (abs(v[0] - x0) <= xh or abs(v[2] - x1) <= xh)]
        if not hanging:
            continue
        bottom = max(v[3] for v in hanging)  # the sides say how tall: text below may look like a rule
        if 2.5 * xh <= bottom - y0 <= 12 * xh and not any(_inside((x0, y0, x1, bottom), f) for f in frames):
            frames.append((x0, y0, x1 - x0, bottom - y0))
    return frames


def _segments(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) of each connected piece of a mask."""
    n, _, stats, _ = blobs.components(mask)
    return [(int(x), int(y), int(x + bw), int(y + bh)) for x, y, bw, bh, _ in stats[1:]]


def _inside(a: tuple[int, int, int, int], frame: tuple[int, int, int, int]) -> bool:
    x, y, bw, bh = frame
    return a[0] >= x - 5 and a[1] >= y - 5 and a[2] <= x + bw + 5 and a[3] <= y + bh + 5


def read_box(grey: np.ndarray, box: tuple[int, int, int, int], lang: str = "vie",
             dpi: int = 300) -> list[Line]:
    """The lines inside a framed box, read on their own (boxes in page pixels)."""
    x, y, bw, bh = box
    pad = 6
    crop = grey[y + pad:y + bh - pad, x + pad:x + bw - pad]  # inside the frame's rules
    return _read_crop(crop, x + pad, y + pad, lang, dpi) if crop.size else []


def is_received_stamp(lines: list[Line]) -> bool:
    """The received stamp says ĐẾN (and Số / Ngày); a digital-signature box says who signed."""
    words = {_fold(w.text.strip(":.")) for ln in lines for w in ln.words}
    return "DEN" in words or {"SO", "NGAY"} <= words


def _fold(word: str) -> str:
    """Upper case without marks: the stamp's small print often loses them ("ĐEN")."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))
    return bare.replace("Đ", "D").replace("đ", "d").upper()
