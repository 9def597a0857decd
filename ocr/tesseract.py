"""Thin wrapper around the ``tesseract`` program (through pytesseract).

It checks that the program and its Vietnamese and OSD data are installed,
runs orientation detection and recognition, and turns every failure into one
of our exceptions with a message that says what to install or what went wrong.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pytesseract
from PIL import Image

from .errors import MissingDependencyError, OcrError

MIN_VERSION = (4, 1)
#: seconds before one page's recognition is given up (a sane page takes < 30 s)
PAGE_TIMEOUT = 300
APT_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def info() -> TesseractInfo:
    """Version and installed languages; cached because they cannot change during a run."""
    exe = shutil.which(pytesseract.pytesseract.tesseract_cmd) or shutil.which("tesseract")
    if not exe:
        raise MissingDependencyError(f"tesseract is not installed; {APT_HINT}")
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise MissingDependencyError(f"tesseract cannot be run ({exc}); {APT_HINT}") from exc
    match = re.search(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", out.stdout + out.stderr)
    if not match:
        raise MissingDependencyError(f"cannot read the tesseract version; {APT_HINT}")
    version = ".".join(g for g in match.groups() if g is not None)
    languages = tuple(
        ln.strip() for ln in langs.stdout.splitlines()[1:] if ln.strip() and " " not in ln.strip()
    )
    return TesseractInfo(version=version, languages=languages)


def check(lang: str = "vie", need_osd: bool = True) -> TesseractInfo:
    """Fail early, with the apt package to install, when something is missing."""
    found = info()
    major_minor = tuple(int(x) for x in found.version.split(".")[:2])
    if major_minor < MIN_VERSION:
        raise MissingDependencyError(
            f"tesseract {found.version} is too old; vanban needs {MIN_VERSION[0]}.{MIN_VERSION[1]} or newer"
        )
    for code in lang.split("+"):
        if code not in found.languages:
            raise MissingDependencyError(
                f"tesseract has no '{code}' language data; install it with: "
                f"apt-get install tesseract-ocr-{code}"
            )
    if need_osd and "osd" not in found.languages:
        raise MissingDependencyError(
            "tesseract has no 'osd' data (orientation detection); install it with: "
            "apt-get install tesseract-ocr-osd"
        )
    return found


@dataclass(frozen=True)
class Orientation:
    rotate: int  # degrees clockwise that turn the page upright (0, 90, 180, 270)
    confidence: float
    script: str


def detect_orientation(image: np.ndarray) -> Orientation | None:
    """Tesseract OSD; None when the page has too little text to tell."""
    try:
        with _uncompressed(image) as path:
            out = pytesseract.image_to_osd(
                path, config="--psm 0 -c min_characters_to_try=20", timeout=PAGE_TIMEOUT
            )
    except pytesseract.TesseractError as exc:
        if "Too few characters" in str(exc) or "Invalid resolution" in str(exc):
            return None
        raise OcrError(f"tesseract orientation detection failed: {_short(exc)}") from exc
    except RuntimeError as exc:  # pytesseract reports its timeout this way
        raise OcrError(f"tesseract orientation detection timed out: {exc}") from exc
    rotate = int(re.search(r"Rotate:\s*(\d+)", out).group(1))
    conf = float(re.search(r"Orientation confidence:\s*([\d.]+)", out).group(1))
    script_m = re.search(r"Script:\s*(\S+)", out)
    return Orientation(rotate=rotate % 360, confidence=conf, script=script_m.group(1) if script_m else "")


@dataclass(frozen=True)
class TsvWord:
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str


def recognise(image: np.ndarray, lang: str = "vie", psm: int = 3, dpi: int | None = 300,
              whitelist: str | None = None) -> list[TsvWord]:
    """Words with boxes and confidences from Tesseract's TSV output (only ``whitelist``'s characters
    when one is given)."""
    # dpi None: Tesseract estimates the resolution from the text itself
    config = f"--psm {psm}{'' if dpi is None else f' --dpi {dpi}'} -c preserve_interword_spaces=0"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    try:
        with _uncompressed(image) as path:
            data = pytesseract.image_to_data(
                path, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=PAGE_TIMEOUT,
            )
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed: {_short(exc)}") from exc
    except RuntimeError as exc:
        raise OcrError(f"tesseract timed out after {PAGE_TIMEOUT} s") from exc
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text or int(data["level"][i]) != 5:
            continue
        words.append(
            TsvWord(
                block=int(data["block_num"][i]), par=int(data["par_num"][i]), line=int(data["line_num"][i]),
                left=int(data["left"][i]), top=int(data["top"][i]),
                width=int(data["width"][i]), height=int(data["height"][i]),
                conf=max(0.0, float(data["conf"][i])), text=text,
            )
        )
    return words


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


@contextlib.contextmanager
def _uncompressed(image: np.ndarray) -> Iterator[str]:
    """The page as an uncompressed PGM/PPM file for Tesseract: pytesseract would write a PNG, and
    compressing an A4 page at 300 dpi costs a tenth of a second or more for nothing."""
    with tempfile.TemporaryDirectory(prefix="vanban-") as folder:
        path = Path(folder) / "page.pnm"
        Image.fromarray(image).save(path, format="PPM")
        yield str(path)
