"""Line order on text the project did not shape: does reordering do harm, and does it still help?

Three sets, each built from corpus documents of one split (dev for tuning, heldout for the report):

- *shuffled file*: every line of 30 documents (one paragraph or heading per line, as many converters
  write), the documents' lines shuffled together.  Nothing in it was reversed by OCR, so every line
  moved is harm; read accent-stripped and with its accents (clean: 0 lines moved, ≤ 1 syllable
  changed in 2,000).
- *bench-tools lines*: ``../shared/bench-tools/garble.py``'s own line-order damage (paragraphs wrapped
  to 80 columns, runs of 1-4 blocks emitted bottom-up, a heading left on top 60 % of the time), then
  accent-stripped or OCR-garbled: another generator than ``restore.damage``.
- each case is repaired as one text, as ``vanban repair`` reads a file.

    python bench/order_safety.py --split dev        # print, for tuning
    python bench/order_safety.py --split heldout --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_TOOLS = ROOT.parent / "shared" / "bench-tools"

from restore import corpus, reorder  # noqa: E402
from restore import vietnamese as vn  # noqa: E402
from restore.repair import Restorer  # noqa: E402
from vanban.metrics import edit_distance  # noqa: E402

from report import publish  # noqa: E402  (bench/report.py)

SECTION = "## Line order on text we did not shape (restore)"


def _bench_tools():
    """garble.py of ../shared/bench-tools, or None where it is missing."""
    if not (BENCH_TOOLS / "garble.py").exists():
        return None
    sys.path.insert(0, str(BENCH_TOOLS))
    import garble  # noqa: PLC0415

    return garble


def documents(split: str, count: int, min_lines: int = 5) -> list[list[str]]:
    """The first ``count`` documents of a split with at least ``min_lines`` lines: the legal ones (a
    split holds only a few, but long), then news."""
    out = []
    for source in ("legal", "news"):
        for doc in corpus.documents(corpus.default_corpus_dir(), sources=(source,), split=split):
            if len(out) >= count:
                return out
            if len(doc.lines) >= min_lines:
                out.append(list(doc.lines))
    return out


def syllables(text: str) -> list[str]:
    return [vn.normalise_tones(t) for _, _, t in vn.tokens(text)]


@dataclass
class Outcome:
    lines: int
    moved: int  # lines not in their input place after repair
    syllables: int
    wrong: int  # syllables unlike the truth (edit distance)


def repair_file(restorer: Restorer, shown: list[str], truth: list[str]) -> Outcome:
    """Repair the lines as one text; count moved lines (from the reorder changes it made: a line is moved
    when another stands in its place) and wrong syllables."""
    result = restorer.repair("\n".join(shown))
    moved_lines = sum(a != b for c in result.changes if c.kind == "reorder" and c.applied
                      for a, b in zip(c.before.split("\n"), c.after.split("\n")))
    out = result.text.split("\n")
    wrong = edit_distance(syllables(" ".join(out)), syllables(" ".join(truth)))
    return Outcome(len(shown), moved_lines, len(syllables(" ".join(truth))), wrong)


def shuffled_file(split: str, seed: int = 7) -> list[str]:
    lines = [ln for doc in documents(split, 30) for ln in doc]
    random.Random(seed).shuffle(lines)
    return lines


@dataclass
class OrderCase:
    shown: list[str]
    truth: list[str]  # the shown lines' damaged forms in their true order
    damaged: bool  # did the generator move anything


def bench_tools_cases(split: str, mode: str, count: int = 60, rate: float = 0.3, seed: int = 11) -> list[OrderCase]:
    """Cases of garble.py's line damage over a window of a document (a page's worth of paragraphs):
    ``mode`` 'strip' (then every word accent-stripped) or 'ocr' (then OCR-garbled at ``rate``)."""
    garble = _bench_tools()
    if garble is None:
        return []
    rng = random.Random(seed)
    cases = []
    windows = []  # a page's worth: 6 paragraphs of a document
    for doc in documents(split, count * 2):
        paras = [p for p in doc if len(p.split()) >= 4]
        windows.extend(paras[k:k + 6] for k in range(0, len(paras) - 3, 6))
    for window in windows:
        blocks = garble.wrap_blocks("\n".join(window), 80)
        truth = [ln for b in blocks for ln in b]
        if len(set(truth)) < len(truth):
            continue
        shown = garble.line_damage(blocks, 0.5, rng)
        where = {ln: i for i, ln in enumerate(truth)}
        perm = [where[ln] for ln in shown]  # shown[k] is truth[perm[k]]
        if mode == "strip":
            damaged = [garble.strip_accents(ln) for ln in shown]
        else:
            damaged = garble.ocr_garble("\n".join(shown), rate, rng).split("\n")
        true_order = [None] * len(truth)
        for k, p in enumerate(perm):
            true_order[p] = damaged[k]
        cases.append(OrderCase(damaged, true_order, perm != sorted(perm)))
        if len(cases) >= count:
            break
    return cases


def order_score(restorer: Restorer, cases: list[OrderCase]) -> dict[str, float]:
    """Exact order of damaged cases; untouched in-order cases; adjacent pairs in order, before and after."""
    exact = damaged = kept = undamaged = 0
    pairs_before = pairs_after = pairs = 0
    for case in cases:
        ordered, _, _ = reorder.restore_order(case.shown, restorer.model, restorer.candidates)
        if case.damaged:
            damaged += 1
            exact += ordered == case.truth
        else:
            undamaged += 1
            kept += ordered == case.shown
        rank = {ln: i for i, ln in enumerate(case.truth)}
        for seq, which in ((case.shown, 0), (ordered, 1)):
            good = sum(rank.get(b, -9) == rank.get(a, -9) + 1 for a, b in zip(seq, seq[1:]))
            if which:
                pairs_after += good
            else:
                pairs_before += good
        pairs += len(case.truth) - 1
    return {"exact": exact, "damaged": damaged, "kept": kept, "undamaged": undamaged,
            "pairs_before": pairs_before / max(1, pairs), "pairs_after": pairs_after / max(1, pairs)}


def run(restorer: Restorer, split: str) -> dict[str, object]:
    truth = shuffled_file(split)
    stripped = [vn.strip_accents(ln) for ln in truth]
    results: dict[str, object] = {
        "shuffled stripped": repair_file(restorer, stripped, truth),
        "shuffled clean": repair_file(restorer, truth, truth),
    }
    for mode in ("strip", "ocr"):
        results[f"bench-tools lines {mode}"] = order_score(restorer, bench_tools_cases(split, mode))
    return results


def render(split: str, results: dict[str, object]) -> str:
    out = [SECTION, "", f"`python bench/order_safety.py --split {split} --out docs/benchmarks.md` (2 cores). Each text is "
           "repaired as one file, as `vanban repair` reads it.", "",
           "| text | lines | lines moved | syllables | syllables unlike the truth |", "|---|---|---|---|---|"]
    for name in ("shuffled stripped", "shuffled clean"):
        o = results[name]
        what = {"shuffled stripped": "30 documents' lines, one paragraph per line, shuffled, accent-stripped",
                "shuffled clean": "the same lines with their accents (clean: must pass through)"}[name]
        out.append(f"| {what} | {o.lines} | {o.moved} | {o.syllables:,} | {o.wrong:,} ({o.wrong / o.syllables:.2%}) |")
    out += ["", "Line damage by `../shared/bench-tools/garble.py` (runs of 1-4 paragraphs of a page window emitted "
            "bottom-up, no blank lines; another generator than ours), the order alone:", "",
            "| damage | cases moved by the generator | put back exactly | in-order cases left alone | "
            "adjacent pairs in order, before → after |", "|---|---|---|---|---|"]
    for mode, what in (("strip", "line damage, then accents stripped"), ("ocr", "line damage, then OCR-garbled 30 %")):
        r = results[f"bench-tools lines {mode}"]
        out.append(f"| {what} | {r['damaged']} | {r['exact']} | {r['kept']} of {r['undamaged']} | "
                   f"{r['pairs_before']:.2f} → {r['pairs_after']:.2f} |")
    out += ["", "Only damaged lines move, and only runs that look like the visual lines of one page region; the "
            "price is recall on bench-tools' damage, where whole paragraphs of different widths and headings "
            "without blank lines are reversed together."]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--out", type=Path, help="update this section of docs/benchmarks.md (held-out only)")
    args = parser.parse_args()
    if args.out and args.split != "heldout":
        parser.error("only held-out results are published")
    restorer = Restorer.load()
    if restorer is None:
        raise SystemExit("no model in models/")
    publish(render(args.split, run(restorer, args.split)), args.out, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
