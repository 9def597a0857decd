#!/usr/bin/env python3
"""Synthetic "scans" of Vietnamese official documents with exact ground truth.

Why: OCR tests and benchmarks need page images whose correct text is known
character for character.  Real scans come with no such truth, so we typeset
short excerpts of real guidance letters (``samples/excerpts/*.txt``) the way an
A4 official letter is laid out (two-column header, justified body, signature
block), then damage the page the way scanners and offices do (skew, upside
down, stamps, seals, handwriting, low contrast, JPEG).

Importing this module has no side effects.  ``python samples/make_samples.py``
(``--out DIR``, default: this folder) regenerates every sample, its
``NAME.gt.txt`` and ``manifest.json``.  Output is deterministic: every random
choice comes from a seeded ``numpy.random.Generator``.

Public helpers (for tests that render extra pages at test time):

* :func:`parse_excerpt` / :func:`load_excerpt` - read the excerpt format.
* :func:`render_page` - clean grayscale A4 page (white paper, black text).
* :func:`render_page_with_layout` - same, plus the boxes of every text line.
* :func:`page_text` / :func:`document_text` - the ground truth for a page/doc.
* :func:`scan_look`, :func:`rotate`, :func:`add_scanner_border`,
  :func:`add_stamps`, :func:`degrade`, :func:`binarize` - the damage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# --------------------------------------------------------------------------
# Page geometry (A4 portrait at 300 dpi; margins as in Vietnamese
# administrative-document rules: left 30 mm, right/top/bottom 20 mm).
# --------------------------------------------------------------------------

SAMPLES_DIR = Path(__file__).resolve().parent
EXCERPTS_DIR = SAMPLES_DIR / "excerpts"

DPI = 300
PAGE_W, PAGE_H = 2480, 3508


def mm(v: float) -> int:
    """Millimetres to pixels at :data:`DPI`."""
    return round(v * DPI / 25.4)


def pt(v: float) -> int:
    """Typographic points to pixels at :data:`DPI` (13 pt = 54 px)."""
    return round(v * DPI / 72)


MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = mm(30), mm(20), mm(20), mm(20)
TEXT_LEFT = MARGIN_LEFT
TEXT_RIGHT = PAGE_W - MARGIN_RIGHT
TEXT_WIDTH = TEXT_RIGHT - TEXT_LEFT
TEXT_BOTTOM = PAGE_H - MARGIN_BOTTOM

BODY_PT = 14          # body text size
HEADER_PT = 13        # header column text size
LINE_SPACING = 1.4    # baseline-to-baseline / font size; keeps stacked diacritics apart
HEADER_SPACING = 1.35
PARA_GAP = pt(6)      # "spacing before 6 pt" between paragraphs
INDENT = mm(10)       # first-line indent, 1 cm
LEFT_COL_FRACTION = 0.45

# Liberation Serif 2.x has every precomposed Vietnamese letter (1.x lacks them).
FONT_DIRS = [
    Path(os.environ["VANBAN_FONT_DIR"]) if os.environ.get("VANBAN_FONT_DIR") else None,
    Path("/usr/share/fonts/truetype/liberation2"),
]
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "sans-bold": "LiberationSans-Bold.ttf",
    "sans": "LiberationSans-Regular.ttf",
}


class LayoutError(ValueError):
    """The text does not fit on the page (or a word is wider than the line)."""


_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    """Load a Liberation font.  BASIC layout: identical output with or without libraqm."""
    key = (style, int(size_px))
    if key not in _FONT_CACHE:
        name = FONT_FILES[style]
        for d in FONT_DIRS:
            if d is not None and (d / name).is_file():
                path = d / name
                break
        else:
            raise FileNotFoundError(
                f"{name} not found in {[str(d) for d in FONT_DIRS if d]}; "
                "install the Debian package fonts-liberation2 (1.x lacks Vietnamese glyphs)"
            )
        _FONT_CACHE[key] = ImageFont.truetype(
            str(path), int(size_px), layout_engine=ImageFont.Layout.BASIC
        )
    return _FONT_CACHE[key]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def clean_line(s: str) -> str:
    """NFC and single spaces: what the ground truth holds for one line."""
    return " ".join(nfc(s).split())


# --------------------------------------------------------------------------
# Excerpt format
# --------------------------------------------------------------------------
#
#   ; comment (only at the start of a line)
#   [meta]          key: value lines (source: 002_....txt, title: ...)
#   [left]          header, left column lines (issuing body, number, V/v ...)
#   [right]         header, right column lines (motto, place and date)
#   [body]          one title line or one paragraph per line
#   [sign]          signature block lines (last line = signer's name)
#   [page]          starts the next page
#
# Line markup (never part of the ground truth):
#   "# text"   title line: bold, centred (e.g. "# HƯỚNG DẪN")
#   "** text"  bold line / bold paragraph (e.g. "** I. MỤC ĐÍCH, YÊU CẦU")
#   "__ text"  italic line / italic paragraph
#   "---"      a short horizontal rule (graphics only) under the previous line
# Header columns without any markup are styled automatically (see
# _auto_header_styles).  Blank lines are ignored.

SECTIONS = ("left", "right", "body", "sign")


@dataclass
class PageSpec:
    """One page of an excerpt: marked-up lines per region."""

    left: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    sign: list[str] = field(default_factory=list)

    @property
    def has_header(self) -> bool:
        return bool(self.left or self.right)


@dataclass
class Excerpt:
    meta: dict[str, str]
    pages: list[PageSpec]


def parse_excerpt(text: str) -> Excerpt:
    """Parse the excerpt format described above."""
    meta: dict[str, str] = {}
    pages = [PageSpec()]
    section: str | None = None
    for lineno, raw in enumerate(nfc(text).splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            name = m.group(1).lower()
            if name == "page":
                pages.append(PageSpec())
                section = None
            elif name in SECTIONS or name == "meta":
                section = name
            else:
                raise ValueError(f"line {lineno}: unknown section [{name}]")
            continue
        if section is None:
            raise ValueError(f"line {lineno}: text outside a section: {line!r}")
        if section == "meta":
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        else:
            getattr(pages[-1], section).append(" ".join(line.split()))
    pages = [p for p in pages if p.left or p.right or p.body or p.sign]
    if not pages:
        raise ValueError("excerpt has no page")
    return Excerpt(meta, pages)


def load_excerpt(name_or_path: str | os.PathLike[str]) -> Excerpt:
    """Load ``samples/excerpts/NAME.txt`` (or any path)."""
    p = Path(name_or_path)
    if not p.suffix:
        p = EXCERPTS_DIR / f"{p}.txt"
    return parse_excerpt(p.read_text(encoding="utf-8"))


def split_markup(line: str) -> tuple[str, str]:
    """Return (style, text); style is title/bold/italic/regular/rule/auto."""
    line = line.strip()
    if re.fullmatch(r"-{3,}", line):
        return "rule", ""
    for prefix, style in (("# ", "title"), ("** ", "bold"), ("__ ", "italic")):
        if line.startswith(prefix):
            return style, clean_line(line[len(prefix):])
    return "auto", clean_line(line)


def page_text(left: Sequence[str], right: Sequence[str], body: Sequence[str],
              sign: Sequence[str] = ()) -> str:
    """Ground truth of one page: left column, right column, body, signature.

    One line per header line, per title line and per paragraph; rules are
    graphics and vanish; ends with a newline; NFC.
    """
    out: list[str] = []
    for region in (left, right, body, sign):
        for line in region:
            style, text = split_markup(line)
            if style != "rule" and text:
                out.append(text)
    return nfc("".join(t + "\n" for t in out))


def document_text(pages: Iterable[PageSpec]) -> str:
    """Ground truth of a document: page texts joined with form feeds."""
    return "\f".join(page_text(p.left, p.right, p.body, p.sign) for p in pages)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


@dataclass
class LineBox:
    """Where one text line was drawn (pixel box in the clean page)."""

    region: str  # left/right/title/body/sign
    text: str
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass
class PageLayout:
    lines: list[LineBox] = field(default_factory=list)
    rules: list[tuple[int, int, int, int]] = field(default_factory=list)
    sign_gap: tuple[int, int, int, int] | None = None  # box left for the signature

    def region(self, name: str) -> list[LineBox]:
        return [b for b in self.lines if b.region == name]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _is_date_line(text: str) -> bool:
    return bool(re.search(r"ngày\s+\S+\s+tháng", text))


def _auto_header_styles(lines: Sequence[str], column: str) -> list[tuple[str, str]]:
    """Style header lines the way official letters do, when no markup is given.

    Left: organ names (upper-case lines) regular, the last one bold with a rule
    under it; "Số ...", "V/v ..." regular.  Right: the motto lines (upper-case
    line and the line after it unless it is the date) bold with a rule under
    the last one; the place/date line italic.
    """
    parsed = [split_markup(l) for l in lines]
    if any(s != "auto" for s, _ in parsed):
        return [(("regular" if s == "auto" else s), t) for s, t in parsed]
    out: list[tuple[str, str]] = []
    if column == "left":
        upper = [i for i, (_, t) in enumerate(parsed) if _is_upper(t)]
        last = upper[-1] if upper else -1
        for i, (_, t) in enumerate(parsed):
            out.append(("bold" if i == last else "regular", t))
            if i == last:
                out.append(("rule", ""))
    else:
        bold_until = -1
        for i, (_, t) in enumerate(parsed):
            if _is_upper(t):
                bold_until = i
            elif i == bold_until + 1 and bold_until >= 0 and not _is_date_line(t):
                bold_until = i
        for i, (_, t) in enumerate(parsed):
            if _is_date_line(t):
                out.append(("italic", t))
            else:
                out.append(("bold" if i <= bold_until else "regular", t))
            if i == bold_until:
                out.append(("rule", ""))
    return out


def _fit_font(style: str, size_px: int, text: str, width: int) -> ImageFont.FreeTypeFont:
    """Largest font <= size_px whose rendering of text fits in width (header lines)."""
    f = font(style, size_px)
    while f.getlength(text) > width and size_px > 20:
        size_px -= 1
        f = font(style, size_px)
    return f


def _wrap(words: list[str], f: ImageFont.FreeTypeFont, first_width: float,
          width: float) -> list[list[str]]:
    """Greedy word wrap; never splits a word, never hyphenates."""
    lines: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        avail = first_width if not lines else width
        if f.getlength(w) > avail:
            raise LayoutError(f"word wider than the line: {w!r}")
        if not cur or f.getlength(" ".join(cur + [w])) <= avail:
            cur.append(w)
        else:
            lines.append(cur)
            cur = [w]
    if cur:
        lines.append(cur)
    return lines


class _Pen:
    """Draws lines top to bottom and records their boxes."""

    def __init__(self, draw: ImageDraw.ImageDraw, layout: PageLayout, ink: int | tuple[int, ...]):
        self.draw = draw
        self.layout = layout
        self.ink = ink

    def text(self, region: str, x: float, baseline: float, text: str,
             f: ImageFont.FreeTypeFont) -> None:
        self.draw.text((x, baseline), text, font=f, fill=self.ink, anchor="ls")
        asc, desc = f.getmetrics()
        self.layout.lines.append(LineBox(region, text, int(x), int(baseline - asc),
                                         int(round(x + f.getlength(text))), int(baseline + desc)))

    def words(self, region: str, x: float, baseline: float, words: list[str],
              f: ImageFont.FreeTypeFont, width: float) -> None:
        """Justify: spread the spare width over the gaps; each word drawn whole."""
        widths = [f.getlength(w) for w in words]
        gap = (width - sum(widths)) / (len(words) - 1)
        cx = x
        for w, wd in zip(words, widths):
            self.draw.text((cx, baseline), w, font=f, fill=self.ink, anchor="ls")
            cx += wd + gap
        asc, desc = f.getmetrics()
        self.layout.lines.append(LineBox(region, " ".join(words), int(x), int(baseline - asc),
                                         int(round(x + width)), int(baseline + desc)))


def _draw_column(pen: _Pen, lines: Sequence[str], column: str, x0: int, x1: int,
                 top: int, size_px: int) -> int:
    """Draw one header column, each line centred in [x0, x1); return bottom y."""
    pitch = round(size_px * HEADER_SPACING)
    y = top
    prev_width = 0.0
    cx = (x0 + x1) / 2
    for style, text in _auto_header_styles(lines, column):
        if style == "rule":
            asc, desc = font("regular", size_px).getmetrics()
            ry = round(y - pitch + asc + desc + 10)
            w = prev_width if column == "right" else max(0.38 * prev_width, mm(15))
            w = min(w, x1 - x0)
            box = (round(cx - w / 2), ry, round(cx + w / 2), ry + 2)
            pen.draw.rectangle(box, fill=pen.ink)
            pen.layout.rules.append(box)
            y += round(pitch * 0.35)
            continue
        f = _fit_font("bold" if style == "title" else style, size_px, text, x1 - x0 - 30)
        asc, _ = f.getmetrics()
        w = f.getlength(text)
        pen.text(column, cx - w / 2, y + asc, text, f)
        prev_width = w
        y += pitch
    return y


def render_page_with_layout(
    left: Sequence[str] = (),
    right: Sequence[str] = (),
    body: Sequence[str] = (),
    *,
    sign: Sequence[str] = (),
    body_pt: float = BODY_PT,
    header_pt: float = HEADER_PT,
    left_fraction: float = LEFT_COL_FRACTION,
    mode: str = "L",
) -> tuple[Image.Image, PageLayout]:
    """Typeset one clean A4 page; also return where each line went.

    Header columns start at the same y so a naive line-by-line reader would
    interleave them (that is the point of the test).  Raises LayoutError if
    anything would cross the bottom margin.
    """
    bg = 255 if mode == "L" else (255, 255, 255)
    ink = 0 if mode == "L" else (0, 0, 0)
    img = Image.new(mode, (PAGE_W, PAGE_H), bg)
    img.info["dpi"] = (DPI, DPI)
    layout = PageLayout()
    pen = _Pen(ImageDraw.Draw(img), layout, ink)
    size = pt(body_pt)
    pitch = round(size * LINE_SPACING)

    y = MARGIN_TOP
    if left or right:
        split = TEXT_LEFT + round(TEXT_WIDTH * left_fraction)
        hs = pt(header_pt)
        yl = _draw_column(pen, left, "left", TEXT_LEFT, split, MARGIN_TOP, hs)
        yr = _draw_column(pen, right, "right", split, TEXT_RIGHT, MARGIN_TOP, hs)
        y = max(yl, yr) + round(pitch * 0.9)

    prev_title = False
    for raw in body:
        style, text = split_markup(raw)
        if style == "rule":
            continue
        if not text:
            continue
        if style == "title":
            f = font("bold", size)
            asc, _ = f.getmetrics()
            for words in _wrap(text.split(), f, TEXT_WIDTH, TEXT_WIDTH):
                s = " ".join(words)
                pen.text("title", TEXT_LEFT + (TEXT_WIDTH - f.getlength(s)) / 2, y + asc, s, f)
                y += pitch
            prev_title = True
            continue
        if prev_title:
            y += round(pitch * 0.5)
            prev_title = False
        f = font("regular" if style == "auto" else style, size)
        asc, _ = f.getmetrics()
        wrapped = _wrap(text.split(), f, TEXT_WIDTH - INDENT, TEXT_WIDTH)
        for i, words in enumerate(wrapped):
            x = TEXT_LEFT + (INDENT if i == 0 else 0)
            width = TEXT_RIGHT - x
            if i < len(wrapped) - 1 and len(words) > 1:
                pen.words("body", x, y + asc, words, f, width)
            else:
                pen.text("body", x, y + asc, " ".join(words), f)
            y += pitch
        y += PARA_GAP

    if sign:
        y += round(pitch * 0.6)
        x0 = TEXT_LEFT + round(TEXT_WIDTH * left_fraction)
        cx = (x0 + TEXT_RIGHT) / 2
        texts = [split_markup(l) for l in sign]
        texts = [(s, t) for s, t in texts if s != "rule" and t]
        for i, (style, text) in enumerate(texts):
            if i == len(texts) - 1 and len(texts) > 1:
                gap = round(pitch * 3.2)
                layout.sign_gap = (x0, y - round(pitch * 0.2), TEXT_RIGHT, y + gap - round(pitch * 0.2))
                y += gap
            f = font("bold" if style == "auto" else style, size)
            asc, _ = f.getmetrics()
            pen.text("sign", cx - f.getlength(text) / 2, y + asc, text, f)
            y += pitch

    bottom = max((b.y1 for b in layout.lines), default=0)
    if bottom > TEXT_BOTTOM:
        raise LayoutError(f"page overflows the bottom margin by {bottom - TEXT_BOTTOM} px")
    return img, layout


def render_page(left: Sequence[str] = (), right: Sequence[str] = (), body: Sequence[str] = (),
                *, sign: Sequence[str] = (), body_pt: float = BODY_PT,
                header_pt: float = HEADER_PT, left_fraction: float = LEFT_COL_FRACTION,
                mode: str = "L") -> Image.Image:
    """Clean A4 page at 300 dpi: white paper, black text (see render_page_with_layout)."""
    img, _ = render_page_with_layout(left, right, body, sign=sign, body_pt=body_pt,
                                     header_pt=header_pt, left_fraction=left_fraction, mode=mode)
    return img


def render_spec(page: PageSpec, mode: str = "L") -> tuple[Image.Image, PageLayout]:
    """Render a parsed excerpt page."""
    return render_page_with_layout(page.left, page.right, page.body, sign=page.sign, mode=mode)


# --------------------------------------------------------------------------
# Damage
# --------------------------------------------------------------------------


def _rng(seed: int | str | np.random.Generator) -> np.random.Generator:
    """Seeded generator; strings hash with crc32 (Python's hash() is salted)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode("utf-8"))
    return np.random.default_rng(seed)


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: int = 8) -> np.ndarray:
    """Low-frequency random field in [-1, 1]: paper fibre shading, stamp ink."""
    h, w = shape
    gh = max(2, round(cells * h / max(h, w)))
    gw = max(2, round(cells * w / max(h, w)))
    grid = rng.uniform(-1.0, 1.0, (gh + 1, gw + 1)).astype(np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC).clip(-1, 1)


