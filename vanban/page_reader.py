"""One page from file to recognised blocks: the image stages in order, and the readings to choose from.

A page is cleaned and read once; only when that reading is poor (few words, few valid
syllables, low confidence) are other readings tried: the page without ink removal (when ink was
removed) and Tesseract on the file's own pixels (what a user running plain ``tesseract`` gets).
The reading kept is the one with the best ``reading_score``, so vanban never returns less than
plain Tesseract on a page it reads badly, and a good page costs one Tesseract run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Callable

import cv2
import numpy as np

from restore import vietnamese as vn
from ocr import (clean, deskew, geometry, language, layout, load, orient, page_number, poppler, recognise, resolution,
                 seal, stamp, tesseract)
from ocr import textlayer as ocr_textlayer
from ocr.document import Block, Box, Line, Page, StageReport, Word

from . import textlayer
from .options import Options

BLANK_INK_FRACTION = 0.0005
#: a reading with fewer words than this is read again as the file is (a low-resolution photo or
#: screenshot that the cleaning stages broke: 0 words where plain Tesseract reads 126 on a real image)
FALLBACK_WORDS = 5
#: a reading is poor, and other readings are tried, below either of these
POOR_VALID_SHARE = 0.85
POOR_CONFIDENCE = 70.0
#: a line of this many letters and digits or fewer, read with less confidence than this, is a seal's
#: letters or a signature's stroke unless its words are words (the page number is read on its own)
SHORT_LINE_CHARS = 5
SHORT_LINE_CONFIDENCE = 60.0
#: a cleaned page read with fewer words than this is read again as sparse text (a last page: the
#: signer's block under a seal and a signature, which Tesseract's page layout passes over)
SPARSE_WORDS = 40
SPARSE_PSM = 11
#: its lines count only when read with this confidence, and a line of one word only when the word
#: is this long: specks and a seal's letters come out as short words, read with little confidence
SPARSE_MIN_CONFIDENCE = 75.0
SPARSE_MIN_LONE_WORD = 4
#: another reading replaces the first only when it scores this much better (and by 1 point)
ALTERNATIVE_MARGIN = 1.1


@dataclass
class Reading:
    """One way of reading a page: what Tesseract saw, what it read, and how the image got there."""

    name: str
    lines: list[Line]
    image: np.ndarray  # what Tesseract read (its size is the page's)
    turn: int = 0
    angle: float = 0.0
    stages: list[StageReport] | None = None


def process_page(source: load.SourceInfo, number: int, options: Options) -> Page:
    """All image stages for one page; raises VanbanError on a failure of its own."""
    stages: list[StageReport] = []
    if source.kind == "pdf":
        layer = _text_layer_page(source, number, options, stages)
        if layer is not None:
            return layer
    image = load.load_page(source, number, options.max_pixels)
    stages.append(StageReport("load", True, {
        "kind": source.kind, "dpi": image.dpi, "source_dpi": image.source_dpi,
        "size": [int(image.pixels.shape[1]), int(image.pixels.shape[0])]}))
    # what plain Tesseract would read: the file's own pixels, at the dpi the file gives
    as_stored = image.stored if image.stored is not None else image.pixels
    xheight = resolution.XHEIGHT_AT_300 * image.dpi / load.TARGET_DPI  # the body's letters, if 13.5 pt
    if options.rescale:
        image, rep = rescale(image, options.max_pixels)
        stages.append(StageReport("resolution", True, rep))
        if rep.get("xheight_px"):
            xheight = rep["xheight_px"] * rep["factor"]
    warnings: list[str] = []
    loaded_h, loaded_w = int(image.pixels.shape[0]), int(image.pixels.shape[1])

    if options.remove_ink and number == 1:
        found = _received_stamp(image.pixels, options, image.dpi)
        if found is not None:  # recorded only when there is one: most pages have none
            stages.append(found)
    first = clean_and_read(image.pixels, image.dpi, options, options.remove_ink, xheight)
    if first is None and options.remove_ink:  # blank once the colour is gone: the print itself is coloured
        first = clean_and_read(image.pixels, image.dpi, options, False, xheight)
    if first is None:
        warnings.append(f"page {number} is blank: nothing to read")
        return Page(number, loaded_w, loaded_h, image.dpi, [], stages, warnings,
                    geometry=geometry.page_geometry(loaded_w, loaded_h, image.source_size, 0, 0.0))
    kept, report = first, None
    if is_poor(first.lines):
        kept, report = best_reading(first, image, as_stored, options, xheight)
    stages.extend(kept.stages if kept.stages is not None else first.stages or [])  # how the kept text was made
    if report is not None:
        stages.append(StageReport("alternatives", kept is not first, report))
    if kept is not first:
        warnings.append(f"page {number}: the cleaned page read poorly; the reading '{kept.name}' "
                        "scored better and was kept")
    blocks = layout.arrange(kept.lines, kept.image.shape[1])
    stages.append(StageReport("layout", True, {"blocks": [b.kind for b in blocks]}))
    if kept.name == "as stored":  # Tesseract's own reading of the file's pixels: boxes are in those pixels
        h, w = kept.image.shape[:2]
        geo = geometry.page_geometry(w, h, image.source_size or (loaded_w, loaded_h), 0, 0.0)
    else:
        geo = geometry.page_geometry(loaded_w, loaded_h, image.source_size, kept.turn, kept.angle)
    page = Page(number, int(kept.image.shape[1]), int(kept.image.shape[0]), image.dpi, blocks, stages, warnings,
                geometry=geo)
    verdict = language.looks_vietnamese([w.text for b in blocks for ln in b.lines for w in ln.words])
    if verdict is False:
        warnings.append(f"page {number} does not look like Vietnamese text; check the result")
    return page


def rescale(image: load.PageImage, max_pixels: int) -> tuple[load.PageImage, dict]:
    """The page resized so its letters are the size of 13.5 pt at 300 dpi, when they are far from it."""
    h, w = image.pixels.shape[:2]
    estimated, report = resolution.measure(_plain_grey(image.pixels))
    factor = resolution.rescale_factor(estimated, w * h, max_pixels)
    report["factor"] = round(factor, 3)
    if factor == 1.0:
        return image, report
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    pixels = cv2.resize(image.pixels, size, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)
    return replace(image, pixels=pixels, dpi=load.TARGET_DPI, source_size=image.source_size or (w, h)), report


def clean_and_read(pixels: np.ndarray, dpi: int, options: Options, remove_ink: bool,
                   xheight: float = resolution.XHEIGHT_AT_300, turn: int | None = None) -> Reading | None:
    """Ink removal, borders, light, orientation, deskew, binarisation, Tesseract; None for a blank page.
    ``turn``: the quarter turns to make, instead of the ones orientation detection finds."""
    stages: list[StageReport] = []
    if remove_ink:
        grey, rep = clean.to_grey_without_ink(pixels, xheight)
    else:
        grey, rep = _plain_grey(pixels), {}
    stages.append(StageReport("remove_ink", remove_ink, rep))
    grey = _step(stages, "smooth_shaded", options.despeckle, lambda g: clean.smooth_shaded(g, dpi), grey)
    shaded = bool(stages[-1].details and stages[-1].details.get("smoothed"))
    grey = _step(stages, "remove_borders", options.remove_borders,
                 lambda g: clean.remove_dark_borders(g, solid_only=shaded), grey)
    grey = _step(stages, "normalise", options.normalise, clean.normalise_illumination, grey)

    binary, binarised = clean.binarise(grey)
    if clean.ink_fraction(binary) < BLANK_INK_FRACTION:
        return None
    angle, given = 0.0, turn is not None
    if given:
        rep = {"method": "given", "rotate": turn}
    elif options.orient:
        turn, rep = orient.detect(grey, binary)
    if turn is not None:
        grey = orient.rotate_upright(grey, turn)
        binary = orient.rotate_upright(binary, turn)  # exact quarter turns: no need to binarise again
        stages.append(StageReport("orient", True, rep))
    else:
        turn = 0
        stages.append(StageReport("orient", False))
    measured = rep.get("skew") if options.orient and not given else None
    if options.deskew:
        if measured is not None:  # orientation found it on the same print
            angle, rep = measured, {"angle": measured, "applied": abs(measured) >= deskew.MIN_CORRECTION,
                                    "measured_by": "orient"}
        else:
            angle, rep = deskew.estimate(binary)
        if rep.get("applied"):
            grey, binarised = deskew.rotate(grey, angle), None  # resampled: binarised again below
        stages.append(StageReport("deskew", True, rep))
    else:
        stages.append(StageReport("deskew", False))
    if options.binarise:
        if binarised is None:
            binary, binarised = clean.binarise(grey)
        rep = binarised
        stages.append(StageReport("binarise", True, rep))
        binary = _step(stages, "despeckle", options.despeckle,
                       lambda b: clean.despeckle(b, rep["noise_sigma"], xheight=xheight), binary)
        for_ocr = clean.mask_to_print(grey, binary)
        for_ocr = _framed_boxes(for_ocr, binary, xheight, dpi, options, stages)
    else:
        stages.append(StageReport("binarise", False))
        stages.append(StageReport("despeckle", False))
        for_ocr = grey
    lines, report = _read_cleaned(for_ocr, dpi, options, xheight)
    # a seal that colour did not take (a grey or B/W scan): the page is read again without it (the
    # whole seal when it is lighter than the print, else its rings), and that reading is kept when it
    # scores better (the rings cut the letters they cross, and so does painting them out: neither
    # reading is the better one on every page)
    rings = seal.find_rings(binary, dpi) if remove_ink and options.binarise else []
    if rings:
        ringless, _, how = seal.remove_rings(for_ocr, binary, rings, dpi)
        other, other_report = _read_cleaned(ringless, dpi, options, xheight)
        scores = {"with_rings": round(reading_score(lines), 1), "without_rings": round(reading_score(other), 1)}
        taken = scores["without_rings"] > scores["with_rings"]
        if taken:
            for_ocr, lines, report = ringless, other, other_report
        rings = [dict(ring, removed=removed) for ring, removed in zip(rings, how)]
        stages.append(StageReport("seal_rings", taken, {"rings": rings, "scores": scores}))
    stages.append(StageReport("recognise", True, report))
    name = ("cleaned" if remove_ink else "cleaned, ink kept") + (f", turned {turn}°" if given else "")
    return Reading(name, lines, for_ocr, turn, angle, stages)


def _read_cleaned(for_ocr: np.ndarray, dpi: int, options: Options, xheight: float) -> tuple[list[Line], dict]:
    """The cleaned page's lines (with those of a sparse reading when it has few words) and the report."""
    lines, report = read_lines(for_ocr, dpi, options, xheight, options.psm)
    if options.psm == 3 and options.binarise and word_count(lines) < SPARSE_WORDS:
        lines, report["sparse"] = with_sparse_lines(lines, for_ocr, dpi, options)
    return lines, report


