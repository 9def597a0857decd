"""Is a PDF page a scan, and does its text layer cover the page's ink?  The geometric side of a layer.

A page that is mostly one image is a scan: its layer is a scanner's OCR, and
``vanban.textlayer`` OCRs it again in ``auto``.  When the user takes such a
layer anyway (``--text-layer use``), the layer may hold only part of the page
(a header, one column): we render the page small and measure how much of its
dark ink lies under the layer's word boxes, to warn.
"""

from __future__ import annotations

import numpy as np

from . import poppler

#: a page at least this much covered by images is a scan
SCAN_IMAGE_SHARE = 0.5
RENDER_DPI = 72
#: ink this close to the page edge is scanner border, not text
EDGE_MARGIN = 0.03


def ink_coverage(grey: np.ndarray, boxes_pt: list[tuple[float, float, float, float]],
                 page_size_pt: tuple[float, float]) -> float:
    """Share of the page's dark pixels inside the (slightly grown) word boxes; 1.0 for a page without ink."""
    height, width = grey.shape
    sx, sy = width / page_size_pt[0], height / page_size_pt[1]
    paper = float(np.median(grey))
    dark = grey < 0.6 * paper
    my, mx = int(height * EDGE_MARGIN), int(width * EDGE_MARGIN)
    inner = np.zeros_like(dark)
    inner[my:height - my, mx:width - mx] = True
    dark &= inner
    total = int(dark.sum())
    if total == 0:
        return 1.0
    covered = np.zeros_like(dark)
    for x0, y0, x1, y1 in boxes_pt:
        grow = 0.4 * (y1 - y0)  # diacritics above, descenders below
        top, bottom = max(0, int((y0 - grow) * sy)), min(height, int(np.ceil((y1 + grow) * sy)))
        left, right = max(0, int((x0 - grow) * sx)), min(width, int(np.ceil((x1 + grow) * sx)))
        covered[top:bottom, left:right] = True
    return float((dark & covered).sum()) / total


def is_scan(path: str, page: int) -> bool:
    """Whether the page is mostly raster images (a scan), by their drawn size against the page's."""
    width, height = poppler.page_size_pt(path, page)
    return width > 0 and height > 0 and poppler.page_image_area(path, page) >= SCAN_IMAGE_SHARE * width * height


def layer_coverage(path: str, page: int) -> float | None:
    """How much of a page's ink lies under its text layer's words (rendered at 72 dpi); None if unknown."""
    page_size, boxes = poppler.page_word_boxes(path, page)
    if page_size[0] <= 0 or page_size[1] <= 0:
        return None
    rgb = poppler.render_page(path, page, RENDER_DPI)
    grey = (rgb[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.float32)
    return ink_coverage(grey, boxes, page_size)
