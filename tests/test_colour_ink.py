"""Colour-ink removal takes stamps, seals and pen, not text printed in colour nor the colour fringes
of anti-aliased black text."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import clean, recognise

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
BODY = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ"
TITLE = "KẾ HOẠCH TRIỂN KHAI NHIỆM VỤ NĂM 2024"
RED, BLUE = (200, 30, 35), (35, 50, 190)


def page_with_colours() -> np.ndarray:
    """An A4 page at 300 dpi: black body lines, a red printed title, a blue pen signature and a
    red seal with its curved text."""
    img = Image.new("RGB", (2480, 1800), "white")
    draw = ImageDraw.Draw(img)
    body, title = ImageFont.truetype(FONT, 56), ImageFont.truetype(BOLD, 56)
    draw.text((300, 200), TITLE, font=title, fill=RED)
    for k in range(4):
        draw.text((200, 400 + 90 * k), BODY, font=body, fill=(0, 0, 0))
    # a pen signature: loops of one stroke
    pts = [(1500 + 6 * t + 60 * math.sin(t / 5.0), 1200 + 70 * math.sin(t / 3.0)) for t in range(0, 120)]
    draw.line(pts, fill=BLUE, width=6)
    # a seal: a ring with text around it
    cx, cy, r = 700, 1300, 230
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=12)
    seal = ImageFont.truetype(BOLD, 40)
    for i, ch in enumerate("UỶ BAN NHÂN DÂN TỈNH"):
        a = math.pi * (1.1 + 0.8 * i / 19)
        draw.text((cx + 0.78 * r * math.cos(a) - 15, cy + 0.78 * r * math.sin(a) - 20), ch, font=seal, fill=RED)
    return np.asarray(img)


def read(grey: np.ndarray) -> str:
    lines = recognise.recognise(grey, lang="vie", psm=3, dpi=300)
    return "\n".join(ln.text for ln in lines)


def test_a_title_printed_in_red_survives_while_pen_and_seal_go():
    pixels = page_with_colours()
    grey, report = clean.to_grey_without_ink(pixels)
    assert report["colour_print_pixels"] > 0
    # the title is still dark print; the signature and the seal are paper
    assert (grey[190:280, 300:1800] < 128).sum() > 5000
    assert (grey[1100:1320, 1450:2300] < 128).sum() < 100
    assert (grey[1060:1540, 460:940] < 128).sum() < 300
    text = read(grey)
    assert "KẾ HOẠCH" in text and "NHIỆM VỤ" in text
    assert "Nghị định số 30/2020/NĐ-CP" in text


def test_colour_fringes_of_black_text_are_not_ink():
    """Sub-pixel rendering: each black stroke has a red edge on its left and a blue one on its right."""
    img = Image.new("L", (1800, 400), 255)
    ImageDraw.Draw(img).text((40, 100), BODY, font=ImageFont.truetype(FONT, 40), fill=0)
    grey = np.asarray(img)
    stroke = grey < 128
    rgb = np.stack([grey] * 3, axis=-1).copy()
    left = np.roll(stroke, -2, axis=1) & ~stroke
    right = np.roll(stroke, 2, axis=1) & ~stroke
    rgb[left] = (230, 120, 60)
    rgb[right] = (60, 120, 230)
    out, report = clean.to_grey_without_ink(rgb)
    assert report.get("fringe_share", 0) > clean.MAX_FRINGE_SHARE
    assert np.array_equal(out, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))  # nothing painted out


@pytest.mark.parametrize("colour, frame", [(RED, "whole"), (BLUE, "whole"), (BLUE, "broken")])
def test_a_stamp_in_a_frame_is_ink(colour, frame):
    """The received stamp's lines are printed-looking, but they sit inside its frame: they go.
    A stamp pad often leaves the sides out; the top and bottom rules, wider than the lines
    between them, still say it is a stamp (samples/stamped.png: its "ĐẾN" and date were kept)."""
    img = Image.new("RGB", (1600, 800), "white")
    draw = ImageDraw.Draw(img)
    if frame == "whole":
        draw.rectangle((200, 150, 1000, 600), outline=colour, width=8)
    else:
        draw.line((150, 150, 1150, 150), fill=colour, width=8)
        draw.line((150, 600, 1150, 600), fill=colour, width=8)
    font = ImageFont.truetype(BOLD, 50)
    for k, text in enumerate(("PHÒNG HÀNH CHÍNH", "ĐẾN", "Số: 14", "Ngày: 10/01/2024")):
        draw.text((240, 180 + 100 * k), text, font=font, fill=colour)
    grey, report = clean.to_grey_without_ink(np.asarray(img))
    assert (grey < 128).sum() < 100 and report["colour_print_pixels"] == 0


def test_a_seal_s_text_along_its_bottom_arc_is_not_a_printed_line():
    """The bottom arc of a seal whose ring did not come out whole is nearly level and no taller than a
    line of type; its letters bow from a straight line more than type ever does, so they go with the
    seal, while a straight red line stays."""
    img = Image.new("RGB", (2480, 1400), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(BOLD, 40)
    draw.text((300, 150), "KẾ HOẠCH TRIỂN KHAI NHIỆM VỤ NĂM 2024", font=font, fill=RED)
    cx, cy, r = 1240, 300, 600
    word = "THÀNHPHỐHÀNỘI"
    for i, ch in enumerate(word):
        a = math.pi * (0.6 - 0.2 * i / (len(word) - 1))  # lower left to lower right, 29 px of sag
        draw.text((cx + r * math.cos(a) - 12, cy + r * math.sin(a) - 25), ch, font=font, fill=RED)
    pixels = np.asarray(img)
    ink = (pixels.max(axis=2).astype(int) - pixels.min(axis=2)) > clean.INK_CHROMA
    printed = clean.printed_in_colour(ink, clean.BODY_XHEIGHT)
    assert printed[130:230, 300:2200].sum() > 0.5 * ink[130:230, 300:2200].sum()  # the title
    arc = ink[cy + 500:cy + r + 60, cx - 400:cx + 400]
    assert arc.sum() > 3000 and printed[cy + 500:cy + r + 60, cx - 400:cx + 400].sum() == 0


def test_black_print_across_a_red_seal_keeps_its_edges_and_a_red_rule_still_goes():
    """Anti-aliased black print under a seal takes the seal's hue at its edges ((120, 40, 45) on a
    red seal): darker than the seal's own ink and touching print, it is print, not ink. A bright red
    rule beside a pink panel (a web image) is darker than nearly all the red-hued pixels too, but
    touches no print: it goes (thuvienphapluat-blur.png lost words when it stayed)."""
    img = Image.new("L", (1800, 700), 255)
    ImageDraw.Draw(img).text((100, 100), "Lê Văn Thành", font=ImageFont.truetype(FONT, 56), fill=0)
    ImageDraw.Draw(img).text((100, 250), "Nguyễn Thị Bích Ngọc", font=ImageFont.truetype(FONT, 30), fill=0)
    text = np.stack([np.asarray(img).astype(float) / 255] * 3, axis=-1)
    seal = np.ones((700, 1800, 3))
    cv2.circle(seal, (450, 240), 200, (0.82, 0.2, 0.22), 40)
    cv2.circle(seal, (450, 240), 150, (0.82, 0.2, 0.22), 6)
    scan = cv2.GaussianBlur((text * seal * 255).astype(np.uint8), (0, 0), 0.7)  # ink multiplies
    out, _ = clean.to_grey_without_ink(scan)
    under_seal = (np.asarray(img) < 160) & (seal[..., 1] < 0.5)
    assert under_seal.sum() > 500
    # thin strokes have no colourless core to touch: they are kept as the seal's colour darkened
    assert ((out < 160) & under_seal).sum() > 0.97 * under_seal.sum()
    # a web image: a pink panel and bright red rules, darker than nearly all the pink
    web = np.ones((700, 1800, 3))
    web[330:480, 100:1700] = (0.93, 0.55, 0.9)
    for x in (300, 800, 1300):
        cv2.line(web, (x, 490), (x, 690), (0.93, 0.14, 0.16), 5)
    out, _ = clean.to_grey_without_ink((text * web * 255).astype(np.uint8))
    assert (out[330:700] < 200).sum() == 0
