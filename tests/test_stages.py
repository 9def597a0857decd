"""Each image stage on real renders and real Tesseract."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import blobs, clean, deskew, load, orient
from vanban.metrics import cer
from vanban.pipeline import Options, process_page

from .conftest import SAMPLES, ground_truth


def grey_page(name: str) -> np.ndarray:
    page = load.load_page(load.inspect(str(SAMPLES / name)), 1)
    grey, _ = clean.to_grey_without_ink(page.pixels)
    grey, _ = clean.remove_dark_borders(grey)
    return clean.normalise_illumination(grey)[0]


@pytest.mark.parametrize("name", ["clean.png", "degraded.jpg", "skew7.png"])
@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_orientation_is_detected_for_all_four_rotations(name, turns):
    upright = grey_page(name)
    turned = np.ascontiguousarray(np.rot90(upright, k=turns))  # counter-clockwise quarter turns
    clockwise_fix, report = orient.detect(turned, clean.binarise(turned)[0])
    assert clockwise_fix == (90 * turns) % 360, report
    assert report["method"] == "projection"
    assert np.array_equal(orient.rotate_upright(turned, clockwise_fix), upright)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_tesseract_osd_fallback_agrees(turns):
    turned = np.ascontiguousarray(np.rot90(grey_page("clean.png"), k=turns))
    clockwise_fix, report = orient.osd_orientation(turned)
    assert clockwise_fix == (90 * turns) % 360, report


def test_a_page_without_text_lines_is_left_for_osd_to_judge():
    dots = np.full((1000, 1000), 255, np.uint8)
    for dy in range(4):
        for dx in range(4):
            dots[dy::40, dx::40] = 0  # a square grid of blobs: no direction is sharper
    assert (dots == 0).sum() > orient.MIN_POINTS
    assert orient.quick_orientation(dots) is None


@pytest.mark.parametrize("name", ["skew2.png", "skew7.png", "clean.png", "header.png"])
def test_deskew_error_on_samples_is_within_0_15_degrees(name, manifest):
    binary, _ = clean.binarise(grey_page(name))
    angle, _ = deskew.estimate(binary)
    assert abs(angle - manifest[name]["rotation_deg"]) <= 0.15


@pytest.mark.parametrize("true_angle", [-38.0, -22.5, -14.5, -9.3, -3.7, -0.4, 1.2, 4.85, 11.1, 15.0, 27.0])
def test_deskew_measures_angles_up_to_45_degrees(true_angle):
    """Scans are a few degrees off; photos and pages laid on the glass at a slant, up to 45
    (real images read 0 words at 21 degrees when the search stopped at 15)."""
    img = Image.open(SAMPLES / "clean.png").convert("L")
    skewed = np.asarray(img.rotate(true_angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=245))
    binary, _ = clean.binarise(clean.normalise_illumination(skewed)[0])
    angle, _ = deskew.estimate(binary)
    assert abs(angle - true_angle) <= 0.15
    straight, _ = deskew.estimate(clean.binarise(deskew.rotate(skewed, angle))[0])
    assert abs(straight) <= 0.15


def test_removing_stamps_and_ink_raises_ocr_accuracy():
    source = load.inspect(str(SAMPLES / "stamped.png"))
    truth = ground_truth("stamped.png")
    with_ink = process_page(source, 1, Options(remove_ink=False))
    without_ink = process_page(source, 1, Options())
    assert cer(without_ink.text, truth) < cer(with_ink.text, truth)
    assert cer(without_ink.text, truth) <= 0.01
    report = next(s for s in without_ink.stages if s.stage == "remove_ink")
    assert report.details["ink_pixels"] > 10_000
    assert not next(s for s in with_ink.stages if s.stage == "remove_ink").done


def test_dark_scanner_border_is_found_and_removed():
    page = load.load_page(load.inspect(str(SAMPLES / "skew7.png")), 1)
    grey, _ = clean.to_grey_without_ink(page.pixels)
    cleaned, report = clean.remove_dark_borders(grey)
    assert set(report["borders"]) >= {"top", "right"}
    assert cleaned[:20, :].min() > 200 and cleaned[:, -20:].min() > 200


def test_the_fast_blob_labelling_gives_what_opencv_and_numpy_give_by_default():
    """ocr.blobs picks faster ways for speed (issue 14); the stages' results must not move."""
    grey = np.asarray(Image.open(SAMPLES / "stamped.png").convert("L"))
    binary, _ = clean.binarise(grey)
    expected = cv2.connectedComponentsWithStats((binary == 0).astype(np.uint8), connectivity=8)
    got = blobs.components(blobs.ink_mask(binary))
    assert got[0] == expected[0] > 500
    for mine, theirs in zip(got[1:], expected[1:]):
        assert np.array_equal(mine, theirs)
    ys, xs = np.nonzero(binary == 0)
    fx, fy = blobs.ink_xy(binary)
    assert np.array_equal(fx, xs) and np.array_equal(fy, ys)
    assert np.array_equal(clean.histogram_u8(grey), np.bincount(grey.ravel(), minlength=256))
    assert clean.histogram_u8(grey[grey < 200]).sum() == (grey < 200).sum()


