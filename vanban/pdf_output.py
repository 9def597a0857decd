"""Searchable PDF (PDF/A-2b by default): the original page images with vanban's REPAIRED text.

How it is built, all with maintained libraries (no PDF written by hand):

* image pages: ``img2pdf`` wraps the scan as it is stored (PNG, JPEG, CCITT
  TIFF bytes copied, no re-compression); PDF inputs are opened with
  ``pikepdf`` and keep their pages, sizes, order, metadata and images.
* the text layer: OCRmyPDF's fpdf2 renderer (``ocrmypdf.fpdf_renderer``,
  invisible text, fonts embedded) draws each page's words at their boxes
  in the RECOGNISED image frame; the result is grafted onto the original
  page as a Form XObject with one matrix (``_text_ctm``) that undoes
  deskew, quarter turn and rescale, so each word lies on its ink.
* PDF/A-2b: ``pikepdf.pdfa.save`` adds the sRGB output intent, writes the
  XMP identification (pdfaid part 2, conformance B) and validates the bytes
  it wrote against its allowlist of the veraPDF rules; if the input cannot be
  made PDF/A that way, a plain PDF is written and the reason is a warning.

Reading order: the content stream gives lines in vanban's (repaired) order,
see ``wordmap.FinalWord.rank``; each word stays at its own box.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ocr.document import Box, Document, Page
from ocr.errors import InputFileError, MissingDependencyError, OutputError

from . import __version__
from .wordmap import FinalWord

log = logging.getLogger(__name__)
#: fontTools logs every glyph table it subsets at INFO: a dozen lines per PDF in the service's log
for _noisy in ("fontTools", "fpdf"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

PDFA_FLAVOUR = "2b"


def check() -> None:
    """Raise MissingDependencyError unless the PDF libraries and OCRmyPDF's fonts are there (for /readyz)."""
    try:
        import img2pdf  # noqa: F401
        import ocrmypdf
        import pikepdf.pdfa  # noqa: F401
        from ocrmypdf.fpdf_renderer import Fpdf2MultiPageRenderer  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(f"searchable PDF: {exc}; install vanban's dependencies (pip install .)") from exc
    fonts = Path(ocrmypdf.__file__).parent / "data"
    for name in ("NotoSans-Regular.ttf", "Occulta.ttf"):
        if not (fonts / name).is_file():
            raise MissingDependencyError(f"searchable PDF: OCRmyPDF's font {name} is missing from {fonts}")


@dataclass
class PdfReport:
    """What writing the PDF did, for the JSON and the user's warnings."""

    pdfa: bool
    pages_with_text: int
    pages_copied: int  # pages left as they came (text layer of their own, or nothing to add)
    warnings: list[str] = field(default_factory=list)


def write_pdf(doc: Document, words: list[FinalWord], source_path: str, source_kind: str, target: Path,
              pdfa: bool = True, name: str | None = None) -> PdfReport:
    """Write the searchable PDF of ``doc`` to ``target`` (atomically); the input file is only read.

    ``name`` is the file as the user knows it (an upload is stored as input.png): the title of an image's PDF.

    A PDF/A attempt that does not validate is thrown away whole and the PDF is
    built again without it: pikepdf's preparation has already added an output
    intent and a pdfaid claim, and a plain PDF must not claim to be PDF/A.
    """
    warnings: list[str] = []
    by_page: dict[int, list[FinalWord]] = {}
    for w in words:
        if w.text:
            by_page.setdefault(w.page, []).append(w)
    drawable = {i: ws for i, ws in by_page.items() if i < len(doc.pages) and _has_boxes(doc.pages[i])}
    is_pdfa = False
    try:
        with _atomic(target) as tmp:
            if pdfa:
                with _build(doc, drawable, source_path, source_kind, warnings, name) as pdf:
                    is_pdfa = _save_pdfa(pdf, tmp, warnings, source_path)
            if not is_pdfa:
                with _build(doc, drawable, source_path, source_kind, [] if pdfa else warnings, name) as pdf:
                    pdf.save(tmp, encryption=False)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the PDF ({exc})") from exc
    return PdfReport(is_pdfa, len(drawable), len(doc.pages) - len(drawable), warnings)


