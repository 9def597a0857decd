"""Benchmark of the document register: field-level precision, recall and F1.

Two sets:

* ``rendered``: official documents rendered by ``../shared/bench-tools/render.py`` and read by
  vanban's pipeline.  The three legal dev-split documents of the corpus (``restore/corpus.py``)
  with their own headers, and letters whose header, title, addressees and signature come from a
  seeded generator of invented bodies, numbers and dates around body text of dev-split news
  documents.  Truth is what render.py's own layout parser says each header line is (issuer lines,
  "Số", "V/v", dateline, title, subtitle, "Kính gửi", "Nơi nhận", signature) and, for the
  received stamp, the numbers render.py drew: never vanban's extractor.
* ``real``: the images of ``../shared/real-inputs`` that are letters, with truth labelled by
  looking at them (``bench/register_truth.json``).

A prediction counts when it equals the truth after NFC, case, space and tone-placement folding;
list fields (recipients, cc) are scored item by item.  "made up" counts values given where the
truth is empty.

    python bench/register_bench.py --set real --out build/register-bench
    python bench/register_bench.py --set rendered --levels clean office --docs 24
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from vanban.register import KEYS, LIST_KEYS  # noqa: E402

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def norm(value: str) -> str:
    """Compare-form: NFC, lower case, tone mark placement ignored, spacing around - / , ignored."""
    d = unicodedata.normalize("NFD", str(value).lower())
    out = []
    for syl in re.split(r"(\s+)", d):
        tones = "".join(c for c in syl if c in _TONES)
        base = "".join(c for c in syl if c not in _TONES)
        out.append(unicodedata.normalize("NFC", base + tones))
    s = "".join(out)
    s = re.sub(r"[,;]", " ", s)  # list separators inside an item: OCR drops and swaps them
    s = re.sub(r"\s*([-–/:.()])\s*", r"\1", s).replace("–", "-")
    s = re.sub(r"\s+", " ", s).strip(" .;,:")
    return s


def score_field(pred, truth) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one field of one document."""
    also = []
    if isinstance(truth, dict):
        also, truth = truth.get("also", []), truth["value"]
    if isinstance(truth, list) or isinstance(pred, list):
        t = [norm(x) for x in (truth or [])]
        p = [norm(x) for x in (pred or [])]
        tp = sum(1 for x in p if x in t)
        return tp, len(p) - tp, len(t) - tp
    p = norm(pred or "")
    options = [norm(truth or "")] + [norm(a) for a in also]
    if not p:
        return 0, 0, 0 if "" in options else 1
    if p in options:
        return (1, 0, 0) if p else (0, 0, 0)
    return 0, 1, 0 if options[0] == "" else 1


def made_up(pred, truth) -> bool:
    also = truth.get("also", []) if isinstance(truth, dict) else []
    truth = truth["value"] if isinstance(truth, dict) else truth
    return bool(pred) and not truth and not any(also)


def evaluate(preds: dict[str, dict], truths: dict[str, dict]) -> dict:
    """Per field: tp, fp, fn, precision, recall, f1, made_up; and the mistakes per document."""
    table = {k: {"tp": 0, "fp": 0, "fn": 0, "made_up": 0} for k in KEYS}
    mistakes = []
    for name, truth in truths.items():
        pred = preds.get(name, {})
        for k in KEYS:
            if k not in truth:
                continue
            value = (pred.get(k) or {}).get("value", [] if k in LIST_KEYS else "")
            tp, fp, fn = score_field(value, truth[k])
            row = table[k]
            row["tp"] += tp
            row["fp"] += fp
            row["fn"] += fn
            if made_up(value, truth[k]):
                row["made_up"] += 1
            if fp or fn:
                t = truth[k]["value"] if isinstance(truth[k], dict) else truth[k]
                mistakes.append({"doc": name, "field": k, "read": value, "truth": t})
    for row in table.values():
        p = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
        r = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
        row.update(precision=round(p, 3), recall=round(r, 3), f1=round(2 * p * r / (p + r) if p + r else 0.0, 3))
    return {"fields": table, "mistakes": mistakes}


