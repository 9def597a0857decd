"""Stage 4, clean: take away what is not print before Tesseract sees the page.

Official scans carry red seals, red or blue "ĐẾN" received stamps, blue
handwriting and dark scanner borders.  Tesseract reads those as junk letters
(seed 003 starts with "VPDU", "Phy CRT"), so they are removed; then light is
evened out and the page binarised and despeckled.  Each function is pure: an
image in, an image and a small report out.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from . import blobs

Report = dict[str, Any]

#: x-height of 13.5 pt Liberation Serif / Times New Roman at 300 dpi, in pixels (measured on
#: samples/clean.png): the letter size the stages assume until ``resolution`` measures the page's
BODY_XHEIGHT = 28.4
#: max(R,G,B) - min(R,G,B) above which a pixel is coloured ink, not black print
INK_CHROMA = 60
#: a looser bound for the anti-aliased rim of ink strokes
INK_RIM_CHROMA = 28
#: share of the coloured pixels that sit right beside black print, above which the colour is the
#: fringe of sub-pixel anti-aliased text (screenshots, web images), not ink of its own
MAX_FRINGE_SHARE = 0.35
#: grey levels below the darker 5 % of an ink's own pixels at which a pixel of that hue is black print
#: blended with it (its edge over a seal), not ink
DARKER_THAN_INK = 25
#: a row of coloured letters bowing more than this many x-heights from straight (end to middle) is a
#: seal's text along its arc, not a printed line
MAX_ROW_BOW = 0.6
#: a pixel whose shares of red, green and blue are within this of an ink's is that ink darkened (by print)
SAME_INK_SHARES = 0.05
#: specks (blobs under the despeckle area) per megapixel above which a scan is speckled
MAX_SPECKS_PER_MPX = 150
#: a black-and-white scan this speckled is a shaded page (a shadow, a dark edge, a tinted form) that the
#: scanner's threshold turned into dots, thick enough to hide the print; a median filter takes the dots
#: and leaves the strokes.  Measured on the dev and train scan sets (bench/scan_bench.py): the B/W pages
#: over 4,000 specks a megapixel read 5.5-48 % CER without it and 3.9-43 % with it (22 -> 5.9 % on one);
#: pages of 200-3,600 read worse with it (2.0 -> 3.3 %), so below this it is not applied
SHADED_SPECKS_PER_MPX = 4000
#: specks are blobs smaller than this (pixels at 300 dpi): the dot of an i is larger
SPECK_AREA = 12
#: on a noisy scan, blobs under this share of the x-height squared (a dot) farther than LONE_REACH
#: x-heights from any larger blob are specks
LONE_DOT_AREA = 0.05
LONE_REACH = 0.6
#: pixel noise (grey levels) above which a scan is smoothed before binarising and despeckled
NOISY_SIGMA = 4.0


def to_grey_without_ink(pixels: np.ndarray, xheight: float = BODY_XHEIGHT) -> tuple[np.ndarray, Report]:
    """Grey page with coloured ink (seals, stamps, blue pen) turned to paper.

    Black print under red ink stays dark (its chroma is low), so text under a
    seal survives while the seal goes.  Lines printed in colour (a red title, a
    blue heading) are kept: see ``printed_in_colour``.  ``xheight`` is the body
    text's, in pixels (``resolution``).
    """
    if pixels.ndim == 2:
        return pixels.copy(), {"colour": False, "ink_pixels": 0}
    r, g, b = cv2.split(np.ascontiguousarray(pixels[..., :3]))
    chroma = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))  # uint8: max - min >= 0
    grey = cv2.cvtColor(pixels[..., :3], cv2.COLOR_RGB2GRAY)
    ink = chroma > INK_CHROMA
    n_ink = int(ink.sum())
    if n_ink < 50:
        return grey, {"colour": True, "ink_pixels": 0}
    fringe = fringe_share(ink, chroma, grey)
    if fringe > MAX_FRINGE_SHARE:  # painting these out would erase the print they outline
        return grey, {"colour": True, "ink_pixels": 0, "fringe_share": round(fringe, 3),
                      "reason": "the colour is the fringe of anti-aliased black print, not ink"}
    printed = printed_in_colour(ink, xheight)
    if printed.any():
        ink = ink & ~printed
    rim = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & (chroma > INK_RIM_CHROMA)
    if printed.any():  # the anti-aliased edge of a coloured letter is the letter's, not a stamp's
        rim &= ~cv2.dilate(printed.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    mask = (ink | rim) & ~_print_in_ink(pixels, grey, ink | rim)
    paper = _percentile_u8(grey[~mask], 95) if (~mask).any() else 255
    # print under the ink is not in the mask: multiplied by black, its chroma stays low
    out = grey.copy()
    out[mask] = paper
    return out, {"colour": True, "ink_pixels": int(mask.sum()), "ink_fraction": round(float(mask.mean()), 4),
                 "colour_print_pixels": int(printed.sum())}


def _print_in_ink(pixels: np.ndarray, grey: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The pixels of ``mask`` darker than the ink they sit in: black print blended with it.

    Where print crosses a seal, its anti-aliased edges and thin strokes take the seal's hue (a black
    "L" on red is (120, 40, 45) at its edge) and read as ink; painted out, they leave "€ê" for "Lê".
    A blend of black and ink is darker than the ink itself, so a coloured pixel darker than nearly all
    pixels of its own hue (red, green or blue dominant) by DARKER_THAN_INK levels is print when it
    touches colourless print as dark or is the ink's own colour scaled down (its shares of r, g, b
    within SAME_INK_SHARES of the ink's median: a thin stroke under a seal has no colourless core).
    Hues are judged apart so that a dark blue pen does not set the bar for a red seal; the two tests
    leave a bright red rule beside a pink panel (a web image: darker than the pink, another colour)
    to the ink.
    """
    hue = np.argmax(pixels[..., :3], axis=2)
    keep = np.zeros_like(mask)
    near = np.ones((5, 5), np.uint8)
    for channel in range(3):
        of_hue = mask & (hue == channel)
        if of_hue.sum() < 50:
            continue
        cut = _percentile_u8(grey[of_hue], 5) - DARKER_THAN_INK
        dark = of_hue & (grey < cut)
        if not dark.any():
            continue
        beside_print = cv2.dilate((~mask & (grey < cut)).astype(np.uint8), near).astype(bool)
        # black multiplied by ink is the ink's own colour scaled down: the same shares of r, g and b
        ink = np.median(pixels[of_hue][:, :3], axis=0)
        ys, xs = np.nonzero(dark & ~beside_print)
        rgb = pixels[ys, xs, :3].astype(float)
        shares = rgb / np.maximum(1.0, rgb.sum(axis=1, keepdims=True))
        scaled = np.abs(shares - ink / max(1.0, float(ink.sum()))).max(axis=1) < SAME_INK_SHARES
        keep |= dark & beside_print
        keep[ys[scaled], xs[scaled]] = True
    return keep


