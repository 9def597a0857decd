"""Bad input: each case gets a clear one-line message naming the file, and never stops a batch."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from ocr.errors import ExitCode
from vanban.pipeline import Options, run_batch

from .conftest import SAMPLES, sha256


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(path: Path, side: int = 20_000) -> None:
    """A real, valid 20,000 x 20,000 1-bit white PNG (a few hundred kB on disk)."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
                     + _png_chunk(b"IEND", b""))


def one_page_pdf(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PDF", resolution=300)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory, make_samples) -> Path:
    from pypdf import PdfReader, PdfWriter

    d = tmp_path_factory.mktemp("bad")
    (d / "empty.pdf").write_bytes(b"")
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    whole = (SAMPLES / "multipage.pdf").read_bytes()
    (d / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(one_page_pdf(make_samples.render_page(body=["Trang có mật khẩu."])))))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(d / "password.pdf", "wb") as fh:
        writer.write(fh)
    (d / "scan0001.pdf").write_bytes(b"PK\x03\x04" + b"\x00" * 400)  # a .docx/zip named like a scan
    (d / "scan0002.tif").write_text("This is a text file saved with a scanner's name.\n")
    huge_png(d / "huge.png")
    Image.new("L", (2480, 3508), 250).save(d / "blank.png", dpi=(300, 300))
    english = make_samples.render_page(body=[
        "The committee met on Monday to review the quarterly budget and the progress of every project.",
        "Members agreed that the remaining funds should be spent on training, equipment and the new archive.",
        "A full report will be sent to all departments before the end of the month for their comments.",
    ])
    english.save(d / "english.png", dpi=(300, 300))
    (d / "good.png").write_bytes((SAMPLES / "clean.png").read_bytes())
    return d


@pytest.fixture(scope="module")
def bad_batch(bad_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("bad-out")
    before = {p.name: sha256(p) for p in bad_dir.iterdir()}
    batch = run_batch([str(bad_dir)], out, Options(jobs=2))
    after = {p.name: sha256(p) for p in bad_dir.iterdir()}
    assert before == after, "inputs were modified"
    return {Path(f.path).name: f for f in batch.files}, batch, out


@pytest.mark.parametrize("name, words", [
    ("empty.pdf", "empty (0 bytes)"),
    ("corrupt.pdf", "PDF"),
    ("truncated.pdf", "PDF"),
    ("password.pdf", "password-protected"),
    ("scan0001.pdf", "not a PDF, TIFF, PNG or JPEG"),
    ("scan0002.tif", "not a PDF, TIFF, PNG or JPEG"),
    ("huge.png", "400 Mpx"),
])
def test_bad_file_fails_with_a_clear_one_line_message(bad_batch, name, words):
    results, _, out = bad_batch
    result = results[name]
    assert result.status == "failed"
    assert name in result.error and words in result.error
    assert "\n" not in result.error and "Traceback" not in result.error
    assert result.exit_code == ExitCode.INPUT_ERROR
    assert not (out / (Path(name).stem + ".txt")).exists()


def test_blank_page_is_a_warning_not_a_failure(bad_batch):
    results, _, out = bad_batch
    blank = results["blank.png"]
    assert blank.status == "done"
    assert any("blank" in w for w in blank.warnings)
    assert (out / "blank.txt").read_text(encoding="utf-8") == ""


def test_non_vietnamese_page_gets_a_warning(bad_batch):
    results, _, _ = bad_batch
    english = results["english.png"]
    assert english.status == "done"
    assert any("does not look like Vietnamese" in w for w in english.warnings)
    assert "committee" in english.text


def test_one_bad_file_never_stops_the_batch(bad_batch):
    results, batch, out = bad_batch
    assert results["good.png"].status == "done"
    assert "Khẳng định" in (out / "good.txt").read_text(encoding="utf-8") or (out / "good.txt").stat().st_size > 500
    assert batch.exit_code == ExitCode.PARTIAL_FAILURE


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanban", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_single_bad_file_exit_code_and_message(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"")
    proc = run_cli("ocr", str(bad), "-o", str(tmp_path / "out"))
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert f"{bad}: file is empty (0 bytes)" in proc.stderr


def test_missing_tesseract_says_which_package_to_install(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no tesseract anywhere on PATH
    proc = run_cli("ocr", str(SAMPLES / "clean.png"), "-o", str(tmp_path / "out"), env=env)
    assert proc.returncode == ExitCode.MISSING_DEPENDENCY
    assert "apt-get install tesseract-ocr" in proc.stderr


def test_missing_vietnamese_data_says_which_package_to_install(tmp_path):
    env = dict(os.environ, TESSDATA_PREFIX=str(tmp_path))  # a tessdata folder with no languages
    proc = run_cli("ocr", str(SAMPLES / "clean.png"), "-o", str(tmp_path / "out"), env=env)
    assert proc.returncode == ExitCode.MISSING_DEPENDENCY
    assert "tesseract-ocr-vie" in proc.stderr