def with_sparse_lines(lines: list[Line], for_ocr: np.ndarray, dpi: int, options: Options) -> tuple[list[Line], dict]:
    """A page with few words read again as sparse text (psm 11), and the lines found there that the
    page's layout passed over added: on a last page Tesseract takes the signer's block beside a
    signature and under a seal for a picture, and reads "CHỦ TỊCH" and the name nowhere."""
    found, _ = recognise.drop_debris(recognise.recognise(for_ocr, lang=options.lang, psm=SPARSE_PSM, dpi=dpi))
    added = [ln for ln in found if _sparse_line(ln) and not any(_overlap(ln.box, o.box) for o in lines)]
    return lines + added, {"psm": SPARSE_PSM, "lines": len(found), "added": [ln.text for ln in added]}


def _overlap(a: Box, b: Box) -> bool:
    return (min(a.left + a.width, b.left + b.width) > max(a.left, b.left)
            and min(a.top + a.height, b.top + b.height) > max(a.top, b.top))


def read_lines(for_ocr: np.ndarray, dpi: int, options: Options, xheight: float, psm: int) -> tuple[list[Line], dict]:
    """Tesseract on the cleaned page, debris dropped, the page number looked for; and the report."""
    lines, debris = recognise.drop_debris(recognise.recognise(for_ocr, lang=options.lang, psm=psm, dpi=dpi))
    marks = [is_mark_line(ln) for ln in lines]
    debris += [ln.text for ln, mark in zip(lines, marks) if mark]
    lines = [ln for ln, mark in zip(lines, marks) if not mark]
    number = _page_number(for_ocr, lines, xheight, dpi, options) if options.binarise else None
    if number is not None:
        lines.insert(0, number)
    return lines, {"engine": tesseract.engine(), "lang": options.lang, "psm": psm, "lines": len(lines),
                   "dropped_debris": debris, "page_number": number.text if number else None}


