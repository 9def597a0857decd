"""Does repair pay off on real OCR output?  Rendered corpus pages read by vanban's OCR, repaired or not.

Input: the JSON lines of ``bench/make_ocr_pairs.py`` (dev for tuning, heldout for the report).  Each page's
OCR text (before repair) is repaired as ``vanban ocr`` does it (with the engine's word confidences) and
compared with the text drawn on the page: CER and WER after whitespace folding, per level, with the
pages that got worse listed.

    python bench/ocr_repair_bench.py build/ocr-pairs/dev.jsonl                 # tuning
    python bench/ocr_repair_bench.py build/ocr-pairs/heldout.jsonl --out docs/benchmarks.md

A second table reads corpus lines of the same split as an OCR limited to Latin-1 writes them (every
letter outside Latin-1 dropped: the scanner layers of issue 13), repaired as one text.
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

from restore import corpus  # noqa: E402
from restore.channel import record_place  # noqa: E402
from restore import vietnamese as vn  # noqa: E402
from restore.repair import Restorer  # noqa: E402
from vanban.metrics import edit_distance  # noqa: E402
from vanban.pipeline import repair_heard, word_spans  # noqa: E402

from report import publish  # noqa: E402  (bench/report.py)
from restore_bench import corpus_lines  # noqa: E402  (bench/restore_bench.py)

SECTION = "## Repair of real OCR output (restore)"


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def tone_blind(text: str) -> str:
    return " ".join(vn.normalise_tones(w) for w in text.split(" "))


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


def repair_page(restorer: Restorer, record: dict) -> str:
    """A page repaired as ``vanban ocr`` repairs it: with every word's confidence."""
    return repair_heard(record["ocr_text"], word_spans(record["ocr_text"], record["words"]), restorer=restorer).text


def run(restorer: Restorer, records: list[dict]) -> tuple[dict[str, Row], list]:
    rows: dict[str, Row] = {}
    worst = []
    for rec in records:
        truth = tone_blind(fold(rec["truth"]))
        before = tone_blind(fold(rec["ocr_text"]))
        after = tone_blind(fold(repair_page(restorer, rec)))
        e0, e1 = edit_distance(before, truth), edit_distance(after, truth)
        w0, w1 = edit_distance(before.split(), truth.split()), edit_distance(after.split(), truth.split())
        for level in (rec["level"], "all"):
            row = rows.setdefault(level, Row())
            row.chars += len(truth)
            row.errors_before += e0
            row.errors_after += e1
            row.words += len(truth.split())
            row.word_errors_before += w0
            row.word_errors_after += w1
            row.pages += 1
            row.worse += e1 > e0
        if e1 > e0:
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


def latin1_rows(restorer: Restorer, split: str, lines: int = 400) -> tuple[float, float, float, float]:
    """CER and WER of corpus lines with every letter outside Latin-1 dropped, before and after repair."""
    truth = _split_lines(split, lines)
    damaged = ["".join(ch for ch in ln if ord(ch) < 256) for ln in truth]
    fixed = restorer.repair("\n".join(damaged)).text.split("\n")
    t, d, f = (tone_blind(fold(" ".join(x))) for x in (truth, damaged, fixed))
    return (edit_distance(d, t) / len(t), edit_distance(f, t) / len(t),
            edit_distance(d.split(), t.split()) / len(t.split()), edit_distance(f.split(), t.split()) / len(t.split()))


def garble_rows(restorer: Restorer, split: str, lines: int = 400, rate: float = 0.3) -> tuple[float, float] | None:
    """WER before and after repair of corpus lines damaged by ``../shared/bench-tools/garble.py``'s OCR
    mode (another damage model than ours), repaired as one text; None where bench-tools is missing."""
    tools = ROOT.parent / "shared" / "bench-tools"
    if not (tools / "garble.py").exists():
        return None
    sys.path.insert(0, str(tools))
    import garble  # noqa: PLC0415

    truth = _split_lines(split, lines)
    bad, _ = garble.garble("\n".join(truth), mode="ocr", rate=rate, seed=5)
    fixed = restorer.repair(bad).text
    t, d, f = (tone_blind(fold(x)).split() for x in ("\n".join(truth), bad, fixed))
    return edit_distance(d, t) / len(t), edit_distance(f, t) / len(t)