def test_despeckle_cleans_noisy_scans_and_leaves_clean_ones_alone():
    img = np.full((200, 400), 255, np.uint8)
    img[50, 50] = img[120, 300] = img[10:12, 10:12] = 0  # specks
    img[100:107, 200:207] = 0  # a dấu nặng sized dot (7 x 7 px at 300 dpi)
    out, report = clean.despeckle(img, noise_sigma=12.0)
    assert report["specks_removed"] == 3
    assert (out[100:107, 200:207] == 0).all()
    same, report = clean.despeckle(img, noise_sigma=0.5)
    assert report["specks_removed"] == 0 and np.array_equal(same, img)


def test_lone_dots_go_on_noisy_scans_and_a_dau_nang_stays():
    img = np.full((300, 600), 255, np.uint8)
    img[100:128, 200:220] = 0  # a letter, x-height 28 px
    img[136:141, 207:212] = 0  # its dấu nặng, 8 px below
    img[250:255, 450:455] = 0  # a dot of dirt far from any letter
    out, report = clean.despeckle(img, noise_sigma=12.0, xheight=28.0)
    assert report["lone_dots_removed"] == 1
    assert (out[136:141, 207:212] == 0).all() and (out[250:255, 450:455] == 255).all()
    same, _ = clean.despeckle(img, noise_sigma=0.5, xheight=28.0)
    assert np.array_equal(same, img)


def test_a_shaded_black_and_white_scan_is_smoothed_and_a_clean_one_is_not(tmp_path, monkeypatch):
    """A B/W scan of a page with a shadow down its left side: the threshold turned the shade into dense
    dots over the print. The median filter takes them; a plain B/W scan of the same page is left alone."""
    grey = grey_page("clean.png").astype(np.float32)
    h, w = grey.shape
    shade = np.clip(1.0 - np.linspace(0, 1, w) * 2.2, 0, 1)[None, :] * 120.0  # dark at the left edge
    noise = np.random.default_rng(7).normal(0, 40, grey.shape)
    shaded = np.where(grey - shade[:, :] + noise < 150, 0, 255).astype(np.uint8)
    plain = np.where(grey < 150, 0, 255).astype(np.uint8)
    left = clean.smooth_shaded(plain)
    assert left[0] is plain and left[1]["black_and_white"] and not left[1]["smoothed"]
    out, report = clean.smooth_shaded(shaded)
    assert report["smoothed"] and report["specks_per_mpx"] >= clean.SHADED_SPECKS_PER_MPX
    assert clean.specks_per_mpx(out < 128) < 0.1 * report["specks_per_mpx"]
    Image.fromarray(shaded).save(tmp_path / "shaded.png", dpi=(300, 300))
    page = process_page(load.inspect(str(tmp_path / "shaded.png")), 1, Options())
    assert {s.stage: s.details.get("smoothed") for s in page.stages}["smooth_shaded"] is True
    smoothed = cer(page.text, ground_truth("clean.png"))
    monkeypatch.setattr(clean, "SHADED_SPECKS_PER_MPX", float("inf"))
    unsmoothed = cer(process_page(load.inspect(str(tmp_path / "shaded.png")), 1, Options()).text,
                     ground_truth("clean.png"))
    assert smoothed <= 0.03 and smoothed < 0.5 * unsmoothed, (smoothed, unsmoothed)


