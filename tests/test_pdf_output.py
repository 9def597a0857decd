"""Searchable PDF/A-2b, hOCR and ALTO: the repaired text, each word on its ink, the scan untouched.

One OCR run of every sample (and of a small mixed 1-bit/grey/colour PDF with
metadata and an owner password) is shared by the module; the other tests only
read its files.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from ocr.document import Block, Box, Document, Line, Page, PageGeometry, Word
from vanban.metrics import cer
from vanban.pipeline import Options, run_batch
from vanban.wordmap import final_words

from .conftest import SAMPLES, sha256
from .service_support import SMALL_TEXT, ServiceProcess, small_scan, wait_until_finished

FORMATS = ("txt", "json", "pdf", "hocr", "alto")
NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg", ".pdf", ".tif"))
MIXED = "mixed.pdf"
#: the PDF's text must be the .txt output (after whitespace folding) to this CER
ROUND_TRIP_CER = 0.002
#: PDF size over input size; the 1-bit G4 TIFF is 37 KB a page, so the ~8 KB of font subset and sRGB
#: profile that PDF/A needs plus ~2.8 KB of text per page are more than a tenth of it (measured 1.23)
SIZE_BOUND = {"multipage.tif": 1.25, "mixed.pdf": 1.2}  # mixed.pdf: 20 KB a page, measured 1.15
TITLE, AUTHOR, CREATOR = "Công văn số 15 (thử)", "Văn thư Tỉnh ủy", "Máy quét ScanX 2.1"


def _mixed_pdf(folder: Path) -> Path:
    """Three small pages, 1-bit, grey and colour, with metadata, encrypted with an owner password only."""
    import img2pdf

    pages = []
    for mode, name in (("1", "bit"), ("L", "grey"), ("RGB", "colour")):
        img = Image.open(small_scan(folder / f"{name}.png"))
        if mode == "RGB":  # dark blue print on cream paper
            grey = np.asarray(img.convert("L"), dtype=np.float64) / 255
            rgb = np.stack([20 + 225 * grey, 30 + 215 * grey, 90 + 140 * grey], axis=-1).astype(np.uint8)
            img = Image.fromarray(rgb)
        path = folder / f"{name}.{'tif' if mode == '1' else 'png'}"
        img.convert(mode).save(path, dpi=(300, 300), **({"compression": "group4"} if mode == "1" else {}))
        pages.append(str(path))
    plain = folder / "plain.pdf"
    plain.write_bytes(img2pdf.convert(pages, title=TITLE, author=AUTHOR, creator=CREATOR))
    target = folder / MIXED
    with pikepdf.open(plain) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="chi-van-thu", user="", R=6))
    return target


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf-in")
    inputs = [SAMPLES / n for n in NAMES] + [_mixed_pdf(folder)]
    before = {p: sha256(p) for p in inputs}
    out = tmp_path_factory.mktemp("pdf-out")
    batch = run_batch([str(p) for p in inputs], out, Options(jobs=1, formats=FORMATS))
    assert {p: sha256(p) for p in inputs} == before, "an input file was modified"
    results = {Path(f.path).name: f for f in batch.files}
    assert all(r.status == "done" for r in results.values()), [r.error for r in results.values()]
    stems = {}
    for p in inputs:
        txt = next(o for o in results[p.name].outputs if o.endswith(".txt"))
        stems[p.name] = (p, results[p.name], Path(txt[:-len(".txt")]))
    return stems


def file(stem: Path, fmt: str) -> Path:
    """The output of one format ("multipage.pdf" keeps its extension in the stem: multipage.pdf.pdf)."""
    return stem.with_name(stem.name + "." + fmt)


def pdftotext(path: Path, *flags: str) -> str:
    return subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


ALL = NAMES + [MIXED]


@pytest.mark.parametrize("name", ALL)
def test_pdf_text_is_the_txt_output(made, name):
    """Search and copy give vanban's text: the text layer in content order (pdftotext -raw) is the .txt."""
    _, result, stem = made[name]
    txt = file(stem, "txt").read_text(encoding="utf-8")
    assert txt.strip()
    assert cer(pdftotext(file(stem, "pdf"), "-raw"), txt) <= ROUND_TRIP_CER