def _as_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32)


def _to_image(arr: np.ndarray, mode: str) -> Image.Image:
    out = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), mode)
    out.info["dpi"] = (DPI, DPI)
    return out


def rotate(img: Image.Image, angle_deg: float, fill: int | tuple[int, ...] | None = None) -> Image.Image:
    """Skew the page like paper lying crooked on the glass.

    PIL convention: positive angle = counter-clockwise as seen.  Size is kept
    (expand=False); uncovered corners get ``fill`` (default: white paper, as
    the clean page is rotated before scan_look gives it its tone).  180 turns
    exactly (no resampling).
    """
    if fill is None:
        fill = 255 if img.mode == "L" else (255,) * len(img.getbands())
    if angle_deg % 360 == 180:
        out = img.transpose(Image.Transpose.ROTATE_180)
    else:
        out = img.rotate(angle_deg, resample=Image.Resampling.BICUBIC, expand=False,
                         fillcolor=fill)
    out.info["dpi"] = (DPI, DPI)
    return out


def scan_look(img: Image.Image, seed: int | str | np.random.Generator, *,
              paper: float | tuple[float, float, float] = 242.0, ink_floor: float = 0.11,
              blur_sigma: float = 0.75, noise_sigma: float = 4.0, noise_fraction: float = 0.025,
              dust: int = 12) -> Image.Image:
    """Make a clean render look scanned: off-white paper, soft edges, light noise.

    The page is multiplied onto the paper tone (so coloured stamp ink keeps its
    hue and black text ends near ``paper * ink_floor``), then blurred (optics)
    and given sensor noise on a sparse ``noise_fraction`` of the pixels plus a
    few dust specks.  Dense noise would triple the PNG size for no test value
    (the heavy-noise case is :func:`degrade`, saved as JPEG).
    """
    rng = _rng(seed)
    rgb = img.mode == "RGB"
    a = _as_float(img) / 255.0
    a = ink_floor + (1.0 - ink_floor) * a
    shading = 1.0 + 0.012 * _smooth_field(rng, a.shape[:2], cells=6)
    if rgb:
        p = np.asarray(paper if isinstance(paper, tuple) else (paper + 4, paper + 2, paper - 5),
                       dtype=np.float32)
        out = a * p[None, None, :] * shading[..., None]
    else:
        p = float(paper if not isinstance(paper, tuple) else np.mean(paper))
        out = a * p * shading
    if blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur_sigma)
    if noise_sigma > 0 and noise_fraction > 0:
        n = rng.normal(0.0, noise_sigma, out.shape[:2]).astype(np.float32)
        n[rng.random(out.shape[:2]) >= noise_fraction] = 0.0
        out = out + (n[..., None] if rgb else n)
    h, w = out.shape[:2]
    for _ in range(dust):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(1, 3))
        v = float(rng.uniform(60, 150))
        cv2.circle(out, (x, y), r, (v, v, v) if rgb else v, -1, lineType=cv2.LINE_AA)
    return _to_image(out, img.mode)


