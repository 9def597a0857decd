"""The one pipeline: file -> ocr stages -> Document -> restore -> text + JSON.

The CLI, the HTTP service and the folder watcher all call ``run_batch`` (or
``process_page`` for a single page).  Pages run in worker processes with
``OMP_THREAD_LIMIT=1`` because Tesseract's own threads only fight each other
when several pages run at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import time
import traceback
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

import restore
from ocr import clean, deskew, language, layout, load, orient, poppler, recognise, stamp, tesseract
from ocr.document import Block, Box, Document, Line, Page, StageReport, Word
from ocr.errors import ExitCode, VanbanError

from . import __version__
from .output import output_stems, write_atomic
from .progress import NullProgress, Progress
from .register import csv_row, empty_register, to_json
from .register_io import metadata_of, write_register

SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
FORMATS = ("txt", "json")
BLANK_INK_FRACTION = 0.0005


@dataclass(frozen=True)
class Options:
    """Everything that changes what the pipeline does; each clean step can be switched off."""

    lang: str = "vie"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    formats: tuple[str, ...] = FORMATS
    force: bool = False
    repair: bool = True
    orient: bool = True
    deskew: bool = True
    remove_ink: bool = True
    remove_borders: bool = True
    normalise: bool = True
    binarise: bool = True
    despeckle: bool = True
    use_text_layer: bool = False
    max_pixels: int = load.DEFAULT_MAX_PIXELS
    psm: int = 3

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- one page


def process_page(source: load.SourceInfo, number: int, options: Options) -> Page:
    """All image stages for one page; raises VanbanError on a failure of its own."""
    if options.use_text_layer and source.kind == "pdf":
        text = poppler.page_text(source.path, number).strip()
        if text:
            return _page_from_text_layer(number, text)
    image = load.load_page(source, number, options.max_pixels)
    stages: list[StageReport] = [StageReport("load", True, {
        "kind": source.kind, "dpi": image.dpi, "source_dpi": image.source_dpi,
        "size": [int(image.pixels.shape[1]), int(image.pixels.shape[0])]})]
    warnings: list[str] = []

    if options.remove_ink and number == 1:
        found = _received_stamp(image.pixels, options, image.dpi)
        if found is not None:  # recorded only when there is one: most pages have none
            stages.append(found)
    if options.remove_ink:
        grey, rep = clean.to_grey_without_ink(image.pixels)
    else:
        grey, rep = _plain_grey(image.pixels), {}
    stages.append(StageReport("remove_ink", options.remove_ink, rep))
    grey = _step(stages, "remove_borders", options.remove_borders, clean.remove_dark_borders, grey)
    grey = _step(stages, "normalise", options.normalise, clean.normalise_illumination, grey)

    binary, _ = clean.binarise(grey)
    if clean.ink_fraction(binary) < BLANK_INK_FRACTION:
        warnings.append(f"page {number} is blank: nothing to read")
        return Page(number, grey.shape[1], grey.shape[0], image.dpi, [], stages, warnings)

    if options.orient:
        turn, rep = orient.detect(grey, binary)
        grey = orient.rotate_upright(grey, turn)
        binary = orient.rotate_upright(binary, turn)  # exact quarter turns: no need to binarise again
        stages.append(StageReport("orient", True, rep))
    else:
        stages.append(StageReport("orient", False))

    if options.deskew:
        angle, rep = deskew.estimate(binary)
        grey = deskew.rotate(grey, angle)
        stages.append(StageReport("deskew", True, rep))
    else:
        stages.append(StageReport("deskew", False))

    if options.binarise:
        binary, rep = clean.binarise(grey)
        stages.append(StageReport("binarise", True, rep))
        binary = _step(stages, "despeckle", options.despeckle,
                       lambda b: clean.despeckle(b, rep["noise_sigma"]), binary)
        for_ocr = clean.mask_to_print(grey, binary)
    else:
        stages.append(StageReport("binarise", False))
        stages.append(StageReport("despeckle", False))
        for_ocr = grey

    lines, debris = recognise.drop_debris(
        recognise.recognise(for_ocr, lang=options.lang, psm=options.psm, dpi=image.dpi))
    stages.append(StageReport("recognise", True, {"engine": f"tesseract {tesseract.info().version}",
                                                  "lang": options.lang, "psm": options.psm,
                                                  "lines": len(lines), "dropped_debris": debris}))
    blocks = layout.arrange(lines, for_ocr.shape[1])
    stages.append(StageReport("layout", True, {"blocks": [b.kind for b in blocks]}))
    page = Page(number, int(for_ocr.shape[1]), int(for_ocr.shape[0]), image.dpi, blocks, stages, warnings)
    verdict = language.looks_vietnamese([w.text for b in blocks for ln in b.lines for w in ln.words])
    if verdict is False:
        warnings.append(f"page {number} does not look like Vietnamese text; check the result")
    return page


def _received_stamp(pixels: np.ndarray, options: Options, dpi: int) -> StageReport | None:
    """The blue received stamp, read before its ink is painted out, for the register only (not the text).
    Boxes are in pixels of the page as loaded (before orientation and deskew)."""
    lines, where = stamp.read(pixels, lang=options.lang, dpi=dpi)
    if where is None:
        return None
    return StageReport("received_stamp", True, {
        "box": list(where),
        "lines": [{"box": asdict(ln.box), "words": [[w.text, w.confidence] for w in ln.words]} for ln in lines]})


def _step(stages: list[StageReport], name: str, enabled: bool,
          func: Callable[[np.ndarray], tuple[np.ndarray, dict]], image: np.ndarray) -> np.ndarray:
    if not enabled:
        stages.append(StageReport(name, False))
        return image
    out, rep = func(image)
    stages.append(StageReport(name, True, rep))
    return out


def _plain_grey(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels
    return (pixels[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)


def _page_from_text_layer(number: int, text: str) -> Page:
    blocks = []
    for raw in text.splitlines():
        if raw.strip():
            words = [Word(t, Box(0, 0, 0, 0), 100.0) for t in raw.split()]
            blocks.append(Block("text-layer", [Line(words, Box(0, 0, 0, 0))], Box(0, 0, 0, 0)))
    return Page(number, 0, 0, 0, blocks, [StageReport("text_layer", True, {"lines": len(blocks)})])


# ---------------------------------------------------------------- workers


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - cv2 is a dependency
        pass


@dataclass
class PageOutcome:
    path: str
    number: int
    page: Page | None = None
    error: str | None = None
    exit_code: int = 0
    seconds: float = 0.0


def _page_job(source: load.SourceInfo, number: int, options: Options) -> PageOutcome:
    """Runs in a worker: never raises, so one bad page cannot take the pool down."""
    start = time.monotonic()
    try:
        page = process_page(source, number, options)
        return PageOutcome(source.path, number, page, seconds=time.monotonic() - start)
    except VanbanError as exc:
        exc.path, exc.page = source.path, number
        return PageOutcome(source.path, number, error=str(exc), exit_code=int(exc.exit_code))
    except MemoryError:
        return PageOutcome(source.path, number, error=f"{source.path} page {number}: out of memory",
                           exit_code=int(ExitCode.OCR_ERROR))
    except Exception as exc:  # a bug: report it with its place, keep the batch going
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return PageOutcome(source.path, number,
                           error=f"{source.path} page {number}: internal error {type(exc).__name__}: {exc} "
                                 f"({Path(where.filename).name}:{where.lineno})",
                           exit_code=int(ExitCode.OCR_ERROR))


# ---------------------------------------------------------------- batches


@dataclass
class FileResult:
    path: str
    status: str  # done, skipped, failed
    pages: int = 0
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0
    text: str | None = None
    document: dict[str, Any] | None = None


@dataclass
class BatchResult:
    files: list[FileResult]
    seconds: float

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status == "done")

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def exit_code(self) -> ExitCode:
        failed = [f for f in self.files if f.status == "failed"]
        if not failed:
            return ExitCode.OK
        if len(self.files) == 1:
            return ExitCode(failed[0].exit_code)
        return ExitCode.PARTIAL_FAILURE


def find_inputs(args: Iterable[str]) -> tuple[list[tuple[Path, Path | None]], list[FileResult]]:
    """Files named directly are always tried; folders give their scans, recursively."""
    found: list[tuple[Path, Path | None]] = []
    missing: list[FileResult] = []
    seen: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SCAN_SUFFIXES and not child.name.startswith("."):
                    key = child.resolve()
                    if key not in seen:
                        seen.add(key)
                        found.append((child, path))
        elif path.exists():
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append((path, None))
        else:
            missing.append(FileResult(str(path), "failed", error=f"{path}: file not found",
                                      exit_code=int(ExitCode.INPUT_ERROR)))
    return found, missing


def run_batch(
    inputs: list[str],
    outdir: Path | None,
    options: Options,
    progress: Progress | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> BatchResult:
    """OCR every input; ``outdir=None`` keeps results in memory (for stdout and the service).

    Inputs whose outputs already exist are skipped unless ``options.force``.
    """
    progress = progress or NullProgress()
    start = time.monotonic()
    found, results = find_inputs(inputs)
    for r in results:
        progress.note(f"error: {r.error}")
    stems = output_stems(found, outdir) if outdir is not None else {}

    todo: list[tuple[load.SourceInfo, Path | None]] = []
    for path, _root in found:
        stem = stems.get(path)
        if stem is not None and not options.force and all(
            stem.with_name(stem.name + "." + fmt).exists() for fmt in options.formats
        ):
            results.append(FileResult(str(path), "skipped",
                                      outputs=[str(stem.with_name(stem.name + "." + f)) for f in options.formats]))
            continue
        try:
            source = load.inspect(str(path), options.max_pixels)
        except VanbanError as exc:
            exc.path = exc.path or str(path)
            result = FileResult(str(path), "failed", error=str(exc), exit_code=int(exc.exit_code))
            results.append(result)
            progress.note(f"error: {exc}")
            if on_result:
                on_result(result)
            continue
        todo.append((source, stem))
        progress.add_total(source.pages)

    if todo:
        results.extend(_run_pages(todo, options, progress, on_result))
    order = {str(p): i for i, (p, _) in enumerate(found)}
    results.sort(key=lambda r: order.get(r.path, -1))
    if outdir is not None and found:
        _write_register(outdir, results, progress)
    return BatchResult(results, time.monotonic() - start)


def _write_register(outdir: Path, results: list[FileResult], progress: Progress) -> None:
    """OUTDIR/register.csv over every result in OUTDIR, the skipped ones too: a resumed batch is complete."""
    extra = [[r.path] + csv_row(r.document.get("metadata", {})) for r in results
             if r.status == "done" and r.document is not None]
    try:
        write_register(outdir, extra)
    except OSError as exc:
        progress.note(f"warning: cannot write {outdir / 'register.csv'} ({exc})")


def _run_pages(todo: list[tuple[load.SourceInfo, Path | None]], options: Options, progress: Progress,
               on_result: Callable[[FileResult], None] | None) -> list[FileResult]:
    pages: dict[str, dict[int, PageOutcome]] = {s.path: {} for s, _ in todo}
    by_path = {s.path: (s, stem) for s, stem in todo}
    jobs = ((s, n) for s, _ in todo for n in range(1, s.pages + 1))
    finished: list[FileResult] = []
    workers = max(1, min(options.jobs, sum(s.pages for s, _ in todo)))
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
        pending: dict[cf.Future, tuple[load.SourceInfo, int]] = {}
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < 2 * workers:
                try:
                    source, number = next(jobs)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(_page_job, source, number, options)] = (source, number)
            if not pending:
                break
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                source, number = pending.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # the worker process died (killed, out of memory)
                    outcome = PageOutcome(source.path, number,
                                          error=f"{source.path} page {number}: worker process died ({exc})",
                                          exit_code=int(ExitCode.OCR_ERROR))
                pages[source.path][number] = outcome
                progress.advance(1)
                if outcome.page:
                    for w in outcome.page.warnings:
                        progress.note(f"warning: {source.path}: {w}")
                if len(pages[source.path]) == source.pages:
                    src, stem = by_path[source.path]
                    result = _finish(src, stem, pages.pop(source.path), options)
                    if result.error:
                        progress.note(f"error: {result.error}")
                    finished.append(result)
                    if on_result:
                        on_result(result)
    return finished


#: words Tesseract is less sure of than this (0-100) may be corrected by restore even in clean lines
SUSPECT_OCR_CONFIDENCE = 60.0


def low_confidence_spans(doc: Document, text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of the words Tesseract doubted, found in reading order."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for page in doc.pages:
        for block in page.blocks:
            for line in block.lines:
                for word in line.words:
                    needle = unicodedata.normalize("NFC", word.text)
                    at = text.find(needle, cursor)
                    if at < 0:
                        continue
                    cursor = at + len(needle)
                    if word.confidence < SUSPECT_OCR_CONFIDENCE:
                        spans.append((at, cursor))
    return spans


def _metadata(data: dict[str, Any], text: str, doc: Document) -> dict[str, Any]:
    """The register fields; a fault in the extractor must not cost the user the text."""
    try:
        return metadata_of(data, text)
    except Exception as exc:  # pragma: no cover - a bug in register.py
        warning = f"document register not read: internal error {type(exc).__name__}: {exc}"
        doc.warnings.append(warning)
        data.setdefault("warnings", []).append(warning)
        return to_json(empty_register())


def _finish(source: load.SourceInfo, stem: Path | None, outcomes: dict[int, PageOutcome],
            options: Options) -> FileResult:
    """Assemble the document, repair its text and write the outputs (only if every page worked)."""
    failed = [outcomes[n] for n in sorted(outcomes) if outcomes[n].error]
    if failed:
        msg = failed[0].error + (f" (and {len(failed) - 1} more pages failed)" if len(failed) > 1 else "")
        return FileResult(source.path, "failed", pages=source.pages, error=msg, exit_code=failed[0].exit_code)
    doc = Document(source.path, [outcomes[n].page for n in sorted(outcomes)])
    for page in doc.pages:
        doc.warnings.extend(page.warnings)
    ocr_text = unicodedata.normalize("NFC", doc.text)  # the output contract is NFC, repaired or not
    repaired = restore.repair(ocr_text, suspects=low_confidence_spans(doc, ocr_text)) if options.repair else None
    text = repaired.text if repaired else ocr_text
    data = doc.to_dict()
    data.update({
        "vanban_version": __version__,
        "options": options.to_dict(),
        "ocr_text": ocr_text,
        "text": text,
        "repair": None if repaired is None else {
            "model": repaired.model, "note": repaired.note,
            "changes": [asdict(c) for c in repaired.changes],
        },
        "seconds": round(sum(o.seconds for o in outcomes.values()), 2),
    })
    data["metadata"] = _metadata(data, text, doc)
    result = FileResult(source.path, "done", pages=source.pages, warnings=list(doc.warnings), text=text,
                        document=data)
    if stem is not None:
        try:
            for fmt in options.formats:
                target = stem.with_name(stem.name + "." + fmt)
                payload = text if fmt == "txt" else json.dumps(data, ensure_ascii=False, indent=1) + "\n"
                write_atomic(target, payload)
                result.outputs.append(str(target))
        except OSError as exc:
            return FileResult(source.path, "failed", pages=source.pages,
                              error=f"{source.path}: cannot write output ({exc})",
                              exit_code=int(ExitCode.OUTPUT_ERROR))
    return result
