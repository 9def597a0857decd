"""The way back from recognised pixels to the page as stored: quarter turn, deskew, rescale.

``process_page`` turns and rotates the image before Tesseract reads it; outputs
that sit on the original page (searchable PDF, hOCR, ALTO) need the inverse of
those steps, composed here into one affine map.
"""

from __future__ import annotations

import numpy as np

from . import deskew
from .document import PageGeometry


def _quarter_turn(w: int, h: int, clockwise: int) -> np.ndarray:
    """3x3 map from the loaded image to the image ``orient.rotate_upright`` returns."""
    turns = (clockwise // 90) % 4
    if turns == 0:
        return np.eye(3)
    if turns == 1:  # (x, y) -> (h - y, x)
        return np.array([[0.0, -1.0, h], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    if turns == 2:
        return np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]])
    return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w], [0.0, 0.0, 1.0]])  # (x, y) -> (y, w - x)


def page_geometry(loaded_w: int, loaded_h: int, source_size: tuple[int, int] | None,
                  turn: int, angle: float) -> PageGeometry:
    """Geometry of a page loaded at ``loaded_w`` x ``loaded_h``, turned by ``turn`` and deskewed by ``angle``.

    ``angle`` is the one ``deskew.rotate`` was given; below ``deskew.MIN_CORRECTION`` it did nothing.
    """
    src_w, src_h = source_size or (loaded_w, loaded_h)
    forward = _quarter_turn(loaded_w, loaded_h, turn)
    turned_w, turned_h = (loaded_h, loaded_w) if (turn // 90) % 2 else (loaded_w, loaded_h)
    applied = angle if abs(angle) >= deskew.MIN_CORRECTION else 0.0
    if applied:
        m, _ = deskew.rotation_matrix(turned_w, turned_h, applied)
        forward = np.vstack([m, [0.0, 0.0, 1.0]]) @ forward
    unscale = np.diag([src_w / loaded_w, src_h / loaded_h, 1.0])
    back = unscale @ np.linalg.inv(forward)
    a, c, e = back[0]
    b, d, f = back[1]
    return PageGeometry(int(src_w), int(src_h), round(loaded_w / src_w, 6), int(turn) % 360, float(applied),
                        tuple(round(float(v), 9) for v in (a, b, c, d, e, f)))