def _split_lines(split: str, lines: int) -> list[str]:
    """The first ``lines`` lines of 4 words or more of a split: legal documents, then news."""
    truth = corpus_lines("legal", lines, split)
    return truth + (corpus_lines("news", lines - len(truth), split) if len(truth) < lines else [])


def render(name: str, split: str, rows: dict[str, Row], worst: list, latin1: tuple[float, ...], model: str,
           garbled: tuple[float, float] | None = None) -> str:
    out = [SECTION, "",
           f"`python bench/ocr_repair_bench.py {name} --out docs/benchmarks.md` (split `{split}`, never tuned on;",
           "2 cores; Tesseract 5.3.0). Pages: corpus documents of the split cut to a page, rendered by",
           "`../shared/bench-tools/render.py` at three levels and read by vanban's own OCR stages",
           "(`bench/make_ocr_pairs.py`); repaired as `vanban ocr` repairs, with Tesseract's word confidences.",
           f"Model: {model}. CER and WER after whitespace folding, tone placement ignored.", "",
           "| level | pages | CER `--no-repair` | CER repaired | cut | WER `--no-repair` | WER repaired | cut | pages worse |",
           "|---|---|---|---|---|---|---|---|---|"]
    for level in ("clean", "office", "poor", "all"):
        r = rows.get(level)
        if r is None:
            continue
        c0, c1 = r.errors_before / r.chars, r.errors_after / r.chars
        w0, w1 = r.word_errors_before / r.words, r.word_errors_after / r.words
        out.append(f"| {level} | {r.pages} | {c0:.2%} | {c1:.2%} | {1 - c1 / c0:.0%} | {w0:.2%} | {w1:.2%} | "
                   f"{1 - w1 / w0:.0%} | {r.worse} |")
    c0, c1, w0, w1 = latin1
    out += ["", "Latin-1 OCR (scanner layers), 400 lines of the split with every letter outside Latin-1 dropped, "
            "repaired as one text:", "",
            "| text | CER before | CER repaired | WER before | WER repaired |", "|---|---|---|---|---|",
            f"| Latin-1 OCR | {c0:.2%} | {c1:.2%} | {w0:.2%} | {w1:.2%} |", ""]
    if garbled is not None:
        out += ["The same 400 lines damaged by `../shared/bench-tools/garble.py --mode ocr --rate 0.3` (another damage "
                f"model than ours), repaired as one text: WER {garbled[0]:.2%} → {garbled[1]:.2%} "
                f"(cut {1 - garbled[1] / garbled[0]:.0%}).", ""]
    out += ["Pages that read worse after repair, and what repair changed there:", ""]
    out += [f"- `{key}`: " + "; ".join(f"{a} → {b}" for a, b in changes[:6]) for key, changes in worst[:8]] or ["- none"]
    out.append("")
    out.append("What is left is mostly not words: specks read as `_`, `ˆ` or `` ` ``, dashes (`-` for `–`), "
               "stamp text read into the page, and names (`Thăng` for `Thắng`).")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--no-channel", action="store_true",
                        help="repair without the OCR channel model (the words' confidences still open doubted ones)")
    parser.add_argument("--out", type=Path, help="update this section of docs/benchmarks.md (held-out only)")
    args = parser.parse_args()
    records = [json.loads(ln) for ln in args.pairs.read_text(encoding="utf-8").splitlines() if ln.strip()]
    split = corpus.split_of(*record_place(records[0]))
    if args.out and split != "heldout":
        parser.error("only held-out results are published")
    restorer = Restorer.load()
    if args.no_channel:
        restorer.channel = None
    rows, worst = run(restorer, records)
    report = render(str(args.pairs), split, rows, worst, latin1_rows(restorer, split), restorer.name,
                    garble_rows(restorer, split))
    publish(report, args.out, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
