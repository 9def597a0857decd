"""PDF text layers: used byte for byte, converted from legacy fonts, or OCR'd when junk; and
legacy-encoded .txt files through `vanban repair`.  The PDFs are made here with fpdf2."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from ocr.errors import ExitCode
from restore import encodings
from vanban import textlayer
from vanban.metrics import cer
from vanban.pipeline import Options, run_batch

from .conftest import ROOT, SAMPLES, ground_truth

fpdf = pytest.importorskip("fpdf")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
# Our own letter text (no corpus or seed text).
PAGE_ONE = ("ỦY BAN NHÂN DÂN\nHUYỆN BÌNH SƠN\n\nSố: 125/QĐ-UBND          Bình Sơn, ngày 4 tháng 3 năm 2024\n\n"
            "QUYẾT ĐỊNH\nVề việc thành lập tổ kiểm tra công tác phòng, chống thiên tai năm 2024\n\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương; xét đề nghị của Trưởng phòng Nông nghiệp, "
            "Ủy ban nhân dân huyện quyết định giao các xã rà soát đê điều, hồ chứa và khu dân cư ven sông.")
PAGE_TWO = ("Điều 1. Thành lập tổ kiểm tra gồm các ông, bà có tên sau đây.\n"
            "Điều 2. Tổ kiểm tra có nhiệm vụ báo cáo kết quả trước ngày 30 tháng 4 năm 2024.\n"
            "Nơi nhận: như Điều 2; lưu văn thư.")
LEGACY_LINES = ["ỦY BAN NHÂN DÂN TỈNH", "Ủy ban nhân dân tỉnh quyết định ban hành kế hoạch phòng chống hạn hán",
                "Điều 1. Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan."]
GARBAGE = ("CNG HOA XA HI CH NGHIA VIT NAM\nc lp - T do - Hnh phc\n"
           "Quyt dnh v vic trin khai thc hin k hoch nm 2024 ca y ban nhn dn tnh Nghj quyêt s 12")


def _unicode_page(pdf, text: str) -> None:
    pdf.add_page()
    pdf.set_font("dv", size=11)
    pdf.multi_cell(0, 6, text)


def _new_pdf():
    pdf = fpdf.FPDF()
    pdf.add_font("dv", "", FONT)
    return pdf


def born_digital(path: Path) -> Path:
    pdf = _new_pdf()
    _unicode_page(pdf, PAGE_ONE)
    _unicode_page(pdf, PAGE_TWO)
    pdf.add_page()  # a blank page: pdftotext gives it a lone form feed
    pdf.output(str(path))
    return path


def legacy_font_pdf(path: Path, encoding: str) -> Path:
    """What a letter typed in .VnTime / VNI-Times gives: legacy bytes through a WinAnsi font."""
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in LEGACY_LINES:
        pdf.cell(0, 7, encodings.encode_as_text(line, encoding), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def mixed_with_scanner_layer(path: Path) -> Path:
    """Page 1 born-digital; page 2 a scan (samples/clean.png) under a scanner's junk OCR layer."""
    from fpdf.enums import TextMode

    pdf = _new_pdf()
    _unicode_page(pdf, PAGE_TWO)
    pdf.add_page()
    pdf.image(str(SAMPLES / "clean.png"), x=0, y=0, w=210, h=297)
    pdf.set_font("helvetica", size=10)
    pdf.text_mode = TextMode.INVISIBLE
    pdf.set_xy(15, 20)
    pdf.multi_cell(180, 6, GARBAGE)
    pdf.output(str(path))
    return path


def pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8"))


def run_one(path: Path, out: Path, **options):
    batch = run_batch([str(path)], out, Options(jobs=1, **options))
    (result,) = batch.files
    assert result.status == "done", result.error
    return result, json.loads((out / (path.stem + ".json")).read_text(encoding="utf-8"))


def layer_stage(page: dict) -> dict:
    return next(s for s in page["stages"] if s["stage"] == "text_layer")


# ---------------------------------------------------------------- decisions on text


def test_good_unicode_layer_is_used_unchanged():
    choice = textlayer.decide(PAGE_ONE, "auto")
    assert (choice.decision, choice.use, choice.text) == ("unicode", True, PAGE_ONE)
    assert choice.details["quality"]["valid"] >= 0.9


@pytest.mark.parametrize("junk", [GARBAGE, "trin khai thc hin k hoch nm 2024 ca y ban nhn dn tnh Qung Ngi",
                                  "Nghj quyêt cüa Hôi dông nhân dân tinh vê viêc phê duyêt kê hoach"])
def test_scanner_junk_is_garbage(junk):
    choice = textlayer.decide(junk, "auto")
    assert (choice.decision, choice.use) == ("garbage", False)
    assert "OCR" in choice.details["reason"]