def test_every_stage_is_recorded_and_can_be_switched_off():
    source = load.inspect(str(SAMPLES / "clean.png"))
    page = process_page(source, 1, Options(orient=False, deskew=False, remove_borders=False, despeckle=False))
    done = {s.stage: s.done for s in page.stages}
    assert done == {"load": True, "resolution": True, "remove_ink": True, "smooth_shaded": False,
                    "remove_borders": False, "normalise": True,
                    "orient": False, "deskew": False, "binarise": True, "despeckle": False,
                    "recognise": True, "layout": True}
    assert cer(page.text, ground_truth("clean.png")) <= 0.005


def test_a_page_the_cleaning_breaks_is_read_as_it_is(monkeypatch):
    """Never less than Tesseract on the file: when the cleaned page reads (almost) nothing, Tesseract's
    reading of the page as stored is kept, with a warning and an alternatives stage in the JSON."""
    from ocr import load as load_mod
    from vanban import page_reader, pipeline

    real = page_reader.recognise.recognise

    def cleaned_readings_fail(image, **kwargs):  # every reading of the cleaned page; plain Tesseract reads
        return real(image, **kwargs) if kwargs.get("program") else []

    monkeypatch.setattr(page_reader.recognise, "recognise", cleaned_readings_fail)
    source = load_mod.inspect(str(SAMPLES / "clean.png"), load_mod.DEFAULT_MAX_PIXELS)
    page = pipeline.process_page(source, 1, pipeline.Options(jobs=1))
    stage = next(s for s in page.stages if s.stage == "alternatives")
    assert stage.done and stage.details["kept"] == "as stored"
    assert stage.details["words"]["cleaned"] == 0 and stage.details["words"]["as stored"] > 200
    assert "the reading 'as stored' scored better" in " ".join(page.warnings)
    assert len(page.text.split()) > 200 and page.geometry is not None


def test_a_grey_page_turned_the_wrong_way_is_read_the_other_way(monkeypatch):
    """A short or noisy page can fool orientation; a poor reading is tried the other way up too."""
    from vanban import page_reader

    monkeypatch.setattr(page_reader.orient, "detect", lambda grey, binary: (180, {"method": "test", "rotate": 180}))
    source = load.inspect(str(SAMPLES / "clean.png"))
    page = process_page(source, 1, Options(jobs=1))
    stage = next(s for s in page.stages if s.stage == "alternatives")
    assert stage.details["kept"] == "cleaned, turned 0°"
    assert cer(page.text, ground_truth("clean.png")) <= 0.005


def test_a_received_stamp_on_a_grey_scan_stays_out_of_the_text(tmp_path):
    """No colour to tell it by: its frame in the top margin does. Its lines are kept for the register."""
    from PIL import ImageDraw, ImageFont

    img = Image.open(SAMPLES / "clean.png").convert("L")
    page = Image.new("L", (img.width, img.height + 300), 255)
    page.paste(img, (0, 300))
    draw = ImageDraw.Draw(page)
    sans = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"
    draw.rectangle((900, 40, 1500, 250), outline=90, width=6)
    draw.text((1200, 60), "VĂN PHÒNG", font=ImageFont.truetype(sans, 34), fill=90, anchor="ma")
    draw.text((1200, 105), "ĐẾN", font=ImageFont.truetype(sans, 48), fill=90, anchor="ma")
    draw.text((930, 170), "Số: 1234", font=ImageFont.truetype(sans, 34), fill=90)
    path = tmp_path / "grey-stamped.png"
    page.save(path, dpi=(300, 300))
    result = process_page(load.inspect(str(path)), 1, Options(jobs=1))
    assert "ĐẾN" not in result.text and "1234" not in result.text
    stamp = next(s for s in result.stages if s.stage == "received_stamp")
    assert "1234" in " ".join(w for ln in stamp.details["lines"] for w, _ in ln["words"])
    assert cer(result.text, ground_truth("clean.png")) <= 0.005


