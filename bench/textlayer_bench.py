"""Text-layer decisions on the test PDFs (tests/test_textlayer.py builds them), as a Markdown table.

Run from the repository root: ``python bench/textlayer_bench.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import test_textlayer as t  # noqa: E402  (the PDF builders)
from vanban.pipeline import Options, run_batch  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="vanban-textlayer-"))
    subprocess.run(["tesseract", str(t.SAMPLES / "clean.png"), str(tmp / "searchable"), "-l", "vie", "pdf"],
                   capture_output=True, check=True)
    pdfs = {
        "born-digital, 2 text pages + 1 blank": t.born_digital(tmp / "letter.pdf"),
        "TCVN3 (.VnTime bytes, WinAnsi font)": t.legacy_font_pdf(tmp / "tcvn3.pdf", "tcvn3"),
        "VNI (VNI-Times bytes, WinAnsi font)": t.legacy_font_pdf(tmp / "vni.pdf", "vni"),
        "VISCII (bytes, WinAnsi font)": t.legacy_font_pdf(tmp / "viscii.pdf", "viscii"),
        "born-digital page + scan under junk layer": t.mixed_with_scanner_layer(tmp / "mixed.pdf"),
        "scan under Tesseract's own layer": tmp / "searchable.pdf",
        "scan under Tesseract's own layer, `--text-layer use`": tmp / "searchable.pdf",
        "scan under a good one-line layer, `--text-layer use`": t.partial_scan_layer(tmp / "partial.pdf"),
    }
    print("| PDF | page | decision | words | valid | marked | ink covered | .txt == NFC(pdftotext) | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, pdf in pdfs.items():
        start = time.monotonic()
        mode = "use" if "text-layer use" in name else "auto"
        batch = run_batch([str(pdf)], tmp / "out", Options(jobs=1, force=True, text_layer=mode))
        seconds = time.monotonic() - start
        doc = json.loads((tmp / "out" / (pdf.stem + ".json")).read_text(encoding="utf-8"))
        same = (tmp / "out" / (pdf.stem + ".txt")).read_bytes() == t.pdftotext(pdf).encode("utf-8")
        born_digital = all(t.layer_stage(p)["details"]["decision"] in ("unicode", "none") for p in doc["pages"])
        exact = ("yes" if same else "**no**") if born_digital else "n/a"
        for i, page in enumerate(doc["pages"]):
            d = t.layer_stage(page)["details"]
            q = d.get("quality", {})
            cov = d.get("ink_covered")
            decision = d["decision"] + (" (scan)" if d.get("scan") and d["decision"] != "scan" else "")
            print(f"| {name if i == 0 else ''} | {page['number']} | {decision} | {q.get('tokens', '-')} | "
                  f"{q.get('valid', '-')} | {q.get('marked', '-')} | {'-' if cov is None else cov} | "
                  f"{exact if i == 0 else ''} | {f'{seconds:.1f}' if i == 0 else ''} |")
        assert batch.files[0].status == "done"


if __name__ == "__main__":
    main()
