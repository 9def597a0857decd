"""Stage 3, deskew: find the small rotation of a scan and undo it.

The angle is the one that makes the horizontal projection of the print
sharpest (text lines fall into few rows).  The search works on the
coordinates of black pixels, not on rotated images, so hundreds of candidate
angles cost milliseconds; a coarse pass over +-45 degrees (on a subset of the points) is refined to 0.01.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from . import blobs

#: photos and pages laid on a scanner at a slant come up to 45 degrees off (past that, it is a quarter
#: turn plus a smaller angle: orientation takes the quarter turn)
MAX_ANGLE = 45.0
MAX_POINTS = 60_000
#: skews up to this are usual; a larger angle wins only by this margin in sharpness (a short page
#: with a seal and a signature, or speckle, can peak anywhere)
USUAL_ANGLE = 15.0
WIDE_MARGIN = 1.3
#: the coarse pass over the whole range looks at this many of the points
COARSE_POINTS = 20_000
#: smaller corrections are not applied: resampling costs more accuracy than they win
MIN_CORRECTION = 0.05


def ink_points(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of black pixels, a fixed random subset on dense pages (deterministic)."""
    xs, ys = blobs.ink_xy(binary)
    if len(xs) > MAX_POINTS:
        pick = np.random.default_rng(0).choice(len(xs), MAX_POINTS, replace=False)
        xs, ys = xs[pick], ys[pick]
    return xs.astype(np.float64), ys.astype(np.float64)


def row_profile(xs: np.ndarray, ys: np.ndarray, angle: float, bin_px: float = 1.0) -> np.ndarray:
    """Ink per row after undoing a counter-clockwise rotation by ``angle``."""
    proj = ys + (xs - xs.mean()) * np.tan(np.radians(angle))
    return np.bincount(((proj - proj.min()) / bin_px).astype(np.int64))


def sharpest_angle(xs: np.ndarray, ys: np.ndarray, max_angle: float = MAX_ANGLE) -> tuple[float, float]:
    """(angle, sharpness) maximising the sum of squared row counts, coarse to fine."""

    def sharpness(px: np.ndarray, py: np.ndarray, angle: float, bin_px: float) -> float:
        hist = row_profile(px, py, angle, bin_px)
        return float(np.dot(hist, hist))

    few = slice(None, None, max(1, len(xs) // COARSE_POINTS))  # every k-th point: still spread over the page
    best, score = 0.0, 0.0
    for step, span, bin_px in ((0.5, max_angle, 4.0), (0.05, 0.6, 2.0), (0.01, 0.06, 1.0)):
        grid = np.arange(best - span, best + span + step / 2, step)
        grid = grid[np.abs(grid) <= max_angle + 1e-9]
        px, py = (xs[few], ys[few]) if step == 0.5 else (xs, ys)
        scores = [sharpness(px, py, a, bin_px) for a in grid]
        if step == 0.5:  # past the usual skew of a scan, an angle must be clearly the sharpest
            usual = [sc if abs(a) <= USUAL_ANGLE else 0.0 for a, sc in zip(grid, scores)]
            if max(scores) < WIDE_MARGIN * max(usual):
                scores = usual
        best, score = float(grid[int(np.argmax(scores))]), float(max(scores))
    return round(best, 2), score


def estimate(binary: np.ndarray, max_angle: float = MAX_ANGLE) -> tuple[float, dict[str, Any]]:
    """Angle in degrees (counter-clockwise as seen) by which the print is rotated."""
    xs, ys = ink_points(binary)
    if len(xs) < 500:
        return 0.0, {"angle": 0.0, "reason": "too little print to measure"}
    angle, _ = sharpest_angle(xs, ys, max_angle)
    return angle, {"angle": angle, "applied": abs(angle) >= MIN_CORRECTION}


def rotate(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """Rotate clockwise by ``angle`` (undoing a counter-clockwise skew), growing the canvas."""
    if abs(angle) < MIN_CORRECTION:
        return image
    h, w = image.shape[:2]
    matrix, (new_w, new_h) = rotation_matrix(w, h, angle)
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def rotation_matrix(w: int, h: int, angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2x3 map from input to output pixels that ``rotate`` applies, and the grown canvas.

    Kept apart so that word boxes can be mapped back to the page exactly as it was turned.
    """
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(round(h * sin + w * cos)), int(round(h * cos + w * sin))
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return matrix, (new_w, new_h)