def run_vanban(inputs: list[Path], out: Path) -> None:
    """vanban's pipeline, one Tesseract at a time: the machine is shared."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "vanban", "ocr", *map(str, inputs), "-o", str(out), "--jobs", "1", "-q"],
                   check=False, env=env, cwd=ROOT)


RESCORE = False  # --rescore: read the stored OCR results again with the current extractor


def read_metadata(out: Path) -> dict[str, dict]:
    from vanban.register_io import metadata_of  # noqa: PLC0415

    found = {}
    for path in out.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "pages" in data:
            meta = metadata_of(data, data.get("text")) if RESCORE else data.get("metadata", {})
            found[str(path.relative_to(out).with_suffix(""))] = meta
    return found


# ---------------------------------------------------------------- the real set


def real_set(out: Path) -> dict:
    truths = json.loads((ROOT / "bench" / "register_truth.json").read_text(encoding="utf-8"))
    truths.pop("_about", None)
    folder = SHARED / "real-inputs"
    if not RESCORE:
        run_vanban([folder / name for name in truths], out)
    metadata = read_metadata(out)
    preds = {name: metadata.get(Path(name).stem, {}) for name in truths}
    return evaluate(preds, truths)


# ---------------------------------------------------------------- the rendered set

BODIES_STATE = [
    # (parent, issuer, code letters of the issuer): invented combinations in the ND 30 style
    ("", "BỘ TÀI NGUYÊN VÀ NƯỚC", "BTNN"), ("UBND TỈNH HÀ GIANG", "SỞ GIAO THÔNG VẬN TẢI", "SGTVT"),
    ("", "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG TRIỀU", "UBND"), ("BỘ CÔNG THƯƠNG", "CỤC XÚC TIẾN THƯƠNG MẠI", "XTTM"),
    ("UBND THÀNH PHỐ HẢI DƯƠNG", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "TCKH"), ("", "BỘ Y TẾ", "BYT"),
    ("SỞ NỘI VỤ TỈNH PHÚ YÊN", "BAN THI ĐUA - KHEN THƯỞNG", "BTĐKT"), ("", "ỦY BAN NHÂN DÂN TỈNH KON TUM", "UBND"),
    ("TỔNG CỤC THUẾ", "CỤC THUẾ TỈNH BẾN TRE", "CTBTR"), ("", "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ", "HĐND"),
]
BODIES_PARTY = [
    ("TỈNH ỦY LẠNG SƠN", "BAN DÂN VẬN", "BDVTU"), ("HUYỆN ỦY CHƯ SÊ", "BAN TỔ CHỨC", "BTCHU"),
    ("ĐẢNG ỦY KHỐI CƠ QUAN TỈNH", "BAN TUYÊN GIÁO", "BTGĐUK"), ("THÀNH ỦY VŨNG TÀU", "VĂN PHÒNG", "VPTU"),
]
PLACES = ["Hà Giang", "Đông Triều", "Hà Nội", "Kon Tum", "Bến Tre", "Tuy Hòa", "Lạng Sơn", "Chư Sê", "Vũng Tàu",
          "Hải Dương", "Tân Phú", "Quảng Ngãi"]
TYPES = [("QUYẾT ĐỊNH", "QĐ", "Quyết định"), ("KẾ HOẠCH", "KH", "Kế hoạch"), ("HƯỚNG DẪN", "HD", "Hướng dẫn"),
         ("THÔNG BÁO", "TB", "Thông báo"), ("BÁO CÁO", "BC", "Báo cáo"), (None, None, "Công văn")]
SUBJECTS = ["tổ chức kiểm tra công tác cải cách hành chính năm {y}", "triển khai chương trình chuyển đổi số",
            "tăng cường phòng chống thiên tai mùa mưa bão", "rà soát hồ sơ đất đai trên địa bàn",
            "tổng kết công tác thi đua khen thưởng năm {y}", "hưởng ứng tuần lễ quốc gia về an toàn lao động",
            "chuẩn bị tổ chức hội nghị sơ kết sáu tháng đầu năm"]
RECIPIENTS = ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Các phòng chuyên môn",
              "Các chi bộ, đảng bộ cơ sở", "Ban Thường trực Ủy ban Mặt trận Tổ quốc tỉnh", "Văn phòng Tỉnh ủy"]
SIGNERS = ["Nguyễn Hữu Phước", "Trần Thị Bích Ngọc", "Lê Quang Vinh", "Phạm Minh Đức", "Võ Thị Hồng Nhung",
           "Đặng Văn Thái", "Hoàng Anh Tuấn", "Bùi Thị Thu Hà"]
TITLES_STATE = [["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], ["GIÁM ĐỐC"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ["BỘ TRƯỞNG"], ["CỤC TRƯỞNG"]]
TITLES_PARTY = [["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"], ["TRƯỞNG BAN"], ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"],
                ["CHÁNH VĂN PHÒNG"]]


def _letter(rng: random.Random, body: list[str]) -> str:
    """One invented official letter around dev-split body text."""
    party = rng.random() < 0.3
    parent, issuer, short = rng.choice(BODIES_PARTY if party else BODIES_STATE)
    title, letters, _ = rng.choice(TYPES)
    year = rng.randint(2019, 2025)
    no = rng.randint(1, 3999)
    if party:
        number = f"{no}-{letters or 'CV'}/{short}"
    elif letters in ("QĐ",) and rng.random() < 0.3:
        number = f"{no}/{year}/{letters}-{short}"
    else:
        number = f"{no}/{letters + '-' if letters else ''}{short}{'' if letters else '-' + rng.choice(['VP', 'TH', 'KT'])}"
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    subject = rng.choice(SUBJECTS).format(y=year)
    lines = ([parent] if parent else []) + [issuer] + (["*"] if party else []) + [f"Số{'' if party else ':'} {number}"]
    if title is None:
        lines.append(f"V/v {subject}")
    lines += ["ĐẢNG CỘNG SẢN VIỆT NAM"] if party else ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    lines.append(f"{rng.choice(PLACES)}, ngày {day:02d} tháng {month} năm {year}")
    if title is not None:
        lines += [title, subject[0].upper() + subject[1:], "-----"]  # the rule ends render's subtitle
    recipients = rng.sample(RECIPIENTS, rng.choice([0, 1, 2, 3])) if title is None or rng.random() < 0.3 else []
    if len(recipients) == 1:
        lines.append(f"Kính gửi: {recipients[0]}.")
    elif recipients:
        lines.append("Kính gửi:")
        lines += [f"- {r};" for r in recipients[:-1]] + [f"- {recipients[-1]}."]
    # a long first sentence: render.py takes a short line after "Kính gửi: X" for a second addressee
    lines += ["Thực hiện chương trình công tác năm, cơ quan đề nghị các đơn vị quan tâm triển khai"
              " những nội dung dưới đây, bảo đảm tiến độ và chất lượng công việc được giao."] + body
    lines += ["Nơi nhận:", "- Như trên;", f"- Lưu: VT, {short}."]
    lines += rng.choice(TITLES_PARTY if party else TITLES_STATE) + [rng.choice(SIGNERS)]
    return "\n".join(lines) + "\n"


def _legal_header_fix(lines: list[str]) -> list[str]:
    """Web copies run motto, motto line and rules together: split them as printed, 'Luật số' as 'Số'."""
    out = []
    for ln in lines[:8]:
        ln = re.sub(r"\s*-{3,}\s*$", "", ln)
        m = re.match(r"^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM)\s+(Độc lập.*)$", ln)
        if m:
            out += [m[1], re.sub(r"\s*-{3,}\s*$", "", m[2]).replace("–", "-")]
            continue
        out.append(re.sub(r"^(Luật|Bộ luật|Pháp lệnh|Nghị quyết)\s+số\s*:?\s*", "Số: ", ln))
    return out + list(lines[8:])


def truth_of(text: str, stamp: tuple[int, str] | None) -> dict:
    """Register truth from render.py's own layout parse of the source text."""
    import render  # noqa: PLC0415 - from ../shared/bench-tools

    from vanban import register_fields as rf  # only the date and number spelling rules, not the extractor

    blocks = dict((k, v) for k, v in render.parse(text) if k in ("header", "title", "subtitle", "footer"))
    recipients = next((v for k, v in render.parse(text) if k == "recipients"), [])
    truth = {k: ([] if k in LIST_KEYS else "") for k in KEYS}
    left, right = blocks["header"]
    names = [t for t, s, p in left if render.is_caps(t) and t != "*"]
    so = next((t for t, s, p in left if render.SO.match(t)), None)
    vv = next((t for t, s, p in left if t.startswith("V/v")), None)
    truth["issuer"] = names[-1] if names else ""
    truth["issuer_parent"] = names[0] if len(names) > 1 else ""
    if so:
        truth["number"] = re.sub(r"^Số\s*:?\s*", "", so).strip()
        truth["code"] = rf.split_number(truth["number"])[1]
    date = next((t for t, s, p in right if render.DATE.match(t)), None)
    if date:
        truth["place"], truth["date"] = rf.place_date(date)
    parsed = render.parse(text)
    if "title" in blocks:
        truth["doc_type"] = rf.title_type(blocks["title"])[0]
        truth["subject"] = blocks.get("subtitle", "")
    elif len(parsed) > 2 and parsed[1][0] == parsed[2][0] == "heading" and rf.title_type(parsed[1][1]):
        # "LUẬT" is not in render's title list: it sets it as a centred heading, the subject under it
        truth["doc_type"], truth["subject"] = rf.title_type(parsed[1][1])[0], parsed[2][1]
    if vv:
        truth["subject"] = vv[3:].strip()
        truth["doc_type"] = truth["doc_type"] or "Công văn"
    if recipients:
        first = recipients[0].split(":", 1)[1].strip()
        truth["recipients"] = [rf.list_item(x) for x in ([first] if first else []) + recipients[1:]]
    recv, sig = blocks.get("footer", ([], []))
    truth["cc"] = [rf.list_item(x) for x in recv[1:]]
    if sig:
        truth["signer"], truth["signer_title"] = sig[-1], " ".join(sig[:-1])
    if stamp:
        truth["received_number"], truth["received_date"] = str(stamp[0]), stamp[1]
    return truth


