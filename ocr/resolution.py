"""Stage 1b, resolution: how large the print really is, measured on the print itself.

A file's dpi tag is often missing (web images, screenshots) or wrong (96 dpi written by any
Windows program, 72 by phones), and a 70-dpi letter read as if it were 300 dpi reaches
Tesseract with letters a quarter of the size it reads best.  Official documents are set in
Times-like 13-14 pt (Nghị định 30/2020/NĐ-CP), so the x-height of the body text says the
resolution: at 300 dpi it is about 25 px.  The estimate is the height that most letter-sized
blobs of ink share (x-height letters: a c e m n o r s u v x and their accented forms, whose
marks are blobs of their own), checked against the pitch of the text lines.

Pure functions on a binarised page; the caller decides whether to rescale.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from . import blobs, clean

#: x-height of 13.5 pt body text at 300 dpi, in pixels
XHEIGHT_AT_300 = clean.BODY_XHEIGHT
#: the page must give this many blobs of the modal height, or the estimate is not trusted
MIN_LETTERS = 60
#: blobs taller than this (px) are rules, seals, pictures
MAX_BLOB = 400
#: blobs lower than this (px) are specks and marks, not letters (x-height at 75 dpi is 7 px)
MIN_BLOB = 5
#: blobs within this ratio of a height share it (capitals and ascenders stand 35-45 % taller)
WINDOW = 1.08
#: blobs of one height must cluster into words at least this well to be letters
MIN_PER_WORD = 1.4


def letter_blobs(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(labels image, label numbers, heights) of the letter-like blobs of ink (black = 0):
    neither specks nor rules nor pictures."""
    n, labels, stats, _ = blobs.components(blobs.ink_mask(binary))
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    fill = stats[1:, cv2.CC_STAT_AREA] / np.maximum(w * h, 1)
    letter = (h >= MIN_BLOB) & (h <= MAX_BLOB) & (w <= 3 * h) & (w >= 0.25 * h) & (fill > 0.12) & (fill < 0.9)
    return labels, np.flatnonzero(letter) + 1, h[letter].astype(np.float64)


def in_words(labels: np.ndarray, members: np.ndarray, height: float) -> float:
    """Blobs per cluster when blobs closer than half a letter height are joined: letters stand in
    words (3 and more per cluster), specks of noise stand alone (about 1)."""
    keep = np.zeros(int(labels.max()) + 1, np.uint8)
    keep[members] = 1
    mask = keep[labels]
    reach = max(3, int(round(0.6 * height)))
    joined = cv2.dilate(mask, np.ones((1, reach), np.uint8))
    clusters = cv2.connectedComponents(joined, connectivity=8)[0] - 1
    return len(members) / max(clusters, 1)


def xheight(binary: np.ndarray) -> tuple[float | None, dict[str, Any]]:
    """The letter height most blobs share, in pixels (the mean over its band), or None."""
    labels, numbers, heights = letter_blobs(binary)
    if len(heights) < MIN_LETTERS:
        return None, {"letters": int(len(heights)), "reason": "too little print to measure"}
    # the height shared by most blobs within +-8 % (at 75 dpi, integer heights 7 and 8 both fall within it);
    # counted, not weighted by size: capitals and ascenders are fewer but larger
    ordered = np.sort(heights)
    centres = np.exp(np.arange(np.log(MIN_BLOB), np.log(MAX_BLOB), 0.01))
    support = np.searchsorted(ordered, centres * WINDOW, side="right") - np.searchsorted(ordered, centres / WINDOW)
    tried = []
    for _ in range(3):  # the best supported heights, until one is made of letters in words
        k = int(np.argmax(support))
        if support[k] < MIN_LETTERS:
            break
        centre = float(centres[k])
        band = (heights >= centre / WINDOW) & (heights <= centre * WINDOW)
        per_word = in_words(labels, numbers[band], centre)
        tried.append((round(centre, 1), round(per_word, 2)))
        if per_word >= MIN_PER_WORD:
            return float(np.mean(heights[band])), {"letters": int(band.sum()), "per_word": round(per_word, 2)}
        support[(centres > centre / WINDOW ** 2) & (centres < centre * WINDOW ** 2)] = 0
    return None, {"letters": int(len(heights)), "tried": tried, "reason": "no letter height shared by enough blobs"}


def estimate_dpi(binary: np.ndarray) -> tuple[int | None, dict[str, Any]]:
    """The resolution at which this page's body text would be 13.5 pt."""
    xh, report = xheight(binary)
    if xh is None:
        return None, report
    dpi = int(round(300 * xh / XHEIGHT_AT_300))
    report.update(xheight_px=round(xh, 1), estimated_dpi=dpi)
    return dpi, report


#: a page whose print reads within these bounds (dpi-equivalent) is left at its size
KEEP_RANGE = (230, 430)
#: pages are measured at a size of at most this many pixels
MEASURE_PIXELS = 2_500_000
#: never enlarge more than this: past it, interpolation invents nothing Tesseract can use
MAX_ENLARGE = 4.0


def measure(grey: np.ndarray) -> tuple[int | None, dict[str, Any]]:
    """Estimated dpi of a grey page (any size), measured on at most MEASURE_PIXELS for speed (a 300-dpi
    A4 page at half size still has 14-px letters)."""
    scale = min(1.0, (MEASURE_PIXELS / (grey.shape[0] * grey.shape[1])) ** 0.5)
    if scale < 0.9:
        size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    else:
        scale = 1.0
    binary, _ = clean.binarise(clean.normalise_illumination(grey)[0])
    dpi, report = estimate_dpi(binary)
    if dpi is not None and scale != 1.0:
        dpi = int(round(dpi / scale))
        report.update(estimated_dpi=dpi, xheight_px=round(report["xheight_px"] / scale, 1))
    return dpi, report


def rescale_factor(estimated_dpi: int | None, pixels: int, max_pixels: int) -> float:
    """How much to resize a page so its print is the size of 13.5 pt at 300 dpi; 1.0 to leave it."""
    if estimated_dpi is None or KEEP_RANGE[0] <= estimated_dpi <= KEEP_RANGE[1]:
        return 1.0
    factor = min(300 / estimated_dpi, MAX_ENLARGE)
    if pixels * factor * factor > max_pixels:
        factor = (max_pixels / pixels) ** 0.5
    return factor if abs(factor - 1.0) > 0.05 else 1.0