def add_scanner_border(img: Image.Image, seed: int | str | np.random.Generator, *,
                       top: int = 60, right: int = 48, level: float = 55.0) -> Image.Image:
    """Dark band on the top and right edges, as from an open or dark scanner lid."""
    rng = _rng(seed)
    a = _as_float(img)
    h, w = a.shape[:2]
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    # uneven band edges: a slowly wandering boundary
    t_edge = top + 10 * _smooth_field(rng, (1, w), cells=5)[0][None, :]
    r_edge = w - right - 8 * _smooth_field(rng, (h, 1), cells=5)[:, 0][:, None]
    cover = np.maximum(np.clip((t_edge - yy) / 6.0 + 0.5, 0, 1),
                       np.clip((xx - r_edge) / 6.0 + 0.5, 0, 1))
    dark = level + 12 * _smooth_field(rng, (h, w), cells=10) + rng.normal(0, 3, (h, w)).astype(np.float32)
    if a.ndim == 3:
        cover, dark = cover[..., None], dark[..., None]
    return _to_image(a * (1 - cover) + dark * cover, img.mode)


def degrade(img: Image.Image, seed: int | str | np.random.Generator, *,
            paper: float = 208.0, ink: float = 125.0, illumination: float = 0.16,
            noise_sigma: float = 12.0, salt_pepper: float = 0.0015,
            blur_sigma: float = 1.0) -> Image.Image:
    """Poor photocopy / phone-scan: low contrast, uneven light, heavy noise, specks.

    Takes a clean render (white paper, black ink) and returns grayscale with
    ink near ``ink`` on paper near ``paper``, dimmed towards one corner and
    the edges by up to ``illumination``, gaussian noise and salt-and-pepper.
    Save it as a low-quality JPEG for the full effect.
    """
    rng = _rng(seed)
    g = _as_float(img.convert("L")) / 255.0
    g = cv2.GaussianBlur(g, (0, 0), blur_sigma)
    base = ink + (paper - ink) * g
    h, w = g.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = xx / w, yy / h
    corner = 0.55 * gx + 0.45 * gy                     # darker towards bottom-right
    r = np.sqrt(((gx - 0.45) / 0.75) ** 2 + ((gy - 0.4) / 0.8) ** 2)
    light = 1.04 - illumination * (0.6 * corner + 0.4 * np.clip(r, 0, 1.3) ** 2)
    light += 0.02 * _smooth_field(rng, (h, w), cells=5)
    out = base * light + rng.normal(0.0, noise_sigma, (h, w)).astype(np.float32)
    n = int(salt_pepper * h * w)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    vals = np.where(rng.random(n) < 0.6, rng.uniform(0, 60, n), rng.uniform(235, 255, n))
    out[ys, xs] = vals
    # a few bigger specks (dirt on the glass)
    for _ in range(40):
        cv2.circle(out, (int(rng.integers(0, w)), int(rng.integers(0, h))),
                   int(rng.integers(2, 5)), float(rng.uniform(40, 90)), -1, cv2.LINE_AA)
    return _to_image(out, "L")


