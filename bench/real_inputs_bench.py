"""Real images of official letters (``../shared/real-inputs/``): vanban beside plain Tesseract.

There is no ground truth, so each engine is judged by what it reads: words read, mean word
confidence, and the share of letter words that are valid Vietnamese syllables.  The issue-14
target per image: at least 0.9 x the words plain ``tesseract FILE - -l vie`` reads, and a
valid-syllable share within 0.02 of its.  The images are only read, never copied into the project
and never used to tune anything (see their SOURCE.md).

    python bench/real_inputs_bench.py --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from restore import vietnamese as vn  # noqa: E402
from vanban import pipeline  # noqa: E402

from report import publish  # noqa: E402  (bench/report.py)

SECTION = "## Real images (issue 14: ../shared/real-inputs)"
REAL_INPUTS = ROOT.parent / "shared" / "real-inputs"
SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
PUNCT = ".,;:!?()[]\"'“”‘’…-–/*"


def measures(words: list[tuple[str, float]]) -> dict[str, float]:
    """Words read (with a letter or digit), their mean confidence, and the valid-syllable share of letter words."""
    read = [(t, c) for t, c in words if any(ch.isalnum() for ch in t)]
    letters = [t.strip(PUNCT) for t, _ in read if any(ch.isalpha() for ch in t)]
    letters = [t for t in letters if t]
    valid = sum(1 for t in letters if vn.is_vietnamese_token(t))
    return {"words": len(read),
            "confidence": sum(c for _, c in read) / len(read) if read else 0.0,
            "valid": valid / len(letters) if letters else 0.0}


def tesseract_words(path: Path) -> tuple[list[tuple[str, float]], float]:
    """Plain ``tesseract FILE - -l vie tsv``: what a user gets without vanban."""
    start = time.monotonic()
    out = subprocess.run(["tesseract", str(path), "-", "-l", "vie", "tsv"], capture_output=True, text=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=600)
    seconds = time.monotonic() - start
    rows = csv.DictReader(io.StringIO(out.stdout), delimiter="\t", quoting=csv.QUOTE_NONE)
    words = [(r["text"], float(r["conf"])) for r in rows if r.get("level") == "5" and (r.get("text") or "").strip()]
    return words, seconds


def vanban_words(result: pipeline.FileResult) -> list[tuple[str, float]]:
    """The words of vanban's final text, each with the confidence of the OCR word it came from (the
    repaired text is what the user gets; a repaired word keeps its OCR word's confidence)."""
    doc = result.document or {}
    confs = [w["confidence"] for p in doc.get("pages", []) for b in p["blocks"] for ln in b["lines"] for w in ln["words"]]
    mean = sum(confs) / len(confs) if confs else 0.0
    return [(t, mean) for t in (result.text or "").split()]


def run(folder: Path, jobs: int) -> list[dict]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    start = time.monotonic()
    batch = pipeline.run_batch([str(p) for p in files], None, pipeline.Options(jobs=jobs))
    vanban_seconds = time.monotonic() - start
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        plain = list(pool.map(tesseract_words, files))
    by_path = {r.path: r for r in batch.files}
    rows = []
    for path, (twords, tsec) in zip(files, plain):
        result = by_path[str(path)]
        stages = {}
        for page in (result.document or {}).get("pages", []):
            for st in page.get("stages", []):
                stages.setdefault(st["stage"], st)
        rows.append({"file": path.name, "status": result.status, "error": result.error,
                     "vanban": measures(vanban_words(result)), "tesseract": measures(twords),
                     "tesseract_seconds": tsec, "stages": stages})
    rows.append({"file": "(all)", "vanban_seconds": vanban_seconds,
                 "tesseract_seconds": sum(s for _, s in plain)})
    return rows


def verdict(v: dict, t: dict) -> tuple[bool, bool]:
    enough = v["words"] >= 0.9 * t["words"]
    valid = v["valid"] >= t["valid"] - 0.02 or t["words"] == 0
    return enough, valid


def report(rows: list[dict], command: str) -> str:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    total = rows[-1]
    files = rows[:-1]
    lines = [SECTION, "",
             f"Measured {now} on {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}.",
             "", f"Command: `{command}`.", "",
             "No ground truth: each engine is judged by the words it reads (with a letter or digit), their mean "
             "confidence and the share of letter words that are valid Vietnamese syllables. vanban's words are those of "
             "its final text (`vanban ocr`, repair on); plain Tesseract is `tesseract FILE - -l vie`. Target per image "
             "(issue 14): words ≥ 0.9 × Tesseract's and a valid share ≥ Tesseract's − 0.02.", "",
             "| image | vanban words | Tesseract words | vanban conf | Tesseract conf | vanban valid | Tesseract valid | "
             "met | what vanban did |",
             "|---|---|---|---|---|---|---|---|---|"]
    met = 0
    for r in files:
        v, t = r["vanban"], r["tesseract"]
        enough, valid = verdict(v, t)
        met += enough and valid
        did = describe(r)
        ok = "yes" if enough and valid else ("no: words" if not enough else "no: valid share")
        lines.append(f"| {r['file']} | {v['words']} | {t['words']} | {v['confidence']:.0f} | {t['confidence']:.0f} | "
                     f"{v['valid']:.2f} | {t['valid']:.2f} | {ok} | {did} |")
    lines += ["", f"- Target met on {met} of {len(files)} images.",
              f"- Wall time, all images: vanban {total['vanban_seconds']:.1f} s (one batch, "
              f"{os.cpu_count()} page processes); plain Tesseract {total['tesseract_seconds']:.1f} s of "
              "single-process runs."]
    return "\n".join(lines) + "\n"


def describe(row: dict) -> str:
    """The stages that decide a real image's fate: its resolution, turn, and which reading was kept."""
    st = row["stages"]
    if row["status"] != "done":
        return f"failed: {row['error']}"
    bits = []
    load = st.get("load", {}).get("details", {})
    res = st.get("resolution", {}).get("details", {})
    if res.get("estimated_dpi"):
        factor = res.get("factor", 1.0)
        bits.append(f"print at {res['estimated_dpi']} dpi" + (f", resized x{factor:.2f}" if factor != 1.0 else ""))
    elif load.get("dpi"):
        bits.append(f"{load['dpi']} dpi")
    turn = st.get("orient", {}).get("details", {}).get("rotate")
    if turn:
        bits.append(f"turned {turn}°")
    chosen = st.get("alternatives", {}).get("details", {}).get("kept")
    if chosen:
        bits.append(f"kept: {chosen}")
    return ", ".join(bits)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", type=Path, default=REAL_INPUTS)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if not args.folder.is_dir():
        print(f"{args.folder} not found: nothing to measure", file=sys.stderr)
        return
    rows = run(args.folder, args.jobs)
    command = "python bench/real_inputs_bench.py" + (f" --out {args.out}" if args.out else "")
    publish(report(rows, command), args.out, SECTION)


if __name__ == "__main__":
    main()
