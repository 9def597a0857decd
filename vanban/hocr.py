"""hOCR 1.2 of the repaired text: each word with its final spelling at its box on the ORIGINAL page.

Boxes are pixels of the page as stored (for a PDF: rendered at the page's
dpi), axis-aligned around the word's ink, so a digital library can show the
hOCR over the image it has.  Words a repair joined onto the word before
carry no text and are left out; lines follow the repaired reading order.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ocr.document import Box, Document, Page

from . import __version__
from .wordmap import FinalWord


def page_lines(page: Page, words: list[FinalWord]) -> list[tuple[int, int, list[tuple[FinalWord, Box]]]]:
    """(block, line, [(word, box in source pixels)]) in repaired reading order; shared with ALTO."""
    geo = page.geometry
    lines: dict[tuple[int, int], list[FinalWord]] = {}
    for w in words:
        if w.text:
            lines.setdefault((w.block, w.line), []).append(w)
    out = []
    for key in sorted(lines, key=lambda k: (min(w.rank for w in lines[k]), k)):
        line = page.blocks[key[0]].lines[key[1]]
        boxed = [(w, geo.box_to_source(line.words[w.word].box)) for w in sorted(lines[key], key=lambda w: w.word)]
        out.append((key[0], key[1], boxed))
    return out


def _bbox(b: Box) -> str:
    return f"bbox {b.left} {b.top} {b.right} {b.bottom}"


def render(doc: Document, words: list[FinalWord], lang: str = "vie", name: str | None = None) -> str:
    """The whole document as one hOCR file (one ocr_page per page); ``name``: the image file as the user knows it."""
    by_page: dict[int, list[FinalWord]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    image = escape(name or Path(doc.source).name, quote=True)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">',
           "<head>", f"<title>{image}</title>",
           '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
           f'<meta name="ocr-system" content="vanban {__version__} (tesseract + restore)"/>',
           '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word"/>',
           "</head>", "<body>"]
    for p, page in enumerate(doc.pages):
        geo = page.geometry
        size = Box(0, 0, geo.source_width, geo.source_height) if geo else Box(0, 0, 0, 0)
        out.append(f'<div class="ocr_page" id="page_{p + 1}" title="image &quot;{image}&quot;; {_bbox(size)}; '
                   f'ppageno {p}; scan_res {page.dpi} {page.dpi}">')
        if geo is None:  # read from the PDF's own text layer: no boxes to give
            out.append("</div>")
            continue
        for n, (block, line_no, boxed) in enumerate(page_lines(page, by_page.get(p, []))):
            box = Box.union([b for _, b in boxed])
            lid = f"{p + 1}_{n + 1}"
            out.append(f'<div class="ocr_carea" id="block_{lid}" title="{_bbox(box)}">'
                       f'<p class="ocr_par" id="par_{lid}" lang="{escape(lang)}" title="{_bbox(box)}">'
                       f'<span class="ocr_line" id="line_{lid}" title="{_bbox(box)}">')
            for k, (w, b) in enumerate(boxed):
                conf = page.blocks[block].lines[line_no].words[w.word].confidence
                out.append(f'<span class="ocrx_word" id="word_{lid}_{k + 1}" '
                           f'title="{_bbox(b)}; x_wconf {int(round(conf))}">{escape(w.text)}</span>')
            out.append("</span></p></div>")
        out.append("</div>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