@pytest.mark.parametrize("name", ALL)
def test_pdf_passes_the_pdfa_2b_checks(made, name):
    path = file(made[name][2], "pdf")
    from ocrmypdf.pdfa import find_nonembedded_fonts
    from pikepdf.pdfa import validate_written

    with pikepdf.open(path) as pdf:
        assert not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        intents = pdf.Root.OutputIntents
        assert len(intents) >= 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        assert not find_nonembedded_fonts(pdf)
        fonts = [f for page in pdf.pages for xo in page.Resources.XObject.values() if xo.get("/Subtype") == "/Form"
                 for f in xo.Resources.Font.values()]
        assert fonts and all("/FontFile2" in f.DescendantFonts[0].FontDescriptor for f in fonts)
    report = validate_written(path, "2b")
    assert report.passed, [str(f) for f in report.findings][:5]


@pytest.mark.parametrize("name", ALL)
def test_pdf_keeps_pages_sizes_and_is_small(made, name):
    source, result, stem = made[name]
    path = file(stem, "pdf")
    with pikepdf.open(path) as out:
        assert len(out.pages) == result.pages
        if source.suffix == ".pdf":
            with pikepdf.open(source) as original:
                assert [list(p.mediabox) for p in out.pages] == [list(p.mediabox) for p in original.pages]
    assert path.stat().st_size <= SIZE_BOUND.get(name, 1.1) * source.stat().st_size


def test_scan_images_are_copied_not_recompressed(made):
    """JPEG, CCITT and the PDF's own image streams are byte for byte those of the input."""
    def images(pdf):
        return [bytes(xo.read_raw_bytes()) for p in pdf.pages for xo in p.Resources.XObject.values()
                if xo.get("/Subtype") == "/Image"]

    data, idat, at = (SAMPLES / "clean.png").read_bytes(), b"", 8
    while at < len(data):  # a PNG's compressed pixel data is the concatenation of its IDAT chunks
        size = int.from_bytes(data[at:at + 4], "big")
        if data[at + 4:at + 8] == b"IDAT":
            idat += data[at + 8:at + 8 + size]
        at += 12 + size
    with pikepdf.open(file(made["clean.png"][2], "pdf")) as pdf:
        assert images(pdf) == [idat]
    with pikepdf.open(file(made["degraded.jpg"][2], "pdf")) as pdf:
        assert images(pdf) == [(SAMPLES / "degraded.jpg").read_bytes()]
    for name in ("multipage.pdf", MIXED):
        with pikepdf.open(file(made[name][2], "pdf")) as out, pikepdf.open(made[name][0]) as original:
            assert images(out) == images(original)
    with pikepdf.open(file(made["multipage.tif"][2], "pdf")) as pdf:
        assert all("/CCITTFaxDecode" in str(xo.Filter)
                   for p in pdf.pages for xo in p.Resources.XObject.values() if xo.get("/Subtype") == "/Image")


def test_an_encrypted_pdf_is_written_decrypted_with_its_metadata_and_a_warning(made):
    _, result, stem = made[MIXED]
    assert any("encrypted" in w and "decrypted" in w for w in result.warnings)
    data = json.loads(file(stem, "json").read_text(encoding="utf-8"))
    assert data["pdf"]["pdfa"] is True and any("decrypted" in w for w in data["warnings"])
    with pikepdf.open(file(stem, "pdf")) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("dc:title") == TITLE and AUTHOR in str(meta.get("dc:creator"))
        assert str(pdf.docinfo.get("/Title")) == TITLE
        assert str(pdf.docinfo.get("/Author")) == AUTHOR and str(pdf.docinfo.get("/Creator")) == CREATOR