def _page_number(for_ocr: np.ndarray, lines: list[Line], xheight: float, dpi: int, options: Options) -> Line | None:
    """The page number Tesseract passed over at the top centre, read on its own."""
    if not lines:
        return None
    first_top = min(ln.box.top for ln in lines)
    binary = np.where(for_ocr[:max(0, first_top)] < 128, 0, 255).astype(np.uint8)  # only where it can be
    box = page_number.find(binary, first_top, xheight)
    return page_number.read(for_ocr, box, lang=options.lang, dpi=dpi) if box is not None else None


def _framed_boxes(for_ocr: np.ndarray, binary: np.ndarray, xheight: float, dpi: int, options: Options,
                  stages: list[StageReport]) -> np.ndarray:
    """Framed boxes at the top of the page (a received stamp on a grey scan, a digital-signature box)
    are read on their own, recorded, and taken out of the page text."""
    frames = stamp.find_frames(binary, xheight)
    if not frames:
        return for_ocr
    out = for_ocr.copy()
    boxes = []
    for box in frames:
        lines = stamp.read_box(for_ocr, box, lang=options.lang, dpi=dpi)
        kind = "received_stamp" if stamp.is_received_stamp(lines) else "framed_box"
        x, y, bw, bh = box
        out[y:y + bh, x:x + bw] = 255
        boxes.append({"kind": kind, "box": list(box), "lines": _lines_json(lines)})
        if kind == "received_stamp" and not any(s.stage == "received_stamp" for s in stages):
            stages.append(StageReport("received_stamp", True, {"box": list(box), "frame": "recognised image",
                                                               "lines": boxes[-1]["lines"]}))
    stages.append(StageReport("boxes", True, {"boxes": boxes}))
    return out