class _Recorder:
    """Wraps render's stamp generator to note the handwritten number and date it draws."""

    def __init__(self, rng):
        self.rng, self.calls = rng, []

    def integers(self, *args):
        value = self.rng.integers(*args)
        self.calls.append((args, int(value)))
        return value

    def __getattr__(self, name):
        return getattr(self.rng, name)


def rendered_set(out: Path, levels: list[str], n_docs: int, seed: int) -> dict:
    if RESCORE:
        truths = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        return _rendered_report(read_metadata(out / "ocr"), truths, levels)
    sys.path.insert(0, str(SHARED / "bench-tools"))
    import render  # noqa: PLC0415

    from restore import corpus  # noqa: PLC0415

    docs = []
    for d in corpus.documents(corpus.default_corpus_dir(), ("legal",), "dev"):
        lines = _legal_header_fix(list(d.lines))
        docs.append((f"legal-{d.index}", "\n".join(lines[:20]) + "\n"))
    rng = random.Random(seed)
    news = [d for d in corpus.documents(corpus.default_corpus_dir(), ("news",), "dev", max_docs=400)
            if 3 <= len(d.lines) <= 40]
    rng.shuffle(news)
    for k, d in enumerate(news[:max(0, n_docs - len(docs))]):
        docs.append((f"letter-{k:02d}", _letter(rng, list(d.lines[1:4]))))  # body text, not the headline

    original = render.received_stamp
    truths, inputs = {}, []
    for level in levels:
        for name, text in docs:
            stamps = []

            def recording(r, _stamps=stamps):
                rec = _Recorder(r)
                result = original(rec)
                ints = [v for a, v in rec.calls if a in ((1, 999), (1, 29), (1, 13))]
                if len(ints) >= 3:
                    _stamps.append((ints[0], f"2024-{ints[2]:02d}-{ints[1]:02d}"))
                return result

            render.received_stamp = recording
            target = out / "src" / level / name
            layout_seed = zlib_seed(name)
            info = render.render_document(text, str(target), level, seed=layout_seed + 7, layout_seed=layout_seed,
                                          max_pages=2)  # first and last page
            render.received_stamp = original
            truth = truth_of(text, stamps[0] if stamps else None)
            drawn = "\n".join(p.read_text(encoding="utf-8") for p in sorted(target.glob("p*.gt.txt")))
            if "Nơi nhận" not in drawn:  # pages between first and last are not rendered
                truth.update(cc=[], signer="", signer_title="")
            truths[f"{level}/{name}"] = truth
            inputs.append(Path(info["pdf"]))
    results_dir = out / "ocr"
    for level in levels:
        run_vanban([p for p in inputs if p.parent.name == level], results_dir / level)
    (out / "truth.json").write_text(json.dumps(truths, ensure_ascii=False, indent=1), encoding="utf-8")
    return _rendered_report(read_metadata(results_dir), truths, levels)


