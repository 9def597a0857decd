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
import threading
import time
import traceback
import unicodedata
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import restore
from ocr import load
from ocr.document import Document, Page
from ocr.errors import ExitCode, OutputError, VanbanError

from . import __version__
from .options import BOX_FORMATS, DEFAULT_FORMATS, FORMATS, SCAN_SUFFIXES, Options, parse_formats
from .page_reader import process_page
from .output import output_stems, write_atomic
from .progress import NullProgress, Progress
from .register import csv_row, empty_register, to_json
from .register_io import metadata_of, write_register

#: the names callers use through this module (options and the page reader live in their own)
__all__ = ["BOX_FORMATS", "DEFAULT_FORMATS", "FORMATS", "SCAN_SUFFIXES", "Options", "parse_formats", "process_page",
           "run_batch", "write_outputs", "PagePool", "FileResult", "BatchResult", "repair_ocr_text", "repair_heard",
           "word_spans"]

# ---------------------------------------------------------------- workers


class PagePool:
    """Page processes that outlive one batch.  The service and the watcher keep one for their
    lifetime, so a worker's start-up (Python, numpy, OpenCV, the imports of every stage) is paid
    once, not once per uploaded file; ``run_batch`` without one starts and stops its own."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._executor = self._start()

    def _start(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_init_worker)

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        """Submit a page; a pool broken by a dead worker (killed, out of memory) is started again."""
        with self._lock:
            try:
                return self._executor.submit(fn, *args)
            except BrokenProcessPool:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
                return self._executor.submit(fn, *args)

    def close(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "PagePool":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


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
    #: what the box formats are made from; in memory only (never serialised, never sent to clients)
    rendering: "Rendering | None" = field(default=None, repr=False, compare=False)


@dataclass
class Rendering:
    """The recognised document and its repair, kept so PDF, hOCR and ALTO can be written after the fact."""

    source: load.SourceInfo
    doc: Document
    ocr_text: str
    repaired: Any  # restore.RepairResult | None


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
    pool: PagePool | None = None,
) -> BatchResult:
    """OCR every input; ``outdir=None`` keeps results in memory (for stdout and the service).

    Inputs whose outputs already exist are skipped unless ``options.force``.  Pages run in ``pool``
    when one is given (a long-running caller's), else in page processes of this batch's own.
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
        if pool is not None:
            results.extend(_run_pages(todo, options, progress, on_result, pool))
        else:
            workers = max(1, min(options.jobs, sum(s.pages for s, _ in todo)))
            with PagePool(workers) as own:
                results.extend(_run_pages(todo, options, progress, on_result, own))
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
               on_result: Callable[[FileResult], None] | None, pool: PagePool) -> list[FileResult]:
    pages: dict[str, dict[int, PageOutcome]] = {s.path: {} for s, _ in todo}
    by_path = {s.path: (s, stem) for s, stem in todo}
    jobs = ((s, n) for s, _ in todo for n in range(1, s.pages + 1))
    finished: list[FileResult] = []
    workers = pool.workers
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
                done_pages = pages.pop(source.path)
                result = _finish(src, stem, done_pages, options)
                if result.error:
                    progress.note(f"error: {result.error}")
                noted = {w for o in done_pages.values() if o.page for w in o.page.warnings}
                for w in result.warnings:
                    if w not in noted:  # written by the outputs (PDF decrypted, not PDF/A, ...)
                        progress.note(f"warning: {w}")
                finished.append(result)
                if on_result:
                    on_result(result)
    return finished


#: words Tesseract is less sure of than this (0-100) may be corrected by restore even in clean lines
SUSPECT_OCR_CONFIDENCE = 60.0


def word_spans(text: str, words: Iterable[tuple[str, float]]) -> list[tuple[int, int, float]]:
    """(start, end, confidence) in ``text`` of each (word, confidence) as the engine read them, found in
    reading order; a word the text does not hold (dropped debris) is passed over."""
    spans: list[tuple[int, int, float]] = []
    cursor = 0
    for word, confidence in words:
        needle = unicodedata.normalize("NFC", word)
        at = text.find(needle, cursor)
        if at < 0:
            continue
        cursor = at + len(needle)
        spans.append((at, cursor, float(confidence)))
    return spans


def ocr_word_spans(doc: Document, text: str) -> list[tuple[int, int, float]]:
    """(start, end, Tesseract confidence) in ``text`` of every word of the document."""
    return word_spans(text, ((w.text, w.confidence) for page in doc.pages for block in page.blocks
                             for line in block.lines for w in line.words))


def repair_heard(text: str, spans: list[tuple[int, int, float]], kinds: Iterable[str] = restore.KINDS,
                 restorer: restore.Restorer | None = None) -> restore.RepairResult:
    """Repair OCR output with what the engine said of each word (``spans``): the doubted ones may change
    in sound lines, and the noisy channel weighs every word by its confidence."""
    return restore.repair(text, suspects=[(a, b) for a, b, c in spans if c < SUSPECT_OCR_CONFIDENCE], heard=spans,
                          kinds=frozenset(kinds), restorer=restorer)


def repair_ocr_text(doc: Document, text: str, kinds: Iterable[str] = restore.KINDS) -> restore.RepairResult:
    """Repair a document's OCR text with its words' confidences."""
    return repair_heard(text, ocr_word_spans(doc, text), kinds)


LAYER_NOT_REPAIRED = ("pages read from the PDF's text layer are the document's own text and are not repaired "
                      "(repair is for OCR damage)")