def best_reading(first: Reading, image: load.PageImage, as_stored: np.ndarray, options: Options,
                 xheight: float) -> tuple[Reading, dict]:
    """The best-scoring of the first reading and the alternatives worth trying for this page."""
    readings = [first]
    ink = next((s for s in first.stages or [] if s.stage == "remove_ink"), None)
    ink_removed = ink is not None and ink.done
    if ink_removed and ink.details.get("ink_pixels"):
        readings.append(clean_and_read(image.pixels, image.dpi, options, False, xheight))
    if options.orient:  # a short or noisy page fools orientation: the page as it lies, or upside down
        other_turn = 0 if first.turn else 180
        readings.append(clean_and_read(image.pixels, image.dpi, options, ink_removed, xheight, turn=other_turn))
    readings = [r for r in readings if r is not None]
    # the tesseract program itself (not the library of another version), as the file says or as it
    # estimates the resolution: what a user running plain tesseract on the file gets
    plain = recognise.recognise(as_stored, lang=options.lang, psm=options.psm, dpi=image.source_dpi, program=True)
    readings.append(Reading("as stored", plain, as_stored))
    scores = {r.name: reading_score(r.lines) for r in readings}
    kept = first
    for other in readings[1:]:
        # by a clear margin; a near-empty page (a last page's signature) by a wide one, so that it
        # does not take the seal's text instead
        margin = 2.0 if word_count(kept.lines) < FALLBACK_WORDS else ALTERNATIVE_MARGIN
        if scores[other.name] > margin * scores[kept.name] + 1:
            kept = other
    report = {"scores": {name: round(score, 1) for name, score in scores.items()}, "kept": kept.name,
              "words": {r.name: word_count(r.lines) for r in readings}}
    return kept, report


def is_mark_line(line: Line) -> bool:
    """A short line read with little confidence that is not words ("P", "NG", "rộ x Ề"): a seal's letters
    or a signature's stroke. A wrapped word ending a paragraph ("giúp;") is a word and stays."""
    return (line.confidence < SHORT_LINE_CONFIDENCE and _alnum_count(line.text) <= SHORT_LINE_CHARS
            and not all(_is_word(w.text) for w in line.words))


def _sparse_line(line: Line) -> bool:
    """A line of a sparse reading that counts: read with confidence, and of two words or one long one
    (specks and a seal's letters come out as short words, read with little confidence)."""
    return line.confidence >= SPARSE_MIN_CONFIDENCE and (
        len(line.words) >= 2 or _alnum_count(line.text) >= SPARSE_MIN_LONE_WORD)