def _words_in_pdf(path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Per page, the boxes (pt, origin bottom-left) of the text layer's characters in content order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    def chars(item):
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            for child in item:
                yield from chars(child)

    return [[(c.get_text(), c.bbox) for c in chars(page)] for page in extract_pages(str(path), laparams=None)]


def _iou(a: Box, b: Box) -> float:
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    inter = max(0, w) * max(0, h)
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union else 0.0


def word_box_ious(made, name) -> tuple[list[float], list[float]]:
    """Per word: IoU of its box in the PDF with its ink box (Tesseract's box taken back to the page),
    and the same along the line only (horizontal extents), in content order."""
    source, result, stem = made[name]
    r = result.rendering
    words = [w for w in final_words(r.doc, r.ocr_text, r.repaired) if w.text]
    with pikepdf.open(file(stem, "pdf")) as pdf:
        sizes = [(float(p.mediabox[2]), float(p.mediabox[3])) for p in pdf.pages]
    laid = _words_in_pdf(file(stem, "pdf"))
    ious, along = [], []
    for p, page in enumerate(r.doc.pages):
        geo = page.geometry
        mine = sorted((w for w in words if w.page == p), key=lambda w: (w.rank, w.block, w.line, w.word))
        chars = [c for c in laid[p] if not c[0].isspace()]
        sx, sy = geo.source_width / sizes[p][0], geo.source_height / sizes[p][1]
        at = 0
        for w in mine:
            n = len("".join(w.text.split()))
            got = chars[at:at + n]
            at += n
            assert "".join(c[0] for c in got) == "".join(w.text.split())
            x0, x1 = min(c[1][0] for c in got), max(c[1][2] for c in got)
            y0, y1 = min(c[1][1] for c in got), max(c[1][3] for c in got)
            text_box = Box(round(x0 * sx), round((sizes[p][1] - y1) * sy), round((x1 - x0) * sx),
                           round((y1 - y0) * sy))
            ink = geo.box_to_source(page.blocks[w.block].lines[w.line].words[w.word].box)
            ious.append(_iou(text_box, ink))
            along.append(_iou(Box(text_box.left, 0, text_box.width, 1), Box(ink.left, 0, ink.width, 1)))
    return ious, along


#: The invisible font is one size per line, so viewers and pdftotext keep a line together; its box is
#: the line's height, so a hyphen (ink 5 px high) overlaps it by ~0.12 and a word under a tall
#: diacritic by ~0.45.  Measured share of words with IoU >= 0.5: 0.944 (header.png) to 1.0 (mixed.pdf).
MIN_SHARE_IOU_HALF = 0.93


@pytest.mark.parametrize("name", ALL)
def test_every_word_of_the_text_layer_lies_on_its_ink(made, name):
    ious, along = word_box_ious(made, name)
    assert min(along) >= 0.75, min(along)  # every word starts and ends where its ink does (skew7: 0.76)
    assert np.mean(np.array(ious) >= 0.5) >= MIN_SHARE_IOU_HALF, np.mean(np.array(ious) >= 0.5)
    assert np.median(ious) >= 0.55, np.median(ious)


@pytest.mark.parametrize("name", ["skew2.png", "skew7.png", "rotated180.png"])
def test_word_boxes_taken_back_to_the_page_cover_ink(made, name):
    """The geometry is right: on the ORIGINAL image, mapped word boxes are darker than the page and
    than the same boxes taken as if the page had not been turned or deskewed."""
    _, result, _ = made[name]
    page = result.rendering.doc.pages[0]
    with Image.open(SAMPLES / name) as img:
        dark = np.asarray(img.convert("L")) < 128
    naive = PageGeometry(page.geometry.source_width, page.geometry.source_height)
    inside, unmoved = [], []
    for block in page.blocks:
        for line in block.lines:
            for word in line.words:
                for geo, into in ((page.geometry, inside), (naive, unmoved)):
                    b = geo.box_to_source(word.box)
                    into.append(dark[b.top:b.bottom, b.left:b.right].mean() if b.width and b.height else 0.0)
    assert np.mean(inside) >= 2 * dark.mean(), (np.mean(inside), dark.mean())
    assert np.mean(inside) >= 1.3 * np.mean(unmoved), (np.mean(inside), np.mean(unmoved))


def test_hocr_and_alto_carry_the_repaired_words_at_page_pixels(made):
    from ocrmypdf.hocrtransform import HocrParser

    _, result, stem = made["skew2.png"]
    r = result.rendering
    words = [w.text for w in final_words(r.doc, r.ocr_text, r.repaired) if w.text]
    page = HocrParser(file(stem, "hocr")).parse()
    assert sorted(w.text for w in page.words) == sorted(words)
    assert page.bbox.right == 2480 and page.bbox.bottom == 3508
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    root = ET.parse(file(stem, "alto")).getroot()
    strings = root.findall(".//a:String", ns)
    assert sorted(s.get("CONTENT") for s in strings) == sorted(words)
    assert all(0 <= int(s.get("HPOS")) < 2480 and 0 <= int(s.get("VPOS")) < 3508 for s in strings)
    text = " ".join(" ".join(s.get("CONTENT") for s in line.findall("a:String", ns))
                    for line in root.findall(".//a:TextLine", ns))
    assert cer(text, file(stem, "txt").read_text(encoding="utf-8")) <= ROUND_TRIP_CER


# ---------------------------------------------------------------- wordmap, no OCR


def _doc(lines: list[list[str]]) -> Document:
    blocks = []
    for n, texts in enumerate(lines):
        words = [Word(t, Box(100 * i, 50 * n, 80, 40), 90.0) for i, t in enumerate(texts)]
        blocks.append(Block("header-left", [Line(words, Box.union([w.box for w in words]))],
                            Box.union([w.box for w in words])))
    return Document("x.png", [Page(1, 1000, 1000, 300, blocks, geometry=PageGeometry(1000, 1000))])


def test_final_words_follow_applied_changes_and_reorders():
    from restore.repair import Change, RepairResult

    doc = _doc([["Cong", "van", "so"], ["c", "ủa", "Tinh", "uy"], ["dòng", "hai"]])
    text = doc.text.rstrip("\n")  # "Cong van so\nc ủa Tinh uy\ndòng hai"
    changes = [
        Change(0, 4, "Cong", "Công", 0.99, "accent"),
        Change(5, 8, "van", "văn", 0.99, "accent"),
        Change(9, 11, "so", "số", 0.3, "accent", applied=False),  # flagged only: the text keeps "so"
        Change(12, 16, "c ủa", "của", 0.9, "spelling"),  # a join: the second word is emptied
        Change(17, 21, "Tinh", "Tỉnh", 0.99, "accent"),
        Change(22, 24, "uy", "ủy", 0.99, "accent"),
        Change(12, 33, "c ủa Tinh uy\ndòng hai", "dòng hai\nc ủa Tinh uy", 0.9, "reorder"),
    ]
    words = final_words(doc, text, RepairResult("unused", changes))
    assert [w.text for w in words] == ["Công", "văn", "so", "của", "", "Tỉnh", "ủy", "dòng", "hai"]
    assert [w.rank for w in words] == [0, 0, 0, 2, 2, 2, 2, 1, 1]
    assert [w.ocr for w in words] == ["Cong", "van", "so", "c", "ủa", "Tinh", "uy", "dòng", "hai"]
    assert final_words(doc, text, None)[0].text == "Cong"


def test_two_changes_inside_one_word_are_both_applied():
    from restore.repair import Change, RepairResult

    doc = _doc([["nguoi", "dan"]])
    text = "nguoi dan"
    changes = [Change(1, 5, "guoi", "gười", 0.99, "accent"), Change(0, 1, "n", "N", 0.99, "spelling"),
               Change(6, 9, "dan", "dân", 0.99, "accent")]
    assert [w.text for w in final_words(doc, text, RepairResult("", changes))] == ["Người", "dân"]


# ---------------------------------------------------------------- service and watcher


def test_api_serves_the_pdf_hocr_and_alto(tmp_path):
    import httpx

    data = tmp_path / "data"
    service = ServiceProcess(data, tmp_path / "service.log", {"VANBAN_WORKERS": "1"}).start()
    try:
        with httpx.Client(base_url=service.url, timeout=120) as client:
            with open(small_scan(tmp_path / "nho.png"), "rb") as fh:
                answer = client.post("/v1/documents", files={"file": ("nhỏ.png", fh)})
            job = answer.json()["id"]
            assert wait_until_finished(client, [job], timeout=120)[job]["status"] == "done"
            pdf = client.get(f"/v1/documents/{job}/pdf")
            assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
            (tmp_path / "got.pdf").write_bytes(pdf.content)
            text = client.get(f"/v1/documents/{job}/text").text
            for fmt in ("hocr", "alto"):
                assert client.get(f"/v1/documents/{job}/{fmt}").status_code == 200
            assert client.get(f"/v1/documents/{job}/json").json()["pdf"]["pdfa"] is True
            assert "nhỏ.png" in client.get(f"/v1/documents/{job}/alto").text
            checks = {c["name"]: c["ok"] for c in client.get("/readyz").json()["checks"]}
            assert checks.get("pdf_libraries") is True
    finally:
        service.stop()
    assert cer(pdftotext(tmp_path / "got.pdf", "-raw"), text) <= ROUND_TRIP_CER
    assert cer(text, " ".join(SMALL_TEXT)) <= 0.05
    with pikepdf.open(tmp_path / "got.pdf") as got:
        assert got.open_metadata().pdfa_status == "2B"
        assert got.open_metadata().get("dc:title") == "nhỏ.png"


def test_the_watcher_writes_the_formats_it_is_told(tmp_path):
    from vanban.watch import FolderWatcher, WatchSettings

    inbox, out, archive = tmp_path / "in", tmp_path / "out", tmp_path / "archive"
    small_scan(inbox / "a.png")
    watcher = FolderWatcher(WatchSettings(inbox, out, archive=archive, settle=0,
                                          options=Options(jobs=1, formats=("txt", "pdf", "alto"))))
    watcher.scan_once()
    assert [o.status for o in watcher.scan_once()] == ["done"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.alto", "a.pdf", "a.txt", "register.csv"]
    assert (archive / "a.png").exists()
    assert cer(pdftotext(out / "a.pdf", "-raw"), (out / "a.txt").read_text(encoding="utf-8")) <= ROUND_TRIP_CER


# ---------------------------------------------------------------- awkward inputs, small pages


def _poppler_words(path: Path) -> list[tuple[str, Box]]:
    """Words and boxes (pt, top-left origin of the page as displayed) as poppler reads them."""
    html = pdftotext(path, "-bbox")
    root = ET.fromstring(html.replace('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                                      '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">', ""))
    out = []
    for el in root.iter("{http://www.w3.org/1999/xhtml}word"):
        x0, y0, x1, y1 = (float(el.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
        out.append((el.text, Box(round(x0), round(y0), round(x1 - x0), round(y1 - y0))))
    return out


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_pdf_page_with_rotate_gets_its_words_where_they_are_shown(tmp_path, rotate):
    """/Rotate pages: poppler renders them turned; the text must land on the ink as displayed."""
    import img2pdf

    upright = Image.open(small_scan(tmp_path / "up.png"))
    stored = upright.rotate(rotate, expand=True)  # counter-clockwise: /Rotate (clockwise) shows it upright
    stored.save(tmp_path / "stored.png", dpi=(300, 300))
    src = tmp_path / f"rot{rotate}.pdf"
    with pikepdf.open(__import__("io").BytesIO(img2pdf.convert(str(tmp_path / "stored.png")))) as pdf:
        pdf.pages[0].Rotate = rotate
        pdf.save(src)
    out = tmp_path / "out"
    result = run_batch([str(src)], out, Options(jobs=1, formats=("txt", "pdf"))).files[0]
    assert result.status == "done", result.error
    txt = (out / f"rot{rotate}.txt").read_text(encoding="utf-8")
    assert cer(txt, " ".join(SMALL_TEXT)) <= 0.05
    assert cer(pdftotext(out / f"rot{rotate}.pdf", "-raw"), txt) <= ROUND_TRIP_CER
    page = result.rendering.doc.pages[0]
    k = 72 / page.dpi
    inks = [page.geometry.box_to_source(w.box) for b in page.blocks for ln in b.lines for w in ln.words]
    inks = [Box(round(b.left * k), round(b.top * k), round(b.width * k), round(b.height * k)) for b in inks]
    shown = _poppler_words(out / f"rot{rotate}.pdf")
    assert len(shown) == len(inks)
    for (_, box), ink in zip(shown, inks):
        assert _iou(Box(box.left, 0, box.width, 1), Box(ink.left, 0, ink.width, 1)) >= 0.7
        assert _iou(box, ink) >= 0.3


def test_text_layer_pages_are_copied_and_a_pdf_that_cannot_be_pdfa_is_a_plain_pdf(tmp_path):
    """A page read from its own text layer is left as it came; Helvetica (not embedded) rules out PDF/A,
    so the file is written as a plain PDF that claims nothing, with a warning."""
    from fpdf import FPDF

    doc = FPDF(unit="pt", format=(595, 842))
    doc.add_page()
    doc.set_font("Helvetica", size=14)
    doc.text(72, 100, "Cong van so 15-CV/BTGTU ve viec tuyen truyen")
    src = tmp_path / "digital.pdf"
    doc.output(str(src))
    out = tmp_path / "out"
    result = run_batch([str(src)], out, Options(jobs=1, formats=("txt", "json", "pdf"), text_layer="use")).files[0]
    assert result.status == "done", result.error
    assert any("not PDF/A-2b" in w for w in result.warnings)
    data = json.loads((out / "digital.json").read_text(encoding="utf-8"))
    assert data["pdf"]["pdfa"] is False and data["pdf"]["pages_copied"] == 1
    with pikepdf.open(src) as original, pikepdf.open(out / "digital.pdf") as written:
        assert written.pages[0].Contents.read_bytes() == original.pages[0].Contents.read_bytes()
        assert "/OutputIntents" not in written.Root
        assert written.open_metadata().pdfa_status == ""
    assert "Cong van so 15" in pdftotext(out / "digital.pdf")


def test_an_image_with_alpha_keeps_its_pixels(tmp_path):
    """An alpha channel cannot be copied as it is: img2pdf splits it into a soft mask, losslessly."""
    rgba = Image.open(small_scan(tmp_path / "a.png")).convert("RGBA")
    rgba.save(tmp_path / "alpha.png", dpi=(300, 300))
    out = tmp_path / "out"
    result = run_batch([str(tmp_path / "alpha.png")], out, Options(jobs=1, formats=("txt", "pdf"))).files[0]
    assert result.status == "done", result.error
    txt = (out / "alpha.txt").read_text(encoding="utf-8")
    assert cer(pdftotext(out / "alpha.pdf", "-raw"), txt) <= ROUND_TRIP_CER
    with pikepdf.open(out / "alpha.pdf") as pdf:
        image = next(iter(pdf.pages[0].Resources.XObject.values()))
        assert pdf.open_metadata().pdfa_status == "2B"
        pixels = np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("L"))
    assert (pixels == np.asarray(rgba.convert("L"))).all()


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
@pytest.mark.parametrize("angle", [0.0, 2.0, -7.0])
def test_geometry_takes_recognised_pixels_back_to_the_stored_page(turn, angle):
    """The inverse of rotate_upright + deskew.rotate + resampling, checked on marked pixels."""
    import cv2

    from ocr import deskew, orient
    from ocr.geometry import page_geometry

    stored = np.zeros((300, 200), np.uint8)
    marks = [(20, 30), (150, 40), (60, 250), (180, 280)]  # (x, y) in the stored image
    for x, y in marks:
        stored[y - 2:y + 3, x - 2:x + 3] = 255
    loaded = cv2.resize(stored, (400, 600), interpolation=cv2.INTER_NEAREST)  # resampled x2, as load does
    turned = orient.rotate_upright(loaded, turn)
    recognised = deskew.rotate(turned, angle, fill=0)
    geo = page_geometry(400, 600, (200, 300), turn, angle)
    _, _, _, centres = cv2.connectedComponentsWithStats((recognised > 127).astype(np.uint8))
    back = sorted(geo.map(cx, cy) for cx, cy in centres[1:])
    for (x, y), (bx, by) in zip(sorted(marks), back):
        assert abs(bx - x) < 1.5 and abs(by - y) < 1.5, (turn, angle, (x, y), (bx, by))


def test_a_reorder_moves_lines_in_the_layer_but_not_on_the_page(made, tmp_path):
    """Lines the repair put back in order are read in that order; their words stay on their ink."""
    from dataclasses import replace

    from restore.repair import Change, RepairResult
    from vanban.pipeline import Rendering, write_outputs

    _, result, stem = made["clean.png"]
    r = result.rendering
    lines = r.ocr_text.split("\n")
    swapped = [lines[1], lines[0]] + lines[2:]
    end = len(lines[0]) + 1 + len(lines[1])
    move = Change(0, end, "\n".join(lines[:2]), "\n".join(swapped[:2]), 0.9, "reorder")
    repaired = RepairResult("\n".join(swapped), [move])
    moved = replace(result, rendering=Rendering(r.source, r.doc, r.ocr_text, repaired), outputs=[],
                    document=None, text=repaired.text)
    write_outputs(moved, tmp_path / "moved", ["pdf"])
    got = pdftotext(tmp_path / "moved.pdf", "-raw")
    assert cer(got, repaired.text) <= ROUND_TRIP_CER and cer(got, r.ocr_text) > 0.01
    made_moved = {"clean.png": (SAMPLES / "clean.png", moved, tmp_path / "moved")}
    ious, along = word_box_ious(made_moved, "clean.png")
    assert min(along) >= 0.75 and np.mean(np.array(ious) >= 0.5) >= MIN_SHARE_IOU_HALF
