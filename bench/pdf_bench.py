"""Searchable PDF benchmark: text round trip, PDF/A-2b checks, word boxes and sizes on samples/.

For every sample, ``vanban ocr --format txt,pdf`` is run once (``--jobs 1``) and
the PDF is measured against the ``.txt`` it came with:

* CER of ``pdftotext -raw`` (content order: what copy-all and search see) and of
  plain ``pdftotext`` (poppler's own layout analysis) against the ``.txt``;
* pikepdf's PDF/A-2b validator (``pikepdf.pdfa.validate_written``) and the
  individual checks: XMP pdfaid, OutputIntent, embedded fonts, no encryption;
* word boxes: IoU of each word's box in the text layer with its ink box;
* size of the PDF over the input's.

    python bench/pdf_bench.py --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import pct, publish  # noqa: E402

SECTION = "## Searchable PDF (issue 15: PDF/A-2b, hOCR, ALTO)"
SAMPLES = ROOT / "samples"


def pdftotext(path: Path, *flags: str) -> str:
    return subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdfa_checks(path: Path) -> dict[str, bool]:
    import pikepdf
    from ocrmypdf.pdfa import find_nonembedded_fonts
    from pikepdf.pdfa import validate_written

    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        intents = pdf.Root.get("/OutputIntents") or []
        checks = {
            "xmp_pdfaid_2B": meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B",
            "output_intent_srgb": bool(intents) and "/DestOutputProfile" in intents[0],
            "fonts_embedded": not find_nonembedded_fonts(pdf),
            "not_encrypted": not pdf.is_encrypted,
        }
    checks["pikepdf_validator"] = validate_written(path, "2b").passed
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    from vanban.metrics import cer
    from vanban.pipeline import Options, run_batch

    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg", ".pdf", ".tif"))
    sys.path.insert(0, str(ROOT))
    from tests.test_pdf_output import word_box_ious  # the same measurement the tests make

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        batch = run_batch([str(SAMPLES / n) for n in names], Path(tmp), Options(jobs=1, formats=("txt", "pdf")))
        seconds = time.monotonic() - start
        made = {}
        for f in batch.files:
            stem = Path(next(o for o in f.outputs if o.endswith(".txt"))[:-4])
            made[Path(f.path).name] = (Path(f.path), f, stem)
        for name in names:
            source, result, stem = made[name]
            pdf, txt = Path(f"{stem}.pdf"), Path(f"{stem}.txt").read_text(encoding="utf-8")
            ious, along = word_box_ious(made, name)
            ious = np.array(ious)
            checks = pdfa_checks(pdf)
            rows.append((name, cer(pdftotext(pdf, "-raw"), txt), cer(pdftotext(pdf), txt), all(checks.values()),
                         float(np.median(ious)), float(np.mean(ious >= 0.5)), float(min(along)),
                         pdf.stat().st_size / source.stat().st_size, checks))
    lines = [SECTION, "",
             f"`python bench/pdf_bench.py --out docs/benchmarks.md` ({platform.machine()}, {os.cpu_count()} cores, "
             f"`--jobs 1`, {time.strftime('%Y-%m-%d')}); OCR + repair + PDF of all samples: {seconds:.0f} s.", "",
             "| sample | CER `pdftotext -raw` vs .txt | CER `pdftotext` vs .txt | PDF/A-2b checks | word IoU median "
             "| words IoU >= 0.5 | min IoU along the line | size / input |",
             "|---|---|---|---|---|---|---|---|"]
    for name, raw, plain, ok, med, share, along, size, _ in rows:
        lines.append(f"| {name} | {pct(raw)} | {pct(plain)} | {'pass' if ok else 'FAIL'} | {med:.2f} | "
                     f"{100 * share:.1f} % | {along:.2f} | {size:.3f} |")
    lines += ["", "PDF/A-2b checks run here, each on every file: " + ", ".join(f"`{k}`" for k in rows[0][8])
              + ". `pikepdf_validator` is pikepdf's allowlist validator built from the veraPDF rule "
              "catalogue (it approves only what it recognises); veraPDF itself is not installed here.", "",
              "How to read it. The text layer gives lines in vanban's reading order, so what search, copy-all "
              "and `pdftotext -raw` get is the `.txt` (CER 0 on every sample). Plain `pdftotext` runs poppler's "
              "own layout analysis instead: it reads the two header columns of an official letter side by side "
              "(header, stamped, page 1 of multipage.pdf) and it breaks text drawn along a slanted baseline into "
              "pieces (poppler starts a new word when the baseline moves by half a point), so on skewed scans it "
              "garbles what `-raw` gets right. vanban keeps the scan as it was and puts each word on its ink, "
              "slanted as the scan is; drawing upright text on a slanted scan was tried and measured worse "
              "(skew2: 54 %, and words off their ink).",
              "",
              "Word boxes: IoU of each word's box in the text layer (its characters' boxes as pdfminer reads them) "
              "with its ink box (Tesseract's box taken back to the page). The invisible font is one size per "
              "line, so a line stays one line for viewers; its box is the line's height, so a hyphen (5 px of "
              "ink) overlaps it by about 0.12 and a word under a tall diacritic by about 0.45: the issue's "
              "'every word >= 0.5' is met by 94-99 % of words, not all. Along the line every word starts and "
              "ends on its ink (IoU of the horizontal extents >= 0.76 on the 7 degree skew, 1.00 upright). "
              "One font size per word would lift the IoU but made plain `pdftotext` worse on upright pages "
              "(clean.png 0 -> 5 %).",
              "",
              "Size: the image streams are copied (JPEG, CCITT G4, PNG data, a PDF's own images byte for byte), "
              "the text layer costs about 2.8 KB a page, the embedded font subset and the sRGB profile about "
              "8 KB a file. That is under 1.1 x the input except for small files: the 1-bit G4 TIFF is 37 KB a "
              "page (1.24 x).",
              ""]
    publish("\n".join(lines), args.out, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
