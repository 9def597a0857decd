"""Plain dataclasses for what the image side produces.

Coordinates are pixels of the page image as it was recognised (after orientation
fix and deskew), origin top-left.  Everything here serialises to JSON via
``to_dict`` so the JSON output carries the full structure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @staticmethod
    def union(boxes: list["Box"]) -> "Box":
        left = min(b.left for b in boxes)
        top = min(b.top for b in boxes)
        right = max(b.right for b in boxes)
        bottom = max(b.bottom for b in boxes)
        return Box(left, top, right - left, bottom - top)


@dataclass
class Word:
    text: str
    box: Box
    confidence: float  # 0..100, as Tesseract reports it


@dataclass
class Line:
    words: list[Word]
    box: Box

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)


@dataclass
class Block:
    """A run of lines that belong together: a header column, a paragraph, a signature."""

    kind: str  # header-left, header-right, paragraph, heading, ...
    lines: list[Line]
    box: Box

    @property
    def text(self) -> str:
        """Paragraphs and headings as one line; header and signature columns keep their lines."""
        if self.kind in ("paragraph", "heading"):
            return join_lines([ln.text for ln in self.lines])
        return "\n".join(ln.text for ln in self.lines)


@dataclass
class StageReport:
    """What one stage did to a page, so the JSON says how the text came about."""

    stage: str
    done: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageGeometry:
    """How the recognised image came from the page as stored in the input file.

    Word boxes are in pixels of the recognised image (turned upright, deskewed);
    a searchable PDF, hOCR or ALTO must put them on the ORIGINAL page, so the
    page keeps the way back: ``to_source`` is the affine map (a, b, c, d, e, f)
    with ``x_src = a*x + c*y + e`` and ``y_src = b*x + d*y + f`` from recognised
    pixels to pixels of the source image as stored (for a PDF: the page
    rendered at ``dpi``, rotation as displayed).
    """

    source_width: int  # pixels of the page as stored (PDF: as rendered at ``dpi``)
    source_height: int
    scale: float = 1.0  # loaded pixels per source pixel (images resampled to 300 dpi)
    turn: int = 0  # degrees clockwise applied to make the page upright
    deskew_angle: float = 0.0  # degrees applied by deskew.rotate (0 when not applied)
    to_source: tuple[float, float, float, float, float, float] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

    def map(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.to_source
        return a * x + c * y + e, b * x + d * y + f

    def box_to_source(self, box: Box) -> Box:
        """The axis-aligned box, in source pixels, around a recognised box (clipped to the page)."""
        corners = [self.map(x, y) for x in (box.left, box.right) for y in (box.top, box.bottom)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        left = max(0, int(round(min(xs))))
        top = max(0, int(round(min(ys))))
        right = min(self.source_width, int(round(max(xs))))
        bottom = min(self.source_height, int(round(max(ys))))
        return Box(left, top, max(0, right - left), max(0, bottom - top))


@dataclass
class Page:
    number: int  # 1-based
    width: int
    height: int
    dpi: int
    blocks: list[Block] = field(default_factory=list)
    stages: list[StageReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    #: the page's text exactly as taken from the PDF's own text layer (None: the page was OCR'd)
    layer_text: str | None = None
    #: the way back from word boxes to the source page (None: read from a text layer, no boxes)
    geometry: PageGeometry | None = None

    @property
    def text(self) -> str:
        """One block or paragraph per line, ending with a newline (empty page: '');
        a page read from its text layer is that text unchanged."""
        if self.layer_text is not None:
            return self.layer_text
        lines = [b.text for b in self.blocks if b.text]
        return "".join(t + "\n" for t in lines)

    @property
    def confidence(self) -> float:
        words = [w for b in self.blocks for ln in b.lines for w in ln.words]
        if not words:
            return 0.0
        return sum(w.confidence for w in words) / len(words)


@dataclass
class Document:
    source: str
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Pages separated by a form feed, as Tesseract and pdftotext do."""
        return "\f".join(p.text for p in self.pages)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"text": self.text}


def join_lines(lines: list[str]) -> str:
    """Re-join the printed lines of one paragraph into one line.

    Vietnamese typesetting never splits a syllable across lines, so a line that
    ends in a hyphen glued to a word ("2020-" / "2025", "kinh tế-" / "xã hội") is
    a compound hyphen: it is kept and the lines are joined without a space.  A
    free-standing dash ("kinh tế -" / "xã hội") is punctuation and keeps its
    spaces.
    """
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and out.endswith("-") and len(out) >= 2 and not out[-2].isspace():
            out += line
        elif out:
            out += " " + line
        else:
            out = line
    return out
