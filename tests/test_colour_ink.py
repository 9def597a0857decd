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
