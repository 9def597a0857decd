"""restore.vietnamese: tones, accent stripping, syllable grammar, styles, candidates, tokens."""

from __future__ import annotations

import ast
import time
import unicodedata
from pathlib import Path

import pytest

from restore import vietnamese as vi
from restore.corpus import default_corpus_dir
from restore.vietnamese import (
    CANONICAL_STYLE,
    Syllable,
    accent_variants,
    apply_case,
    detect_style,
    is_valid,
    is_vietnamese_token,
    normalise_tones,
    parse,
    place_tone,
    split_tone,
    strip_accents,
    strip_tone,
    syllable_style,
    to_style,
    tokens,
)

LEXICONS = default_corpus_dir() / "lexicons"  # ../shared beside the checkout, as CI lays it
LEXICON_STYLES = {"hunspell_vi_syllables_DauCu.txt": "old", "hunspell_vi_syllables_DauMoi.txt": "new"}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def lexicon(name: str) -> list[str]:
    path = LEXICONS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return [w for w in path.read_text(encoding="utf-8").split("\n") if w]


# --- tones and marks -------------------------------------------------------


@pytest.mark.parametrize(
    "word, base, tone",
    [
        ("ma", "ma", 0),
        ("má", "ma", 1),
        ("mà", "ma", 2),
        ("mả", "ma", 3),
        ("mã", "ma", 4),
        ("mạ", "ma", 5),
        ("được", "đươc", 5),
        ("Nguyễn", "Nguyên", 4),
        ("ĐẢNG", "ĐANG", 3),
        ("hoá", "hoa", 1),
        ("hóa", "hoa", 1),
        ("ỦY", "UY", 3),
    ],
)
def test_split_tone(word: str, base: str, tone: int) -> None:
    assert split_tone(word) == (base, tone)
    assert split_tone(nfd(word)) == (base, tone)


def test_strip_tone_keeps_modifiers() -> None:
    assert strip_tone("Việt Nam đường lối, ỦY BAN") == "Viêt Nam đương lôi, UY BAN"
    assert strip_tone(nfd("Việt Nam")) == "Viêt Nam"
    assert unicodedata.is_normalized("NFC", strip_tone(nfd("ước mơ")))


def test_strip_accents() -> None:
    text = "Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc; ĐẢNG Ủy"
    assert strip_accents(text) == "Cong hoa xa hoi chu nghia Viet Nam — Doc lap, Tu do, Hanh phuc; DANG Uy"
    assert strip_accents("ăâêôơưđ ĂÂÊÔƠƯĐ") == "aaeooud AAEOOUD"


def test_strip_accents_nfd_equals_nfc() -> None:
    text = "Quyết định số 68/2022/QH15 về việc thành lập Ủy ban; Nguyễn Thị Hường, ĐỒNG THUẬN"
    assert strip_accents(nfd(text)) == strip_accents(text)
    assert strip_tone(nfd(text)) == strip_tone(text)
    assert unicodedata.is_normalized("NFC", strip_accents(nfd(text)))


def test_strip_accents_leaves_other_characters() -> None:
    text = "señor über Ελλάδα 北京 € 1½ m² ç"
    assert strip_accents(text) == text
    assert strip_accents(nfd(text)) == text  # NFC out, even from NFD in
    assert strip_accents("café") == "cafe"  # é is a Vietnamese letter too
    assert strip_accents("plain ascii 123") == "plain ascii 123"


