"""Line order that cannot do harm (issue 13): only damaged lines move, only as OCR reverses them."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from restore import detect, reorder
from restore import vietnamese as vn
from restore.damage import wrap
from restore.repair import load_restorer

FIXTURES = Path(__file__).parent / "fixtures"
LINES = (FIXTURES / "order" / "lines.gt.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")


@pytest.fixture(scope="module")
def restorer():
    model = load_restorer()
    assert model is not None
    return model


def shuffled(seed: int) -> list[str]:
    lines = list(LINES)
    random.Random(seed).shuffle(lines)
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unrelated_lines_with_accents_pass_through(restorer, seed):
    text = "\n".join(shuffled(seed))
    result = restorer.repair(text)
    assert result.text == text
    assert not [c for c in result.changes if c.applied]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unrelated_lines_stripped_are_never_moved(restorer, seed):
    truth = shuffled(seed)
    result = restorer.repair("\n".join(vn.strip_accents(x) for x in truth))
    assert not [c for c in result.changes if c.kind == "reorder" and c.applied]
    out = result.text.split("\n")
    assert [vn.strip_accents(x) for x in out] == [vn.strip_accents(x) for x in truth]


def test_one_paragraph_per_line_is_no_page_region(restorer):
    """Lines far wider than a page, or of very different widths, are not what OCR reverses."""
    long = [vn.strip_accents(x) for x in LINES if len(x) > 60]
    search = reorder._RunSearch(long, restorer.model, restorer.candidates, None)
    assert not search.wrapped(0, len(long))
    wrapped = [vn.strip_accents(x) for x in wrap(" ".join(LINES[:6]), 12)]
    search = reorder._RunSearch(wrapped, restorer.model, restorer.candidates, None)
    assert search.wrapped(0, len(wrapped))


def _page_lines() -> list[str]:
    """Lines 3-8 of the first long paragraphs, wrapped as on a page, accent-stripped."""
    text = " ".join(x for x in LINES if len(x) > 100)
    return [vn.strip_accents(x) for x in wrap(text, 12)][:8]


def test_a_reversed_page_region_is_put_back_and_logged_with_its_span(restorer):
    lines = _page_lines()
    shown = lines[:2] + lines[2:][::-1]
    text = "\n".join(shown)
    result = restorer.repair(text)
    assert [vn.strip_accents(x) for x in result.text.split("\n")] == lines
    (move,) = [c for c in result.changes if c.kind == "reorder"]
    assert move.applied and text[move.start:move.end] == move.before
    assert move.after.split("\n") == lines[2:]
    assert 0.5 <= move.confidence <= 1.0


def test_no_reorder_only_reports_the_reversal(restorer):
    lines = _page_lines()
    shown = lines[:2] + lines[2:][::-1]
    result = restorer.repair("\n".join(shown), kinds=frozenset({"accent", "spelling"}))
    assert [vn.strip_accents(x) for x in result.text.split("\n")] == shown
    (move,) = [c for c in result.changes if c.kind == "reorder"]
    assert not move.applied


def test_a_reorder_below_the_threshold_is_only_flagged(restorer):
    lines = _page_lines()
    shown = lines[:2] + lines[2:][::-1]
    ordered, moves, order = reorder.restore_order(shown, restorer.model, restorer.candidates, min_confidence=1.01)
    assert ordered == shown and order == list(range(len(shown)))
    assert moves and not moves[0].applied


def test_a_sound_line_keeps_its_unmarked_syllables():
    """Typed with its accents: names, foreign words and words meant unmarked are no damage."""
    for line in ("Thị trưởng Cai Qi cho biết thành phố sẽ loại bỏ xe cũ trong năm nay.",
                 "Tiền đạo của đội bóng hoàn thành cú hat-trick trong hiệp hai.",
                 "Đại sứ quán tại Islamabad không xác nhận danh tính nhân viên này."):
        assert detect.analyse_line(line).label == "clean", line


def test_cli_no_reorder(tmp_path):
    lines = _page_lines()
    src = tmp_path / "in.txt"
    src.write_text("\n".join(lines[:2] + lines[2:][::-1]), encoding="utf-8")
    report = tmp_path / "changes.json"
    run = subprocess.run([sys.executable, "-m", "vanban", "repair", str(src), "--no-reorder",
                          "--report", str(report)], capture_output=True, text=True, check=True)
    out = run.stdout.split("\n")
    assert [vn.strip_accents(x) for x in out] == lines[:2] + lines[2:][::-1]
    changes = json.loads(report.read_text(encoding="utf-8"))["changes"]
    assert [c["applied"] for c in changes if c["kind"] == "reorder"] == [False]
    assert any(c["applied"] and c["kind"] == "accent" for c in changes)
