"""The HTTP API (``vanban serve``): upload a scan, follow its job, fetch text and JSON.

Built by ``create_app(settings)``; the only state is what FastAPI keeps on
``app.state``.  With ``settings.workers > 0`` the app runs its own queue workers,
so one process is a whole service.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import shutil
import time
import uuid
from collections import Counter
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ocr import load
from ocr.errors import InputFileError, MissingDependencyError, VanbanError

from . import __version__
from .jobs import STATES, ExtraFailed, JobGone, JobStatus, JobStore
from .readiness import run_checks
from .settings import EXTRA_FORMATS, MB, ServiceSettings
from .taskqueue import JobQueue, WorkerPool, make_queue

log = logging.getLogger("vanban.api")
UPLOAD_PATH = "/v1/documents"
#: room for the multipart envelope around the file itself
MULTIPART_OVERHEAD = 1 * MB
RETRY_AFTER_SECONDS = 30
PAGES_RATE_WINDOW = 300.0

STATUS_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
                409: "conflict", 413: "file_too_large", 415: "unsupported_type", 422: "invalid_request",
                429: "queue_full", 500: "internal_error", 503: "unavailable"}


class ApiError(Exception):
    """An error answer: HTTP status, a stable code for programs and a message for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def create_app(settings: ServiceSettings, run_workers: bool = True) -> FastAPI:
    """The service for ``settings``; workers start with the app unless ``run_workers`` is False."""
    queue = make_queue(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = WorkerPool(queue, settings.workers) if run_workers and settings.workers > 0 else None
        if pool:
            await run_in_threadpool(pool.start)
        try:
            yield
        finally:
            if pool:
                pool.stop()

    app = FastAPI(title="vanban", version=__version__, lifespan=lifespan,
                  description="Scanned Vietnamese official documents to UTF-8 text and JSON. "
                              "Upload a scan, poll its job, fetch the results.")
    app.state.settings, app.state.queue, app.state.store = settings, queue, queue.store
    app.state.errors = Counter()
    app.state.accepted = 0
    app.state.workers = settings.workers if run_workers else 0
    _install_error_handlers(app)
    app.add_middleware(_UploadSizeLimit, limit=settings.max_upload_bytes + MULTIPART_OVERHEAD)
    _add_routes(app, settings, queue)
    return app


# ---------------------------------------------------------------- errors


def _install_error_handlers(app: FastAPI) -> None:
    def answer(request: Request, status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
        request.app.state.errors[code] += 1
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return answer(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"there is nothing at {request.url.path}; see /docs for the API"
        return answer(request, exc.status_code, STATUS_CODES.get(exc.status_code, "error"), message,
                      getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid"))
        if request.url.path == UPLOAD_PATH and any("file" in p for p in problems):
            message = "no file was sent: upload the scan as multipart/form-data in a field named 'file'"
            return answer(request, 422, "missing_file", message)
        return answer(request, 422, "invalid_request", "the request is not valid: " + "; ".join(problems))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return answer(request, 500, "internal_error", f"internal error ({type(exc).__name__}); see the service log")


class _UploadSizeLimit:
    """Refuses an upload body larger than the limit before it is spooled to disk (pure ASGI)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != UPLOAD_PATH:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = f"the upload is larger than the limit of {(self.limit - MULTIPART_OVERHEAD) / MB:g} MB"
        if length is not None and length.isdigit() and int(length) > self.limit:
            response = JSONResponse(error_body("file_too_large", too_big), status_code=413,
                                    headers={"Connection": "close"})
            return await response(scope, receive, send)
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise StarletteHTTPException(413, too_big)
            return message

        return await self.app(scope, counting_receive, send)


# ---------------------------------------------------------------- routes


def _add_routes(app: FastAPI, settings: ServiceSettings, queue: JobQueue) -> None:
    store = queue.store

    def require_key(request: Request) -> None:
        if not settings.api_key:
            return
        given = request.headers.get("x-api-key", "")
        auth = request.headers.get("authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given:
            raise ApiError(401, "unauthorized", "an API key is required: send it in the X-API-Key header "
                                                "or as 'Authorization: Bearer KEY'", {"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given.encode("utf-8"), settings.api_key.encode("utf-8")):
            raise ApiError(401, "unauthorized", "the API key is wrong", {"WWW-Authenticate": "Bearer"})

    def job_or_404(job_id: str) -> JobStatus:
        job = store.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", f"there is no document {job_id!r} (never uploaded, deleted, "
                                             f"or purged after {settings.keep_days:g} days)")
        return job

    def describe(job: JobStatus) -> dict:
        data = job.public()
        base = f"{UPLOAD_PATH}/{job.id}"
        data["links"] = {"self": base, "text": f"{base}/text", "json": f"{base}/json"}
        return data

    secured = [Depends(require_key)]

    @app.post(UPLOAD_PATH, status_code=202, dependencies=secured, summary="Upload a scan (PDF, TIFF, PNG, JPEG)",
              responses={200: {"description": "done within ?wait seconds"}, 413: {}, 415: {}, 422: {}, 429: {}})
    async def upload(file: UploadFile = File(..., description="the scan"),
                     wait: float = Query(0, ge=0, description="seconds to wait for the result (small uploads)")):
        try:
            waiting = await run_in_threadpool(queue.pending_count)
        except Exception as exc:  # Redis down, SQLite file unreadable
            raise ApiError(503, "queue_unavailable", f"the job queue cannot be reached ({exc}); try again") from exc
        if waiting >= settings.max_queue:
            raise ApiError(429, "queue_full", f"the queue is full ({settings.max_queue} documents waiting); "
                                              f"try again in {RETRY_AFTER_SECONDS} seconds",
                           {"Retry-After": str(RETRY_AFTER_SECONDS)})
        filename = _display_name(file.filename)
        upload_path = store.incoming / f"{uuid.uuid4().hex}.upload"
        try:
            size = await _save_upload(file, upload_path, settings.max_upload_bytes)
            source = await run_in_threadpool(_check_scan, upload_path, filename, settings.max_pages)
            job = await run_in_threadpool(store.create, upload_path, filename, source.kind, source.pages)
        finally:
            upload_path.unlink(missing_ok=True)
        try:
            await run_in_threadpool(queue.enqueue, job.id)
        except Exception as exc:
            store.delete(job.id)
            raise ApiError(503, "queue_unavailable", f"the job queue cannot be reached ({exc}); try again") from exc
        app.state.accepted += 1
        log.info("accepted %s (%s, %d bytes, %d pages) as job %s", filename, source.kind, size, source.pages, job.id)
        deadline = time.monotonic() + min(wait, settings.max_wait_seconds)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            job = store.get(job.id) or job
            if job.status in ("done", "failed"):
                break
        body = describe(job)
        if job.status == "done":
            body["text"] = await run_in_threadpool(store.result_path(job.id, "txt").read_text, "utf-8")
            return JSONResponse(body, status_code=200)
        return JSONResponse(body, status_code=200 if job.status == "failed" else 202)

    @app.get(UPLOAD_PATH + "/{job_id}", dependencies=secured, summary="Status and progress of a document")
    def status(job_id: str):
        return describe(job_or_404(job_id))

    def result(job_id: str, fmt: str) -> bytes:
        job = job_or_404(job_id)
        if job.status == "failed":
            raise ApiError(409, "job_failed", (job.error or {}).get("message", "the document could not be read"))
        if job.status != "done":
            raise ApiError(409, "not_ready", f"the document is {job.status} ({job.pages_done} of {job.pages_total} "
                                             "pages done); ask again later")
        try:
            return store.result_path(job_id, fmt).read_bytes()
        except FileNotFoundError:
            pass
        try:
            if fmt in settings.extra_formats:  # left to be made on request (VANBAN_EXTRA_ON_REQUEST)
                return store.extra_result(job_id, fmt).read_bytes()
            raise FileNotFoundError(fmt)
        except ExtraFailed as exc:
            raise ApiError(500, "output_error", str(exc)) from None
        except (FileNotFoundError, JobGone):
            if fmt in EXTRA_FORMATS and store.get(job_id) is not None:
                made = ", ".join(settings.extra_formats) or "none"
                raise ApiError(404, "not_made", f"no {fmt} was made for document {job_id} (this service makes: "
                                                f"{made}; VANBAN_EXTRA_FORMATS)") from None
            raise ApiError(404, "not_found", f"document {job_id} was deleted") from None

    @app.get(UPLOAD_PATH + "/{job_id}/text", dependencies=secured, response_class=PlainTextResponse,
             summary="The text (UTF-8, pages separated by form feeds)")
    def text(job_id: str):
        return Response(result(job_id, "txt"), media_type="text/plain; charset=utf-8")

    @app.get(UPLOAD_PATH + "/{job_id}/json", dependencies=secured,
             summary="The document JSON: structure, confidences, stage reports")
    def document(job_id: str):
        return Response(result(job_id, "json"), media_type="application/json")

    @app.get(UPLOAD_PATH + "/{job_id}/pdf", dependencies=secured,
             summary="Searchable PDF (PDF/A-2b): the original pages with the repaired text as an invisible layer")
    def pdf(job_id: str):
        return Response(result(job_id, "pdf"), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{job_id}.pdf"'})

    @app.get(UPLOAD_PATH + "/{job_id}/hocr", dependencies=secured,
             summary="hOCR of the repaired text, word boxes in pixels of the original page")
    def hocr(job_id: str):
        return Response(result(job_id, "hocr"), media_type="application/xhtml+xml; charset=utf-8")

    @app.get(UPLOAD_PATH + "/{job_id}/alto", dependencies=secured,
             summary="ALTO v4 XML of the repaired text, word boxes in pixels of the original page")
    def alto(job_id: str):
        return Response(result(job_id, "alto"), media_type="application/xml; charset=utf-8")

    @app.delete(UPLOAD_PATH + "/{job_id}", status_code=204, dependencies=secured,
                summary="Delete a document, its upload and its results")
    def delete(job_id: str):
        job_or_404(job_id)
        if not store.delete(job_id):
            raise ApiError(404, "not_found", f"there is no document {job_id!r}")
        return Response(status_code=204)

    @app.get("/healthz", summary="The process is alive")
    def healthz():
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", summary="Tesseract, its vie and osd data, poppler, the repair model and the queue are usable")
    def readyz():
        probes = {"queue": queue.ping, "data_dir": lambda: _check_writable(store.incoming)}
        if "pdf" in settings.extra_formats:
            from .pdf_output import check as pdf_libraries

            probes["pdf_libraries"] = pdf_libraries
        checks = run_checks(settings.lang, probes,
                            repair=settings.repair)
        ready = all(c.ok for c in checks)
        body = {"ready": ready, "checks": [c.__dict__ for c in checks]}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics():
        return PlainTextResponse(_metrics_text(app, queue), media_type="text/plain; version=0.0.4; charset=utf-8")


def _display_name(raw: str | None) -> str:
    """The client's file name for display only: no folders, no control characters, not too long."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "upload"


async def _save_upload(file: UploadFile, target: Path, limit: int) -> int:
    size = 0
    with open(target, "wb") as out:
        while chunk := await file.read(1 * MB):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "file_too_large", f"the file is larger than the limit of {limit / MB:g} MB")
            out.write(chunk)
    if size == 0:
        raise ApiError(400, "empty_file", "the file is empty (0 bytes)")
    return size


def _check_scan(path: Path, filename: str, max_pages: int) -> load.SourceInfo:
    """Identify the upload and count its pages, so bad files are refused at once, not queued."""
    try:
        load.sniff(str(path))
    except InputFileError as exc:
        raise ApiError(415, "unsupported_type", f"{filename}: {exc.message}") from None
    try:
        source = load.inspect(str(path))
    except InputFileError as exc:
        raise ApiError(422, "unreadable_input", f"{filename}: {exc.message}") from None
    except MissingDependencyError as exc:
        raise ApiError(503, "missing_dependency", exc.message) from None
    except VanbanError as exc:
        raise ApiError(422, "unreadable_input", f"{filename}: {exc.message}") from None
    if source.pages > max_pages:
        raise ApiError(413, "too_many_pages", f"{filename} has {source.pages} pages; the limit is {max_pages} "
                                              "per document: split it and upload the parts")
    return source


def _check_writable(folder: Path) -> None:
    probe = folder / f".probe-{uuid.uuid4().hex[:8]}"
    probe.write_bytes(b"")
    probe.unlink()
    free = shutil.disk_usage(folder).free
    if free < 100 * MB:
        raise OSError(f"only {free / MB:.0f} MB free in {folder}")


def _metrics_text(app: FastAPI, queue: JobQueue) -> str:
    """Prometheus text format, built by hand: a handful of gauges and counters needs no client library."""
    now = time.time()
    by_state = dict.fromkeys(STATES, 0)
    by_error: Counter = Counter()
    recent_pages = 0
    for job in queue.store.all():
        by_state[job.status] = by_state.get(job.status, 0) + 1
        if job.status == "failed":
            by_error[(job.error or {}).get("code", "unknown")] += 1
        if job.status == "done" and job.finished_at and now - job.finished_at <= PAGES_RATE_WINDOW:
            recent_pages += job.pages_total
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.extend([f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"])
        lines.extend(f"{name}{labels} {value:g}" for labels, value in samples)

    metric("vanban_jobs", "gauge", "Documents in the data folder by state.",
           [(f'{{state="{s}"}}', n) for s, n in by_state.items()])
    try:
        waiting: float = queue.pending_count()
    except Exception:  # the queue is down: say so in the metric instead of failing the scrape
        waiting = float("nan")
    metric("vanban_queue_length", "gauge", "Jobs waiting on the queue for a worker (NaN: queue unreachable).",
           [("", waiting)])
    metric("vanban_pages_per_second", "gauge", f"Pages finished per second over the last {PAGES_RATE_WINDOW:g} s.",
           [("", round(recent_pages / PAGES_RATE_WINDOW, 4))])
    metric("vanban_job_errors", "gauge", "Failed documents in the data folder by error code.",
           [(f'{{code="{c}"}}', n) for c, n in sorted(by_error.items())] or [('{code="none"}', 0)])
    metric("vanban_http_errors_total", "counter", "Error answers since this process started, by error code.",
           [(f'{{code="{c}"}}', n) for c, n in sorted(app.state.errors.items())] or [('{code="none"}', 0)])
    metric("vanban_uploads_accepted_total", "counter", "Uploads accepted since this process started.",
           [("", app.state.accepted)])
    metric("vanban_workers", "gauge", "Queue workers running in this process.",
           [("", app.state.workers)])
    return "\n".join(lines) + "\n"


def serve(settings: ServiceSettings, host: str, port: int, log_level: str = "info") -> None:
    """``vanban serve``: the API and (by default) its workers in one process."""
    import uvicorn

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, proxy_headers=False)
