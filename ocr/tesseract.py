"""Thin wrapper around Tesseract: its library through tesserocr, else the ``tesseract`` program.

It checks that the program and its Vietnamese and OSD data are installed,
runs orientation detection and recognition, and turns every failure into one
of our exceptions with a message that says what to install or what went wrong.

Recognition goes through tesserocr's library when it is installed: the model is loaded once per
page process, not once per call, and the pixels are handed over without writing a file (on an A4
page at 300 dpi the program takes 1.8 s where the library takes 1.25 s with the same Debian data).
``VANBAN_TESSERACT=cli`` forces the program.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pytesseract
from PIL import Image

from .errors import MissingDependencyError, OcrError

MIN_VERSION = (4, 1)
#: ``cli`` runs the tesseract program for every call even when tesserocr is installed
ENGINE_ENV = "VANBAN_TESSERACT"
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
    api = _library("osd")
    if api is not None:  # 0.2 s where the program takes 0.6-0.8 s (it loads 10 MB of osd data each time)
        with _LIBRARY_LOCK:
            return _osd_by_library(api, image)
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


def _osd_by_library(api, image: np.ndarray) -> Orientation | None:
    try:
        _set_pixels(api, image)
        found = api.DetectOrientationScript()
    except RuntimeError:  # too few characters to tell
        return None
    finally:
        api.Clear()
    if not found:
        return None
    # the library gives the page's orientation (counter-clockwise); the program's "Rotate:" is the
    # clockwise turn that undoes it
    return Orientation(rotate=(360 - int(found["orient_deg"])) % 360, confidence=float(found["orient_conf"]),
                       script=str(found.get("script_name") or ""))


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
              whitelist: str | None = None, program: bool = False) -> list[TsvWord]:
    """Words with boxes and confidences from Tesseract's TSV output (only ``whitelist``'s characters
    when one is given).  ``program``: the ``tesseract`` program even when the library is there, for
    the reading that must equal what plain ``tesseract`` gives on the file."""
    # dpi None: Tesseract estimates the resolution from the text itself
    api = None if program else _library(lang)
    if api is None:
        data = _tsv_by_program(image, lang, psm, dpi, whitelist)
    else:
        with _LIBRARY_LOCK:
            data = _tsv_by_library(api, image, psm, dpi, whitelist)
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


def engine() -> str:
    """What reads the pages, for the JSON: the library's version when it is used, else the program's."""
    if _use_library():
        return f"tesseract {_library_version()} (tesserocr)"
    return f"tesseract {info().version}"


def _tsv_by_program(image: np.ndarray, lang: str, psm: int, dpi: int | None, whitelist: str | None) -> dict:
    config = f"--psm {psm}{'' if dpi is None else f' --dpi {dpi}'} -c preserve_interword_spaces=0"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    try:
        with _uncompressed(image) as path:
            return pytesseract.image_to_data(
                path, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=PAGE_TIMEOUT,
            )
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed: {_short(exc)}") from exc
    except RuntimeError as exc:
        raise OcrError(f"tesseract timed out after {PAGE_TIMEOUT} s") from exc


@functools.lru_cache(maxsize=1)
def _library_version() -> str | None:
    try:
        import tesserocr
    except ImportError:
        return None
    match = re.search(r"tesseract\s+(\d+\.\d+(?:\.\d+)?)", tesserocr.tesseract_version())
    return match.group(1) if match else None


def _use_library() -> bool:
    """tesserocr is installed, carries Tesseract 5 or newer, and VANBAN_TESSERACT does not say cli."""
    version = _library_version()
    return version is not None and os.environ.get(ENGINE_ENV) != "cli" and \
        tuple(int(x) for x in version.split(".")[:2]) >= (5, 0)


#: a loaded model reads one page at a time: page processes are single-threaded, but a caller with
#: threads must not interleave two pages in one model
_LIBRARY_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _library(lang: str):
    """One loaded model per language and page process (a page process reads pages one at a time);
    None when tesserocr is missing, too old or switched off: the program is used instead."""
    if not _use_library():
        return None
    import tesserocr

    check(lang, need_osd=False)  # "osd" is checked as a language of its own
    osd = lang == "osd"
    try:
        return tesserocr.PyTessBaseAPI(
            path=_tessdata(), lang=lang, oem=tesserocr.OEM.DEFAULT,
            psm=tesserocr.PSM.OSD_ONLY if osd else tesserocr.PSM.AUTO,
            variables={"min_characters_to_try": "20"} if osd else {"preserve_interword_spaces": "0"})
    except RuntimeError as exc:
        raise MissingDependencyError(f"tesseract cannot load its '{lang}' data ({exc}); {APT_HINT}") from exc


@functools.lru_cache(maxsize=1)
def _tessdata() -> str:
    """The folder the program reads its data from (Debian's), so library and program read the same models."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    exe = shutil.which(pytesseract.pytesseract.tesseract_cmd) or shutil.which("tesseract")
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30) if exe else None
    match = re.search(r'"([^"]+)"', (out.stdout + out.stderr) if out else "")
    if not match:
        raise MissingDependencyError(f"cannot find tesseract's data folder; {APT_HINT}")
    return match.group(1)


def _tsv_by_library(api, image: np.ndarray, psm: int, dpi: int | None, whitelist: str | None) -> dict:
    """The program's ``image_to_data`` columns, read from the library's TSV of the same page."""
    api.SetPageSegMode(int(psm))
    api.SetVariable("tessedit_char_whitelist", whitelist or "")
    try:
        _set_pixels(api, image)
        if dpi is not None:
            api.SetSourceResolution(int(dpi))
        if not api.Recognize(timeout=PAGE_TIMEOUT * 1000):
            raise OcrError(f"tesseract failed or timed out after {PAGE_TIMEOUT} s")
        tsv = api.GetTSVText(0) or ""
    except RuntimeError as exc:
        raise OcrError(f"tesseract failed: {_short(exc)}") from exc
    finally:
        api.SetVariable("tessedit_char_whitelist", "")
        api.Clear()
    return _tsv_columns(tsv)


def _set_pixels(api, image: np.ndarray) -> None:
    """The page's uint8 grey or colour pixels, handed to the library without a file."""
    pixels = np.ascontiguousarray(image)
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    api.SetImageBytes(pixels.tobytes(), pixels.shape[1], pixels.shape[0], channels, pixels.shape[1] * channels)


_TSV_KEYS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
             "left", "top", "width", "height", "conf", "text")


def _tsv_columns(tsv: str) -> dict:
    data: dict[str, list] = {k: [] for k in _TSV_KEYS}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < len(_TSV_KEYS) - 1:
            continue
        cells += [""] * (len(_TSV_KEYS) - len(cells))
        for key, value in zip(_TSV_KEYS, cells):
            data[key].append(value)
    return data


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
