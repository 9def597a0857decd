"""Registers of official text: headings in capitals, document codes and abbreviations, words glued to
punctuation, list markers.  The lines are written for these tests (no corpus text); the committed
model is used."""

from __future__ import annotations

import pytest

from restore import abbreviations, capitals, detect, markers
from restore import vietnamese as vn
from restore.repair import Restorer, load_restorer


@pytest.fixture(scope="module")
def restorer() -> Restorer:
    model = load_restorer()
    assert model is not None, "the committed model is missing"
    return model


def test_a_title_in_capitals_is_re_accented_with_its_case_and_its_code(restorer):
    title = "THUC HIEN QUYET DINH SO 1899/QD-TTg NGAY 12 THANG 10 NAM 2022 CUA THU TUONG CHINH PHU"
    result = restorer.repair(title)
    assert result.text == "THỰC HIỆN QUYẾT ĐỊNH SỐ 1899/QĐ-TTg NGÀY 12 THÁNG 10 NĂM 2022 CỦA THỦ TƯỚNG CHÍNH PHỦ"
    code = next(c for c in result.changes if c.after == "QĐ")
    assert (title[code.start:code.end], code.kind, code.applied) == ("QD", "accent", True)


def test_capitals_broken_by_ocr_in_a_heading_are_words_not_abbreviations(restorer):
    # a doubled letter and a letter dropped to lower case; UBND, TAND, XII stay abbreviations
    assert capitals.damaged_word("HHOI") == "invalid"
    assert capitals.damaged_word("QUe") == "plain"
    assert [capitals.damaged_word(t) for t in ("UBND", "TAND", "HIV", "XII", "HDND", "TTG")] == [None] * 6
    assert restorer.repair("HHOI NONG DAN TINH").text == "HỘI NÔNG DÂN TỈNH"
    # in running text the same capitals are an abbreviation, protected
    assert detect.analyse_line("Chi hoi HHOI cua xa").words[2].label == "protected"


@pytest.mark.parametrize("stripped, restored", [
    ("Can cu Nghi dinh so 38/2022/ND-CP ngay 12 thang 6 nam 2022 cua Chinh phu;",
     "Căn cứ Nghị định số 38/2022/NĐ-CP ngày 12 tháng 6 năm 2022 của Chính phủ;"),
    ("Theo de nghi cua Giam doc So LDTBXH va Thuong truc HDND tinh.",
     "Theo đề nghị của Giám đốc Sở LĐTBXH và Thường trực HĐND tỉnh."),
    ("Bai bo quy dinh tai QD22 cua Ban chi dao.", "Bãi bỏ quy định tại QĐ22 của Ban chỉ đạo."),
    ("Theo de nghi cua So GD&DT va So KH&DT tinh.", "Theo đề nghị của Sở GD&ĐT và Sở KH&ĐT tỉnh."),
])
def test_stripped_codes_and_abbreviations_get_their_stroke_back(restorer, stripped, restored):
    assert restorer.repair(stripped).text == restored


def test_dt_before_a_phone_number_is_dien_thoai_and_otherwise_stays(restorer):
    assert "ĐT: 0236 3822 111" in restorer.repair("Dia chi so 12 duong Tran Phu; DT: 0236 3822 111").text
    assert "DT 500 m2" in restorer.repair("Dien tich DT 500 m2 cua khu dat").text


def test_ambiguous_and_already_right_codes_stay_as_written(restorer):
    # HD is Hướng dẫn and HĐ Hợp đồng, DA Dự án and ĐA Đề án: a stripped line cannot tell them apart
    line = "Thuc hien Huong dan so 47-HD/BTGTU va du an theo so 12/DA-UBND cua tinh."
    out = restorer.repair(line).text
    assert "47-HD/BTGTU" in out and "12/DA-UBND" in out
    # a clean line keeps even a code that lost its stroke: only damaged text is repaired
    clean = "Căn cứ Nghị định số 38/2022/ND-CP của Chính phủ về quản lý."
    assert restorer.repair(clean).text == clean
    # CD alone is also the disc; inside a code it is Công điện
    assert abbreviations.restore_word("CD") == []
    assert abbreviations.restore_word("06/CD-TTg") == [(3, 5, "CĐ")]
    assert abbreviations.restore_word("QDND") == [(0, 4, "QĐND")]


def test_every_table_form_maps_back_from_its_stripped_spelling():
    for form in {**abbreviations.DOCUMENT_KINDS, **abbreviations.BODIES}:
        assert [r[2] for r in abbreviations.restore_word("1/" + vn.strip_accents(form))] == [form]
    for ambiguous in ("HD", "DA", "GD", "DT", "VND"):
        assert abbreviations.restore_word("1/" + ambiguous) == []


@pytest.mark.parametrize("stripped, restored", [
    ("Quyet dinh nay co hieu luc thi hanh ke tu ngay ky ban hanh./.",
     "Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành./."),
    ("Noi nhan: Nhu tren (de bao cao); Van phong UBND TP;",
     "Nơi nhận: Như trên (để báo cáo); Văn phòng UBND TP;"),
])
def test_words_glued_to_punctuation_are_repaired_and_the_punctuation_kept(restorer, stripped, restored):
    assert detect.words("ban hanh./.")[1].label == "plain"
    assert restorer.repair(stripped).text == restored


@pytest.mark.parametrize("text, expected", [
    ("c. Cac co quan lien quan;\nd. Uy ban nhan dan cap tinh;\nd. Cac to chuc khac.", ["c.", "d.", "đ."]),
    ("c) Cac co quan lien quan;\nd)Uy ban nhan dan cap tinh;\nd)Cac to chuc khac.", ["c)", "d)", "đ)"]),
    ("c) Cac co quan lien quan;\nd) UBND;\nd) 2.000.000 VND.", ["c)", "d)", "đ)"]),
    ("d) Uy ban nhan dan cap tinh co trach nhiem:\n- Chi dao cac so nganh;\n\nd) Cac to chuc khac thuc hien.",
     ["d)", "- ", "", "đ)"]),
])
def test_a_second_d_marker_reads_as_d_with_stroke_however_it_is_written(restorer, text, expected):
    assert [ln[:2] for ln in restorer.repair(text).text.split("\n")] == expected


def test_clean_text_of_every_register_passes_through_unchanged(restorer):
    clean = ("QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH QUY CHẾ LÀM VIỆC CỦA UBND TỈNH\n"
             "Căn cứ Quyết định số 1899/QĐ-TTg và Hướng dẫn số 47-HD/BTGTU;\n"
             "d) Ủy ban nhân dân cấp huyện;\n"
             "đ) Các tổ chức khác.\n"
             "Quyết định này có hiệu lực kể từ ngày ký./.")
    result = restorer.repair(clean)
    assert result.text == clean and not result.changes
    assert markers.repeated_d(clean.split("\n"), set()) == []


def test_a_line_of_nothing_but_a_code_follows_its_document(restorer):
    # no accent of its own tells whether "1899/QD-UBND" lost its stroke: the lines around it do
    stripped = "UY BAN NHAN DAN TINH\n1899/QD-UBND\nVe viec thuc hien ke hoach cua tinh"
    assert restorer.repair(stripped).text.split("\n")[1] == "1899/QĐ-UBND"
    clean = "Ủy ban nhân dân tỉnh\n1899/QD-UBND\nVề việc thực hiện kế hoạch"
    assert restorer.repair(clean).text == clean
