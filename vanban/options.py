"""What a run is asked to do: the options every entry point (CLI, service, watcher) fills in."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import restore
from ocr import load
from ocr.errors import BadArgsError

SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
#: every output format; ``DEFAULT_FORMATS`` unless the user asks (see ``write_outputs``)
FORMATS = ("txt", "json", "pdf", "hocr", "alto")
DEFAULT_FORMATS = ("txt", "json")
#: formats written from the word boxes (need the in-memory Document, not only text and JSON)
BOX_FORMATS = ("pdf", "hocr", "alto")


def parse_formats(raw: str) -> tuple[str, ...]:
    """``"txt,json,pdf"`` -> ("txt", "json", "pdf"); a BadArgsError names an unknown format."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in raw.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise BadArgsError(f"unknown output format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return formats


@dataclass(frozen=True)
class Options:
    """Everything that changes what the pipeline does; each clean step can be switched off."""

    lang: str = "vie"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    force: bool = False
    repair: bool = True
    #: the kinds of repair made (accent, spelling, reorder); the others are only logged
    repair_kinds: tuple[str, ...] = tuple(sorted(restore.KINDS))
    #: measure the print's size and rescale pages whose letters are far from 300-dpi size
    rescale: bool = True
    orient: bool = True
    deskew: bool = True
    remove_ink: bool = True
    remove_borders: bool = True
    normalise: bool = True
    binarise: bool = True
    despeckle: bool = True
    #: PDFs' own text: auto (use good or legacy-encoded layers, OCR junk), use (any layer), ignore (always OCR)
    text_layer: str = "auto"
    max_pixels: int = load.DEFAULT_MAX_PIXELS
    psm: int = 3
    #: the searchable PDF is PDF/A-2b (validated when written); False: a plain PDF
    pdfa: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
