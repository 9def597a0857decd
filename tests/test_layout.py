"""Layout on hand-made word boxes: the reading-order rules without Tesseract."""

from ocr.document import Block, Box, Line, Word, join_lines
from ocr.layout import arrange
from ocr.recognise import lines_from_words
from ocr.tesseract import TsvWord

H = 50  # line height in px, about 13 pt at 300 dpi


def line(text: str, left: int, top: int, right: int | None = None) -> Line:
    words = text.split()
    right = right if right is not None else left + 30 * len(text)
    step = (right - left) / len(words)
    ws = [Word(w, Box(int(left + i * step), top, int(step * 0.9), H), 90.0) for i, w in enumerate(words)]
    return Line(ws, Box.union([w.box for w in ws]))


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def test_two_column_header_reads_left_block_then_right_block():
    lines = [
        line("THÀNH ỦY HẢI PHÒNG", 450, 240, 1000), line("ĐẢNG CỘNG SẢN VIỆT NAM", 1350, 240, 2100),
        line("BAN TUYÊN GIÁO", 520, 320, 930), line("Hải Phòng, ngày 29 tháng 12 năm 2023", 1300, 330, 2200),
        line("Số 70-HD/BTGTU", 530, 420, 920),
        line("HƯỚNG DẪN", 1100, 600, 1380),
        line("Thực hiện Hướng dẫn số 127-HD/BTGTW ngày 19/12/2023 của Ban", 470, 700, 2240),
        line("Tuyên giáo Trung ương về tuyên truyền kết quả năm 2023.", 354, 780, 1500),
    ]
    blocks = arrange(lines, 2480)
    assert [b.kind for b in blocks[:2]] == ["header-left", "header-right"]
    assert texts(blocks) == [
        "THÀNH ỦY HẢI PHÒNG\nBAN TUYÊN GIÁO\nSố 70-HD/BTGTU",
        "ĐẢNG CỘNG SẢN VIỆT NAM\nHải Phòng, ngày 29 tháng 12 năm 2023",
        "HƯỚNG DẪN",
        "Thực hiện Hướng dẫn số 127-HD/BTGTW ngày 19/12/2023 của Ban Tuyên giáo Trung ương về "
        "tuyên truyền kết quả năm 2023.",
    ]


def test_tesseract_line_spanning_the_gutter_is_split_into_columns():
    tsv = [
        TsvWord(1, 1, 1, 450, 240, 200, H, 90, "THÀNH"), TsvWord(1, 1, 1, 670, 240, 100, H, 90, "ỦY"),
        TsvWord(1, 1, 1, 1350, 240, 200, H, 90, "ĐẢNG"), TsvWord(1, 1, 1, 1570, 240, 200, H, 90, "CỘNG"),
    ]
    lines = lines_from_words(tsv)
    assert [ln.text for ln in lines] == ["THÀNH ỦY", "ĐẢNG CỘNG"]


def test_body_paragraphs_split_on_indent_and_short_last_line():
    lines = [
        line("Dòng đầu của đoạn một có thụt lề và kéo dài đến lề phải", 472, 700, 2244),
        line("tiếp tục đoạn một cho đến hết.", 354, 780, 1200),
        line("Đoạn hai bắt đầu ở lề trái sau một dòng ngắn và chạy đến", 354, 860, 2244),
        line("lề phải rồi kết thúc.", 354, 940, 900),
        line("- Gạch đầu dòng thứ nhất kéo dài đến tận lề phải của trang", 472, 1020, 2244),
        line("giấy.", 354, 1100, 500),
    ]
    assert texts(arrange(lines, 2480)) == [
        "Dòng đầu của đoạn một có thụt lề và kéo dài đến lề phải tiếp tục đoạn một cho đến hết.",
        "Đoạn hai bắt đầu ở lề trái sau một dòng ngắn và chạy đến lề phải rồi kết thúc.",
        "- Gạch đầu dòng thứ nhất kéo dài đến tận lề phải của trang giấy.",
    ]


def test_wrapped_dash_inside_a_paragraph_does_not_start_a_new_one():
    lines = [
        line("Công tác tuyên truyền phát triển kinh tế và các mục tiêu kinh tế", 472, 700, 2244),
        line("- xã hội cần bám sát sự lãnh đạo của Đảng.", 354, 780, 1400),
    ]
    assert texts(arrange(lines, 2480)) == [
        "Công tác tuyên truyền phát triển kinh tế và các mục tiêu kinh tế - xã hội cần bám sát sự lãnh đạo của Đảng."
    ]


def test_signature_zone_after_body_is_two_columns():
    lines = [
        line("Đoạn cuối của văn bản kéo dài từ lề trái đến tận lề phải trang", 472, 700, 2244),
        line("giấy./.", 354, 780, 560),
        line("Nơi nhận:", 354, 900, 600), line("K/T TRƯỞNG BAN", 1500, 900, 1900),
        line("- Như trên;", 354, 980, 640), line("PHÓ TRƯỞNG BAN", 1480, 980, 1920),
        line("- Lưu VT.", 354, 1060, 600),
        line("Đào Văn Hoàn", 1520, 1300, 1880),
    ]
    blocks = arrange(lines, 2480)
    assert [b.kind for b in blocks] == ["paragraph", "column-left", "column-right"]
    assert blocks[1].text == "Nơi nhận:\n- Như trên;\n- Lưu VT."
    assert blocks[2].text == "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN\nĐào Văn Hoàn"


def test_centred_title_lines_keep_their_line_breaks():
    lines = [
        line("HƯỚNG DẪN", 1100, 600, 1400),
        line("tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023,", 650, 680, 1950),
        line("nhiệm vụ, giải pháp năm 2024", 950, 760, 1650),
        line("Thực hiện Hướng dẫn số 127 của Ban Tuyên giáo Trung ương về việc", 472, 860, 2244),
        line("tuyên truyền.", 354, 940, 700),
    ]
    assert texts(arrange(lines, 2480)) == [
        "HƯỚNG DẪN",
        "tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023,",
        "nhiệm vụ, giải pháp năm 2024",
        "Thực hiện Hướng dẫn số 127 của Ban Tuyên giáo Trung ương về việc tuyên truyền.",
    ]


def test_join_lines_keeps_compound_hyphens_and_free_dashes():
    assert join_lines(["nhiệm kỳ 2020-", "2025 và kinh tế -", "xã hội"]) == "nhiệm kỳ 2020-2025 và kinh tế - xã hội"
    assert join_lines(["", "  một  ", "hai"]) == "một hai"


def test_lines_of_marks_are_debris_and_print_with_dotted_blanks_is_not():
    from ocr.document import Box, Line, Word
    from ocr.recognise import drop_debris

    def line(text: str, conf: float = 90.0) -> Line:
        return Line([Word(w, Box(10 * i, 0, 8, 10), conf) for i, w in enumerate(text.split())], Box(0, 0, 100, 10))

    lines = [line("*7Ê*'=*?**”^"), line("Số: ......./QĐ-UBND"), line("- Như trên;"), line("……, ngày … tháng … năm 20…"),
             line("…………")]
    kept, dropped = drop_debris(lines)
    assert [ln.text for ln in kept] == ["Số: ......./QĐ-UBND", "- Như trên;", "……, ngày … tháng … năm 20…"]
    assert dropped == ["*7Ê*'=*?**”^", "…………"]