def _repair_ocr_pages(doc: Document, layer_pages: list[int], kinds: Iterable[str]) -> tuple[str, dict[str, Any], restore.RepairResult]:
    """Repair only the OCR'd pages of a document that also has text-layer pages.

    Each OCR'd page is repaired on its own; change offsets are shifted to the
    whole text (pages each ending in a form feed).  Layer pages pass through
    untouched, so their bytes stay pdftotext's.
    """
    parts = [unicodedata.normalize("NFC", p.text) for p in doc.pages]
    changes: list[restore.Change] = []
    model, note = None, LAYER_NOT_REPAIRED
    offset = 0
    for i, page in enumerate(doc.pages):
        part = parts[i]
        if page.layer_text is None and part.strip():
            one = Document(doc.source, [page])
            repaired = repair_ocr_text(one, part, kinds)
            model = model or repaired.model
            if repaired.note:
                note = repaired.note + "; " + LAYER_NOT_REPAIRED
            changes.extend(replace(c, start=c.start + offset, end=c.end + offset) for c in repaired.changes)
            parts[i] = repaired.text
        offset += len(part) + 1
    text = "".join(p + "\f" for p in parts)
    report = {"model": model, "note": note, "changes": [asdict(c) for c in changes], "skipped_pages": layer_pages}
    return text, report, restore.RepairResult(text, changes, model=model, note=note)


def _layer_summary(doc: Document, options: Options) -> dict[str, Any]:
    """Per page, what was decided about the PDF's text layer (details in each page's text_layer stage)."""
    pages = {}
    for page in doc.pages:
        stage = next((s for s in page.stages if s.stage == "text_layer"), None)
        if stage is not None:
            pages[str(page.number)] = stage.details.get("decision")
    return {"mode": options.text_layer, "pages": pages}


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
    layer_pages = [p.number for p in doc.pages if p.layer_text is not None]
    if layer_pages:
        # pdftotext's layout: every page ends with a form feed, so a born-digital PDF comes out
        # byte for byte as `pdftotext -enc UTF-8 FILE -` (in NFC)
        ocr_text = unicodedata.normalize("NFC", "".join(p.text + "\f" for p in doc.pages))
    else:
        ocr_text = unicodedata.normalize("NFC", doc.text)  # the output contract is NFC, repaired or not
    repaired: restore.RepairResult | None = None
    if not options.repair:
        text, repair_report = ocr_text, None
    elif layer_pages:
        text, repair_report, repaired = _repair_ocr_pages(doc, layer_pages, options.repair_kinds)
    else:
        repaired = repair_ocr_text(doc, ocr_text, options.repair_kinds)
        text, repair_report = repaired.text, {"model": repaired.model, "note": repaired.note,
                                              "changes": [asdict(c) for c in repaired.changes]}
    data = doc.to_dict()
    data.update({
        "vanban_version": __version__,
        "options": options.to_dict(),
        "ocr_text": ocr_text,
        "text": text,
        "repair": repair_report,
        "text_layer": _layer_summary(doc, options),
        "seconds": round(sum(o.seconds for o in outcomes.values()), 2),
    })
    data["metadata"] = _metadata(data, text, doc)
    result = FileResult(source.path, "done", pages=source.pages, warnings=list(doc.warnings), text=text,
                        document=data, rendering=Rendering(source, doc, ocr_text, repaired))
    if stem is not None:
        try:
            write_outputs(result, stem, options.formats, pdfa=options.pdfa)
        except VanbanError as exc:
            return FileResult(source.path, "failed", pages=source.pages, error=str(exc),
                              exit_code=int(exc.exit_code))
        except OSError as exc:
            return FileResult(source.path, "failed", pages=source.pages,
                              error=f"{source.path}: cannot write output ({exc})",
                              exit_code=int(ExitCode.OUTPUT_ERROR))
    return result


def write_outputs(result: FileResult, stem: Path, formats: Iterable[str], pdfa: bool = True,
                  document: dict[str, Any] | None = None) -> list[str]:
    """Write ``stem.<fmt>`` for each format of a done FileResult; returns the paths written.

    The CLI, the service and the watcher all come here, so a format means the
    same file everywhere.  Box formats are written first so the JSON can say
    what the PDF is (``"pdf": {"pdfa": ...}``); their warnings join the result's.
    ``document`` replaces ``result.document`` in the JSON (the watcher names the
    file, not its path).
    """
    formats = list(dict.fromkeys(formats))
    data = document if document is not None else result.document
    boxed = [f for f in formats if f in BOX_FORMATS]
    if boxed and result.rendering is None:
        raise OutputError(f"{result.path}: {', '.join(boxed)} need the recognised document, which is not kept")
    written: dict[str, str] = {}
    if boxed:
        from . import alto, hocr, pdf_output
        from .wordmap import final_words

        r = result.rendering
        words = final_words(r.doc, r.ocr_text, r.repaired)
        name = Path(str((data or {}).get("source") or r.source.path)).name
        for fmt in boxed:
            target = stem.with_name(stem.name + "." + fmt)
            if fmt == "pdf":
                report = pdf_output.write_pdf(r.doc, words, r.source.path, r.source.kind, target, pdfa=pdfa,
                                              name=name)
                result.warnings.extend(report.warnings)
                if data is not None:
                    data["pdf"] = asdict(report)
                    data["warnings"] = list(data.get("warnings", [])) + report.warnings
            elif fmt == "hocr":
                write_atomic(target, hocr.render(r.doc, words, name=name))
            else:
                write_atomic(target, alto.render(r.doc, words, name=name))
            written[fmt] = str(target)
    for fmt in formats:
        if fmt in ("txt", "json"):
            target = stem.with_name(stem.name + "." + fmt)
            payload = (result.text or "") if fmt == "txt" else json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            write_atomic(target, payload)
            written[fmt] = str(target)
    paths = [written[f] for f in formats if f in written]
    result.outputs.extend(paths)
    return paths
