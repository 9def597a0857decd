"""Registers of official text: ALL-CAPS titles, document codes and abbreviations with Đ, words glued to
punctuation ("hien./.", "(de"), list markers "đ)", and clean text passing through.

The lines are taken from a corpus split (dev while tuning, held-out once at the end), stripped of their
accents (``restore.damage.strip_line``) or garbled (``restore.damage.damage_line``, 15 %), and repaired:
legal documents whole (as a file is: list markers need the item before), news and wiki lines one by one
(as the issue measured).  Syllables are scored case-sensitively and blind to where a tone mark sits
("hoá" = "hóa").  Corpus text is only read, never written: the report holds counts and, for the worst
cases, the code or marker at fault.

    python bench/registers_bench.py --split dev            # tuning: prints, writes nothing
    python bench/registers_bench.py --out docs/benchmarks.md   # held-out, once
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from restore import corpus, damage  # noqa: E402
from restore import vietnamese as vn  # noqa: E402
from restore.repair import Restorer  # noqa: E402

from report import pct, publish  # noqa: E402  (bench/report.py)

SECTION = "## Registers of official text (restore)"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
#: an abbreviation in capitals with Đ in it, alone or inside a code ("QĐ-TTg", "HĐND", "GD-ĐT")
D_ABBREVIATION = re.compile(r"(?<![^\W\d_])[A-ZĐ][A-Za-zĐ]*Đ[A-Za-zĐ]*|(?<![^\W\d_])Đ[A-ZĐ]+")
#: the same with D, no Đ: must stay as it is ("HD" in "47-HD/BTGTU" is Hướng dẫn)
PLAIN_D_ABBREVIATION = re.compile(r"(?<![^\W\d_])[A-Z]*D[A-Z]*(?![^\W\d_])")
LETTERS = re.compile(r"[^\W\d_]+")
MARKER = re.compile(r"đ[.)]")


def tone_blind(token: str) -> str:
    """One key for hóa/hoá: the letters without tone, then the tone mark."""
    d = unicodedata.normalize("NFD", token)
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES)) + "".join(c for c in d if c in _TONES)


def is_caps_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) >= 2 and len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def glued(token: str) -> bool:
    """A word with punctuation stuck to it, other than one closing , . ; : ("hiện./.", "(để", "TP;)")."""
    core = token.strip(".,;:!?()[]\"'“”‘’…/-")
    if not core.isalpha():
        return False
    rest = token.replace(core, "", 1)
    return bool(rest) and rest not in (",", ".", ";", ":")


@dataclass
class Tally:
    ok: int = 0
    total: int = 0
    misses: Counter = field(default_factory=Counter)

    def add(self, right: bool, miss: str) -> None:
        self.ok += right
        self.total += 1
        if not right:
            self.misses[miss] += 1

    def row(self, name: str, before: "Tally") -> str:
        worst = ", ".join(f"{m} ({n})" for m, n in self.misses.most_common(6)) or "-"
        share = pct(self.ok / self.total) if self.total else "-"
        was = pct(before.ok / before.total) if before.total else "-"
        return f"| {name} | {was} | {self.ok:,} / {self.total:,} | {share} | {worst} |"


def selected(split: str, news_docs: int, wiki_docs: int) -> tuple[list[list[str]], list[str]]:
    """Legal documents whole, and the news and wiki lines that hold one of the registers."""
    legal = [list(d.lines) for d in corpus.documents(corpus.default_corpus_dir(), ("legal",), split)]
    lines: list[str] = []
    for source, limit in (("news", news_docs), ("wiki", wiki_docs)):
        for d in corpus.documents(corpus.default_corpus_dir(), (source,), split, max_docs=limit):
            lines += [ln for ln in d.lines if is_caps_line(ln) or D_ABBREVIATION.search(ln)
                      or PLAIN_D_ABBREVIATION.search(ln) or any(glued(t) for t in ln.split())]
    return legal, lines


def aligned(out: list[str], truth: list[str]) -> tuple[list[str], list[str]]:
    """The output word standing for each truth word ("" where a merge or a split left none): words
    are matched by a diff of their letters, and a replaced block of equal length pairs one for one."""
    if len(out) == len(truth):
        return out, truth
    keyed = [vn.strip_accents(w).lower() for w in out], [vn.strip_accents(w).lower() for w in truth]
    paired = [""] * len(truth)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keyed[1], b=keyed[0], autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            paired[i1:i2] = out[j1:j2]
    return paired, truth


def score(outputs: list[str], truths: list[str], tallies: dict[str, Tally]) -> None:
    for out, truth in zip(outputs, truths):
        o, t = aligned(out.split(), truth.split())
        caps = is_caps_line(truth)
        for k, (a, b) in enumerate(zip(o, t)):
            right = tone_blind(a) == tone_blind(b)
            if caps and any(c.isalpha() for c in b):
                tallies["caps"].add(right, f"{b}")
            runs = LETTERS.findall(a)
            for m in D_ABBREVIATION.finditer(b):
                tallies["codes"].add(m.group() in runs, m.group())
            for m in PLAIN_D_ABBREVIATION.finditer(b):
                tallies["plain_d"].add(m.group() in runs, m.group())
            if not caps and b[:1].isupper() and b[1:].islower() and b.isalpha() and k > 0:
                tallies["names"].add(right, f"{b}<-{a}")  # inside a sentence: names of places and bodies
            if glued(b):
                tallies["glued_end" if b.endswith("./.") else "glued"].add(right, re.sub(r"\w+", "w", b))
        if MARKER.match(truth):
            tallies["markers"].add(out[:2] == truth[:2], truth[:2])


def unchanged(outputs: list[str], truths: list[str], tally: Tally) -> None:
    """Words of each line as written, aligned with the output: a join ("s ỹ" -> "sỹ") counts its own
    words, not every word after it."""
    for out, truth in zip(outputs, truths):
        a, b = out.split(), truth.split()
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=b, b=a, autojunk=False).get_opcodes():
            letters = [w for w in b[i1:i2] if any(c.isalpha() for c in w)]
            if op == "equal":
                for _ in letters:
                    tally.add(True, "")
            else:
                miss = f"{' '.join(b[i1:i2])} -> {' '.join(a[j1:j2])}"
                for _ in letters or [""]:
                    tally.add(False, miss)


def clean_row(name: str, tally: Tally) -> str:
    changed = tally.total - tally.ok
    worst = ", ".join(f"{m} ({n})" for m, n in tally.misses.most_common(6)) or "-"
    return f"| {name} | - | {changed:,} / {tally.total:,} | {changed / max(1, tally.total) * 2000:.2f} in 2,000 | {worst} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="update the registers section of this Markdown file")
    parser.add_argument("--split", choices=("heldout", "dev"), default="heldout")
    parser.add_argument("--news-docs", type=int, default=150)
    parser.add_argument("--wiki-docs", type=int, default=60)
    args = parser.parse_args()
    if args.split == "dev" and args.out:
        parser.error("dev results are for tuning only: they are not written to the report")
    restorer = Restorer.load()
    if restorer is None:
        raise SystemExit("no model in models/")
    t0 = time.monotonic()
    legal, lines = selected(args.split, args.news_docs, args.wiki_docs)
    kinds = ("caps", "codes", "plain_d", "glued", "glued_end", "markers", "names")
    stripped, as_damaged = {k: Tally() for k in kinds}, {k: Tally() for k in kinds}
    for doc in legal:
        bad = [damage.strip_line(ln) for ln in doc]
        score(restorer.repair("\n".join(bad)).text.split("\n"), doc, stripped)
        score(bad, doc, as_damaged)
    bad = [damage.strip_line(ln) for ln in lines]
    score([restorer.repair(ln).text for ln in bad], lines, stripped)
    score(bad, lines, as_damaged)
    # OCR-garbled capitals: headings are damaged as any other line
    rng = random.Random(13)
    caps = [ln for doc in legal for ln in doc if is_caps_line(ln)] + [ln for ln in lines if is_caps_line(ln)]
    garbled, garbled_before = {k: Tally() for k in kinds}, {k: Tally() for k in kinds}
    bad = [damage.damage_line(ln, rng)[0] for ln in caps]
    score([restorer.repair(ln).text for ln in bad], caps, garbled)
    score(bad, caps, garbled_before)
    # clean text as written: nothing may change
    clean_legal, clean_other = Tally(), Tally()
    for doc in legal:
        unchanged(restorer.repair("\n".join(doc)).text.split("\n"), doc, clean_legal)
    unchanged([restorer.repair(ln).text for ln in lines], lines, clean_other)
    seconds = time.monotonic() - t0
    n_lines = sum(map(len, legal)) + len(lines)
    rows = [
        "| register | damaged, as it is | repaired: right | share | worst cases left (count) |",
        "|---|---|---|---|---|",
        stripped["caps"].row("ALL-CAPS lines, accent-stripped: syllables", as_damaged["caps"]),
        garbled["caps"].row("ALL-CAPS lines, OCR-garbled 15 %: words", garbled_before["caps"]),
        stripped["codes"].row("abbreviations and codes with Đ (QĐ, NĐ-CP, HĐND), stripped", as_damaged["codes"]),
        stripped["plain_d"].row("capitals with D and no Đ (HD, DN, CD) kept as written", as_damaged["plain_d"]),
        stripped["glued_end"].row('words closing on "./." ("hien./.")', as_damaged["glued_end"]),
        stripped["glued"].row('other words glued to punctuation ("(de", "TP;", "nay).")', as_damaged["glued"]),
        stripped["names"].row("capitalised words inside a sentence (places, bodies: Sở, Đoàn), stripped",
                              as_damaged["names"]),
        stripped["markers"].row('list markers "đ)", documents repaired whole', as_damaged["markers"]),
        clean_row("clean legal documents as written: words changed", clean_legal),
        clean_row("clean news and wiki lines as written: words changed", clean_other),
    ]
    report = "\n".join([
        SECTION, "",
        f"Split `{args.split}`: {len(legal)} legal documents repaired whole, {len(lines):,} news and wiki lines "
        f"that hold a heading in capitals, a code or a glued word, repaired one by one ({n_lines:,} lines, "
        f"{seconds:.0f} s).  Scored case-sensitively, blind to tone placement.  "
        "`python bench/registers_bench.py --out docs/benchmarks.md`", "",
        *rows, ""])
    publish(report, args.out, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