def printed_in_colour(ink: np.ndarray, xheight: float) -> np.ndarray:
    """The coloured pixels that are lines of printed text, not stamp, seal or pen.

    Printed letters are blobs of about the body's letter size standing in a straight row: joined
    by a short horizontal reach, a row is long and no taller than a line of type.  A signature's
    strokes run together into blobs far larger than letters, a seal's text curves (its rows come
    out tall or short) and a stamp's lines sit inside its frame, so their rows fail the test or are
    inside a large blob's box.
    """
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return np.zeros_like(ink)
    pad = int(3 * xheight)  # the work is done on the ink's bounding box: a stamp is a small part of a page
    y0, y1 = max(0, rows[0] - pad), min(ink.shape[0], rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(ink.shape[1], cols[-1] + pad + 1)
    out = np.zeros_like(ink)
    out[y0:y1, x0:x1] = _printed_rows(ink[y0:y1, x0:x1], xheight)
    return out


def _printed_rows(ink: np.ndarray, xheight: float) -> np.ndarray:
    n, labels, stats, centres = blobs.components(ink)
    if n <= 1:
        return np.zeros_like(ink)
    x, y, w, h = (stats[1:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    letter = (h >= 0.5 * xheight) & (h <= 2.2 * xheight) & (w <= 4 * xheight)
    large = (h > 4 * xheight) | (w > 8 * xheight)  # frames, rings, signatures, rules
    if not letter.any():
        return np.zeros_like(ink)
    is_letter = np.concatenate(([False], letter))
    letters = is_letter[labels].astype(np.uint8)
    reach = max(3, int(round(0.8 * xheight)))
    rows = cv2.dilate(letters, np.ones((1, reach), np.uint8))
    m, row_labels, row_stats, _ = blobs.components(rows)
    frames = [(x[i], y[i], x[i] + w[i], y[i] + h[i]) for i in np.flatnonzero(large)]
    cx = np.clip(centres[1:, 0].astype(int), 0, ink.shape[1] - 1)
    cy = np.clip(centres[1:, 1].astype(int), 0, ink.shape[0] - 1)
    row_of = np.where(letter, row_labels[cy, cx], 0)  # each letter's row (0: its centre fell outside)
    keep = np.zeros(m, bool)
    for j in range(1, m):
        rx, ry, rw, rh = (int(v) for v in row_stats[j, :4])
        if rw < 6 * xheight or rh > 2.6 * xheight:
            continue
        if _curved(centres[1:][row_of == j], xheight):
            continue  # a seal's text along its bottom arc, nearly level but bent
        inside = any(fx <= rx and fy <= ry and rx + rw <= fx2 and ry + rh <= fy2 for fx, fy, fx2, fy2 in frames)
        # a stamp's frame, broken or half off the crop, still runs above or below its lines, a line
        # or more away and wider than they are; an underline sits right under its title
        framed = any(min(fx2, rx + rw) - max(fx, rx) > 0.5 * rw and fx2 - fx > rw + 2 * xheight
                     and (0.8 * xheight < ry - fy2 < 6 * xheight or 0.8 * xheight < fy - (ry + rh) < 6 * xheight)
                     for fx, fy, fx2, fy2 in frames)
        keep[j] = not inside and not framed
    printed = keep[row_labels].astype(bool) & (letters > 0)
    if printed.any():  # with their diacritics: the small blobs just above and below the letters
        small = np.concatenate(([False], (h < 0.5 * xheight) & (w < xheight)))[labels]
        zone = cv2.dilate(printed.astype(np.uint8), np.ones((2 * reach + 1, 3), np.uint8)).astype(bool)
        printed |= small & zone
    return printed


def _curved(points: np.ndarray, xheight: float) -> bool:
    """Letters' centres that bow from a straight line by more than MAX_ROW_BOW x-heights over the row
    (a quadratic fit): printed type stands on a straight line, a seal's letters follow its circle."""
    if len(points) < 5:
        return False
    xs, ys = points[:, 0], points[:, 1]
    half = (xs.max() - xs.min()) / 2
    if half <= 0:
        return False
    curve = np.polyfit(xs - xs.mean(), ys, 2)[0]
    return abs(curve) * half * half > MAX_ROW_BOW * xheight


def fringe_share(ink: np.ndarray, chroma: np.ndarray, grey: np.ndarray) -> float:
    """Share of coloured pixels within a few pixels left or right of black, colourless print.

    Sub-pixel (ClearType) rendering gives every stroke of black text a red edge on one side and a
    blue one on the other: at 300 dpi-equivalent those edges lie within 3 px of the stroke.  A
    seal or a stamp is coloured through and through, and meets black print only where it covers it.
    """
    black = ((chroma < 40) & (grey < 110)).astype(np.uint8)
    near = cv2.dilate(black, np.ones((1, 7), np.uint8)).astype(bool)
    return float((ink & near).sum() / max(int(ink.sum()), 1))


def histogram_u8(values: np.ndarray) -> np.ndarray:
    """Counts of the 256 levels of uint8 values: ``calcHist`` on the page as it lies, or on one row.
    (A column of 8.7 M pixels, one a row, took 21 ms; the page as an image 15 ms.)"""
    values = np.ascontiguousarray(values)
    if values.ndim != 2:
        values = values.reshape(1, -1)
    return cv2.calcHist([values], [0], None, [256], [0, 256]).ravel()


def _percentile_u8(values: np.ndarray, q: float) -> int:
    """``int(np.percentile(values, q))`` for uint8 values, from a histogram instead of a sort."""
    counts = np.cumsum(histogram_u8(values).astype(np.int64))
    rank = q / 100 * (counts[-1] - 1)
    low, high = int(np.floor(rank)), int(np.ceil(rank))
    at = lambda k: int(np.searchsorted(counts, k, side="right"))  # noqa: E731  (value of the k-th smallest)
    return int(at(low) + (at(high) - at(low)) * (rank - low))


def normalise_illumination(grey: np.ndarray) -> tuple[np.ndarray, Report]:
    """Divide by an estimate of the paper so shadows, yellowing and low contrast go."""
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    # print is thin: a max filter at 1/8 scale erases it and leaves the paper
    background = cv2.dilate(small, np.ones((7, 7), np.uint8))
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    # in uint8 throughout: float copies of a 300-dpi page cost 35 MB each in every page process
    flat = cv2.divide(grey, cv2.max(background, 1), scale=255.0)
    dark = float(_percentile_u8(flat, 0.5))  # a histogram, not a sort of 9 Mpx
    stretch = dark > 40 and dark < 200
    if stretch:  # faint print: spread [dark, 255] over the full range
        levels = np.clip((np.arange(256) - dark) * (255.0 / (255.0 - dark)), 0, 255).astype(np.uint8)
        flat = cv2.LUT(flat, levels)
    return flat, {"contrast_stretched": stretch, "darkest_print": round(dark, 1)}


def noise_level(grey: np.ndarray) -> float:
    """Robust sigma of pixel noise (median absolute Laplacian), for choosing a denoise step."""
    lap = cv2.convertScaleAbs(cv2.Laplacian(grey, cv2.CV_16S, ksize=1))  # |integer Laplacian|, capped at 255
    return float(_percentile_u8(lap, 50) * 1.4826 / 2.0)


def binarise(grey: np.ndarray) -> tuple[np.ndarray, Report]:
    """Black print (0) on white (255), Otsu after smoothing noisy scans."""
    sigma = noise_level(grey)
    smoothed = grey
    if sigma > NOISY_SIGMA:
        smoothed = cv2.GaussianBlur(grey, (0, 0), 1.0)
    _, binary = cv2.threshold(smoothed, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary, {"noise_sigma": round(sigma, 2), "smoothed": smoothed is not grey}


def despeckle(binary: np.ndarray, noise_sigma: float, min_area: int = SPECK_AREA,
              xheight: float = BODY_XHEIGHT) -> tuple[np.ndarray, Report]:
    """Remove specks smaller than the dot of an i or a dấu nặng, on noisy scans only.

    On a clean scan a tiny mark is more likely a broken accent than dirt, and
    Tesseract ignores the odd dust speck, so nothing is removed there.  A scan is
    noisy when its grey levels are (``noise_sigma``) or, for a black-and-white scan
    whose paper is flat white, when specks are many: a clean page has under 30 a
    megapixel, a speckled B/W scan thousands.  On a noisy scan, dot-sized blobs far
    from any letter (more than 0.6 x-height) go too: Tesseract reads them as stray
    punctuation between lines; a dấu nặng, an i's dot or a full stop sits closer.
    """
    n, labels, stats, centres = blobs.components(blobs.ink_mask(binary))
    area = stats[:, cv2.CC_STAT_AREA]
    small = np.zeros(n, bool)
    small[1:] = area[1:] < min_area
    per_mpx = float(small.sum()) / (binary.size / 1e6)
    if noise_sigma <= NOISY_SIGMA and per_mpx <= MAX_SPECKS_PER_MPX:
        return binary, {"specks_removed": 0, "specks_per_mpx": round(per_mpx), "reason": "clean scan, nothing removed"}
    dots = np.zeros(n, bool)
    dots[1:] = (area[1:] < LONE_DOT_AREA * xheight * xheight) & ~small[1:]
    letters = ~(small | dots)
    letters[0] = False
    reach = 2 * int(LONE_REACH * xheight) + 1
    near = cv2.dilate(letters[labels].astype(np.uint8), np.ones((reach, reach), np.uint8)).astype(bool)
    cx = np.clip(centres[:, 0].astype(int), 0, binary.shape[1] - 1)
    cy = np.clip(centres[:, 1].astype(int), 0, binary.shape[0] - 1)
    lone = dots & ~near[cy, cx]
    out = binary.copy()
    out[(small | lone)[labels]] = 255
    return out, {"specks_removed": int(small.sum()), "lone_dots_removed": int(lone.sum()),
                 "specks_per_mpx": round(per_mpx)}


def smooth_shaded(grey: np.ndarray, dpi: int = 300) -> tuple[np.ndarray, Report]:
    """A black-and-white scan of a shaded page, its shade turned to dense dots, median-filtered.

    Other pages are left as they are: on a clean or lightly speckled B/W page the filter
    costs thin strokes and marks more than it wins (``despeckle`` takes their specks).
    """
    if not is_black_and_white(grey):
        return grey, {"black_and_white": False}
    density = specks_per_mpx(grey < 128)
    if density < SHADED_SPECKS_PER_MPX:
        return grey, {"black_and_white": True, "specks_per_mpx": round(density), "smoothed": False}
    size = max(3, int(round(5 * dpi / 300)) | 1)
    return cv2.medianBlur(grey, size), {"black_and_white": True, "specks_per_mpx": round(density),
                                         "smoothed": True, "median": size}


def is_black_and_white(grey: np.ndarray) -> bool:
    """All but a trace of the pixels pure black or pure white (a B/W scan, as loaded)."""
    counts = histogram_u8(grey)
    return counts[0] + counts[255] >= 0.98 * counts.sum()


def specks_per_mpx(ink: np.ndarray) -> float:
    """Blobs of ink smaller than the dot of an i, a megapixel."""
    _, _, stats, _ = blobs.components(ink)
    return float((stats[1:, cv2.CC_STAT_AREA] < SPECK_AREA).sum()) / (ink.size / 1e6)


def remove_dark_borders(grey: np.ndarray, solid_only: bool = False) -> tuple[np.ndarray, Report]:
    """Paint white the dark bands a scanner lid leaves along the page edges.

    A band is a large dark region touching the image edge; print never is.  ``solid_only``: only
    near-black bands count (on a smoothed shaded B/W scan the shade is grey dots with print in it).
    """
    h, w = grey.shape
    scale = 4
    small = cv2.resize(grey, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA)
    dark = (small < (40 if solid_only else 100)).astype(np.uint8)
    n, labels, stats, _ = blobs.components(dark)
    sh, sw = small.shape
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        touches = x == 0 or y == 0 or x + bw >= sw or y + bh >= sh
        long_band = bw > 0.25 * sw or bh > 0.25 * sh
        keep[i] = touches and long_band and area > 0.002 * sw * sh
    if not keep.any():
        return grey, {"borders": []}
    mask_small = keep[labels].astype(np.uint8)
    edges = [name for name, strip in (("top", mask_small[0]), ("bottom", mask_small[-1]),
                                      ("left", mask_small[:, 0]), ("right", mask_small[:, -1]))
             if strip.mean() > 0.3]
    mask_small = cv2.dilate(mask_small, np.ones((3, 3), np.uint8))
    mask = cv2.resize(mask_small, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    out = grey.copy()
    out[mask] = 255
    return out, {"borders": edges, "border_pixels": int(mask.sum())}


def ink_fraction(binary: np.ndarray) -> float:
    """Share of black pixels: a blank page has almost none."""
    return float((binary == 0).mean())


def mask_to_print(grey: np.ndarray, binary: np.ndarray) -> np.ndarray:
    """Grey levels kept only around print: anti-aliased strokes for Tesseract, clean paper elsewhere."""
    near_print = cv2.dilate(blobs.ink_mask(binary), np.ones((3, 3), np.uint8)).astype(bool)
    out = np.full_like(grey, 255)
    out[near_print] = grey[near_print]
    return out