def _alnum_count(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def is_poor(lines: list[Line]) -> bool:
    """Few words, few valid syllables or low confidence: a reading worth a second opinion."""
    words = [w for ln in lines for w in ln.words]
    if len(words) < FALLBACK_WORDS:
        return True
    letters = [w for w in words if any(ch.isalpha() for ch in w.text)]
    valid = sum(1 for w in letters if _is_word(w.text)) / max(len(letters), 1)
    confidence = sum(w.confidence for w in words) / len(words)
    return valid < POOR_VALID_SHARE or confidence < POOR_CONFIDENCE


def word_count(lines: list[Line]) -> int:
    return sum(len(ln.words) for ln in lines)


def reading_score(lines: list[Line]) -> float:
    """Which of two readings of a page to keep: the summed confidence (0-100) of the words that are
    Vietnamese syllables or numbers, so junk read off specks and stamps earns nothing."""
    words = [w for ln in lines for w in ln.words]
    return sum(w.confidence for w in words if _is_word(w.text)) / 100.0


def _is_word(text: str) -> bool:
    core = text.strip(".,;:!?()[]\"'“”‘’…-–")
    return bool(core) and (core.isdigit() or vn.is_vietnamese_token(core))


def _received_stamp(pixels: np.ndarray, options: Options, dpi: int) -> StageReport | None:
    """The blue received stamp, read before its ink is painted out, for the register only (not the text).
    Boxes are in pixels of the page as loaded (before orientation and deskew)."""
    lines, where = stamp.read(pixels, lang=options.lang, dpi=dpi)
    if where is None:
        return None
    return StageReport("received_stamp", True, {
        "box": list(where), "lines": _lines_json(lines)})


def _lines_json(lines: list[Line]) -> list[dict]:
    """Lines read apart from the page (stamps, framed boxes) as the JSON and the register keep them."""
    return [{"box": asdict(ln.box), "words": [[w.text, w.confidence] for w in ln.words]} for ln in lines]


def _step(stages: list[StageReport], name: str, enabled: bool,
          func: Callable[[np.ndarray], tuple[np.ndarray, dict]], image: np.ndarray) -> np.ndarray:
    if not enabled:
        stages.append(StageReport(name, False))
        return image
    out, rep = func(image)
    stages.append(StageReport(name, True, rep))
    return out


def _plain_grey(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels
    return cv2.cvtColor(np.ascontiguousarray(pixels[..., :3]), cv2.COLOR_RGB2GRAY)


def _text_layer_page(source: load.SourceInfo, number: int, options: Options,
                     stages: list[StageReport]) -> Page | None:
    """The page read from the PDF's own text when that is to be used, else None (and the decision noted)."""
    choice = textlayer.decide(
        "" if options.text_layer == "ignore" else poppler.page_layer_text(source.path, number), options.text_layer,
        is_scan=lambda: ocr_textlayer.is_scan(source.path, number))
    if not choice.use:
        stages.append(StageReport("text_layer", False, choice.details))
        return None
    page = _page_from_text_layer(number, choice)
    if choice.details.get("scan"):  # a scanner's layer taken on the user's word: does it hold the whole page?
        covered = ocr_textlayer.layer_coverage(source.path, number)
        page.stages[0].details["ink_covered"] = None if covered is None else round(covered, 3)
        if covered is not None and covered < textlayer.MIN_COVERAGE:
            page.warnings.append(f"page {number}: the text layer lies over only {covered:.0%} of the "
                                 "scanned page's ink; text is probably missing (try --text-layer auto)")
    return page


def _page_from_text_layer(number: int, choice: textlayer.LayerChoice) -> Page:
    """A page read from its layer: the text is kept as it is (``Page.layer_text``); the blocks,
    one per non-empty line with no boxes, are for readers of the JSON structure."""
    blocks = []
    for raw in choice.text.splitlines():
        if raw.strip():
            words = [Word(t, Box(0, 0, 0, 0), 100.0) for t in raw.split()]
            blocks.append(Block("text-layer", [Line(words, Box(0, 0, 0, 0))], Box(0, 0, 0, 0)))
    details = choice.details | {"lines": len(blocks)}
    return Page(number, 0, 0, 0, blocks, [StageReport("text_layer", True, details)], layer_text=choice.text)
