"""Jobs of the service: their state on disk, and running one through the pipeline.

Every job is a folder ``DATA_DIR/jobs/<id>/`` holding the upload (``input.<kind>``,
never the client's file name), ``status.json`` and, once done, ``result.txt`` and
``result.json``.  Files rather than a database, so worker containers that share
the data volume share the jobs, and a restart finds everything where it was.

The task queue (Huey) only carries job ids.  A task is taken off the queue
before it runs, so a worker killed mid-job would lose it: that is why a
running job holds a *lease* that its worker renews, and why every worker
re-queues jobs whose lease ran out or whose worker is gone (``find_orphans``).
A re-queued job may then be queued twice; ``claim`` makes sure it still runs
once, because only one worker can turn it from queued to running.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import re
import shutil
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterator

from ocr.errors import ExitCode, VanbanError

from .output import write_atomic
from .pipeline import BOX_FORMATS, FileResult, Options, PagePool, run_batch, write_outputs
from .progress import NullProgress

STATES = ("queued", "running", "done", "failed")
#: a worker that died this many times on one document gives up on it
MAX_RUNS = 3
_ID = re.compile(r"^[0-9a-f]{32}$")

ERROR_CODES = {
    ExitCode.INPUT_ERROR: "unreadable_input",
    ExitCode.MISSING_DEPENDENCY: "missing_dependency",
    ExitCode.OUTPUT_ERROR: "output_error",
    ExitCode.OCR_ERROR: "ocr_error",
}


#: what a job's PDF, hOCR and ALTO are made from when they are made on request (our own file, in the job's folder)
RECIPE = "extra.pickle"


@dataclass
class ExtraRecipe:
    """A done job's recognised document and repair, kept until its PDF/hOCR/ALTO are asked for."""

    result: FileResult
    document: dict
    formats: tuple[str, ...]
    pdfa: bool
    filename: str  # the client's name for the upload, put in warnings instead of the stored path


class ExtraFailed(Exception):
    """A PDF/hOCR/ALTO that was asked for could not be made (the message says why)."""


class JobGone(Exception):
    """The job was deleted (or purged) while someone was working on it."""


@dataclass
class JobStatus:
    id: str
    filename: str  # what the client called it; shown, never used as a path
    kind: str  # pdf, tiff, png, jpeg
    pages_total: int
    status: str = "queued"
    pages_done: int = 0
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    error: dict | None = None  # {"code": ..., "message": ...}
    warnings: list[str] = field(default_factory=list)
    runs: int = 0  # how many times a worker started it: 1 unless a worker died mid-job
    worker: str | None = None
    lease_until: float | None = None
    seconds: float | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "JobStatus":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def public(self) -> dict:
        """What GET /v1/documents/{id} shows (no lease bookkeeping)."""
        data = asdict(self)
        for private in ("lease_until",):
            data.pop(private)
        data["progress"] = {"pages_done": self.pages_done, "pages_total": self.pages_total}
        return data


@dataclass(frozen=True)
class WorkerIdentity:
    """Who holds a lease: host, process and a token that differs after every restart."""

    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    def owns_dead(self, owner: str | None) -> bool:
        """True when ``owner`` is a worker on this host that no longer runs (killed, restarted)."""
        if not owner:
            return False
        parts = owner.rsplit(":", 2)
        if len(parts) != 3 or parts[0] != self.host:
            return False  # another host: only its lease can tell
        try:
            pid = int(parts[1])
        except ValueError:
            return False
        if pid == self.pid:
            return parts[2] != self.token  # our pid, an earlier life (container restart)
        return not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_job_id() -> str:
    return uuid.uuid4().hex


def valid_job_id(job_id: str) -> bool:
    return bool(_ID.match(job_id))


