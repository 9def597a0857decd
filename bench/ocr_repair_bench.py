"""Does repair pay off on real OCR output?  Rendered corpus pages read by vanban's OCR, repaired or not.

Input: the JSON lines of ``bench/make_ocr_pairs.py`` (dev for tuning, heldout for the report).  Each page's
OCR text (before repair) is repaired as ``vanban ocr`` does it (with the engine's word confidences) and
compared with the text drawn on the page: CER and WER after whitespace folding, per level, with the
pages that got worse listed.

    python bench/ocr_repair_bench.py build/ocr-pairs/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from restore import vietnamese as vn  # noqa: E402
from restore.repair import SUSPECT_CONFIDENCE, Restorer  # noqa: E402,F401
from vanban.metrics import edit_distance  # noqa: E402
from vanban.pipeline import SUSPECT_OCR_CONFIDENCE  # noqa: E402


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def tone_blind(text: str) -> str:
    return " ".join(vn.normalise_tones(w) for w in text.split(" "))


def heard_spans(text: str, words: list[list]) -> list[tuple[int, int, float]]:
    """Each OCR word's span in the page text, in reading order, with its confidence."""
    spans, cursor = [], 0
    for word, confidence in words:
        needle = unicodedata.normalize("NFC", word)
        at = text.find(needle, cursor)
        if at >= 0:
            cursor = at + len(needle)
            spans.append((at, cursor, float(confidence)))
    return spans


@dataclass
class Row:
    chars: int = 0
    errors_before: int = 0
    errors_after: int = 0
    words: int = 0
    word_errors_before: int = 0
    word_errors_after: int = 0
    pages: int = 0
    worse: int = 0


def repair_page(restorer: Restorer, record: dict, channel: bool) -> str:
    text = record["ocr_text"]
    spans = heard_spans(text, record["words"])
    suspects = [(a, b) for a, b, c in spans if c < SUSPECT_OCR_CONFIDENCE]
    return restorer.repair(text, suspects=suspects, heard=spans if channel else ()).text


def run(restorer: Restorer, records: list[dict], channel: bool = True) -> tuple[dict[str, Row], list]:
    rows: dict[str, Row] = {}
    worst = []
    for rec in records:
        truth = tone_blind(fold(rec["truth"]))
        before = tone_blind(fold(rec["ocr_text"]))
        after = tone_blind(fold(repair_page(restorer, rec, channel)))
        for level in (rec["level"], "all"):
            row = rows.setdefault(level, Row())
            e0, e1 = edit_distance(before, truth), edit_distance(after, truth)
            w0 = edit_distance(before.split(), truth.split())
            w1 = edit_distance(after.split(), truth.split())
            row.chars += len(truth)
            row.errors_before += e0
            row.errors_after += e1
            row.words += len(truth.split())
            row.word_errors_before += w0
            row.word_errors_after += w1
            row.pages += 1
            row.worse += e1 > e0
        if edit_distance(after, truth) > edit_distance(before, truth):
            worst.append((rec["key"], _diff(before, after)))
    return rows, worst


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """The words that repair changed on a page."""
    import difflib

    a, b = before.split(), after.split()
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append((" ".join(a[a1:a2]), " ".join(b[b1:b2])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--no-channel", action="store_true", help="repair without the OCR channel model")
    args = parser.parse_args()
    records = [json.loads(ln) for ln in args.pairs.read_text(encoding="utf-8").splitlines() if ln.strip()]
    restorer = Restorer.load()
    rows, worst = run(restorer, records, channel=not args.no_channel)
    print(f"model: {restorer.name}")
    for level, r in rows.items():
        print(f"{level:7s} pages {r.pages:3d}  CER {r.errors_before / r.chars:.3%} -> {r.errors_after / r.chars:.3%}"
              f"  WER {r.word_errors_before / r.words:.3%} -> {r.word_errors_after / r.words:.3%}"
              f"  pages worse {r.worse}")
    for key, changes in worst[:10]:
        print("worse:", key, changes[:8])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
