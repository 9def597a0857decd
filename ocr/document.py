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
