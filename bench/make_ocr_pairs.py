"""Real OCR output of rendered corpus pages, with the truth: data for the OCR channel model and its bench.

Corpus documents of one split (``restore.corpus``: train for the channel model, dev for tuning, heldout
for the report; never the seeds) are cut into page-sized pieces, rendered as scans by
``../shared/bench-tools/render.py`` at the levels clean / office / poor, and read by vanban's own image
stages and Tesseract (``vanban.pipeline.process_page``, repair off).  One JSON line per page:

    {"doc", "level", "seed", "truth": page text as drawn, "ocr_text": vanban's text before repair,
     "words": [[text, confidence], ...] in reading order}

    python bench/make_ocr_pairs.py --split train --pages 240 --out build/ocr-pairs/train.jsonl

Resumable: pages already in the output file are skipped.  One process (``OMP_THREAD_LIMIT=1``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import unicodedata
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_TOOLS = ROOT.parent / "shared" / "bench-tools"

from ocr import load  # noqa: E402
from restore import corpus  # noqa: E402
from vanban.pipeline import Options, process_page  # noqa: E402

LEVELS = ("clean", "office", "poor")
#: lines of a corpus document per rendered piece: about one A4 page of paragraphs
PIECE_LINES = 14
LEGAL_PIECES = 4


def pieces(split: str, count: int) -> list[tuple[str, str]]:
    """(name, text) pieces of documents of a split, legal and news in turn, deterministic."""
    out: list[tuple[str, str]] = []
    sources = {s: corpus.documents(corpus.default_corpus_dir(), sources=(s,), split=split) for s in ("legal", "news")}
    while len(out) < count and sources:
        for source in list(sources):
            doc = next(sources[source], None)
            if doc is None:
                del sources[source]
                continue
            lines = [ln for ln in doc.lines if ln.strip()]
            # legal documents are long: up to LEGAL_PIECES pieces spread over each, a news one is one piece
            step = max(PIECE_LINES, len(lines) // LEGAL_PIECES) if source == "legal" else len(lines) + 1
            for k in range(0, max(1, len(lines) - 3), step):
                out.append((f"{doc.file}:{doc.index}:{k}", "\n".join(lines[k:k + PIECE_LINES])))
    return out[:count]


def read_page(png: Path) -> dict:
    source = load.inspect(str(png), load.DEFAULT_MAX_PIXELS)
    page = process_page(source, 1, Options(jobs=1, repair=False))
    words = [[w.text, round(w.confidence, 1)] for b in page.blocks for ln in b.lines for w in ln.words]
    return {"ocr_text": unicodedata.normalize("NFC", page.text), "words": words}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev", "heldout"), required=True)
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH_TOOLS))
    import render  # noqa: PLC0415  (../shared/bench-tools)

    done = set()
    if args.out.exists():
        done = {json.loads(ln)["key"] for ln in args.out.read_text(encoding="utf-8").splitlines() if ln.strip()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as fh, tempfile.TemporaryDirectory() as tmp:
        for n, (name, text) in enumerate(pieces(args.split, args.pages)):
            level = LEVELS[n % len(LEVELS)]
            key = f"{name}:{level}"
            if key in done:
                continue
            seed = int(hashlib.sha1(key.encode()).hexdigest()[:6], 16)
            out_dir = Path(tmp) / f"p{n}"
            render.render_document(text, str(out_dir), level=level, seed=seed, max_pages=1)
            png = out_dir / "p001.png"
            record = {"key": key, "doc": name, "level": level, "seed": seed,
                      "truth": (out_dir / "p001.gt.txt").read_text(encoding="utf-8")}
            record.update(read_page(png))
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            print(f"{n + 1}/{args.pages} {key}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
