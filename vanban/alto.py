"""ALTO v4 of the repaired text, for digital libraries: the same words and boxes as the hOCR.

Measurements are pixels of the page as stored (``MeasurementUnit`` pixel);
each ``TextLine`` is one printed line, in repaired reading order, its
``String`` elements the final spellings (``WC`` = Tesseract's confidence 0-1).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ocr.document import Box, Document

from . import __version__
from .hocr import page_lines
from .wordmap import FinalWord

NS = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"


def _pos(el: ET.Element, b: Box) -> None:
    el.set("HPOS", str(b.left))
    el.set("VPOS", str(b.top))
    el.set("WIDTH", str(b.width))
    el.set("HEIGHT", str(b.height))


def render(doc: Document, words: list[FinalWord], name: str | None = None) -> str:
    """The whole document as one ALTO file; ``name``: the image file as the user knows it."""
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.Element(f"{{{NS}}}alto", {
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation": f"{NS} {SCHEMA}"})
    desc = ET.SubElement(root, f"{{{NS}}}Description")
    ET.SubElement(desc, f"{{{NS}}}MeasurementUnit").text = "pixel"
    info = ET.SubElement(desc, f"{{{NS}}}sourceImageInformation")
    ET.SubElement(info, f"{{{NS}}}fileName").text = name or Path(doc.source).name
    processing = ET.SubElement(ET.SubElement(desc, f"{{{NS}}}Processing", {"ID": "vanban"}),
                               f"{{{NS}}}processingSoftware")
    ET.SubElement(processing, f"{{{NS}}}softwareName").text = "vanban"
    ET.SubElement(processing, f"{{{NS}}}softwareVersion").text = __version__
    layout = ET.SubElement(root, f"{{{NS}}}Layout")
    by_page: dict[int, list[FinalWord]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    for p, page in enumerate(doc.pages):
        geo = page.geometry
        el = ET.SubElement(layout, f"{{{NS}}}Page", {
            "ID": f"p{p + 1}", "PHYSICAL_IMG_NR": str(p + 1),
            "WIDTH": str(geo.source_width if geo else 0), "HEIGHT": str(geo.source_height if geo else 0)})
        space = ET.SubElement(el, f"{{{NS}}}PrintSpace")
        if geo is None:
            continue
        for n, (block, line_no, boxed) in enumerate(page_lines(page, by_page.get(p, []))):
            box = Box.union([b for _, b in boxed])
            tb = ET.SubElement(space, f"{{{NS}}}TextBlock", {"ID": f"p{p + 1}_b{n + 1}"})
            _pos(tb, box)
            tl = ET.SubElement(tb, f"{{{NS}}}TextLine", {"ID": f"p{p + 1}_l{n + 1}"})
            _pos(tl, box)
            for k, (w, b) in enumerate(boxed):
                if k:
                    ET.SubElement(tl, f"{{{NS}}}SP")
                conf = page.blocks[block].lines[line_no].words[w.word].confidence
                s = ET.SubElement(tl, f"{{{NS}}}String", {"ID": f"p{p + 1}_l{n + 1}_w{k + 1}",
                                                          "CONTENT": w.text, "WC": f"{conf / 100:.2f}"})
                _pos(s, b)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