def test_little_or_no_text_is_none_and_modes():
    assert textlayer.decide("", "auto").decision == "none"
    assert textlayer.decide("  - 2 -\n", "auto").decision == "none"
    assert not textlayer.decide("  - 2 -\n", "use").use  # no letter at all: nothing to take
    assert textlayer.decide("Trang hai", "use").use  # use: any layer with a letter
    assert textlayer.decide("Trang hai", "auto").decision == "none"  # too little to judge: OCR
    taken = textlayer.decide(GARBAGE, "use")
    assert (taken.decision, taken.use, taken.text) == ("unicode", True, GARBAGE)
    assert textlayer.decide(PAGE_ONE, "ignore").decision == "ignored"
    with pytest.raises(ValueError):
        textlayer.decide(PAGE_ONE, "sometimes")


@pytest.mark.parametrize("name", encodings.LEGACY)
def test_legacy_layer_is_converted(name):
    choice = textlayer.decide(encodings.encode_as_text(PAGE_ONE, name), "auto")
    assert (choice.decision, choice.use, choice.text) == (f"legacy:{name}", True, PAGE_ONE)


def test_a_scans_layer_is_ocrd_again_unless_the_user_takes_it():
    assert textlayer.decide(PAGE_ONE, "auto", is_scan=lambda: False).use  # born-digital
    again = textlayer.decide(PAGE_ONE, "auto", is_scan=lambda: True)
    assert (again.decision, again.use, again.details["scan"]) == ("scan", False, True)
    assert "--text-layer use" in again.details["reason"]
    taken = textlayer.decide(PAGE_ONE, "use", is_scan=lambda: True)
    assert (taken.decision, taken.use, taken.details["scan"]) == ("unicode", True, True)
    assert textlayer.decide(GARBAGE, "auto", is_scan=lambda: True).decision == "garbage"


# ---------------------------------------------------------------- PDFs through the pipeline


def test_born_digital_pdf_is_pdftotext_byte_for_byte(tmp_path):
    pdf = born_digital(tmp_path / "letter.pdf")
    result, doc = run_one(pdf, tmp_path / "out")
    txt = (tmp_path / "out" / "letter.txt").read_bytes()
    assert txt == pdftotext(pdf).encode("utf-8")
    assert doc["text_layer"] == {"mode": "auto", "pages": {"1": "unicode", "2": "unicode", "3": "none"}}
    assert doc["repair"]["skipped_pages"] == [1, 2] and doc["repair"]["changes"] == []
    assert "not repaired" in doc["repair"]["note"]
    assert layer_stage(doc["pages"][0])["details"]["used"] is True
    assert layer_stage(doc["pages"][0])["details"]["scan"] is False  # no page-sized image


@pytest.mark.parametrize("name", encodings.LEGACY)
def test_legacy_font_pdf_converts_exactly(tmp_path, name):
    pdf = legacy_font_pdf(tmp_path / f"{name}.pdf", name)
    assert "Ủy" not in pdftotext(pdf)  # the layer really is mojibake
    result, doc = run_one(pdf, tmp_path / "out")
    lines = [ln for ln in result.text.replace("\f", "").splitlines() if ln.strip()]
    assert lines == LEGACY_LINES
    assert doc["text_layer"]["pages"] == {"1": f"legacy:{name}"}
    assert layer_stage(doc["pages"][0])["details"]["encoding"] == name


def test_scanner_junk_layer_is_ocrd_and_the_born_digital_page_kept(tmp_path):
    pdf = mixed_with_scanner_layer(tmp_path / "mixed.pdf")
    result, doc = run_one(pdf, tmp_path / "out")
    assert doc["text_layer"]["pages"] == {"1": "unicode", "2": "garbage"}
    first, second = result.text.split("\f")[:2]
    assert first == pdftotext(pdf).split("\f")[0]  # untouched by repair
    assert cer(second, ground_truth("clean.png")) <= 0.02  # the scan was OCR'd, not the junk layer
    assert "trin khai" not in result.text
    assert doc["repair"]["skipped_pages"] == [1]
    for change in doc["repair"]["changes"]:  # offsets are in the whole document's ocr_text
        assert doc["ocr_text"][change["start"]:change["end"]] == change["before"]
    assert any(s["stage"] == "recognise" for s in doc["pages"][1]["stages"])


def test_ignore_ocrs_every_page(tmp_path):
    pdf = legacy_font_pdf(tmp_path / "typed.pdf", "tcvn3")
    _, doc = run_one(pdf, tmp_path / "out", text_layer="ignore", repair=False)
    assert doc["text_layer"]["pages"] == {"1": "ignored"}
    assert any(s["stage"] == "recognise" for s in doc["pages"][0]["stages"])


# ---------------------------------------------------------------- command line


def vanban(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanban", *args], cwd=ROOT, input=stdin, capture_output=True,
                          timeout=300, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})


