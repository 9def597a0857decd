"""Round seals on grey and black-and-white scans: found by their rings, the rings taken out.

On a colour scan the red seal goes with the coloured ink (``clean.to_grey_without_ink``). On a
grey or B/W scan it is as dark as the print, and it sits over the signer's block: its rings cut
through "CHỦ TỊCH QUỐC HỘI" and the name, and Tesseract reads "UỐC HỘI" and "Hùng" of them. An
official seal (Nghị định 99/2016/NĐ-CP) is a circle 35-42 mm across with a thick outer ring and a
thin inner one; both are found as circles that ink follows almost all the way round with paper on
either side. A seal lighter than the print is painted out whole; on a seal as dark as the print only
the rings' pixels are, so the print they cross keeps the rest of its strokes, and the seal's own
letters between the rings are left to ``recognise.drop_debris``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

#: outer-ring radius range, millimetres (seals 26-48 mm across: the official sizes and a margin)
MIN_RADIUS_MM = 13.0
MAX_RADIUS_MM = 24.0
#: share of the circle that ink must follow, and by how much more than the circles just inside and
#: outside it (dense print is ink everywhere; a ring is ink on its line and paper beside it).
#: Measured on 396 rendered pages: no ring found on a page without a seal, 83 of 98 seals found
MIN_SUPPORT = 0.6
MIN_CONTRAST = 0.35
#: the inner ring, as a share of the outer radius
INNER_RANGE = (0.58, 0.8)
MIN_INNER_SUPPORT = 0.5
#: the circles are looked for at this fraction of the page's size
SCALE = 4
SAMPLES = 720
#: grey levels between the print's median and the seal ring's for the seal to go as what is lighter
#: than the print (measured: red seals on grey scans 49 and 53 apart, a seal as dark as the print 18)
MIN_LEVEL_GAP = 40


def find_rings(binary: np.ndarray, dpi: int = 300) -> list[dict]:
    """The seals' rings on a binarised page (print 0): centre, outer radius, inner radius or None."""
    per_mm = dpi / 25.4
    rmin, rmax = int(MIN_RADIUS_MM * per_mm), int(MAX_RADIUS_MM * per_mm)
    h, w = binary.shape
    if min(h, w) < 2 * rmin:
        return []
    small = 255 - cv2.resize(binary, (w // SCALE, h // SCALE), interpolation=cv2.INTER_AREA)  # ink bright
    small = cv2.GaussianBlur(small, (5, 5), 1.5)
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=rmin // SCALE, param1=80, param2=20,
                               minRadius=rmin // SCALE, maxRadius=rmax // SCALE)
    if circles is None:
        return []
    half = max(2, int(round(0.3 * per_mm)))  # +-0.3 mm around the circle: the ring's width and wobble
    small_ink = small > 64
    ink = None  # the full page's ink, made for the first circle worth a close look
    found: list[dict] = []
    for cx, cy, r in circles[0][:20]:
        # a first look at the small page: most of Hough's circles on a page of print are no ring at all
        if max(_support(small_ink, cx, cy, r + d, 1, SAMPLES // 4) for d in (-2, 0, 2)) < MIN_SUPPORT:
            continue
        cx, cy, r = float(cx) * SCALE, float(cy) * SCALE, float(r) * SCALE
        ink = binary == 0 if ink is None else ink
        if any(math.hypot(cx - f["x"], cy - f["y"]) < rmin for f in found):
            continue
        ring = _best_ring(ink, cx, cy, np.arange(r - 3 * SCALE, r + 3 * SCALE + 1, 2), half, MIN_SUPPORT)
        if ring is None:
            continue
        support, radius = ring
        inner = _best_ring(ink, cx, cy, np.arange(INNER_RANGE[0] * radius, INNER_RANGE[1] * radius, 2), half,
                           MIN_INNER_SUPPORT)
        found.append({"x": round(cx), "y": round(cy), "radius": round(radius),
                      "inner_radius": round(inner[1]) if inner else None, "support": round(support, 2)})
    return found


def remove_rings(image: np.ndarray, binary: np.ndarray, rings: list[dict],
                 dpi: int = 300) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The seals painted as paper, in the page Tesseract reads and in its binarised twin.

    A seal printed lighter than the print (a red seal on a grey scan: its ring at grey 110, the
    print at 61, medians) goes whole, rings, letters and star: inside its disc every pixel lighter
    than halfway between the two levels is paper, and the print it covers keeps its dark core ("CHÁNH VĂN PHÒNG"
    and "Đặng Văn Thái" read whole where the rings alone left "Bư, à\" VĂN PHÒNG"). A seal as dark as
    the print (a B/W scan) loses only its rings' pixels. The third value says which, ring by ring:
    "lighter" or "rings".
    """
    if not rings:
        return image, binary, []
    how: list[str] = []
    image, binary = image.copy(), binary.copy()
    band = max(3, int(round(0.6 * dpi / 25.4)))  # half the outer ring's width with its blur (0.6 mm)
    ink = image[binary == 0]
    print_level = float(np.median(ink)) if ink.size else 0.0
    for ring in rings:
        x, y, r = ring["x"], ring["y"], ring["radius"]
        reach = int(min(r / INNER_RANGE[0], MAX_RADIUS_MM * dpi / 25.4)) + band  # an outer ring not found
        x0, y0 = max(0, x - reach), max(0, y - reach)
        x1, y1 = min(binary.shape[1], x + reach + 1), min(binary.shape[0], y + reach + 1)
        yy, xx = np.ogrid[y0:y1, x0:x1]
        d = np.sqrt((xx - x) ** 2 + (yy - y) ** 2)
        part, part_binary = image[y0:y1, x0:x1], binary[y0:y1, x0:x1]
        on_ring = (np.abs(d - r) <= band) & (part_binary == 0)
        seal_level = float(np.median(part[on_ring])) if on_ring.any() else print_level
        if seal_level - print_level >= MIN_LEVEL_GAP:
            cut = (print_level + seal_level) / 2
            outer = _outermost_light_ring(part, d, r, reach - band, cut, seal_level)
            mask = (d <= outer + band) & (part > cut)
            how.append("lighter")
        else:
            mask = np.abs(d - r) <= band
            if ring["inner_radius"]:
                mask |= np.abs(d - ring["inner_radius"]) <= max(2, band * 2 // 3)
            how.append("rings")
        part[mask] = 255
        part_binary[mask] = 255
    return image, binary, how


def _outermost_light_ring(part: np.ndarray, d: np.ndarray, r: float, reach: float, cut: float,
                          seal_level: float) -> float:
    """The radius of the outermost circle out to ``reach`` that seal-grey pixels follow at least half
    the way round: the ring found may be the inner one (stamped.png: 157 px found, the outer at 233)."""
    outer = float(r)
    for radius in np.arange(r + 4, reach + 1, 4):
        values = part[np.abs(d - radius) <= 2]
        if values.size and ((values > cut) & (values < seal_level + 50)).mean() >= 0.5:
            outer = float(radius)
    return outer


def _best_ring(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray, half: int,
               min_support: float) -> tuple[float, float] | None:
    """The radius among ``radii`` that ink follows best, if it is a ring: (support, radius)."""
    best = None
    for r in radii:
        if r <= 4 * half:
            continue
        support = _support(ink, cx, cy, r, half)
        if support < min_support:
            continue
        beside = max(_support(ink, cx, cy, r - 4 * half, half), _support(ink, cx, cy, r + 4 * half, half))
        if support - beside >= MIN_CONTRAST and (best is None or support > best[0]):
            best = (support, float(r))
    return best


def _support(ink: np.ndarray, cx: float, cy: float, r: float, half: int, samples: int = SAMPLES) -> float:
    """Share of the circle's points (those on the page) with ink within ``half`` pixels along the radius."""
    h, w = ink.shape
    t = np.linspace(0, 2 * math.pi, samples, endpoint=False)
    cos, sin = np.cos(t), np.sin(t)
    hit = np.zeros(samples, bool)
    on_page = np.zeros(samples, bool)
    for dr in range(-half, half + 1):
        xs = np.round(cx + (r + dr) * cos).astype(int)
        ys = np.round(cy + (r + dr) * sin).astype(int)
        ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        on_page |= ok
        hit[ok] |= ink[ys[ok], xs[ok]]
    return float(hit.sum() / max(int(on_page.sum()), 1)) if on_page.mean() > 0.7 else 0.0
