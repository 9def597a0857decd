"""``vanban watch IN OUT``: OCR every scan dropped into a folder, once, after it is completely written.

A file is taken when its size and modification time have not changed for
``settle`` seconds and it can be opened (and share-locked: a writer holding an
exclusive lock is still writing).  Results are written atomically as
``OUT/<stem>.txt`` and ``.json``; the original then moves to the archive folder
(or stays).  A failed file moves to the failed folder beside
``<name>.error.txt``.

A ledger, ``OUT/.vanban-watch.jsonl`` (one JSON line per finished file, keyed by
name and SHA-256), is what makes "never twice" hold when originals stay in IN
and across restarts.  File events (inotify, through watchdog) only wake the
scanner early; the scan itself is the truth, so ``--poll`` (no events, for
SMB/NFS shares whose events never arrive) behaves the same, only slower.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ocr.errors import ExitCode, VanbanError

from .output import write_atomic
from .pipeline import SCAN_SUFFIXES, FileResult, Options, PagePool, run_batch, write_outputs
from .register_io import write_register

log = logging.getLogger("vanban.watch")
LEDGER_NAME = ".vanban-watch.jsonl"
#: with file events, the folder is still rescanned this often in case an event was missed
EVENT_RESCAN_SECONDS = 30.0
#: the file's own fault: straight to the failed folder
FILE_FAULTS = {int(ExitCode.INPUT_ERROR)}
#: a program failed on a page, not the file's fault: tried this many times before the file counts as failed
OCR_ERROR_TRIES = 3


@dataclass(frozen=True)
class WatchSettings:
    inbox: Path
    outbox: Path
    archive: Path | None = None
    failed: Path | None = None
    poll: float | None = None  # seconds between scans; None: wake on file events
    settle: float = 2.0  # seconds a file must stay unchanged before it is taken
    options: Options = field(default_factory=Options)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # when it was first seen with this size and time


@dataclass
class WatchOutcome:
    name: str
    status: str  # done, failed, archived (already done before a restart)
    outputs: list[str] = field(default_factory=list)
    error: str | None = None


class Ledger:
    """Append-only record of finished files, so a restart neither loses nor repeats work."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[tuple[str, str], dict] = {}
        self.by_stat: dict[tuple[str, int, int], dict] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    self._remember(json.loads(line))
                except (json.JSONDecodeError, KeyError):
                    continue  # a line cut short by a crash: that file is simply done again

    def _remember(self, entry: dict) -> None:
        self.entries[(entry["name"], entry["sha256"])] = entry
        self.by_stat[(entry["name"], entry["size"], entry["mtime_ns"])] = entry

    def find(self, name: str, size: int, mtime_ns: int, sha256: str | None = None) -> dict | None:
        if sha256 is None:
            return self.by_stat.get((name, size, mtime_ns))
        return self.entries.get((name, sha256))

    def stems_in_use(self) -> set[str]:
        return {e["stem"] for e in self.entries.values() if e.get("stem")}

    def add(self, entry: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._remember(entry)


class FolderWatcher:
    def __init__(self, settings: WatchSettings):
        self.settings = settings
        for folder in (settings.outbox, settings.archive, settings.failed):
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(settings.outbox / LEDGER_NAME)
        self._seen: dict[str, _Seen] = {}
        self._ocr_errors: dict[str, int] = {}  # sha256 -> tries that ended in OCR_ERROR
        self.wake = threading.Event()
        #: page processes kept while ``run`` loops (start-up paid once); None: one per pass
        self.pool: PagePool | None = None

    # ------------------------------------------------------------ one pass

    def scan_once(self) -> list[WatchOutcome]:
        """Look at IN once; process every file that has settled.  Returns what was done."""
        ready: list[tuple[Path, os.stat_result, str]] = []
        outcomes: list[WatchOutcome] = []
        now = time.monotonic()
        present = set()
        for path in sorted(self.settings.inbox.iterdir()):
            if not _is_scan(path):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            present.add(path.name)
            seen = self._seen.get(path.name)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._seen[path.name] = _Seen(st.st_size, st.st_mtime_ns, now)
                continue
            settle = self.settings.settle * (10 if st.st_size == 0 else 1)  # an empty file may not have started
            if now - seen.since < settle:
                continue  # still being written
            known = self.ledger.find(path.name, st.st_size, st.st_mtime_ns)
            if known is not None and self._destination(known["status"] == "done") is None:
                continue  # finished before and left in place on purpose
            if not _can_open(path):
                continue
            digest = _sha256(path)
            if digest is None:
                continue
            previous = self.ledger.find(path.name, st.st_size, st.st_mtime_ns, digest)
            if previous is not None:  # finished before a restart, not yet moved
                self._put_away(path, previous["status"] == "done")
                outcomes.append(WatchOutcome(path.name, "archived", previous.get("outputs", [])))
                continue
            ready.append((path, st, digest))
        for name in list(self._seen):
            if name not in present:
                del self._seen[name]
        if ready:
            outcomes.extend(self._process(ready))
        return outcomes

    def pending(self) -> bool:
        """True while some file is being watched until it settles."""
        return bool(self._seen)

    # ------------------------------------------------------------ processing

    def _process(self, ready: list[tuple[Path, os.stat_result, str]]) -> list[WatchOutcome]:
        by_path = {str(p): (p, st, digest) for p, st, digest in ready}
        outcomes: list[WatchOutcome] = []

        def finished(result: FileResult) -> None:
            path, st, digest = by_path[result.path]
            outcome = self._record(path, st, digest, result)
            if outcome is not None:
                outcomes.append(outcome)

        run_batch([str(p) for p, _, _ in ready], None, self.settings.options, on_result=finished, pool=self.pool)
        if any(o.status == "done" for o in outcomes):
            try:  # the register of every result in OUT, rewritten after each pass that added one
                write_register(self.settings.outbox)
            except OSError as exc:
                log.error("cannot write %s (%s)", self.settings.outbox / "register.csv", exc)
        return outcomes  # a file that vanished before it was read gives no result: nothing to report

    def _record(self, path: Path, st: os.stat_result, digest: str, result: FileResult) -> WatchOutcome | None:
        entry = {"name": path.name, "sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                 "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        if result.status == "done":
            stem = self._output_stem(path)
            document = dict(result.document or {}, source=path.name)
            options = self.settings.options
            known = len(result.warnings)
            try:  # before the original moves: a PDF output is built from it
                outputs = write_outputs(result, self.settings.outbox / stem, options.formats, pdfa=options.pdfa,
                                        document=document)
            except OSError as exc:
                log.error("%s: cannot write the result (%s); it will be tried again", path.name, exc)
                return None
            except VanbanError as exc:  # e.g. a PDF that poppler reads and pikepdf cannot (input error)
                result = FileResult(result.path, "failed", error=str(exc), exit_code=int(exc.exit_code))
                return self._record_failure(path, entry, digest, result)
            for warning in result.warnings[known:]:  # from the outputs: PDF decrypted, not PDF/A, ...
                log.warning("%s: %s", path.name, warning.replace(str(path), path.name))
            self.ledger.add(entry | {"status": "done", "stem": stem, "outputs": outputs})
            self._put_away(path, True)
            log.info("%s: done -> %s", path.name, ", ".join(outputs))
            return WatchOutcome(path.name, "done", outputs)
        return self._record_failure(path, entry, digest, result)

    def _record_failure(self, path: Path, entry: dict, digest: str, result: FileResult) -> WatchOutcome | None:
        error = (result.error or "failed").replace(str(path), path.name)
        if not self._gives_up(result.exit_code, digest):
            log.error("%s: %s; it will be tried again", path.name, error)
            self._seen.pop(path.name, None)
            return None
        self.ledger.add(entry | {"status": "failed", "error": error})
        error_dir = self.settings.failed or self.settings.outbox
        self._put_away(path, False)
        write_atomic(error_dir / f"{path.name}.error.txt", error + "\n")
        log.error("%s: failed: %s", path.name, error)
        return WatchOutcome(path.name, "failed", error=error)

    def _gives_up(self, exit_code: int, digest: str) -> bool:
        """True when a failure is final for this file: its own fault, or a page that keeps failing OCR."""
        if exit_code in FILE_FAULTS:
            return True
        if exit_code == int(ExitCode.OCR_ERROR):
            self._ocr_errors[digest] = self._ocr_errors.get(digest, 0) + 1
            return self._ocr_errors[digest] >= OCR_ERROR_TRIES
        return False  # disk full, a program missing: not the file's fault, so try again later

    def _output_stem(self, path: Path) -> str:
        """``<stem>``, unless another file's results already have that name (then the full name)."""
        taken = self.ledger.stems_in_use()
        for candidate in (path.stem, path.name):
            if candidate not in taken:
                return candidate
        n = 2
        while f"{path.name}-{n}" in taken:
            n += 1
        return f"{path.name}-{n}"

    def _destination(self, done: bool) -> Path | None:
        return self.settings.archive if done else self.settings.failed

    def _put_away(self, path: Path, done: bool) -> None:
        folder = self._destination(done)
        if folder is None or not path.exists():
            return
        target = folder / path.name
        n = 2
        while target.exists():  # never overwrite an earlier original of the same name
            target = folder / f"{path.stem}-{n}{path.suffix}"
            n += 1
        shutil.move(str(path), str(target))
        self._seen.pop(path.name, None)

    # ------------------------------------------------------------ the loop

    def run(self, stop: threading.Event) -> None:
        """Scan until ``stop`` is set: on file events (or every ``poll`` seconds), and often while a file settles."""
        observer = None if self.settings.poll else _start_observer(self.settings.inbox, self.wake)
        idle = self.settings.poll or (EVENT_RESCAN_SECONDS if observer else 2.0)
        self.pool = PagePool(self.settings.options.jobs)
        try:
            while not stop.is_set():
                self.wake.clear()
                try:
                    self.scan_once()
                except OSError as exc:  # the share went away for a moment: try again on the next round
                    log.warning("cannot scan %s (%s); trying again", self.settings.inbox, exc)
                wait = min(idle, max(0.2, self.settings.settle / 2)) if self.pending() else idle
                if self.settings.poll:
                    stop.wait(wait)
                else:
                    self.wake.wait(wait)
        finally:
            self.pool.close()
            self.pool = None
            if observer is not None:
                observer.stop()
                observer.join()


def _start_observer(folder: Path, wake: threading.Event):
    """inotify (through watchdog) sets ``wake`` on any change; None if events are not available here."""
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                wake.set()

        observer = Observer()
        observer.schedule(_Wake(), str(folder), recursive=False)
        observer.start()
        return observer
    except Exception as exc:  # inotify limits, unusual file systems
        log.warning("file events are not available (%s); scanning every 2 s instead", exc)
        return None


def _is_scan(path: Path) -> bool:
    return (path.suffix.lower() in SCAN_SUFFIXES and not path.name.startswith((".", "~"))
            and path.is_file())


def _can_open(path: Path) -> bool:
    """Readable, and no writer holds an exclusive lock on it."""
    try:
        with open(path, "rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return True
    except OSError:
        return False


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
