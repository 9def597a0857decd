"""The job queue: Huey with SQLite storage in the data folder, or Redis when workers are shared.

Huey carries job ids only; the jobs themselves live in ``JobStore``.  A
``WorkerPool`` is Huey's consumer (threads: each one drives the pipeline, whose
pages run in their own processes) plus one housekeeping thread that re-queues
orphaned jobs and purges old results.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from .jobs import JobStore, WorkerIdentity, run_job
from .pipeline import Options, PagePool
from .settings import ServiceSettings

log = logging.getLogger("vanban.queue")
TASK_NAME = "vanban_process_document"
#: how long an idle worker waits at most before looking at the SQLite queue again
MAX_POLL_SECONDS = 0.5
HOUSEKEEPING_SECONDS = 60.0


@dataclass
class JobQueue:
    """The Huey instance, its one task, and the store the task works on."""

    huey: Huey
    store: JobStore
    settings: ServiceSettings
    worker: WorkerIdentity
    #: page processes shared by the worker threads while they run (see ``WorkerPool``)
    pages: PagePool | None = None

    def enqueue(self, job_id: str) -> None:
        self.huey.enqueue(self._task.s(job_id))

    def pending_ids(self) -> set[str]:
        return {task.args[0] for task in self.huey.pending() if task.args}

    def pending_count(self) -> int:
        return self.huey.pending_count()

    def ping(self) -> None:
        """Raises if the queue storage cannot be reached (for /readyz)."""
        self.huey.pending_count()

    def requeue_orphans(self) -> list[str]:
        orphans = self.store.find_orphans(self.worker, self.pending_ids(), min_age=self.settings.lease_seconds)
        for job_id in orphans:
            log.warning("job %s was not going to finish (its worker stopped); queued again", job_id)
            self.enqueue(job_id)
        return orphans

    def options(self) -> Options:
        return Options(jobs=1, lang=self.settings.lang, repair=self.settings.repair,
                       text_layer=self.settings.text_layer, formats=self.settings.extra_formats,
                       pdfa=self.settings.pdfa)

    def _run(self, job_id: str) -> str:
        state = run_job(self.store, job_id, self.worker, self.options(), self.settings.lease_seconds, self.pages,
                        extra_on_request=self.settings.extra_on_request)
        log.info("job %s: %s", job_id, state)
        return state

    def __post_init__(self) -> None:
        self._task = self.huey.task(name=TASK_NAME)(self._run)


def make_queue(settings: ServiceSettings) -> JobQueue:
    """SQLite storage in the data folder by default, Redis when ``VANBAN_REDIS_URL`` is set."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.redis_url:
        huey: Huey = RedisHuey("vanban", url=settings.redis_url, results=False)
    else:
        huey = SqliteHuey("vanban", filename=str(settings.queue_file), results=False)
    return JobQueue(huey, JobStore(settings.jobs_dir), settings, WorkerIdentity())


class _QuietConsumer(Consumer):
    """Huey's consumer without its signal handlers: uvicorn (or ``vanban worker``) owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


class WorkerPool:
    """``settings.workers`` Huey worker threads and the housekeeping thread, started and stopped together."""

    def __init__(self, queue: JobQueue, workers: int):
        self.queue = queue
        self.workers = workers
        self.consumer = _QuietConsumer(queue.huey, workers=workers, worker_type="thread", periodic=False,
                                       initial_delay=0.05, max_delay=MAX_POLL_SECONDS, backoff=1.5,
                                       check_worker_health=True)
        self._stop = threading.Event()
        self._housekeeper = threading.Thread(target=self._housekeeping, name="vanban-housekeeping", daemon=True)

    def start(self) -> None:
        try:
            self.queue.requeue_orphans()  # before the workers: a restart finishes what was accepted
            self.queue.store.purge(self.queue.settings.keep_days * 86400)
        except Exception:  # Redis not up yet: start anyway, housekeeping tries again in a moment
            log.exception("could not look for unfinished jobs at start; will try again")
        self.queue.pages = PagePool(self.workers)  # page processes started once, not once per job
        self.consumer.start()
        self._housekeeper.start()

    def stop(self) -> None:
        """Stop taking jobs; a job cut short stays running and is taken up again after its lease."""
        self._stop.set()
        self.consumer.stop(graceful=False)
        if self.queue.pages is not None:
            self.queue.pages.close()
            self.queue.pages = None

    def wait(self) -> None:
        """Block until ``stop`` (for ``vanban worker``), checking that worker threads are alive."""
        while not self._stop.wait(self.consumer._health_check_interval):
            self.consumer.check_worker_health()

    def _housekeeping(self) -> None:
        interval = min(HOUSEKEEPING_SECONDS, max(1.0, self.queue.settings.lease_seconds / 2))
        last_purge = time.monotonic()
        while not self._stop.wait(interval):
            try:
                self.queue.requeue_orphans()
                if time.monotonic() - last_purge > 3600:
                    self.queue.store.purge(self.queue.settings.keep_days * 86400)
                    last_purge = time.monotonic()
            except Exception:  # keep the thread alive: the next round may work (Redis back, disk freed)
                log.exception("housekeeping failed")