def binarize(img: Image.Image, threshold: int = 150) -> Image.Image:
    """Fax-like 1-bit page (what a group-4 TIFF from an office scanner holds)."""
    out = img.convert("L").point(lambda v: 255 if v > threshold else 0).convert("1", dither=Image.Dither.NONE)
    out.info["dpi"] = (DPI, DPI)
    return out


# ---- ink marks: seals, stamps, handwriting --------------------------------

RED_INK = (205, 32, 42)
SEAL_RING = "THÀNH ỦY HẢI PHÒNG * BAN TUYÊN GIÁO * "
RECEIVED_STAMP = ("VĂN PHÒNG ĐẢNG ỦY", "ĐẾN", "Số: 14", "Ngày: 10/01/2024")
BLUE_INK = (32, 58, 168)
PEN_BLUE = (22, 40, 140)


def _apply_ink(base: np.ndarray, alpha: np.ndarray, color: tuple[int, int, int],
               x: int, y: int) -> None:
    """Multiply-blend an ink layer into base (float RGB) in place at (x, y).

    Multiply keeps black text black where ink crosses it, as real ink does.
    """
    h, w = alpha.shape
    H, W = base.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
    c = np.asarray(color, dtype=np.float32)[None, None, :] / 255.0
    base[y0:y1, x0:x1] *= 1.0 - a * (1.0 - c)


