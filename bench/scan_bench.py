"""Scan benchmark: vanban's image side on official documents rendered by ``../shared/bench-tools``.

What it measures: how well vanban reads realistic scans of Vietnamese official documents, page by page,
against plain Tesseract (and OCRmyPDF), at the three scan levels of bench-tools (``clean``, ``office``:
skew, blur, JPEG, stamps; ``poor``: strong skew, upside-down pages, low-resolution rescans).  The pages
are legal documents of the corpus split (``restore/corpus.py``; dev by default, held-out with
``--split heldout``, never the seeds nor ``../shared/real-inputs``; ``--split train`` for a larger
image-side tuning set: the LAST legal documents of the train split, which ``make_ocr_pairs.py`` (taking the
first ones) never rendered, to be read with ``--no-repair`` since restore learnt from train text), those with a national or Party motto
first, their header lines split as printed (``register_bench._legal_header_fix``) so that bench-tools
draws the two-column header; each is rendered by bench-tools' ``make_set.py`` (first and last page with
the default ``--max-pages 2``; a long law is cut to its head and tail first, so the renderer does not
draw hundreds of pages it throws away).  Every page is read in this one process by vanban's pipeline
(``process_page`` then ``_finish``, exactly what ``vanban ocr -o -`` writes: the repaired text, and the
``--no-repair`` text), by ``tesseract page.png - -l vie``, and with ``--ocrmypdf`` by
``ocrmypdf --deskew --rotate-pages --sidecar``.  The score is bench-tools' ``vnmetrics.cer`` (what the
independent judges use: whitespace folded, NFC, diacritics and case counted) against render.py's
per-page ground truth (stamps, seals, signatures and scribbles are not in it).  Speed is wall time per
page in a single process (``OMP_THREAD_LIMIT=1``).

Output: the tables on stdout (``--out docs/benchmarks.md`` publishes them as a section), every page's
numbers in ``build/scan-bench/<split>/results.json`` and every reading in
``build/scan-bench/<split>/out/<set>/<level>/<doc>/pNNN.<engine>.txt``.  The rendered set is cached in
``build/scan-bench/<split>/sets/`` (rendered again only when its manifest is missing).

    python bench/scan_bench.py --docs 2 --max-pages 1 --only office          # a smoke run
    python bench/scan_bench.py --split heldout --ocrmypdf --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before Tesseract is first called, here and in the children

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TOOLS = ROOT.parent / "shared" / "bench-tools"

from report import pct, publish  # noqa: E402  (bench/report.py)

SECTION = "## Scans rendered with bench-tools (issue 14)"
LEVELS = ("clean", "office", "poor")
MOTTOS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM")
#: a long document is cut to about this many characters per kept page before its last-page tail
HEAD_CHARS_PER_PAGE = 4000
TAIL_CHARS = 3000
#: the page attributes (manifest.json) shown beside the worst pages
ATTRS = ("skew", "rot180", "binarised", "jpeg", "downscale", "marks")
GOOD = 0.01  # a page "≤ 1 %"
WORST = 5


def load_vnmetrics():
    """bench-tools' metrics module, imported by path (shared/ is not a package)."""
    spec = importlib.util.spec_from_file_location("vnmetrics", TOOLS / "vnmetrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the set


def trim(lines: list[str], max_pages: int | None) -> list[str]:
    """Head and tail of a long document: enough for pages 1..max_pages-1 and a real last page."""
    if not max_pages or sum(len(ln) + 1 for ln in lines) <= (max_pages + 1) * HEAD_CHARS_PER_PAGE:
        return lines
    head, size = [], 0
    for ln in lines:
        if size >= max_pages * HEAD_CHARS_PER_PAGE:
            break
        head.append(ln)
        size += len(ln) + 1
    tail, size = [], 0
    for ln in reversed(lines[len(head):]):
        if size >= TAIL_CHARS:
            break
        tail.insert(0, ln)
        size += len(ln) + 1
    return head + tail


def pick_documents(split: str, n: int, max_pages: int | None) -> tuple[list[tuple[str, str]], int]:
    """(id, text) of up to ``n`` legal documents of ``split``, official ones (a motto in the first 16
    lines) first; and how many legal documents the split has."""
    from register_bench import _legal_header_fix  # noqa: PLC0415  (bench/register_bench.py)
    from restore import corpus  # noqa: PLC0415

    docs = list(corpus.documents(corpus.default_corpus_dir(), sources=("legal",), split=split))
    if split == "train":  # the channel model's OCR pairs come from the first train documents
        docs = docs[::-1]
    official = [d for d in docs if any(m in ln.upper() for ln in d.lines[:16] for m in MOTTOS)]
    chosen = (official + [d for d in docs if d not in official])[:n]
    out = []
    for d in chosen:
        lines = trim(_legal_header_fix(list(d.lines)), max_pages)
        out.append((f"{Path(d.file).stem}-{d.index:03d}", "\n".join(lines) + "\n"))
    return out, len(docs)


def render_set(base: Path, docs: list[tuple[str, str]], max_pages: int | None, seed: int, jobs: int) -> Path:
    """bench-tools' make_set.py over the documents, all three levels; cached by its manifest."""
    name = f"legal-{len(docs)}docs-{max_pages or 'all'}pages-seed{seed}"
    root = base / "sets" / name
    if (root / "manifest.json").exists():
        return root
    src = base / "src" / name
    src.mkdir(parents=True, exist_ok=True)
    for old in src.glob("*.txt"):
        old.unlink()
    for doc_id, text in docs:
        (src / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    cmd = [sys.executable, str(TOOLS / "make_set.py"), str(src), "--name", name, "--levels", *LEVELS,
           "--seed", str(seed), "--jobs", str(jobs), "--out", str(base / "sets")]
    if max_pages:
        cmd += ["--max-pages", str(max_pages)]
    print("rendering:", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True, cwd=base)
    return root


def page_list(root: Path, levels: list[str], limit: int | None) -> list[dict]:
    """Every page of the set's manifest at the given levels (at most ``limit`` per level)."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    for level in levels:
        found = [dict(level=level, doc=d["id"], page=p["page"], src_page=p["src_page"],
                      png=str(root / p["png"]), gt=str(root / p["gt"]),
                      attrs={k: v for k, v in p.items() if k not in ("page", "src_page", "png", "gt")})
                 for d in manifest["docs"] for p in d["levels"][level]["pages"]]
        pages += found[:limit] if limit else found
    return pages


# ---------------------------------------------------------------- reading one page

_ENGINE: dict = {}


def _vanban():
    """The pipeline's options and its repair model, loaded once per process."""
    if not _ENGINE:
        import restore  # noqa: PLC0415
        from vanban import pipeline  # noqa: PLC0415

        start = time.monotonic()
        restore.load_restorer()
        _ENGINE.update(pipeline=pipeline, options=pipeline.Options(jobs=1), startup=time.monotonic() - start)
    return _ENGINE["pipeline"], _ENGINE["options"]


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2  # noqa: PLC0415

    cv2.setNumThreads(1)


def read_vanban(png: str, repair: bool) -> dict:
    """The page as ``vanban ocr -o -`` writes it (repaired) and as ``--no-repair`` writes it."""
    pipeline, options = _vanban()
    from ocr import load  # noqa: PLC0415

    start = time.monotonic()
    source = load.inspect(png, options.max_pixels)
    outcome = pipeline._page_job(source, 1, options)
    ocr_s = time.monotonic() - start
    if outcome.error:
        return dict(error=outcome.error, ocr_s=ocr_s)
    opts = options if repair else dataclasses.replace(options, repair=False)
    start = time.monotonic()
    result = pipeline._finish(source, None, {1: outcome}, opts)  # the text --no-repair writes is its ocr_text
    finish_s = time.monotonic() - start
    if result.error:
        return dict(error=result.error, ocr_s=ocr_s)
    page = outcome.page
    stages = {s.stage: s for s in page.stages}
    chosen = stages.get("alternatives")  # another reading than the cleaned one was kept
    return dict(norepair=result.document["ocr_text"], repaired=result.text if repair else None,
                ocr_s=ocr_s, repair_s=finish_s, turn=page.geometry.turn if page.geometry else None,
                deskew=round(page.geometry.deskew_angle, 2) if page.geometry else None,
                fallback=chosen.details["kept"] if chosen and chosen.done else None, changes=len((result.document.get("repair") or {})
                                                                      .get("changes") or []),
                warnings=list(page.warnings))


def read_tesseract(png: str) -> dict:
    start = time.monotonic()
    proc = subprocess.run(["tesseract", png, "-", "-l", "vie"], capture_output=True,
                          env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        return dict(error=proc.stderr.decode("utf-8", "replace")[-300:], s=seconds)
    return dict(text=proc.stdout.decode("utf-8").replace("\f", ""), s=seconds)


def read_ocrmypdf(png: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        sidecar = Path(tmp) / "page.txt"
        cmd = ["ocrmypdf", "-q", "-l", "vie", "--deskew", "--rotate-pages", "--sidecar", str(sidecar),
               "--jobs", "1", "--output-type", "pdf", "--image-dpi", "300", png, str(Path(tmp) / "page.pdf")]
        start = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        seconds = time.monotonic() - start
        if proc.returncode != 0 or not sidecar.exists():
            return dict(error=proc.stderr.decode("utf-8", "replace")[-300:], s=seconds)
        return dict(text=sidecar.read_text(encoding="utf-8").replace("\f", "\n"), s=seconds)


def read_page(task: dict) -> dict:
    """Every engine on one page (runs in this process, or in a worker with --jobs)."""
    out = dict(vanban=read_vanban(task["png"], task["repair"]), tesseract=read_tesseract(task["png"]),
               repair=task["repair"])
    if task["ocrmypdf"]:
        out["ocrmypdf"] = read_ocrmypdf(task["png"])
    return out


def read_all(pages: list[dict], jobs: int, repair: bool, ocrmypdf: bool):
    tasks = [dict(png=p["png"], repair=repair, ocrmypdf=ocrmypdf) for p in pages]
    if jobs <= 1:
        _vanban()
        for task in tasks:
            yield read_page(task)
        return
    import multiprocessing  # noqa: PLC0415

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker) as pool:
        yield from pool.map(read_page, tasks)


# ---------------------------------------------------------------- scoring and report


def score(pages: list[dict], readings: list[dict], out_dir: Path) -> None:
    """Adds each page's CER (vnmetrics; ``vanban.metrics`` beside it) and seconds; writes the readings."""
    from vanban.metrics import cer as our_cer  # noqa: PLC0415

    vnm = load_vnmetrics()
    for p, r in zip(pages, readings):
        truth = Path(p["gt"]).read_text(encoding="utf-8")
        vb = r["vanban"]
        texts = {"vanban": vb.get("repaired"), "vanban_norepair": vb.get("norepair"),
                 "tesseract": r["tesseract"].get("text"), "ocrmypdf": (r.get("ocrmypdf") or {}).get("text")}
        if "error" in vb:  # a failed page reads nothing
            texts["vanban_norepair"] = ""
            texts["vanban"] = "" if r.get("repair") else None
        where = out_dir / p["level"] / p["doc"]
        where.mkdir(parents=True, exist_ok=True)
        p["cer"], p["cer_vanban_metrics"] = {}, {}
        for engine, text in texts.items():
            if text is None and not (engine in ("tesseract", "ocrmypdf") and engine in r):
                continue
            text = text or ""
            (where / f"p{p['page']:03d}.{engine}.txt").write_text(text, encoding="utf-8")
            p["cer"][engine] = round(vnm.cer(text, truth), 5)
            p["cer_vanban_metrics"][engine] = round(our_cer(text, truth), 5)
        p["truth_chars"] = len(vnm.norm_ws(truth))
        p["seconds"] = {"vanban_ocr": round(vb["ocr_s"], 2), "vanban_repair": round(vb.get("repair_s", 0.0), 2),
                        "tesseract": round(r["tesseract"]["s"], 2)}
        if "ocrmypdf" in r:
            p["seconds"]["ocrmypdf"] = round(r["ocrmypdf"]["s"], 2)
        p["vanban"] = {k: vb.get(k) for k in ("turn", "deskew", "fallback", "changes", "warnings", "error")
                       if vb.get(k) not in (None, [], False)}
        errors = {e: r[e]["error"] for e in ("tesseract", "ocrmypdf") if e in r and "error" in r[e]}
        if errors:
            p["errors"] = errors


def summary(pages: list[dict], levels: list[str]) -> dict:
    out = {}
    main = "vanban" if any("vanban" in p["cer"] for p in pages) else "vanban_norepair"
    for level in levels:
        rows = [p for p in pages if p["level"] == level]
        if not rows:
            continue
        s = {"pages": len(rows), "main": main}
        for engine in ("vanban", "vanban_norepair", "tesseract", "ocrmypdf"):
            values = [p["cer"][engine] for p in rows if engine in p["cer"]]
            if values:
                chars = [p["truth_chars"] for p in rows if engine in p["cer"]]
                s[engine] = {"mean": statistics.fmean(values), "median": statistics.median(values),
                             "good": sum(v <= GOOD for v in values) / len(values),
                             # edits over all the level's characters: a short page (a signature alone) weighs less
                             "pooled": sum(v * n for v, n in zip(values, chars)) / max(1, sum(chars))}
        worst = sorted(rows, key=lambda p: -p["cer"].get(main, 0.0))[:WORST]
        s["worst"] = [f"{p['level']}/{p['doc']}/p{p['page']:03d}" for p in worst]
        out[level] = s
    seconds = {k: [p["seconds"][k] for p in pages if k in p["seconds"]]
               for k in ("vanban_ocr", "vanban_repair", "tesseract", "ocrmypdf")}
    out["speed"] = {k: 60 / statistics.fmean(v) for k, v in seconds.items() if v and statistics.fmean(v) > 0}
    both = [p["seconds"]["vanban_ocr"] + p["seconds"]["vanban_repair"] for p in pages]
    out["speed"]["vanban_total"] = 60 / statistics.fmean(both) if both else 0.0
    out["metrics_differ"] = sum(1 for p in pages for e, v in p["cer"].items()
                                if abs(v - p["cer_vanban_metrics"][e]) > 1e-4)
    return out


def _attr(p: dict, key: str) -> str:
    v = p["attrs"].get(key)
    if key == "marks":
        return ", ".join(v) if v else ""
    if v is None or v is False:
        return ""
    return "yes" if v is True else f"{v}°" if key == "skew" else str(v)


def render_report(pages: list[dict], summ: dict, info: dict) -> str:
    has = lambda e: any(e in p["cer"] for p in pages)  # noqa: E731
    main = "vanban" if has("vanban") else "vanban_norepair"
    head = "| level | pages | vanban mean CER | vanban median CER | vanban pages ≤ 1 % | vanban CER of all characters |"
    sep = "|---|---|---|---|---|---|"
    if has("vanban") and has("vanban_norepair"):
        head += " `--no-repair` mean CER |"
        sep += "---|"
    head += " Tesseract mean CER |"
    sep += "---|"
    if has("ocrmypdf"):
        head += " OCRmyPDF mean CER |"
        sep += "---|"
    table = [head, sep]
    for level in LEVELS:
        s = summ.get(level)
        if not s:
            continue
        m = s[main]
        cells = [level, str(s["pages"]), pct(m["mean"]), pct(m["median"]), f"{100 * m['good']:.0f} %", pct(m["pooled"])]
        if has("vanban") and has("vanban_norepair"):
            cells.append(pct(s["vanban_norepair"]["mean"]))
        cells.append(pct(s["tesseract"]["mean"]) if "tesseract" in s else "-")
        if has("ocrmypdf"):
            cells.append(pct(s["ocrmypdf"]["mean"]) if "ocrmypdf" in s else "failed")
        table.append("| " + " | ".join(cells) + " |")
    sp = summ["speed"]
    speed = ["| engine (one process, `OMP_THREAD_LIMIT=1`) | s/page | pages/min |", "|---|---|---|"]
    rows = [("vanban, `--no-repair` (load, orient, deskew, clean, OCR, layout)", sp.get("vanban_ocr"))]
    if has("vanban"):
        rows.append(("vanban with repair (the default)", sp.get("vanban_total")))
    rows.append(("plain Tesseract (`tesseract page.png - -l vie`)", sp.get("tesseract")))
    if has("ocrmypdf"):
        rows.append(("OCRmyPDF (`--deskew --rotate-pages --sidecar`, one page a run)", sp.get("ocrmypdf")))
    speed += [f"| {name} | {60 / rate:.1f} | {rate:.1f} |" for name, rate in rows if rate]
    by_key = {f"{p['level']}/{p['doc']}/p{p['page']:03d}": p for p in pages}
    worst = ["| page | vanban CER | `--no-repair` CER | Tesseract CER | skew | rot180 | binarised | jpeg | low-res "
             "| marks | vanban turned / deskewed |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for level in LEVELS:
        for key in summ.get(level, {}).get("worst", []):
            p = by_key[key]
            c = p["cer"]
            v = p["vanban"]
            did = f"{v.get('turn', 0)}° / {v.get('deskew', 0)}°" + (f" (kept: {v['fallback']})" if v.get("fallback") else "")
            worst.append("| " + " | ".join([
                f"`{key}`", pct(c.get("vanban", c.get("vanban_norepair", 0))), pct(c.get("vanban_norepair", 0)),
                pct(c.get("tesseract", 1)), *[_attr(p, k) for k in ATTRS], did]) + " |")
    differ = summ["metrics_differ"]
    docs = ", ".join(f"`{d}`" for d in info["docs"])
    return "\n".join([
        SECTION, "",
        f"Measured {info['when']} on: {info['machine']}.", "",
        f"Command: `{info['command']}` (one process, `OMP_THREAD_LIMIT=1`; the rendered set is cached in "
        f"`build/scan-bench/{info['split']}/sets/`, every page's numbers are in "
        f"`build/scan-bench/{info['split']}/results.json`).", "",
        f"{len(info['docs'])} legal documents of the corpus {info['split']} split ({docs}; the split has "
        f"{info['available']} legal documents), header lines split as printed, rendered by "
        f"`../shared/bench-tools/make_set.py --levels {' '.join(LEVELS)} --seed {info['seed']}"
        f"{' --max-pages ' + str(info['max_pages']) if info['max_pages'] else ''}` ({kept_pages(info['max_pages'])}"
        " of each document). CER is bench-tools' "
        "`vnmetrics.cer` against render.py's per-page ground truth (whitespace folded, NFC, diacritics and case "
        "counted; stamps, seals, signatures and scribbles are not in the truth); `vanban.metrics.cer` "
        + ("gives the same on every page." if not differ else f"differs on {differ} page readings.")
        + " \"vanban\" is the text `vanban ocr -o -` writes (repaired); `--no-repair` is the pipeline's own "
        "reading. Means are over pages; \"of all characters\" is the level's edits over its characters, where a "
        "short page (a last page with the signature alone) weighs little.", "",
        *table, "",
        *speed, "",
        f"Worst {WORST} pages per level (by vanban CER; attributes from `manifest.json`: skew in degrees, "
        "rot180 = scanned upside down, binarised = B/W scan at that threshold, jpeg = quality, low-res = "
        "rescanned at that scale; texts in `build/scan-bench/<split>/out/<set>/`):", "",
        *worst, "",
    ])


def kept_pages(max_pages: int | None) -> str:
    """What make_set.py's --max-pages keeps, in words."""
    if not max_pages:
        return "every page"
    if max_pages == 1:
        return "the last page"
    if max_pages == 2:
        return "the first and the last page"
    return f"pages 1 to {max_pages - 1} and the last page"


def machine() -> str:
    from ocr_bench import machine as describe  # noqa: PLC0415  (bench/ocr_bench.py)

    return describe()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "heldout", "train"), default="dev",
                    help="dev (tuning), heldout (looked at once), train (a larger image-side tuning set; "
                         "use with --no-repair)")
    ap.add_argument("--docs", type=int, default=30, help="legal documents (official ones first; default 30)")
    ap.add_argument("--max-pages", type=int, default=2,
                    help="pages 1..N-1 and the last page of each document (default 2; 0: every page)")
    ap.add_argument("--seed", type=int, default=14, help="make_set.py's seed (fixed: the same pages every run)")
    ap.add_argument("--only", choices=LEVELS, help="read the pages of this level only")
    ap.add_argument("--limit-pages", type=int, default=None, metavar="K", help="at most K pages per level")
    ap.add_argument("--jobs", type=int, default=1, help="pages in parallel processes (and render jobs)")
    ap.add_argument("--no-repair", action="store_true", help="measure the --no-repair text only (faster)")
    ap.add_argument("--ocrmypdf", action="store_true", help="also OCRmyPDF, when it is on PATH")
    ap.add_argument("--out", type=Path, default=None, help="publish the section into this Markdown file")
    a = ap.parse_args()

    base = ROOT / "build" / "scan-bench" / a.split
    base.mkdir(parents=True, exist_ok=True)
    a.max_pages = a.max_pages or None
    docs, available = pick_documents(a.split, a.docs, a.max_pages)
    if len(docs) < a.docs:
        print(f"note: the {a.split} split has {available} legal documents; {len(docs)} used", file=sys.stderr)
    root = render_set(base, docs, a.max_pages, a.seed, a.jobs)
    levels = [a.only] if a.only else list(LEVELS)
    pages = page_list(root, levels, a.limit_pages)
    use_omp = a.ocrmypdf and shutil.which("ocrmypdf") is not None
    if a.ocrmypdf and not use_omp:
        print("note: ocrmypdf is not on PATH; left out", file=sys.stderr)
    print(f"reading {len(pages)} pages ({', '.join(levels)}) with vanban, Tesseract"
          f"{', OCRmyPDF' if use_omp else ''}; --jobs {a.jobs}", file=sys.stderr, flush=True)
    readings = []
    start = time.monotonic()
    for k, r in enumerate(read_all(pages, a.jobs, not a.no_repair, use_omp), 1):
        readings.append(r)
        p = pages[k - 1]
        print(f"  [{k}/{len(pages)}] {p['level']}/{p['doc']}/p{p['page']:03d} "
              f"vanban {r['vanban'].get('ocr_s', 0):.1f} s, tesseract {r['tesseract']['s']:.1f} s",
              file=sys.stderr, flush=True)
    wall = time.monotonic() - start
    score(pages, readings, base / "out" / root.name)
    summ = summary(pages, levels)
    argv = " ".join(["python", "bench/scan_bench.py", *sys.argv[1:]])
    info = dict(when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), machine=machine(),
                command=argv, split=a.split, seed=a.seed, max_pages=a.max_pages, docs=[d for d, _ in docs],
                available=available)
    results = dict(info, set=str(root.relative_to(base)), levels=levels, jobs=a.jobs, wall_s=round(wall, 1),
                   startup_s=round(_ENGINE.get("startup", 0.0), 2), summary=summ,
                   pages=[{k: v for k, v in p.items() if k not in ("png", "gt")} | {
                       "png": str(Path(p["png"]).relative_to(base))} for p in pages])
    (base / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    publish(render_report(pages, summ, info), a.out, SECTION)
    print(f"results: {base / 'results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
