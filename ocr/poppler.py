"""Thin wrapper around poppler (``pdfinfo``, ``pdftoppm``, ``pdftotext``) via pdf2image.

Pages are rasterised one at a time so a 200-page PDF is never held in memory.
Poppler's error texts are turned into plain-words input errors.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
import pdf2image
import pdf2image.exceptions as pdf_exc

from .errors import InputFileError, MissingDependencyError, OcrError

APT_HINT = "install it with: apt-get install poppler-utils"
TIMEOUT = 300


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    encrypted: bool
    page_size_pt: tuple[float, float]


def check() -> None:
    for prog in ("pdfinfo", "pdftoppm"):
        if not shutil.which(prog):
            raise MissingDependencyError(f"{prog} (poppler) is not installed; {APT_HINT}")


def pdf_info(path: str) -> PdfInfo:
    check()
    try:
        raw = pdf2image.pdfinfo_from_path(path, timeout=TIMEOUT)
    except pdf_exc.PDFPageCountError as exc:
        raise InputFileError(_explain(str(exc)), path=path) from exc
    except pdf_exc.PDFPopplerTimeoutError as exc:
        raise InputFileError("PDF could not be read in time (corrupt or extremely complex)", path=path) from exc
    pages = int(raw.get("Pages", 0))
    if pages <= 0:
        raise InputFileError("PDF has no pages (corrupt or truncated)", path=path)
    size = str(raw.get("Page size", "595 x 842 pts")).split()
    try:
        size_pt = (float(size[0]), float(size[2]))
    except (IndexError, ValueError):
        size_pt = (595.0, 842.0)
    encrypted = str(raw.get("Encrypted", "no")).startswith("yes")
    return PdfInfo(pages=pages, encrypted=encrypted, page_size_pt=size_pt)


def render_page(path: str, page: int, dpi: int) -> np.ndarray:
    """One page as an RGB array; ``page`` is 1-based."""
    try:
        images = pdf2image.convert_from_path(
            path, dpi=dpi, first_page=page, last_page=page, fmt="ppm", timeout=TIMEOUT
        )
    except pdf_exc.PDFPageCountError as exc:
        raise InputFileError(_explain(str(exc)), path=path, page=page) from exc
    except pdf_exc.PDFPopplerTimeoutError as exc:
        raise OcrError("pdftoppm timed out rendering the page", path=path, page=page) from exc
    except (pdf_exc.PDFSyntaxError, pdf_exc.PDFInfoNotInstalledError) as exc:
        raise InputFileError(_explain(str(exc)), path=path, page=page) from exc
    if not images:
        raise InputFileError("the page could not be rendered (corrupt PDF)", path=path, page=page)
    return np.asarray(images[0].convert("RGB"))


def page_text(path: str, page: int) -> str:
    """The PDF's own text layer for one page ('' when there is none)."""
    return page_layer_text(path, page).replace("\f", "")


def page_layer_text(path: str, page: int) -> str:
    """One page's text layer exactly as ``pdftotext -enc UTF-8 FILE -`` prints it, minus its closing form feed.

    pdftotext ends every page with a form feed and lays each page out on its
    own, so these pages joined with form feeds (and one at the end) are its
    whole-file output byte for byte: the born-digital contract.  '' when the
    page has no text or pdftotext fails (the page is then OCR'd).
    """
    if not shutil.which("pdftotext"):
        raise MissingDependencyError(f"pdftotext (poppler) is not installed; {APT_HINT}")
    text = _output(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", path, "-"])
    return text[:-1] if text.endswith("\f") else text


def _output(args: list[str]) -> str:
    """A poppler tool's output as UTF-8 text; '' when it fails or hangs: the layer is then
    simply not used and the page is OCR'd, which reports its own errors."""
    try:
        proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""


_WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')
_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def page_word_boxes(path: str, page: int) -> tuple[tuple[float, float], list[tuple[float, float, float, float]]]:
    """Page size and the text layer's word boxes (x0, y0, x1, y1), in points from the top left."""
    html = _output(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", path, "-"])
    size = _PAGE_RE.search(html)
    page_size = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
    return page_size, [tuple(float(v) for v in m.groups()) for m in _WORD_RE.finditer(html)]


def page_size_pt(path: str, page: int) -> tuple[float, float]:
    """One page's size in points ((0, 0) when pdfinfo cannot say): pages of one PDF may differ."""
    info = _output(["pdfinfo", "-f", str(page), "-l", str(page), path])
    match = re.search(r"^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    return (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)


def page_image_area(path: str, page: int) -> float:
    """Square points of the page covered by raster images (as drawn at their resolution); 0 when unknown.

    A page that is mostly one image is a scan, and its text layer (if any) a
    scanner's OCR.
    """
    area = 0.0
    for line in _output(["pdfimages", "-f", str(page), "-l", str(page), "-list", path]).splitlines()[2:]:
        cols = line.split()
        try:
            if cols[2] != "image":
                continue
            width, height, xppi, yppi = int(cols[3]), int(cols[4]), float(cols[12]), float(cols[13])
        except (IndexError, ValueError):
            continue
        if xppi > 0 and yppi > 0:
            area += (width / xppi * 72) * (height / yppi * 72)
    return area


def _explain(poppler_message: str) -> str:
    msg = poppler_message.lower()
    if "incorrect password" in msg or "encrypt" in msg:
        return "PDF is password-protected; remove the password (e.g. qpdf --decrypt) and try again"
    if "couldn't open file" in msg:
        return "PDF cannot be opened (missing, moved or unreadable)"
    if "couldn't find trailer" in msg or "xref" in msg or "syntax error" in msg or "may not be a pdf" in msg:
        return "PDF is corrupt or truncated and cannot be read"
    first = " ".join(poppler_message.split())[:200]
    return f"PDF cannot be read ({first})"
