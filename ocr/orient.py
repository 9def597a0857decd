"""Stage 2, orientation: turn a page scanned sideways or upside down upright.

A cheap test of our own decides most pages: text lines make the horizontal
projection of the print much sharper than the vertical one (sideways or not),
and Vietnamese print has far more ink above the x-height band (capitals,
ascenders, and most of all diacritics) than below it (upside down or not).
Only when either test is unsure is Tesseract's OSD asked, which costs about
half a second a page.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from . import deskew, tesseract

#: OSD confidence below which we keep the page as it is (a wrong turn ruins the page)
MIN_OSD_CONFIDENCE = 1.0
#: how much sharper one projection must be than the other to call text horizontal or vertical
MIN_AXIS_RATIO = 1.5
#: sideways needs more: a short last page (a few lines, a seal, a signature) measures 0.55-0.6 upright
MAX_SIDEWAYS_RATIO = 0.5
#: ink above / below the x-height band: upright Vietnamese measures 2 to 3, upside down 0.3 to 0.5
MIN_ASCENT_RATIO = 1.5
MIN_POINTS = 2000


def detect(grey: np.ndarray, binary: np.ndarray) -> tuple[int, dict[str, Any]]:
    """Degrees clockwise that make the page upright, and how that was decided."""
    quick = quick_orientation(binary)
    if quick is not None:
        return quick
    return osd_orientation(grey)


def quick_orientation(binary: np.ndarray) -> tuple[int, dict[str, Any]] | None:
    xs, ys = deskew.ink_points(binary)
    if len(xs) < MIN_POINTS:
        return None
    angle, horizontal = deskew.sharpest_angle(xs, ys)
    _, vertical = deskew.sharpest_angle(ys, xs)
    axis = horizontal / max(vertical, 1.0)
    if axis >= MIN_AXIS_RATIO:
        sideways = False
    elif axis <= MAX_SIDEWAYS_RATIO:
        sideways = True
        xs, ys = deskew.ink_points(rotate_upright(binary, 90))
        angle, _ = deskew.sharpest_angle(xs, ys)
    else:
        return None
    ascent = float(ascent_ratio(deskew.row_profile(xs, ys, angle)))
    if ascent >= MIN_ASCENT_RATIO:
        flipped = False
    elif ascent <= 1 / MIN_ASCENT_RATIO:
        flipped = True
    else:
        return None
    turn = (90 if sideways else 0) + (180 if flipped else 0)
    # a half turn keeps the lines' slant, so ``angle`` is the skew of the page once turned: deskew
    # need not measure it again
    return turn, {"method": "projection", "rotate": turn, "axis_ratio": round(axis, 2),
                  "ascent_ratio": round(ascent, 2), "skew": angle}


def ascent_ratio(profile: np.ndarray) -> float:
    """Ink above the x-height band of each text line over ink below it."""
    rows = np.convolve(profile.astype(np.float64), np.ones(3) / 3, mode="same")
    on = rows > 0.02 * rows.max()
    # start/end indices of runs of inked rows (text lines)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    above = below = 0.0
    for start, end in zip(edges[::2], edges[1::2]):
        if end - start < 8:
            continue
        line = rows[start:end]
        core = np.flatnonzero(line >= 0.5 * line.max())
        above += line[: core[0]].sum()
        below += line[core[-1] + 1:].sum()
    return (above + 1.0) / (below + 1.0)


def osd_orientation(grey: np.ndarray) -> tuple[int, dict[str, Any]]:
    """Tesseract OSD at 150 dpi; the page is left alone when OSD is unsure."""
    h, w = grey.shape
    small = cv2.resize(grey, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    result = tesseract.detect_orientation(small)
    if result is None:
        return 0, {"method": "tesseract-osd", "rotate": 0, "reason": "too little text to tell"}
    report = {"method": "tesseract-osd", "osd_rotate": result.rotate, "confidence": round(result.confidence, 2),
              "script": result.script}
    if result.confidence < MIN_OSD_CONFIDENCE:
        report.update(rotate=0, reason="low confidence, page left as it was")
        return 0, report
    report["rotate"] = result.rotate
    return result.rotate, report


def rotate_upright(image: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    """Exact quarter turns (no resampling)."""
    turns = (clockwise_degrees // 90) % 4
    if turns == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k=-turns))