def _ink_texture(rng: np.random.Generator, shape: tuple[int, int], strength: float = 0.45) -> np.ndarray:
    """Uneven stamp-pad ink: blotchy density with small dry gaps."""
    t = 1.0 - strength * (0.5 + 0.5 * _smooth_field(rng, shape, cells=7))
    speck = rng.random(shape) < 0.04
    t[speck] *= 0.35
    return cv2.GaussianBlur(t.astype(np.float32), (0, 0), 1.0)


def _text_mask(text: str, f: ImageFont.FreeTypeFont) -> np.ndarray:
    l, t, r, b = f.getbbox(text, anchor="mm")
    w, h = int(r - l) + 8, int(b - t) + 8
    im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(im).text((w / 2, h / 2), text, font=f, fill=255, anchor="mm")
    return np.asarray(im, dtype=np.float32) / 255.0


def _paste_max(dst: np.ndarray, src: np.ndarray, cx: float, cy: float) -> None:
    h, w = src.shape
    x, y = int(round(cx - w / 2)), int(round(cy - h / 2))
    H, W = dst.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x0 < x1 and y0 < y1:
        np.maximum(dst[y0:y1, x0:x1], src[y0 - y:y1 - y, x0 - x:x1 - x], out=dst[y0:y1, x0:x1])


