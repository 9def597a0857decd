"""Legacy Vietnamese encodings: every letter both ways, whole sentences, and detection."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from restore import encodings as enc

# Our own sentences (not corpus or seed text): every tone, both cases, đ and the horned vowels.
SENTENCES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Ủy ban nhân dân huyện yêu cầu các phường, xã rà soát hồ sơ đất đai trước ngày 15 tháng 8.\n"
    "Những trường hợp chưa đủ giấy tờ thì hướng dẫn người dân bổ sung, không để tồn đọng.\n"
    "Ông Nguyễn Văn Hưởng, Phó Chủ tịch, chịu trách nhiệm kiểm tra; kết quả gửi về Sở trước quý IV.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký; ỐNG NƯỚC, ĐƯỜNG ĐIỆN, KHỎE MẠNH, Ỷ LẠI, QUỸ ĐẤT."
)
LEGACY_BYTES = ("tcvn3", "vni", "viscii", "cp1258")


def test_there_are_134_letters():
    letters = enc.vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in letters)


@pytest.mark.parametrize("name", LEGACY_BYTES)
def test_every_letter_round_trips_as_bytes(name):
    for letter in enc.vietnamese_letters():
        raw = enc.encode(letter, name)
        assert enc.decode_bytes(raw, name) == letter, (letter, raw)


@pytest.mark.parametrize("name", enc.LEGACY)
def test_every_letter_round_trips_as_pdf_text(name):
    """As a PDF reader shows the legacy bytes (Latin-1 / cp1252 letters), and back."""
    for letter in enc.vietnamese_letters():
        shown = enc.encode_as_text(letter, name)
        assert enc.decode_text(shown, name) == letter, (letter, shown)


@pytest.mark.parametrize("name", LEGACY_BYTES)
def test_sentences_round_trip_and_are_detected_from_bytes(name):
    raw = enc.encode(SENTENCES, name)
    assert enc.decode_bytes(raw, name) == SENTENCES
    detection, text = enc.detect_bytes(raw)
    assert (detection.encoding, text) == (name, SENTENCES)
    assert detection.score > 0.95 and detection.container == "bytes"  # "IV" is no syllable


@pytest.mark.parametrize("name", enc.LEGACY)
def test_sentences_are_detected_in_pdf_text(name):
    shown = enc.encode_as_text(SENTENCES, name)
    detection, text = enc.detect_text(shown)
    assert (detection.encoding, text) == (name, SENTENCES)
    assert detection.scores["unicode"]["valid"] < 0.5  # the mojibake itself reads as no Vietnamese


def test_known_spellings():
    """Spot checks written out by hand from the fonts' layouts, not derived from our tables."""
    assert enc.decode_text("Céng hßa x· héi chñ nghÜa ViÖt Nam", "tcvn3") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert enc.decode_text("§éc lËp - Tù do - H¹nh phóc", "tcvn3") == "Độc lập - Tự do - Hạnh phúc"
    assert enc.decode_text("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert enc.decode_text("Ñoäc laäp - Töï do - Haïnh phuùc", "vni") == "Độc lập - Tự do - Hạnh phúc"
    assert enc.decode_text("ÑÖÔØNG Ñaø Naüng, tænh", "vni") == "ĐƯỜNG Đà Nẵng, tỉnh"
    assert enc.decode_bytes(b"Vi\xaet Nam", "viscii") == "Việt Nam"


@pytest.mark.parametrize("name", enc.LEGACY)
def test_unicode_lines_in_a_legacy_text_are_kept(name):
    """A header in a Unicode font over a body typed in a legacy font: only the body is converted."""
    header = "ỦY BAN NHÂN DÂN TỈNH\nÔng Tâm\n"
    body = "Ủy ban nhân dân huyện yêu cầu các phường, xã rà soát hồ sơ đất đai trước ngày 15 tháng 8.\n"
    detection, text = enc.detect_text(header + enc.encode_as_text(body * 3, name))
    assert (detection.encoding, text) == (name, header + body * 3)


def test_vntimeh_capitals_are_upper_cased():
    """.VnTimeH draws capitals at the lower-case codes: an all-capitals line decodes upper case."""
    assert enc.decode_text("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "tcvn3") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert enc.decode_text("Sè: 12/Q§-UBND ngµy", "tcvn3") == "Số: 12/QĐ-UBND ngày"


def test_capitals_drawn_through_winansi_letters():
    """A VN1 capital at 0x80-0x9F comes out of pdftotext as cp1252's letter there (0x9E: ž)."""
    assert enc.decode_text("\u017ey ban", "tcvn3") == "Ủy ban"
    assert enc.decode_text("\u201cTr\u00adng\u201d", "tcvn3") == "\u201cTrưng\u201d"  # quotes stay quotes
    assert enc.decode_text("T\u203aNH", "viscii") == "TỈNH"  # VISCII has a capital at every code: 0x9B
    symbol = "".join(chr(0xF000 + ord(c)) if ord(c) > 0x20 else c for c in "Vieät Nam")  # a symbol font's codes
    assert enc.decode_text(symbol, "vni") == "Việt Nam"
    assert enc.decode_text("Vi\uf0d6t Nam", "tcvn3") == "Việt Nam"


@pytest.mark.parametrize("text", [
    SENTENCES,
    "The committee met on Tuesday and approved the budget for next year.",
    "Report 2024/15 - ISBN 978-0-00-000000-0",
    "Ủy ban nhân dân tỉnh Hòa Bình, ngày 3 tháng 12 năm 2024",
])
def test_unicode_english_and_codes_stay_unicode(text):
    detection, converted = enc.detect_text(text)
    assert detection.encoding == "unicode" and converted == unicodedata.normalize("NFC", text)


def test_utf8_file_with_legacy_letters_inside_is_converted():
    raw = enc.encode_as_text(SENTENCES, "tcvn3").encode("utf-8")
    detection, text = enc.detect_bytes(raw)
    assert (detection.encoding, detection.container, text) == ("tcvn3", "utf-8", SENTENCES)


def test_utf16_with_a_bom_is_read():
    detection, text = enc.detect_bytes(SENTENCES.encode("utf-16"))
    assert (detection.encoding, detection.container, text) == ("unicode", "utf-16", SENTENCES)


def test_binary_junk_is_unknown():
    junk = bytes(range(256)) * 8
    assert enc.detect_bytes(junk) == (enc.Detection("unknown", 0.0, {}, "bytes"), None)
    assert enc.detect_bytes(b"")[1] == ""  # an empty file is empty UTF-8 text


@pytest.mark.skipif(not shutil.which("iconv"), reason="iconv not installed")
@pytest.mark.parametrize(("name", "iconv_name"), [("tcvn3", "TCVN5712-1"), ("viscii", "VISCII")])
def test_byte_tables_match_glibc(name, iconv_name):
    table = enc.TCVN3_TABLE if name == "tcvn3" else enc.VISCII_TABLE
    codes = [b for b in list(range(0x20)) + list(range(0x80, 0x100)) if b != 0x0A]
    proc = subprocess.run(["iconv", "-f", iconv_name, "-t", "UTF-8"], capture_output=True,
                          input=b"\n".join(bytes([b]) for b in codes))
    assert proc.returncode == 0
    assert dict(zip(codes, proc.stdout.decode("utf-8").split("\n"))) == {b: table[b] for b in codes}