def test_strip_accents_megabyte_is_fast() -> None:
    paragraph = (
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Ủy ban nhân dân tỉnh Hòa Bình "
        "quyết định thành lập Hội đồng thẩm định, số 127-HD/BTGTW. "
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    start = time.perf_counter()
    out = strip_accents(text)
    elapsed = time.perf_counter() - start
    assert out.startswith("Can cu Luat To chuc Chinh phu")
    assert elapsed < 2.0, f"strip_accents took {elapsed:.2f}s for {len(text)} chars"


# --- syllable grammar ------------------------------------------------------

VALID = [
    "a", "y", "ý", "ỉa", "yêu", "uỷ", "ủy", "oà", "gì", "gìn", "giữa", "giếng", "gia", "quốc", "quy", "quý",
    "quyết", "quá", "qua", "quí", "qui", "quới", "kinh", "ghi", "nghị", "nghĩa", "ke", "cá", "gà", "ngà", "thuộc", "thuốc", "được",
    "muốn", "việc", "hưu", "hươu", "tuổi", "người", "ngoài", "xoay", "khuya", "khuỷu", "huỳnh", "huých",
    "hoạch", "hoặc", "khoẻ", "khỏe", "xuân", "khuâng", "khuây", "huế", "thuở", "xoong", "mướp", "đường",
    "deo", "nước", "trường", "chuyện", "nguyên", "oanh", "Hải", "ĐẢNG", "Nguyễn", "ỦY", "BAN",
]
GARBAGE = [
    "nuroc", "thiuc", "khangan", "nogaai", "chuyien", "tr", "ion", "Gaza", "ci", "ngi", "ghu", "ka", "qa",
    "ă", "â", "ấ", "ong1", "màt", "mảc", "qúa", "gía", "hòan", "ngòai", "thuocx", "bb", "",
]


@pytest.mark.parametrize("word", VALID)
def test_valid_syllables(word: str) -> None:
    assert is_valid(word, strict=True)
    assert is_valid(word)
    assert is_valid(nfd(word))
    assert parse(word) is not None


@pytest.mark.parametrize("word", GARBAGE)
def test_garbage_rejected(word: str) -> None:
    assert not is_valid(word)
    assert parse(word) is None


@pytest.mark.parametrize("word", ["thuoc", "duong", "nuoc", "thuôc", "thuóc", "đuong", "THUOC", "mat", "Quoc"])
def test_lost_diacritics_are_valid_but_not_strict(word: str) -> None:
    assert is_valid(word)
    assert not is_valid(word, strict=True)
    assert parse(word) is None


def test_checked_codas_take_only_sac_or_nang() -> None:
    for word in ("mát", "mạt", "học", "ếch", "kịp"):
        assert is_valid(word, strict=True)
    for word in ("màt", "mảt", "mãt", "hòc", "ềch", "kĩp"):
        assert not is_valid(word)
    assert not is_valid("mat", strict=True)  # ngang on a checked coda


@pytest.mark.parametrize(
    "word, parts",
    [
        ("hoà", ("h", "o", "a", "", 2)),
        ("thuỷ", ("th", "u", "y", "", 3)),
        ("quốc", ("qu", "u", "ô", "c", 1)),
        ("quy", ("qu", "u", "y", "", 0)),
        ("gì", ("gi", "", "i", "", 2)),
        ("giữa", ("gi", "", "ưa", "", 4)),
        ("giếng", ("gi", "", "iê", "ng", 1)),
        ("Nghiêng", ("ngh", "", "iê", "ng", 0)),
        ("yêu", ("", "", "yê", "u", 0)),
        ("khuyên", ("kh", "u", "yê", "n", 0)),
        ("ĐƯỜNG", ("đ", "", "ươ", "ng", 2)),
        ("ngoài", ("ng", "o", "a", "i", 2)),
        ("tuổi", ("t", "", "uô", "i", 3)),
    ],
)
def test_parse(word: str, parts: tuple[str, str, str, str, int]) -> None:
    syl = parse(word)
    assert syl == Syllable(*parts)
    assert syl.spell("old") in (word.lower(), to_style(word.lower(), "old"))
    assert syl.rhyme == parts[1] + parts[2] + parts[3]


@pytest.mark.parametrize("name", sorted(LEXICON_STYLES))
def test_lexicon_acceptance(name: str) -> None:
    words = [w for w in lexicon(name) if w.isalpha() and w == w.lower()]
    rejected = [w for w in words if not is_valid(w, strict=True)]
    assert len(rejected) / len(words) < 0.01, rejected
    # what is left are loanwords, abbreviations and a few lexicon slips
    for word in ("email", "internet", "web", "tivi", "gram", "xit", "gip"):
        assert word in rejected
    assert len(words) - len([w for w in words if not is_valid(w)]) > 0.995 * len(words)


@pytest.mark.parametrize("name", sorted(LEXICON_STYLES))
def test_lexicon_round_trips(name: str) -> None:
    style = LEXICON_STYLES[name]
    checked = 0
    for word in lexicon(name):
        syl = parse(word)
        if syl is None:
            continue
        checked += 1
        assert place_tone(*split_tone(word), style) == word
        assert syl.spell(style) == word.lower()
        assert syllable_style(word) in (None, style)
    assert checked > 6500


# --- tone placement styles -------------------------------------------------


@pytest.mark.parametrize(
    "toneless, tone, old, new",
    [
        ("hoa", 1, "hóa", "hoá"),
        ("thuy", 3, "thủy", "thuỷ"),
        ("khoe", 3, "khỏe", "khoẻ"),
        ("loa", 2, "lòa", "loà"),
        ("uy", 3, "ủy", "uỷ"),
        ("UY", 3, "ỦY", "UỶ"),
        ("Hoa", 2, "Hòa", "Hoà"),
        ("đươc", 5, "được", "được"),
        ("muôn", 1, "muốn", "muốn"),
        ("viêc", 5, "việc", "việc"),
        ("qua", 1, "quá", "quá"),
        ("quy", 1, "quý", "quý"),
        ("gia", 1, "giá", "giá"),
        ("giư", 4, "giữ", "giữ"),
        ("gi", 2, "gì", "gì"),
        ("hưu", 1, "hứu", "hứu"),
        ("tuôi", 3, "tuổi", "tuổi"),
        ("hoan", 2, "hoàn", "hoàn"),
        ("thuyêt", 1, "thuyết", "thuyết"),
        ("huynh", 2, "huỳnh", "huỳnh"),
        ("khuyu", 3, "khuỷu", "khuỷu"),
        ("ngoai", 2, "ngoài", "ngoài"),
        ("thuơ", 3, "thuở", "thuở"),
        ("mua", 1, "múa", "múa"),
        ("mia", 1, "mía", "mía"),
        ("ĐANG", 3, "ĐẢNG", "ĐẢNG"),
        ("hoa", 0, "hoa", "hoa"),
    ],
)
def test_place_tone(toneless: str, tone: int, old: str, new: str) -> None:
    assert place_tone(toneless, tone) == old
    assert place_tone(toneless, tone, "old") == old
    assert place_tone(toneless, tone, "new") == new
    assert place_tone(old, tone, "new") == new  # an existing mark is moved, not doubled


def test_place_tone_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        place_tone("tr", 1)
    with pytest.raises(ValueError):
        place_tone("ma", 6)
    with pytest.raises(ValueError):
        place_tone("ma", 1, "modern")


def test_syllable_style() -> None:
    assert syllable_style("hóa") == "old"
    assert syllable_style("hoá") == "new"
    assert syllable_style("Ủy") == "old"
    assert syllable_style("UỶ") == "new"
    assert syllable_style(nfd("thuỷ")) == "new"
    for word in ("hoa", "hoàn", "quý", "được", "người", "xyz", "thuở"):
        assert syllable_style(word) is None


PARAGRAPH_OLD = (
    "Ủy ban nhân dân tỉnh Hòa Bình về việc đẩy mạnh công nghiệp hóa, hiện đại hóa; "
    "sức khỏe, thủy lợi, hòa bình. ỦY BAN THƯỜNG VỤ QUỐC HỘI (số 127-HD/BTGTW, Luật 68/2022/QH15): "
    "họa sĩ Lê Văn Thủy, xóa đói, tỏa sáng, khỏe mạnh, quý khách."
)
PARAGRAPH_NEW = (
    "Uỷ ban nhân dân tỉnh Hoà Bình về việc đẩy mạnh công nghiệp hoá, hiện đại hoá; "
    "sức khoẻ, thuỷ lợi, hoà bình. UỶ BAN THƯỜNG VỤ QUỐC HỘI (số 127-HD/BTGTW, Luật 68/2022/QH15): "
    "hoạ sĩ Lê Văn Thuỷ, xoá đói, toả sáng, khoẻ mạnh, quý khách."
)


def test_to_style_round_trip() -> None:
    assert to_style(PARAGRAPH_OLD, "new") == PARAGRAPH_NEW
    assert to_style(PARAGRAPH_NEW, "old") == PARAGRAPH_OLD
    assert to_style(to_style(PARAGRAPH_OLD, "new"), "old") == PARAGRAPH_OLD
    assert to_style(PARAGRAPH_OLD, "old") == PARAGRAPH_OLD
    assert detect_style(PARAGRAPH_OLD) == "old"
    assert detect_style(PARAGRAPH_NEW) == "new"


def test_to_style_mixed_text() -> None:
    mixed = "hóa và hoà, thủy và thuỷ, khỏe, Hòa Bình, Ủy ban, ỦY BAN"
    assert to_style(mixed, "new") == "hoá và hoà, thuỷ và thuỷ, khoẻ, Hoà Bình, Uỷ ban, UỶ BAN"
    assert to_style(mixed, "old") == "hóa và hòa, thủy và thủy, khỏe, Hòa Bình, Ủy ban, ỦY BAN"
    assert to_style(to_style(mixed, "new"), "old") == to_style(mixed, "old")
    assert detect_style("hóa hoá thuỷ") == "new"
    assert detect_style("hóa hoá") == "old"  # tie
    assert detect_style("không có âm tiết nào mơ hồ") == "old"


def test_to_style_leaves_clean_text_byte_identical() -> None:
    clean = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020;\n\tĐiều 1. Quy định chung — 100 % «ok» 北京 quý"
    assert to_style(clean, "new") == clean
    assert to_style(clean, "old") == clean
    decomposed = nfd(clean)
    assert to_style(decomposed, "new") == decomposed  # no ambiguous syllable: not even NFC'd
    assert normalise_tones(clean) == clean


def test_to_style_nfd_input() -> None:
    assert to_style(nfd("Hòa Bình"), "new") == "Hoà " + nfd("Bình")


def test_normalise_tones_uses_canonical_style() -> None:
    assert CANONICAL_STYLE == "old"
    assert normalise_tones(PARAGRAPH_NEW) == PARAGRAPH_OLD
    assert normalise_tones(PARAGRAPH_OLD) == PARAGRAPH_OLD


# --- candidates and case ---------------------------------------------------


def test_accent_variants_duong() -> None:
    variants = accent_variants("duong")
    for word in ("đường", "dương", "đương", "dưỡng", "dượng", "duồng"):
        assert word in variants
    assert len(variants) == len(set(variants))


def test_accent_variants_examples() -> None:
    assert "nước" in accent_variants("nuoc")
    assert set(accent_variants("a")) == {"a", "á", "à", "ả", "ã", "ạ"}  # ă/â never end a syllable
    assert {"ăn", "ân", "ấn", "ẩn", "ặn", "án"} <= set(accent_variants("an"))
    assert set(accent_variants("mat")) == {"mát", "mạt", "mắt", "mặt", "mất", "mật"}
    assert "hòa" in accent_variants("hoa") and "hoà" not in accent_variants("hoa")
    assert "quốc" in accent_variants("quoc")
    assert "giữa" in accent_variants("giua")
    assert "nghĩa" in accent_variants("nghia")
    assert accent_variants("ion") == ()
    assert accent_variants("gaza") == ()
    assert accent_variants("") == ()
    assert accent_variants("Đuong") == accent_variants("duong")  # tolerant of non-ASCII input


def test_accent_variants_are_valid_canonical_and_match() -> None:
    for key in ("duong", "nuoc", "a", "thuy", "khoe", "uy", "nghieng", "quyen", "gi", "o", "tuoi"):
        variants = accent_variants(key)
        assert variants
        for form in variants:
            assert strip_accents(form) == key
            assert form == form.lower() and unicodedata.is_normalized("NFC", form)
            assert is_valid(form, strict=True)
            assert syllable_style(form) in (None, CANONICAL_STYLE)


def test_accent_variants_cover_the_lexicon() -> None:
    for word in lexicon("hunspell_vi_syllables_DauCu.txt"):
        if parse(word) is not None:
            assert word.lower() in accent_variants(strip_accents(word.lower())), word


@pytest.mark.parametrize(
    "pattern, form, expected",
    [
        ("duong", "đường", "đường"),
        ("Duong", "đường", "Đường"),
        ("DUONG", "đường", "ĐƯỜNG"),
        ("A", "ăn", "Ăn"),
        ("A", "á", "Á"),
        ("hOa", "hòa", "hÒa"),
        ("", "hòa", "hòa"),
        ("Đảng", "ĐẢNG", "Đảng"),
    ],
)
def test_apply_case(pattern: str, form: str, expected: str) -> None:
    assert apply_case(pattern, form) == expected


# --- tokens ---------------------------------------------------------------


def test_tokens_offsets() -> None:
    text = "Số 127-HD/BTGTW, Luật 68/2022/QH15: 25 m² tại Hòa Bình; e-mail x_y"
    toks = tokens(text)
    assert [t for _, _, t in toks] == [
        "Số", "HD", "BTGTW", "Luật", "QH", "m", "tại", "Hòa", "Bình", "e", "mail", "x", "y"
    ]
    for start, end, tok in toks:
        assert text[start:end] == tok
    assert toks[1] == (7, 9, "HD")


def test_tokens_keep_combining_marks() -> None:
    text = nfd("Việt Nam 2024, Ủy ban")
    toks = tokens(text)
    assert [t for _, _, t in toks] == [nfd("Việt"), "Nam", nfd("Ủy"), "ban"]
    for start, end, tok in toks:
        assert text[start:end] == tok
    assert vi.SYLLABLE_RE.fullmatch(nfd("Nguyễn"))


def test_is_vietnamese_token() -> None:
    for tok in ("Hải", "ĐẢNG", "đường", "thuoc", nfd("Việt")):
        assert is_vietnamese_token(tok)
    for tok in ("hOa", "BTGTW", "QH", "Gaza", "ion", "nuroc"):
        assert not is_vietnamese_token(tok)
    assert not is_vietnamese_token("thuoc", strict=True)


# --- module hygiene --------------------------------------------------------


def test_module_imports_only_stdlib_text_code() -> None:
    tree = ast.parse(Path(vi.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "re", "unicodedata", "dataclasses", "typing"}
