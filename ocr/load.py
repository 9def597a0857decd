"""Stage 1, load: identify an input file and give its pages one at a time.

Files are identified by their first bytes, not their names (scanners name
things ``scan0001.pdf`` whatever they are).  Sizes are checked before an image
is decoded, so a 20,000 x 20,000 pixel file is refused without using gigabytes.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from . import poppler
from .errors import InputFileError

TARGET_DPI = 300
#: default ceiling on decoded pixels per page (A3 at 400 dpi is ~31 Mpx)
DEFAULT_MAX_PIXELS = 60_000_000
KINDS = ("pdf", "tiff", "png", "jpeg")


@dataclass(frozen=True)
class SourceInfo:
    path: str
    kind: str  # one of KINDS
    pages: int


@dataclass
class PageImage:
    number: int  # 1-based
    pixels: np.ndarray  # RGB uint8 (or 2-D grey for grey sources)
    dpi: int
    source_dpi: int | None  # what the file said, None when it said nothing
    #: pixels of the page as stored (before any resampling); None means the same as ``pixels``
    source_size: tuple[int, int] | None = None
    #: the stored pixels when they were enlarged (small, low-resolution images only): what plain
    #: Tesseract would read, kept for the never-worse fallback
    stored: np.ndarray | None = None


def sniff(path: str) -> str:
    """The file kind from its magic bytes; an InputFileError if it is none we read."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError as exc:
        raise InputFileError("file not found", path=path) from exc
    except IsADirectoryError as exc:
        raise InputFileError("is a directory, not a file", path=path) from exc
    except OSError as exc:
        raise InputFileError(f"cannot be read ({exc.strerror})", path=path) from exc
    if size == 0:
        raise InputFileError("file is empty (0 bytes)", path=path)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    shown = head[:4].hex(" ")
    raise InputFileError(
        f"not a PDF, TIFF, PNG or JPEG file (it starts with bytes {shown}); "
        "vanban reads scans in those formats only",
        path=path,
    )


def inspect(path: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> SourceInfo:
    """Identify the file and count its pages without decoding any page."""
    kind = sniff(path)
    if kind == "pdf":
        info = poppler.pdf_info(path)
        w_px = info.page_size_pt[0] / 72 * TARGET_DPI
        h_px = info.page_size_pt[1] / 72 * TARGET_DPI
        if w_px * h_px > max_pixels:
            raise InputFileError(
                f"PDF page is {info.page_size_pt[0]:.0f} x {info.page_size_pt[1]:.0f} pt, "
                f"{w_px * h_px / 1e6:.0f} Mpx at {TARGET_DPI} dpi: larger than the limit of "
                f"{max_pixels / 1e6:.0f} Mpx (--max-pixels)",
                path=path,
            )
        return SourceInfo(path, kind, info.pages)
    with _open_image(path, kind) as img:
        _check_size(img, path, max_pixels)
        pages = getattr(img, "n_frames", 1) if kind == "tiff" else 1
    return SourceInfo(path, kind, int(pages))


def load_page(source: SourceInfo, number: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> PageImage:
    """Decode one page (1-based) as an array at about 300 dpi."""
    if source.kind == "pdf":
        pixels = poppler.render_page(source.path, number, TARGET_DPI)
        return PageImage(number, pixels, TARGET_DPI, TARGET_DPI)
    with _open_image(source.path, source.kind) as img:
        frame = img
        if number > 1:
            try:
                img.seek(number - 1)
            except EOFError as exc:
                raise InputFileError(f"has no page {number}", path=source.path, page=number) from exc
        _check_size(frame, source.path, max_pixels, number)
        source_dpi = _dpi_of(frame)
        stored_size = (int(frame.width), int(frame.height))
        try:
            frame.load()
            rgb = _to_rgb_or_grey(frame)
        except (OSError, ValueError, SyntaxError) as exc:
            raise InputFileError(f"image data is corrupt or truncated ({exc})", path=source.path, page=number) from exc
    dpi = source_dpi or TARGET_DPI
    stored = None
    if source_dpi and not 250 <= source_dpi <= 400:
        if source_dpi < 250:
            stored = np.asarray(rgb)
        rgb = _resample(rgb, TARGET_DPI / source_dpi)
        dpi = TARGET_DPI
    return PageImage(number, np.asarray(rgb), dpi, source_dpi, stored_size, stored)


class _open_image:
    """Open with Pillow, turning its errors (bombs included) into input errors."""

    def __init__(self, path: str, kind: str):
        self.path, self.kind = path, kind
        self.img: Image.Image | None = None

    def __enter__(self) -> Image.Image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                self.img = Image.open(self.path)
        except Image.DecompressionBombError as exc:
            # Pillow refuses before we can read the size; its message carries the pixel count
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)) / 1e6:.0f} Mpx" if found else "over 178 Mpx"
            raise InputFileError(
                f"image is {size}, far too large to be a page scan (limit: --max-pixels); scan at 300 dpi",
                path=self.path,
            ) from exc
        except FileNotFoundError as exc:
            raise InputFileError("file not found (moved or deleted while vanban was running?)", path=self.path) from exc
        except PermissionError as exc:
            raise InputFileError("file cannot be read (permission denied)", path=self.path) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise InputFileError(f"{self.kind.upper()} file is corrupt or truncated ({exc})", path=self.path) from exc
        return self.img

    def __exit__(self, *exc_info) -> None:
        if self.img is not None:
            self.img.close()


def _check_size(img: Image.Image, path: str, max_pixels: int, page: int | None = None) -> None:
    w, h = img.size
    if w * h > max_pixels:
        raise InputFileError(
            f"image is {w} x {h} pixels ({w * h / 1e6:.0f} Mpx), larger than the limit of "
            f"{max_pixels / 1e6:.0f} Mpx (--max-pixels); scan at 300 dpi",
            path=path, page=page,
        )
    if w < 50 or h < 50:
        raise InputFileError(f"image is only {w} x {h} pixels: too small to be a page scan", path=path, page=page)


def _dpi_of(img: Image.Image) -> int | None:
    dpi = img.info.get("dpi")
    if not dpi:
        return None
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 50 <= value <= 2400 else None


def _to_rgb_or_grey(img: Image.Image) -> Image.Image:
    if img.mode in ("1", "L", "I;16", "I;16B", "I", "F"):
        return img.convert("L")
    if img.mode in ("LA", "PA"):
        return img.convert("L")
    return img.convert("RGB")


def _resample(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC)