def _rendered_report(metadata: dict, truths: dict, levels: list[str]) -> dict:
    preds = {key: metadata.get(key, {}) for key in truths}
    report = {level: evaluate({k: v for k, v in preds.items() if k.startswith(level + "/")},
                              {k: v for k, v in truths.items() if k.startswith(level + "/")}) for level in levels}
    report["all"] = evaluate(preds, truths)
    return report


def zlib_seed(name: str) -> int:
    import zlib  # noqa: PLC0415

    return zlib.crc32(name.encode()) % 100000


def table(report: dict) -> str:
    rows = ["| field | P | R | F1 | made up |", "|---|---|---|---|---|"]
    for k, r in report["fields"].items():
        rows.append(f"| {k} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | {r['made_up']} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("real", "rendered", "both"), default="both")
    ap.add_argument("--out", default="build/register-bench")
    ap.add_argument("--levels", nargs="+", default=["clean", "office"])
    ap.add_argument("--docs", type=int, default=40, help="documents per level in the rendered set")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--rescore", action="store_true",
                    help="no rendering or OCR: read the results stored in --out again with the current extractor")
    a = ap.parse_args()
    global RESCORE
    RESCORE = a.rescore
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    old = out / "report.json"
    result = json.loads(old.read_text(encoding="utf-8")) if old.exists() else {}  # a set not run keeps its last report
    if a.set in ("real", "both"):
        result["real"] = real_set(out / "real")
        print("## real\n" + table(result["real"]))
    if a.set in ("rendered", "both"):
        rendered = rendered_set(out / "rendered", a.levels, a.docs, a.seed)
        for level, rep in rendered.items():
            print(f"## rendered {level}\n" + table(rep))
        result["rendered"] = rendered
    (out / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"report: {out / 'report.json'}")


if __name__ == "__main__":
    main()