SENTENCE = ("Ủy ban nhân dân xã đề nghị các hộ gia đình đăng ký thường trú trước ngày 20 tháng 5.\n"
            "Mọi thắc mắc xin liên hệ bộ phận một cửa để được hướng dẫn.\n")


@pytest.mark.parametrize("name", ["tcvn3", "vni", "viscii", "cp1258"])
def test_repair_converts_a_legacy_text_file(tmp_path, name):
    src = tmp_path / f"{name}.txt"
    src.write_bytes(encodings.encode(SENTENCE, name))
    before = src.read_bytes()
    proc = vanban("repair", str(src), "-o", str(tmp_path / "out.txt"), "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == SENTENCE
    assert f"read as {name}" in proc.stderr.decode()
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["encoding"]["encoding"] == name
    assert src.read_bytes() == before


def test_repair_refuses_binary_junk(tmp_path):
    src = tmp_path / "junk.txt"
    src.write_bytes(bytes(range(256)) * 4)
    proc = vanban("repair", str(src))
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert "is not UTF-8 text" in proc.stderr.decode()


def test_old_flag_is_an_alias():
    from vanban.cli import build_parser, options_from_args
    from ocr.errors import BadArgsError

    parse = build_parser().parse_args
    assert options_from_args(parse(["ocr", "x.pdf"])).text_layer == "auto"
    assert options_from_args(parse(["ocr", "--text-layer", "ignore", "x.pdf"])).text_layer == "ignore"
    assert options_from_args(parse(["ocr", "--use-text-layer", "x.pdf"])).text_layer == "use"
    with pytest.raises(BadArgsError):
        options_from_args(parse(["ocr", "--use-text-layer", "--text-layer", "ignore", "x.pdf"]))


# ---------------------------------------------------------------- scans with a layer: does it cover the ink?


def test_ink_coverage_counts_ink_under_the_words():
    import numpy as np

    from ocr.textlayer import ink_coverage

    grey = np.full((100, 100), 250, np.float32)
    grey[20:24, 10:90] = 0  # a line of "text" ...
    grey[60:64, 10:90] = 0  # ... and another
    assert ink_coverage(grey, [(10, 20, 90, 24)], (100, 100)) == pytest.approx(0.5)
    assert ink_coverage(grey, [(10, 20, 90, 24), (10, 60, 90, 64)], (100, 100)) == 1.0
    assert ink_coverage(np.full((50, 50), 250, np.float32), [], (50, 50)) == 1.0


def test_tesseract_searchable_pdf_is_ocrd_again_or_taken_with_use(tmp_path):
    """A scanner's good-looking OCR layer (Tesseract's own PDF of a sample scan): auto OCRs the page,
    use takes the layer as it is, and it covers the ink, so no warning."""
    subprocess.run(["tesseract", str(SAMPLES / "clean.png"), str(tmp_path / "searchable"), "-l", "vie", "pdf"],
                   capture_output=True, check=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    pdf = tmp_path / "searchable.pdf"
    result, doc = run_one(pdf, tmp_path / "auto")
    details = layer_stage(doc["pages"][0])["details"]
    assert (details["decision"], details["scan"]) == ("scan", True) and details["quality"]["valid"] >= 0.95
    assert cer(result.text, ground_truth("clean.png")) <= 0.01
    result, doc = run_one(pdf, tmp_path / "use", text_layer="use")
    assert layer_stage(doc["pages"][0])["details"]["ink_covered"] >= 0.9 and not result.warnings
    assert result.text == pdftotext(pdf)


def partial_scan_layer(path: Path) -> Path:
    """A scan (samples/clean.png) whose invisible layer is good Vietnamese but only one line of the page."""
    from fpdf.enums import TextMode

    pdf = _new_pdf()
    pdf.add_page()
    pdf.image(str(SAMPLES / "clean.png"), x=0, y=0, w=210, h=297)
    pdf.set_font("dv", size=10)
    pdf.text_mode = TextMode.INVISIBLE
    pdf.set_xy(15, 20)
    pdf.multi_cell(180, 6, PAGE_TWO.splitlines()[0])
    pdf.output(str(path))
    return path


def test_a_scan_layer_of_one_line_taken_with_use_warns(tmp_path):
    path = partial_scan_layer(tmp_path / "partial.pdf")
    result, doc = run_one(path, tmp_path / "out", text_layer="use")
    assert layer_stage(doc["pages"][0])["details"]["ink_covered"] < 0.3
    assert any("text is probably missing" in w for w in result.warnings)


def test_service_setting():
    from ocr.errors import BadArgsError
    from vanban.settings import ServiceSettings

    assert ServiceSettings.from_env({}).text_layer == "auto"
    assert ServiceSettings.from_env({"VANBAN_TEXT_LAYER": "Ignore"}).text_layer == "ignore"
    with pytest.raises(BadArgsError, match="VANBAN_TEXT_LAYER"):
        ServiceSettings.from_env({"VANBAN_TEXT_LAYER": "sometimes"})