def _build(doc: Document, drawable: dict[int, list[FinalWord]], source_path: str, source_kind: str,
           warnings: list[str], name: str | None = None):
    """The input as an open pikepdf.Pdf with the text layer grafted on and vanban named in its metadata."""
    import pikepdf

    try:
        if source_kind == "pdf":
            pdf = pikepdf.open(source_path)
            if pdf.is_encrypted:
                warnings.append(f"{source_path}: the PDF was encrypted; the searchable PDF is written decrypted")
        else:
            pdf = pikepdf.open(_image_pdf(doc, source_path))
    except pikepdf.PasswordError as exc:
        raise InputFileError("PDF is password-protected; cannot write a searchable copy", path=source_path) from exc
    except Exception as exc:  # pikepdf or img2pdf cannot read what poppler or PIL could: the file's fault
        raise InputFileError(f"cannot be rebuilt as a PDF ({type(exc).__name__}: {exc})", path=source_path) from exc
    try:
        if len(pdf.pages) != len(doc.pages):
            raise OutputError(f"{source_path}: PDF has {len(pdf.pages)} pages, OCR has {len(doc.pages)}")
        if drawable:
            _graft_text(pdf, doc, drawable, image_pages=source_kind != "pdf")
        _set_metadata(pdf, name or Path(source_path).name, source_kind)
    except BaseException:
        pdf.close()
        raise
    return pdf


def _has_boxes(page: Page) -> bool:
    """Pages read from a PDF's own text layer already have text: they are copied unchanged."""
    if page.geometry is None or page.layer_text is not None:
        return False
    return page.width > 0 and page.height > 0


# ---------------------------------------------------------------- image pages


def _image_pdf(doc: Document, source_path: str):
    """The scan as a PDF with img2pdf: image data copied, page size from the dpi vanban used."""
    import io

    import img2pdf

    dpi = _source_dpi(doc.pages[0]) if doc.pages else 300
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    try:
        data = img2pdf.convert(source_path, layout_fun=layout, rotation=img2pdf.Rotation.none)
    except (img2pdf.AlphaChannelError, img2pdf.ImageOpenError, ValueError) as exc:
        # an alpha channel or an odd bit depth img2pdf will not copy: PNG-encode the pixels (lossless)
        log.info("img2pdf cannot copy %s as it is (%s): pixels re-encoded losslessly", source_path, exc)
        data = img2pdf.convert(*_lossless_frames(source_path), layout_fun=layout, rotation=img2pdf.Rotation.none)
    return io.BytesIO(data)


def _lossless_frames(path: str) -> list[bytes]:
    import io

    from PIL import Image, ImageSequence

    frames = []
    with Image.open(path) as img:
        for frame in ImageSequence.Iterator(img):
            mode = "L" if frame.mode in ("1", "L", "LA", "I;16", "I", "F") else "RGB"
            buf = io.BytesIO()
            frame.convert(mode).save(buf, "PNG")
            frames.append(buf.getvalue())
    return frames


def _source_dpi(page: Page) -> float:
    for stage in page.stages:
        if stage.stage == "load":
            return float(stage.details.get("source_dpi") or 300)
    return 300.0


# ---------------------------------------------------------------- text layer


def _ocr_tree(page: Page, words: list[FinalWord]):
    """The page's words as OCRmyPDF's OcrElement tree in the RECOGNISED frame, lines in repaired order.

    Lines are drawn straight in the deskewed frame, so on the original page
    (the graft matrix turns them back) each word lies on its ink, slanted as
    the scan is.
    """
    from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

    def bbox(b) -> BoundingBox:
        return BoundingBox(b.left, b.top, b.left + max(1, b.width), b.top + max(1, b.height))

    lines: dict[tuple[int, int], list[FinalWord]] = {}
    for w in words:
        lines.setdefault((w.block, w.line), []).append(w)
    ordered = sorted(lines, key=lambda key: (min(w.rank for w in lines[key]), key))
    paragraphs = []
    for key in ordered:
        line = page.blocks[key[0]].lines[key[1]]
        mine = sorted(lines[key], key=lambda w: w.word)
        children = [OcrElement(OcrClass.WORD, bbox=bbox(line.words[w.word].box), text=w.text,
                               confidence=line.words[w.word].confidence / 100.0) for w in mine]
        line_box = bbox(Box.union([line.words[w.word].box for w in mine]))
        paragraphs.append(OcrElement(OcrClass.PARAGRAPH, bbox=line_box, children=[
            OcrElement(OcrClass.LINE, bbox=line_box, children=children)]))
    return OcrElement(OcrClass.PAGE, bbox=BoundingBox(0, 0, page.width, page.height), children=paragraphs,
                      dpi=page.dpi)


