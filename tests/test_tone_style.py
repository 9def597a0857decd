"""Tone placement (hóa / hoá, thủy / thuỷ, khỏe / khoẻ) in repair: a word that is right in either
placement is never rewritten, and words restored from damaged text are written in the document's own
placement.  Our own sentences.

The code's names: "old" puts the mark on the first vowel of an open oa / oe / uy (hóa, thủy, khỏe, Ủy),
"new" on the second (hoá, thuỷ, khoẻ, Uỷ); the canonical style of candidates and scoring is "old"."""

from __future__ import annotations

import pytest

from restore import vietnamese as vn
from restore.repair import load_restorer
from vanban.pipeline import SUSPECT_OCR_CONFIDENCE, repair_heard

#: every oa / oe / uy syllable in one placement; "quý" shows no style
NEW_PARAGRAPH = ("Bộ Y tế hướng dẫn chăm sóc sức khoẻ cho người dân.\n"
                 "Công tác văn hoá, hoà giải và thuỷ lợi được quan tâm, tuỳ theo tình hình.\n"
                 "Uỷ ban nhân dân tỉnh trân trọng những ý kiến quý báu.")
OLD_PARAGRAPH = vn.to_style(NEW_PARAGRAPH, "old")


@pytest.fixture(scope="module")
def restorer():
    model = load_restorer()
    assert model is not None, "the committed model models/restore-ngram.npz is missing"
    return model


def heard(text: str, confidence: float, doubted: frozenset[str] = frozenset()) -> list[tuple[int, int, float]]:
    """Word spans as the OCR engine would report them: every word at ``confidence``, the ``doubted``
    ones under the engine's suspect threshold."""
    return [(a, b, SUSPECT_OCR_CONFIDENCE - 20 if w in doubted else confidence) for a, b, w in vn.tokens(text)]


STYLE_WORDS = frozenset(t for _, _, t in vn.tokens(NEW_PARAGRAPH + OLD_PARAGRAPH) if vn.syllable_style(t))


def repairs(restorer, text: str):
    """The text repaired as typed, as sound OCR, and as OCR that doubted every oa / oe / uy word."""
    yield "typed", restorer.repair(text)
    yield "heard", repair_heard(text, heard(text, 95.0), restorer=restorer)
    yield "doubted", repair_heard(text, heard(text, 90.0, STYLE_WORDS), restorer=restorer)


def test_the_fixtures_show_one_style_each():
    assert vn.detect_style(NEW_PARAGRAPH) == "new" and vn.detect_style(OLD_PARAGRAPH) == "old"
    assert OLD_PARAGRAPH != NEW_PARAGRAPH and "khỏe" in OLD_PARAGRAPH and "khoẻ" in NEW_PARAGRAPH


@pytest.mark.parametrize("text", [NEW_PARAGRAPH, OLD_PARAGRAPH], ids=["new", "old"])
def test_a_sound_text_in_one_style_passes_through(restorer, text):
    for how, result in repairs(restorer, text):
        assert result.text == text, how
        assert not result.changes, how


@pytest.mark.parametrize("minority", ["new", "old"])
def test_a_word_in_the_style_the_document_writes_less_is_kept(restorer, minority):
    """The bug: "khoẻ" read right by OCR came out "khỏe" because most of the document wrote "hóa"."""
    majority = "old" if minority == "new" else "new"
    text = vn.to_style("Công tác văn hóa, hòa giải và thủy lợi được chú trọng, tùy theo tình hình.", majority) + \
        "\n" + vn.to_style("Bộ Y tế hướng dẫn chăm sóc sức khỏe cho người dân.", minority)
    assert vn.detect_style(text) == majority
    for how, result in repairs(restorer, text):
        assert result.text == text, how
        assert not result.changes, how


def test_two_paragraphs_in_two_styles_pass_through(restorer):
    text = NEW_PARAGRAPH + "\n\n" + OLD_PARAGRAPH
    for how, result in repairs(restorer, text):
        assert result.text == text, how
        assert not result.changes, how


@pytest.mark.parametrize("style", ["new", "old"])
def test_a_word_of_the_other_style_in_a_damaged_line_is_kept(restorer, style):
    """A damaged line opens its accented words too: "khoẻ" among stripped words stays as written while
    the words around it are restored."""
    other = "old" if style == "new" else "new"
    text = vn.to_style("Công tác văn hóa, hòa giải và thủy lợi được chú trọng, tùy theo tình hình.", style) + \
        "\n" + vn.to_style("Cham soc suc khỏe cho nguoi dan o co so va vung sau vung xa.", other)
    word = vn.to_style("khỏe", other)
    for how, result in repairs(restorer, text):
        second = result.text.split("\n")[1]
        assert second.split()[3] == word, how
        assert second.startswith("Chăm sóc sức " + word + " cho người dân"), how
        assert not [c for c in result.changes if vn.normalise_tones(c.before) == vn.normalise_tones(c.after)], how


@pytest.mark.parametrize("style", ["new", "old"])
def test_stripped_words_come_back_in_the_documents_style(restorer, style):
    sound = vn.to_style(NEW_PARAGRAPH, style)
    text = sound + "\nCong tac van hoa va the thao duoc quan tam, tuy theo tinh hinh thuc te, vi suc khoe."
    for how, result in repairs(restorer, text):
        lines = result.text.split("\n")
        assert lines[:3] == sound.split("\n"), how
        assert lines[3] == vn.to_style("Công tác văn hóa và thể thao được quan tâm, tùy theo tình hình thực tế, "
                                       "vì sức khỏe.", style), how


def test_stripped_words_in_a_document_that_shows_no_style_take_the_default(restorer):
    text = "Cham soc suc khoe cho nguoi dan, van hoa va thuy loi."
    for how, result in repairs(restorer, text):
        assert result.text == vn.to_style("Chăm sóc sức khỏe cho người dân, văn hóa và thủy lợi.",
                                          vn.CANONICAL_STYLE), how


def test_a_latin1_ocr_reads_a_word_written_whole_in_the_other_style(restorer):
    """A Latin-1 OCR keeps "hoà" and "hoá" whole.  Its index of projections held the canonical spellings
    only, so such a word was not read as a Latin-1 word but re-accented ("xa hoà" could become "xa hoa"),
    and then written in the document's style ("hòa")."""
    index = restorer.latin1
    assert index.forms("hoà") == index.forms("hòa") == ("hòa",)
    assert index.forms("Hoá") == index.forms("hóa") and index.forms("thuý") == index.forms("thúy")
    truth = ("Các địa phương tăng cường công tác tuyên truyền, nâng cao nhận thức của cán bộ, đảng viên và "
             "Nhân dân về chủ trương của Đảng.\nSở Tài chính hướng dẫn các đơn vị lập dự toán ngân sách theo đúng "
             "quy định và báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2024.\nNgười dân ở vùng sâu vùng "
             "xa hoà nhập cộng đồng, chăm lo văn hóa và thủy lợi.\nĐồng chí Nguyễn Văn Hoà phụ trách văn hóa.")
    damaged = "".join(ch for ch in truth if ord(ch) < 256)  # what a Latin-1 OCR leaves
    assert "xa hoà nhp" in damaged and vn.detect_style(damaged) == "old"
    result = restorer.repair(damaged)
    assert any(c.before == "nhp" and c.after == "nhập" for c in result.changes)  # read as Latin-1 OCR
    assert not [c for c in result.changes if c.before.lower() in ("hoà", "hoá")]
    assert "xa hoà nhập" in result.text and "Văn Hoà" in result.text