def seal_mask(rng: np.random.Generator, ring_text: str, center_text: str = "",
              radius: int = 236) -> np.ndarray:
    """Round red seal (about 40 mm): two circles, text around the ring, a star."""
    size = 2 * radius + 20
    m = np.zeros((size, size), np.float32)
    c = size / 2
    cv2.circle(m, (int(c), int(c)), radius - 4, 1.0, 9, cv2.LINE_AA)
    cv2.circle(m, (int(c), int(c)), radius - 78, 1.0, 4, cv2.LINE_AA)
    f = font("sans-bold", 46)
    chars = list(ring_text)
    step = 360.0 / len(chars)
    for i, ch in enumerate(chars):
        if ch == " ":
            continue
        theta = i * step
        glyph = Image.fromarray((_text_mask(ch, f) * 255).astype(np.uint8))
        glyph = glyph.rotate(-theta, resample=Image.Resampling.BICUBIC, expand=True)
        rr = radius - 42
        gx = c + rr * np.sin(np.radians(theta))
        gy = c - rr * np.cos(np.radians(theta))
        _paste_max(m, np.asarray(glyph, np.float32) / 255.0, gx, gy)
    # five-pointed star in the centre
    pts = []
    for k in range(10):
        r = 62 if k % 2 == 0 else 25
        a = np.radians(-90 + 36 * k)
        pts.append((c + r * np.cos(a), c - 18 + r * np.sin(a)))
    cv2.fillPoly(m, [np.round(np.array(pts) * 16).astype(np.int32)], 1.0, cv2.LINE_AA, shift=4)
    if center_text:
        _paste_max(m, _text_mask(center_text, font("sans-bold", 30)), c, c + 70)
    return m * _ink_texture(rng, m.shape)


def received_stamp_mask(rng: np.random.Generator, lines: Sequence[str] = (
        "VĂN PHÒNG ĐẢNG ỦY", "ĐẾN", "Số: 14", "Ngày: 10/01/2024")) -> np.ndarray:
    """Rectangular "ĐẾN" (received) stamp, filled in by the clerk."""
    w, h = 600, 330
    m = np.zeros((h, w), np.float32)
    cv2.rectangle(m, (4, 4), (w - 5, h - 5), 1.0, 7, cv2.LINE_AA)
    sizes = [40, 78, 40, 40]
    ys = [52, 132, 212, 278]
    for text, s, y in zip(lines, sizes, ys):
        f = font("sans-bold" if s > 40 or y < 60 else "sans", s)
        _paste_max(m, _text_mask(text, f), w / 2 if s > 40 or y < 60 else 60 + f.getlength(text) / 2, y)
    return m * _ink_texture(rng, m.shape, 0.25)


def _cursive_stroke(rng: np.random.Generator, x0: float, base: float, length: float,
                    xheight: float) -> np.ndarray:
    """One pen-down 'word': looped cursive strokes with uneven letter heights and slant."""
    n = max(int(length / 1.5), 20)
    t = np.linspace(0.0, 1.0, n)
    loops = max(2.0, length / rng.uniform(26, 38))
    phase = 2 * np.pi * loops * t + np.cumsum(rng.normal(0, 0.05, n))
    # letter heights: mostly x-height, sometimes an ascender or descender loop
    k = int(loops) + 2
    heights = rng.choice([1.0, 1.0, 1.0, 2.2, -1.6], size=k) * rng.uniform(0.8, 1.2, k)
    h = np.interp(t * (k - 1), np.arange(k), heights) * xheight / 2
    x = x0 + t * length + 0.45 * np.abs(h) * np.cos(phase)
    y = base - h * (1 - np.cos(phase)) + np.cumsum(rng.normal(0, 0.4, n))
    x = x - 0.35 * (y - base)                     # right-leaning slant
    return np.stack([x, y], 1)


def scribble_mask(rng: np.random.Generator, width: int, height: int, words: int = 3,
                  thickness: int = 4, underline: bool = True) -> np.ndarray:
    """Handwriting-like pen strokes (random-walk cursive 'words'), optional underline."""
    m = np.zeros((height, width), np.float32)
    x = 12.0
    base = height * 0.62
    xh = height * 0.22
    for _ in range(words):
        wl = rng.uniform(0.2, 0.34) * width
        pts = _cursive_stroke(rng, x, base + rng.normal(0, 3), wl, xh)
        cv2.polylines(m, [np.round(pts * 16).astype(np.int32)], False, 1.0, thickness,
                      cv2.LINE_AA, shift=4)
        x += wl + rng.uniform(0.05, 0.09) * width
        if x > width * 0.9:
            break
    if underline:
        n = 40
        xs = np.linspace(12, min(x, width - 10), n)
        ys = height * 0.9 + np.cumsum(rng.normal(0, 0.8, n))
        cv2.polylines(m, [np.round(np.stack([xs, ys], 1) * 16).astype(np.int32)], False, 1.0,
                      thickness - 1, cv2.LINE_AA, shift=4)
    return np.clip(m, 0, 1) * (0.85 + 0.15 * _smooth_field(rng, m.shape, 4))