def _graft_text(base, doc: Document, words: dict[int, list[FinalWord]], image_pages: bool) -> None:
    """Render the text pages with OCRmyPDF's renderer and draw each on its original page."""
    import pikepdf
    from ocrmypdf.fpdf_renderer import Fpdf2MultiPageRenderer

    order = sorted(words)
    trees = [(i, _ocr_tree(doc.pages[i], words[i]), doc.pages[i].dpi) for i in order]
    fonts = _font_manager()
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as tmp:
        text_pdf = Path(tmp) / "text.pdf"
        Fpdf2MultiPageRenderer(pages_data=trees, multi_font_manager=fonts, invisible_text=True).render(text_pdf)
        with pikepdf.open(text_pdf) as text:
            for k, i in enumerate(order):
                page = doc.pages[i]
                target = base.pages[i]
                form = base.copy_foreign(text.pages[k].as_form_xobject())
                name = target.add_resource(form, pikepdf.Name.XObject, prefix="vanbanOCR")
                ctm = _text_ctm(page, target, rotate=0 if image_pages else int(target.obj.get("/Rotate", 0)))
                # the original drawing is fenced in q/Q so its graphics state cannot move the text
                target.contents_add(b"q\n", prepend=True)
                target.contents_add(b"\nQ\nq %s cm %s Do Q\n" % (
                    " ".join(f"{v:.6f}" for v in ctm).encode(), bytes(name)))


_fonts = threading.local()


def _font_manager():
    """OCRmyPDF's font manager, one per thread: it finds its fonts on disk and caches which font draws
    which word, 0.16 s of every PDF when made anew (the service writes a PDF for every job)."""
    if getattr(_fonts, "manager", None) is None:
        from ocrmypdf.font import MultiFontManager

        _fonts.manager = MultiFontManager(Path(__import__("ocrmypdf").__file__).parent / "data")
    return _fonts.manager


def _text_ctm(page: Page, target, rotate: int) -> tuple[float, ...]:
    """Matrix from the rendered text page (points, origin bottom-left) to the original page's user space.

    text pt -> recognised px -> source px (``PageGeometry.to_source``) -> displayed
    page (top-left origin, after /Rotate) -> user space of the page.
    """
    geo = page.geometry
    k = 72.0 / page.dpi
    height_pt = page.height * k
    # text pt (X, Y) -> recognised px: x = X / k, y = (height_pt - Y) / k
    to_recognised = np.array([[1 / k, 0, 0], [0, -1 / k, height_pt / k], [0, 0, 1]])
    a, b, c, d, e, f = geo.to_source
    to_source = np.array([[a, c, e], [b, d, f], [0, 0, 1]])
    box = [float(v) for v in (target.obj.get("/CropBox") or target.mediabox)]
    llx, lly, urx, ury = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
    rotate %= 360
    disp_w, disp_h = (ury - lly, urx - llx) if rotate in (90, 270) else (urx - llx, ury - lly)
    to_display = np.diag([disp_w / geo.source_width, disp_h / geo.source_height, 1.0])
    # displayed (u, v) top-left origin -> user space (x, y), for each /Rotate
    to_user = {
        0: np.array([[1, 0, llx], [0, -1, ury], [0, 0, 1]]),
        90: np.array([[0, 1, llx], [1, 0, lly], [0, 0, 1]]),
        180: np.array([[-1, 0, urx], [0, 1, lly], [0, 0, 1]]),
        270: np.array([[0, -1, urx], [-1, 0, ury], [0, 0, 1]]),
    }[rotate if rotate in (0, 90, 180, 270) else 0]
    m = to_user @ to_display @ to_source @ to_recognised
    return (m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2])


# ---------------------------------------------------------------- metadata and PDF/A


def _set_metadata(pdf, name: str, source_kind: str) -> None:
    """Keep a PDF's own title, author, subject, creator tool and creation date; say who wrote this file.

    ``xmp:CreatorTool`` is the scanner or program that made the original and
    stays (vanban only fills it in for image inputs); ``xmp:ModifyDate`` is now,
    since the file gained a text layer.  pikepdf names itself the producer.
    """
    import datetime as dt

    had_xmp = "/Metadata" in pdf.Root
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if not had_xmp:  # a PDF with only an Info dictionary: its title and author go into the XMP
            meta.load_from_docinfo(pdf.docinfo)
        if "xmp:CreatorTool" not in meta:
            meta["xmp:CreatorTool"] = f"vanban {__version__}"
        if source_kind != "pdf" and "dc:title" not in meta:
            meta["dc:title"] = name
        meta["xmp:ModifyDate"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _save_pdfa(pdf, tmp: Path, warnings: list[str], source_path: str) -> bool:
    """PDF/A-2b through pikepdf's own preparation and validator; False (and a warning) when it will not pass."""
    from pikepdf import pdfa

    try:
        pdfa.save(pdf, tmp, PDFA_FLAVOUR, output_intent="sRGB")
        return True
    except pdfa.PdfaError as exc:
        found = [f"{f.rule}: {f.message}" for f in exc.report.findings][:3]
        warnings.append(f"{source_path}: the searchable PDF is not PDF/A-2b ({'; '.join(found) or exc}); "
                        "written as a plain PDF")
        return False


class _atomic:
    """A temporary path beside ``target`` renamed into place only when writing worked."""

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)
