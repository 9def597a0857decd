"""Stage 2, orientation: turn a page scanned sideways or upside down upright."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from . import tesseract

#: OSD confidence below which we keep the page as it is (a wrong turn ruins the page)
MIN_CONFIDENCE = 1.0


def detect(grey: np.ndarray) -> tuple[int, dict[str, Any]]:
    """Degrees clockwise that make the page upright, by Tesseract OSD at 150 dpi."""
    h, w = grey.shape
    small = cv2.resize(grey, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    result = tesseract.detect_orientation(small)
    if result is None:
        return 0, {"method": "tesseract-osd", "rotate": 0, "reason": "too little text to tell"}
    report = {"method": "tesseract-osd", "osd_rotate": result.rotate, "confidence": round(result.confidence, 2),
              "script": result.script}
    if result.confidence < MIN_CONFIDENCE:
        report["rotate"] = 0
        report["reason"] = "low confidence, page left as it was"
        return 0, report
    report["rotate"] = result.rotate
    return result.rotate, report


def rotate_upright(image: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    """Exact quarter turns (no resampling)."""
    turns = (clockwise_degrees // 90) % 4
    if turns == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k=-turns))
