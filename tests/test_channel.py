"""The OCR noisy channel: Tesseract's real-word slips are corrected in OCR output, never in typed text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore.channel import Channel, aligned_syllables, learn, letter_edits
from restore.repair import load_restorer
from vanban.metrics import cer
from vanban.pipeline import Options, run_batch

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_alignment_pairs_the_slips_and_skips_splits():
    ocr = "Ủy ban nhân dân thành phó đề nghi các sở , ban".split()
    truth = "Ủy ban nhân dân thành phố đề nghị các sở, ban".split()
    pairs = [(o, t) for _, o, t in aligned_syllables(ocr, truth)]
    assert ("phó", "phố") in pairs and ("nghi", "nghị") in pairs and ("dân", "dân") in pairs
    assert letter_edits("phó", "phố") == [("ô", "o")] and letter_edits("phố", "phố") == []


def test_a_confident_word_is_rarely_a_slip():
    records = [{"words": [["phó", 96.0], ["thành", 96.0], ["phó", 55.0]], "truth": "phố thành phố"}] * 3 + \
              [{"words": [["thành", 96.0]] * 40, "truth": " ".join(["thành"] * 40)}]
    channel = learn(records)
    assert channel.p_wrong(55.0) > channel.p_wrong(96.0)
    assert channel.logp("thành", "thành", 96.0) > channel.logp("thành", "thánh", 96.0)
    assert channel.logp("phó", "phố", 55.0) > channel.logp("phó", "phố", 96.0)
    assert Channel.from_json(json.loads(json.dumps(channel.to_json()))).to_json() == channel.to_json()


@pytest.fixture(scope="module")
def restorer():
    model = load_restorer()
    assert model is not None and model.channel is not None, "models/restore-channel.json is missing"
    return model


LINE = "Ủy ban nhân dân thành phó đề nghị các sở, ban, ngành triển khai thực hiện kế hoạch."


def heard(text: str, confidence: dict[str, float]) -> list[tuple[int, int, float]]:
    spans, at = [], 0
    for word in text.split(" "):
        spans.append((at, at + len(word), confidence.get(word, 96.0)))
        at += len(word) + 1
    return spans


def test_an_ocr_slip_is_corrected_with_the_engines_confidence(restorer):
    result = restorer.repair(LINE, heard=heard(LINE, {"phó": 80.0}))
    assert "thành phố đề nghị" in result.text
    (change,) = [c for c in result.changes if c.applied]
    assert (change.before, change.after, LINE[change.start:change.end]) == ("phó", "phố", "phó")


def test_typed_text_is_never_opened_by_the_channel(restorer):
    """Without the engine's confidences (``vanban repair`` on a typed file) the line is sound and stays."""
    result = restorer.repair(LINE)
    assert result.text == LINE and not result.changes


def test_a_sound_ocr_line_stays_as_it_is(restorer):
    line = "Ủy ban nhân dân thành phố đề nghị các sở, ban, ngành triển khai thực hiện kế hoạch."
    result = restorer.repair(line, heard=heard(line, {}))
    assert result.text == line


def test_vanban_ocr_corrects_tesseracts_slips_on_a_rendered_page(tmp_path):
    """header.png: Tesseract reads "Khăng định" and "CÂN THƠ"; the repair puts back what was printed."""
    truth = (SAMPLES / "header.gt.txt").read_text(encoding="utf-8")
    batch = run_batch([str(SAMPLES / "header.png")], None, Options(jobs=1))
    (result,) = batch.files
    ocr_text = result.document["ocr_text"]
    assert "Khẳng định" in result.text and "CẦN THƠ" in result.text
    assert cer(result.text, truth) < cer(ocr_text, truth)
    applied = [c for c in result.document["repair"]["changes"] if c["applied"]]
    assert applied and all(ocr_text[c["start"]:c["end"]] == c["before"] for c in applied)