def test_the_page_number_at_the_top_centre_is_read(tmp_path):
    """Tesseract's segmentation passes over a lone number in the top margin; vanban reads it there."""
    from PIL import ImageDraw, ImageFont

    img = Image.open(SAMPLES / "clean.png").convert("L")
    page = Image.new("L", (img.width, img.height + 250), 255)
    page.paste(img, (0, 250))
    serif = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 56)
    ImageDraw.Draw(page).text((img.width // 2, 120), "12", font=serif, fill=0, anchor="ma")
    path = tmp_path / "page-12.png"
    page.save(path, dpi=(300, 300))
    result = process_page(load.inspect(str(path)), 1, Options(jobs=1))
    assert result.text.split("\n")[0] == "12"
    assert cer(result.text, "12\n" + ground_truth("clean.png")) <= 0.005


def test_capitals_and_strokes_cut_by_the_top_band_are_not_a_frame():
    """A line of capitals the closing bridges into a band, over letters whose strokes the top band's
    cut runs through, is not a stamp's frame (a real screenshot lost its header to that)."""
    from ocr import stamp

    page = np.full((3508, 2480), 255, np.uint8)
    cut = int(3508 * stamp.FRAME_TOP_SHARE)
    page[cut - 100:cut - 84, 300:900] = 0  # a band 16 px thick: capitals bridged, not a rule
    for x in range(300, 900, 40):  # strokes of a bold line that the cut runs through
        page[cut - 40:cut + 20, x:x + 8] = 0
    assert stamp.find_frames(page, 28.4) == []
    page[cut - 300:cut - 296, 1200:1800] = 0  # a real frame: a thin top rule with sides hanging
    page[cut - 300:cut - 180, 1200:1204] = 0
    page[cut - 300:cut - 180, 1796:1800] = 0
    (found,) = stamp.find_frames(page, 28.4)
    assert all(abs(a - b) <= 2 for a, b in zip(found, (1200, cut - 300, 600, 120))), found


def test_a_last_page_tesseract_passes_over_is_read_as_sparse_text(tmp_path, make_samples):
    """A last page: the signer's block beside a signature and under a grey seal's rings. Tesseract's page
    layout takes the block for a picture and reads neither "CHỦ TỊCH" nor the name; a page with few words
    is read again as sparse text, and the lines found there that the layout passed over are added."""
    from PIL import ImageDraw

    img, _ = make_samples.render_page_with_layout(
        body=["Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025."],
        sign=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "", "Trần Văn Hùng"])
    draw = ImageDraw.Draw(img)
    for radius, width in ((210, 10), (140, 5)):  # the seal's rings, grey, over the title's first letters
        draw.ellipse((1450 - radius, 640 - radius, 1450 + radius, 640 + radius), outline=90, width=width)
    draw.line([(1500, 760), (1600, 600), (1660, 740), (1760, 590), (1820, 760), (1950, 620), (2050, 700)],
              fill=40, width=7)  # the signature
    path = tmp_path / "last-page.png"
    img.save(path, dpi=(300, 300))
    page = process_page(load.inspect(str(path)), 1, Options(jobs=1))
    report = next(s for s in page.stages if s.stage == "recognise").details
    assert report["psm"] == 3 and report["sparse"]["added"], report
    assert "Văn Hùng" in page.text  # the ring cuts the T of "Trần"
    rings = next(s for s in page.stages if s.stage == "seal_rings").details
    assert len(rings["rings"]) == 1 and set(rings["scores"]) == {"with_rings", "without_rings"}
    assert page.text.startswith("Luật này có hiệu lực")  # what the layout read stays, in its place


def test_a_sparse_reading_keeps_only_lines_read_with_confidence():
    """Read anywhere, specks and a seal's letters come out as short words, with little confidence."""
    from ocr.document import Box, Line, Word
    from vanban.page_reader import _sparse_line

    def line(*words):
        return Line([Word(t, Box(0, 0, 10, 10), c) for t, c in words], Box(0, 0, 10, 10))

    assert _sparse_line(line(("CHỦ", 93), ("TỊCH", 96)))
    assert _sparse_line(line(("Nguyễn", 90)))
    assert not _sparse_line(line(("vã", 80)))  # one short word
    assert not _sparse_line(line(("lần", 48), ("Với", 60)))  # little confidence


def test_a_seal_on_a_grey_scan_is_found_by_its_rings_and_print_is_not(make_samples):
    """stamped.png's red seal, scanned in grey, is a ring like the print's own darkness; a page of print
    has no circle that ink follows all the way round."""
    from ocr import seal

    grey = np.asarray(Image.open(SAMPLES / "stamped.png").convert("L"))
    rings = seal.find_rings(clean.binarise(grey)[0])
    assert len(rings) == 1 and 150 <= rings[0]["radius"] <= 290, rings
    for name in ("clean.png", "header.png", "skew7.png"):
        assert seal.find_rings(clean.binarise(grey_page(name))[0]) == [], name
    binary = clean.binarise(grey)[0]
    x, y, r = rings[0]["x"], rings[0]["y"], rings[0]["radius"]
    on_ring = [(round(y + r * np.sin(t)), round(x + r * np.cos(t))) for t in np.linspace(0, 2 * np.pi, 90)]
    on_page = [p for p in on_ring if 0 <= p[0] < grey.shape[0]]
    # the red seal scans lighter than the print: it goes whole, out to the outer ring (the ring found is
    # the inner one), and the print it covers stays
    image, ringless, how = seal.remove_rings(grey, binary, rings)
    assert how == ["lighter"]
    assert all(image[p] == 255 and ringless[p] == 255 for p in on_page if grey[p] > 100)
    disc = np.zeros(grey.shape, bool)
    cv2.circle(disc.view(np.uint8), (x, y), int(1.6 * r), 1, -1)
    seal_grey = lambda page: ((page > 100) & (page < 200) & disc).sum()  # noqa: E731
    assert seal_grey(image) < 0.05 * seal_grey(grey)  # left: print edges past the outer ring
    assert ((image < 60) & disc).sum() > 0.9 * ((grey < 60) & disc).sum()  # the print's dark core
    assert (ringless == 0).sum() > 0.5 * (binary == 0).sum()
    # black and white: the seal is as dark as the print, and only its rings go
    image, ringless, how = seal.remove_rings(binary, binary, rings)
    assert how == ["rings"]
    assert all(ringless[p] == 255 and image[p] == 255 for p in on_page)
    assert (ringless == 0).sum() > 0.5 * (binary == 0).sum()


def test_short_lines_read_with_little_confidence_are_marks_unless_they_are_words():
    """A seal's letters and a signature's strokes come out as lines of a letter or two ("P", "NG", "rộ x Ề",
    read at 32-60 % confidence on the train scans); a wrapped word ending a paragraph stays."""
    from ocr.document import Box, Line, Word
    from vanban.page_reader import is_mark_line

    def line(text: str, conf: float) -> Line:
        return Line([Word(w, Box(10 * i, 0, 8, 10), conf) for i, w in enumerate(text.split())], Box(0, 0, 100, 10))

    assert all(is_mark_line(line(t, 45)) for t in ("P", "NG", "rộ x Ề", "ˆ NAY"))
    assert not any(is_mark_line(line(t, 45)) for t in ("giúp;", "a)", "12.", "Nơi nhận:", "CHỦ TỊCH"))
    assert not is_mark_line(line("P", 87))