class JobStore:
    """Job folders under one root; every change happens under the job's file lock."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.incoming = self.root.parent / "incoming"
        self.incoming.mkdir(parents=True, exist_ok=True)

    # ----------------------------------------------------------- paths

    def folder(self, job_id: str) -> Path:
        if not valid_job_id(job_id):
            raise JobGone(job_id)
        return self.root / job_id

    def input_path(self, job: JobStatus) -> Path:
        return self.folder(job.id) / f"input.{job.kind}"

    def result_path(self, job_id: str, fmt: str) -> Path:
        return self.folder(job_id) / f"result.{fmt}"

    # ----------------------------------------------------------- reading

    def get(self, job_id: str) -> JobStatus | None:
        try:
            raw = (self.folder(job_id) / "status.json").read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError, JobGone):
            return None
        return JobStatus.from_dict(json.loads(raw))

    def all(self) -> Iterator[JobStatus]:
        for entry in os.scandir(self.root):
            if entry.is_dir() and valid_job_id(entry.name):
                job = self.get(entry.name)
                if job is not None:
                    yield job

    # ----------------------------------------------------------- changing

    def create(self, upload: Path, filename: str, kind: str, pages: int) -> JobStatus:
        """Move a checked upload into a new job folder, queued."""
        job = JobStatus(id=new_job_id(), filename=filename, kind=kind, pages_total=pages)
        folder = self.folder(job.id)
        building = self.root / f".new-{job.id}"
        building.mkdir()
        os.replace(upload, building / f"input.{kind}")
        self._write_status(building, job)
        os.replace(building, folder)  # the job appears whole or not at all
        return job

    @contextmanager
    def _locked(self, job_id: str) -> Iterator[Path]:
        folder = self.folder(job_id)
        try:
            fd = os.open(folder / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        except (FileNotFoundError, NotADirectoryError):
            raise JobGone(job_id) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not (folder / "status.json").exists():  # deleted while we waited for the lock
                raise JobGone(job_id)
            yield folder
        finally:
            os.close(fd)

    def update(self, job_id: str, change: Callable[[JobStatus], bool | None]) -> JobStatus:
        """Apply ``change`` under the lock; it returns False to leave the file as it was."""
        with self._locked(job_id) as folder:
            job = JobStatus.from_dict(json.loads((folder / "status.json").read_text(encoding="utf-8")))
            if change(job) is not False:
                self._write_status(folder, job)
            return job

    def claim(self, job_id: str, worker: WorkerIdentity, lease_seconds: float) -> JobStatus | None:
        """Turn a queued job into our running job; None when it is not ours to run."""
        claimed = False

        def take(job: JobStatus) -> bool:
            nonlocal claimed
            if job.status != "queued":
                return False  # done, failed, or running under a live lease elsewhere
            now = time.time()
            if job.runs >= MAX_RUNS:
                job.status, job.finished_at = "failed", now
                job.error = {"code": "worker_died",
                             "message": f"the worker stopped {job.runs} times while reading this document; "
                                        "it may be too large for this machine's memory"}
                return True
            job.status, job.runs, job.worker = "running", job.runs + 1, str(worker)
            job.started_at, job.lease_until, job.pages_done = now, now + lease_seconds, 0
            claimed = True
            return True

        try:
            job = self.update(job_id, take)
        except JobGone:
            return None
        return job if claimed else None

    def renew(self, job_id: str, worker: WorkerIdentity, lease_seconds: float, pages_done: int | None = None) -> None:
        def extend(job: JobStatus) -> bool:
            if job.worker != str(worker) or job.status != "running":
                return False
            job.lease_until = time.time() + lease_seconds
            if pages_done is not None:
                job.pages_done = pages_done
            return True

        self.update(job_id, extend)

    def finish(self, job_id: str, worker: WorkerIdentity, *, text: str | None = None, document: dict | None = None,
               error: dict | None = None, warnings: list[str] | None = None, seconds: float = 0.0,
               extra: Callable[[Path], list[str]] | None = None) -> JobStatus:
        """Write the results (if any), then mark the job done or failed.

        ``extra(folder)`` writes the job's other files (result.pdf, ...) under the
        job's lock, so a deleted job cannot come back; it returns warnings.
        A failure there leaves the text results and says so in the warnings.
        """
        warnings = list(warnings or [])
        with self._locked(job_id) as folder:
            if extra is not None and text is not None:
                try:
                    warnings += extra(folder)
                except (VanbanError, OSError) as exc:
                    warnings.append(f"the PDF/hOCR/ALTO files could not be written: {exc}")
            if text is not None and document is not None:
                write_atomic(folder / "result.txt", text)
                write_atomic(folder / "result.json", json.dumps(document, ensure_ascii=False, indent=1) + "\n")
            job = JobStatus.from_dict(json.loads((folder / "status.json").read_text(encoding="utf-8")))
            job.status = "failed" if error else "done"
            job.error, job.warnings = error, warnings
            job.finished_at, job.lease_until, job.seconds = time.time(), None, round(seconds, 2)
            if not error:
                job.pages_done = job.pages_total
            self._write_status(folder, job)
            return job

    def extra_result(self, job_id: str, fmt: str) -> Path:
        """``result.<fmt>`` of a done job, made now from its recipe when it was left to be made on request
        (under the job's lock: two requests make it once); FileNotFoundError when it cannot be made."""
        with self._locked(job_id) as folder:
            target = folder / f"result.{fmt}"
            if target.exists():
                return target
            try:
                recipe: ExtraRecipe = pickle.loads((folder / RECIPE).read_bytes())
            except FileNotFoundError:
                raise FileNotFoundError(target) from None
            if fmt not in recipe.formats:
                raise FileNotFoundError(target)
            source = str(recipe.result.path)
            known = len(recipe.result.warnings)
            try:
                write_outputs(recipe.result, folder / "result", [fmt], pdfa=recipe.pdfa, document=recipe.document)
            except (VanbanError, OSError) as exc:
                raise ExtraFailed(f"the {fmt} could not be written: {exc}".replace(source, recipe.filename)) from exc
            new = [w.replace(source, recipe.filename) for w in recipe.result.warnings[known:]]
            if fmt == "pdf":  # the JSON says what the PDF is, as when it is written with the job
                write_atomic(folder / "result.json", json.dumps(recipe.document, ensure_ascii=False, indent=1) + "\n")
                # kept with the PDF's report and warnings, so a later hOCR or ALTO does not undo them
                write_atomic(folder / RECIPE, pickle.dumps(recipe, protocol=pickle.HIGHEST_PROTOCOL))
            if new:
                job = JobStatus.from_dict(json.loads((folder / "status.json").read_text(encoding="utf-8")))
                job.warnings = job.warnings + [w for w in new if w not in job.warnings]
                self._write_status(folder, job)
            return target

    def delete(self, job_id: str) -> bool:
        """Remove a job and its files; a worker still on it notices and stops."""
        try:
            with self._locked(job_id) as folder:
                trash = self.root / f".deleted-{job_id}-{uuid.uuid4().hex[:6]}"
                os.replace(folder, trash)
        except JobGone:
            return False
        shutil.rmtree(trash, ignore_errors=True)
        return True

    def requeue(self, job_id: str, why: str) -> bool:
        """Put a running job whose worker is gone back to queued; True if it was."""
        def back(job: JobStatus) -> bool:
            if job.status != "running":
                return False
            job.status, job.lease_until, job.pages_done = "queued", None, 0
            job.warnings = job.warnings + [why]
            return True

        try:
            return self.update(job_id, back).status == "queued"
        except JobGone:
            return False

    def _write_status(self, folder: Path, job: JobStatus) -> None:
        write_atomic(folder / "status.json", json.dumps(asdict(job), ensure_ascii=False) + "\n")

    # ----------------------------------------------------------- housekeeping

    def find_orphans(self, me: WorkerIdentity, pending_ids: set[str], min_age: float) -> list[str]:
        """Jobs that no queue entry or live worker will finish: running under a dead or expired lease,
        or queued (for at least ``min_age`` seconds) without a task on the queue."""
        now = time.time()
        orphans = []
        for job in self.all():
            if job.status == "running":
                expired = job.lease_until is None or job.lease_until < now
                if expired or me.owns_dead(job.worker):
                    if self.requeue(job.id, f"worker {job.worker} stopped during the job; it was started again"):
                        orphans.append(job.id)
            elif job.status == "queued" and job.id not in pending_ids and now - job.created_at >= min_age:
                orphans.append(job.id)
        return orphans

    def purge(self, keep_seconds: float) -> int:
        """Delete finished jobs older than ``keep_seconds`` and abandoned temporary files."""
        now = time.time()
        removed = 0
        for job in list(self.all()):
            if job.status in ("done", "failed") and job.finished_at and now - job.finished_at > keep_seconds:
                removed += self.delete(job.id)
        for stale in list(self.root.glob(".deleted-*")) + list(self.root.glob(".new-*")):
            if now - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
        for stale in self.incoming.iterdir():
            if now - stale.stat().st_mtime > 3600:
                stale.unlink(missing_ok=True)
        return removed

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for job in self.all():
            counts[job.status] = counts.get(job.status, 0) + 1
        return counts


# ---------------------------------------------------------------- running one job


class JobProgress(NullProgress):
    """The pipeline's Progress, written into the job's status so GET shows pages done / total."""

    def __init__(self, store: JobStore, job_id: str, worker: WorkerIdentity, lease_seconds: float):
        super().__init__()
        self.store, self.job_id, self.worker, self.lease_seconds = store, job_id, worker, lease_seconds

    def advance(self, pages: int = 1) -> None:
        super().advance(pages)
        self.store.renew(self.job_id, self.worker, self.lease_seconds, self.done)  # JobGone stops the batch


class LeaseKeeper:
    """Renews the lease while a long page runs, so other workers do not take the job over."""

    def __init__(self, store: JobStore, job_id: str, worker: WorkerIdentity, lease_seconds: float):
        self._renew = lambda: store.renew(job_id, worker, lease_seconds)
        self._interval = max(0.5, lease_seconds / 3)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"lease-{job_id[:8]}", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._renew()
            except JobGone:
                return

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def run_job(store: JobStore, job_id: str, worker: WorkerIdentity, options: Options, lease_seconds: float,
            pool: PagePool | None = None, extra_on_request: bool = False) -> str:
    """Run one queued job through the pipeline (the body of the queue's task); returns its final state,
    or ``skipped`` when another worker has it or it is already finished.

    The PDF, hOCR and ALTO (``options.formats``) are written now, or with ``extra_on_request`` only
    what they are made from is kept, and ``JobStore.extra_result`` makes each when it is first asked for.
    """
    job = store.claim(job_id, worker, lease_seconds)
    if job is None:
        return "skipped"
    if job.status != "running":
        return job.status  # gave up after too many dead workers
    source = store.input_path(job)
    progress = JobProgress(store, job_id, worker, lease_seconds)
    start = time.monotonic()
    try:
        with LeaseKeeper(store, job_id, worker, lease_seconds):
            batch = run_batch([str(source)], None, options, progress, pool=pool)
        result = batch.files[0]
        warnings = [w.replace(str(source), job.filename) for w in result.warnings]
        if result.status == "done":
            public = _public_document(result.document, job)
            boxed = [f for f in options.formats if f in BOX_FORMATS]

            def extra(folder: Path) -> list[str]:
                if extra_on_request:
                    keep = ExtraRecipe(result, public, tuple(boxed), options.pdfa, job.filename)
                    try:
                        recipe = pickle.dumps(keep, protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception as exc:  # the text is done: say what cannot be had, keep the job
                        return [f"the PDF/hOCR/ALTO cannot be made ({type(exc).__name__}: {exc})"]
                    write_atomic(folder / RECIPE, recipe)
                    return []
                known = len(result.warnings)
                write_outputs(result, folder / "result", boxed, pdfa=options.pdfa, document=public)
                return [w.replace(str(source), job.filename) for w in result.warnings[known:]]

            final = store.finish(job_id, worker, text=result.text, document=public, warnings=warnings,
                                 seconds=time.monotonic() - start, extra=extra if boxed else None)
        else:
            message = (result.error or "failed").replace(str(source), job.filename)
            code = ERROR_CODES.get(ExitCode(result.exit_code), "ocr_error") if result.exit_code else "ocr_error"
            final = store.finish(job_id, worker, error={"code": code, "message": message},
                                 warnings=warnings, seconds=time.monotonic() - start)
        return final.status
    except JobGone:
        return "deleted"


def _public_document(document: dict | None, job: JobStatus) -> dict:
    """The pipeline's JSON, naming the client's file instead of the internal upload path."""
    data = dict(document or {})
    if "source" in data:
        data["source"] = job.filename
    return data