def signature_mask(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A signature: one large looped stroke and a flourish across it."""
    m = np.zeros((height, width), np.float32)
    pts = _cursive_stroke(rng, width * 0.08, height * 0.6, width * 0.6, height * 0.3)
    cv2.polylines(m, [np.round(pts * 16).astype(np.int32)], False, 1.0, 5, cv2.LINE_AA, shift=4)
    t = np.linspace(0, 1, 60)
    fx = width * (0.05 + 0.9 * t)
    fy = height * (0.78 - 0.35 * t + 0.12 * np.sin(np.pi * t)) + np.cumsum(rng.normal(0, 0.6, 60))
    cv2.polylines(m, [np.round(np.stack([fx, fy], 1) * 16).astype(np.int32)], False, 1.0, 4,
                  cv2.LINE_AA, shift=4)
    return m


def _rotate_mask(m: np.ndarray, deg: float) -> np.ndarray:
    im = Image.fromarray((m * 255).astype(np.uint8)).rotate(deg, Image.Resampling.BICUBIC, expand=True)
    return np.asarray(im, np.float32) / 255.0


def add_stamps(img: Image.Image, layout: PageLayout, seed: int | str | np.random.Generator, *,
               seal_ring: str = "THÀNH ỦY HẢI PHÒNG * BAN TUYÊN GIÁO * ",
               seal_center: str = "",
               received: Sequence[str] = ("VĂN PHÒNG ĐẢNG ỦY", "ĐẾN", "Số: 14", "Ngày: 10/01/2024"),
               ) -> Image.Image:
    """Office marks on a clean page, in colour (returns RGB).

    * blue "ĐẾN" received stamp over the first body lines,
    * blue signature in the signature gap, red round seal over its left part
      and the lines around it,
    * blue handwritten note in the left margin running into the text, and a
      pen underline under part of a body line.
    None of this is text to transcribe: ground truth ignores it.
    """
    rng = _rng(seed)
    base = _as_float(img.convert("RGB"))
    body = layout.region("body")
    if not body:
        raise LayoutError("add_stamps needs body text")

    # received stamp over body lines 1-4
    st = _rotate_mask(received_stamp_mask(rng, received), float(rng.uniform(-5, -2)))
    first = body[0]
    _apply_ink(base, st, BLUE_INK, TEXT_LEFT + 70, first.y0 - 40)

    # signature + seal
    if layout.sign_gap:
        gx0, gy0, gx1, gy1 = layout.sign_gap
        sig = signature_mask(rng, 520, gy1 - gy0)
        _apply_ink(base, sig, PEN_BLUE, (gx0 + gx1) // 2 - 200, gy0)
        seal = _rotate_mask(seal_mask(rng, seal_ring, seal_center), float(rng.uniform(-20, 20)))
        cx, cy = (gx0 + gx1) // 2 - 150, (gy0 + gy1) // 2 - 30
    else:
        last = body[-1]
        seal = _rotate_mask(seal_mask(rng, seal_ring, seal_center), float(rng.uniform(-20, 20)))
        cx, cy = TEXT_RIGHT - 420, last.y1 - 60
    _apply_ink(base, seal, RED_INK, cx - seal.shape[1] // 2, cy - seal.shape[0] // 2)

    # margin note running into the text, roughly at 45 % of the body
    mid = body[len(body) * 45 // 100]
    note = scribble_mask(rng, 560, 150, words=3, thickness=4, underline=True)
    note = _rotate_mask(note, float(rng.uniform(8, 14)))
    _apply_ink(base, note, PEN_BLUE, 40, mid.y0 - 40)

    # pen underline under some words of a later line
    ul = body[min(len(body) - 2, len(body) * 70 // 100)]
    x0 = ul.x0 + int(rng.uniform(0.2, 0.4) * (ul.x1 - ul.x0))
    x1 = min(ul.x1, x0 + 650)
    n = 30
    xs = np.linspace(x0, x1, n)
    ys = ul.y1 + 4 + np.cumsum(rng.normal(0, 0.7, n))
    u = np.zeros((PAGE_H, PAGE_W), np.float32)
    cv2.polylines(u, [np.round(np.stack([xs, ys], 1) * 16).astype(np.int32)], False, 1.0, 4,
                  cv2.LINE_AA, shift=4)
    _apply_ink(base, u, PEN_BLUE, 0, 0)

    out = _to_image(base, "RGB")
    return out


# --------------------------------------------------------------------------
# The committed samples
# --------------------------------------------------------------------------


@dataclass
class Sample:
    name: str           # output file name
    gt: str             # ground-truth file name
    excerpt: str        # excerpts/NAME.txt
    pages: list[Image.Image]
    rotation_deg: float = 0.0
    orientation: int = 0
    degradations: list[str] = field(default_factory=list)
    colour: bool = False
    notes: str = ""
    graphics_text: list[str] = field(default_factory=list)  # drawn, never in gt


def _pages(name: str) -> tuple[Excerpt, list[tuple[Image.Image, PageLayout]]]:
    ex = load_excerpt(name)
    return ex, [render_spec(p) for p in ex.pages]


def build_samples() -> list[tuple[Sample, Excerpt]]:
    """Render every sample in memory (about 20 s on one core)."""
    out: list[tuple[Sample, Excerpt]] = []

    ex, pgs = _pages("clean")
    out.append((Sample("clean.png", "clean.gt.txt", "clean",
                       [scan_look(pgs[0][0], "clean")], degradations=["scan_look"],
                       notes="continuation page, body only"), ex))

    ex, pgs = _pages("header")
    out.append((Sample("header.png", "header.gt.txt", "header",
                       [scan_look(pgs[0][0], "header")], degradations=["scan_look"],
                       notes="first page with two-column header"), ex))

    ex, pgs = _pages("skew2")
    out.append((Sample("skew2.png", "skew2.gt.txt", "skew2",
                       [scan_look(rotate(pgs[0][0], 2.0), "skew2")], rotation_deg=2.0,
                       degradations=["rotate", "scan_look"]), ex))

    ex, pgs = _pages("skew7")
    img = scan_look(rotate(pgs[0][0], -7.0), "skew7")
    img = add_scanner_border(img, "skew7-border", top=64, right=52)
    out.append((Sample("skew7.png", "skew7.gt.txt", "skew7", [img], rotation_deg=-7.0,
                       degradations=["rotate", "scan_look", "scanner_border(top,right)"]), ex))

    ex, pgs = _pages("rotated180")
    out.append((Sample("rotated180.png", "rotated180.gt.txt", "rotated180",
                       [scan_look(rotate(pgs[0][0], 180), "rotated180")], orientation=180,
                       degradations=["rotate180", "scan_look"]), ex))

    ex = load_excerpt("stamped")
    clean, lay = render_spec(ex.pages[0], mode="RGB")
    img = add_stamps(clean, lay, "stamped", seal_ring=SEAL_RING, received=RECEIVED_STAMP)
    img = scan_look(img, "stamped-scan", paper=(246.0, 244.0, 236.0), noise_fraction=0.01)
    out.append((Sample("stamped.png", "stamped.gt.txt", "stamped", [img], colour=True,
                       degradations=["received_stamp", "seal", "signature", "handwritten_note",
                                     "pen_underline", "scan_look"],
                       graphics_text=list(RECEIVED_STAMP)
                       + [t.strip() for t in SEAL_RING.split("*") if t.strip()]), ex))

    ex, pgs = _pages("degraded")
    out.append((Sample("degraded.jpg", "degraded.gt.txt", "degraded",
                       [degrade(pgs[0][0], "degraded")],
                       degradations=["low_contrast", "uneven_illumination", "gaussian_noise",
                                     "salt_pepper", "jpeg_q35"]), ex))

    ex, pgs = _pages("multipage_pdf")
    out.append((Sample("multipage.pdf", "multipage.pdf.gt.txt", "multipage_pdf",
                       [scan_look(p, f"pdf{i}") for i, (p, _) in enumerate(pgs)],
                       degradations=["scan_look", "pdf_image_only"],
                       notes="image-only PDF, no text layer"), ex))

    ex, pgs = _pages("multipage_tif")
    out.append((Sample("multipage.tif", "multipage.tif.gt.txt", "multipage_tif",
                       [binarize(scan_look(p, f"tif{i}")) for i, (p, _) in enumerate(pgs)],
                       degradations=["scan_look", "binarize", "tiff_group4"]), ex))
    return out


def save_sample(s: Sample, out_dir: Path) -> None:
    """Write the image file(s) with 300 dpi metadata; deterministic bytes."""
    path = out_dir / s.name
    first, rest = s.pages[0], s.pages[1:]
    if s.name.endswith(".png"):
        first.save(path, dpi=(DPI, DPI), optimize=True)
    elif s.name.endswith(".jpg"):
        first.save(path, quality=35, dpi=(DPI, DPI), optimize=True)
    elif s.name.endswith(".pdf"):
        first.save(path, save_all=True, append_images=rest, resolution=DPI, quality=80,
                   title=Path(s.name).stem, creationDate=None, modDate=None)
    elif s.name.endswith(".tif"):
        first.save(path, save_all=True, append_images=rest, compression="group4",
                   dpi=(DPI, DPI))
    else:
        raise ValueError(s.name)


def _words(pages: list[PageSpec]) -> list[int]:
    return [len(page_text(p.left, p.right, p.body, p.sign).split()) for p in pages]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=SAMPLES_DIR,
                    help="output folder (default: the samples folder)")
    args = ap.parse_args(argv)
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)

    manifest = []
    for s, ex in build_samples():
        save_sample(s, out_dir)
        gt = document_text(ex.pages)
        assert unicodedata.is_normalized("NFC", gt) and "\n\n" not in gt
        (out_dir / s.gt).write_text(gt, encoding="utf-8", newline="\n")
        manifest.append({
            "file": s.name,
            "gt": s.gt,
            "excerpt": f"excerpts/{s.excerpt}.txt",
            "source": ex.meta.get("source", ""),
            "pages": len(s.pages),
            "header_pages": [i + 1 for i, p in enumerate(ex.pages) if p.has_header],
            "width": PAGE_W, "height": PAGE_H, "dpi": DPI,
            "rotation_deg": s.rotation_deg,
            "orientation": s.orientation,
            "degradations": s.degradations,
            "colour": s.colour,
            "words": _words(ex.pages),
            "notes": s.notes,
            "graphics_text": s.graphics_text,
        })
        size = (out_dir / s.name).stat().st_size
        print(f"{s.name:16s} {size / 1e6:6.2f} MB  pages={len(s.pages)}  words={_words(ex.pages)}")
    doc = {
        "description": "Synthetic scans of Vietnamese official documents; see README.md",
        "conventions": {
            "rotation_deg": "angle given to PIL Image.rotate on the clean page "
                            "(positive = counter-clockwise as seen); deskew by -rotation_deg",
            "orientation": "0 or 180: page turned upside down (no skew)",
            "gt": "UTF-8 NFC; one line per header line, title line and paragraph; "
                  "each page ends with \\n; pages joined with \\f",
        },
        "samples": manifest,
    }
    (out_dir / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
