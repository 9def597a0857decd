"""``vanban watch``: files are taken once, only when completely written; bad files go to failed/."""

from __future__ import annotations

import json
import threading
import time

from vanban.metrics import cer
from vanban.pipeline import FileResult, Options
from vanban.watch import LEDGER_NAME, FolderWatcher, WatchSettings

from .service_support import SMALL_TEXT, ServiceProcess, small_scan


def test_a_slowly_copied_file_is_processed_once_after_it_is_complete(tmp_path):
    inbox, out, archive, failed = (tmp_path / n for n in ("in", "out", "archive", "failed"))
    inbox.mkdir()
    source = small_scan(tmp_path / "scan0001.png")
    watcher = ServiceProcess(tmp_path, tmp_path / "watch.log", command="watch", extra_args=[
        str(inbox), str(out), "--archive", str(archive), "--failed", str(failed), "--poll", "0.3", "--settle", "2"])
    watcher.start(wait_ready=False)
    try:
        data = source.read_bytes()
        target = inbox / source.name
        with open(target, "wb") as fh:  # a scanner writing over SMB: a chunk every 0.4 s for about 4 s
            step = len(data) // 10 + 1
            for i in range(0, len(data), step):
                fh.write(data[i:i + step])
                fh.flush()
                assert not (out / "scan0001.txt").exists(), "taken before it was complete"
                time.sleep(0.4)
        deadline = time.monotonic() + 60
        while not (archive / source.name).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # a few more scans: it must not be taken again
    finally:
        watcher.stop()
    log = (tmp_path / "watch.log").read_text()
    assert (archive / source.name).read_bytes() == data, log
    assert cer((out / "scan0001.txt").read_text(encoding="utf-8"), " ".join(SMALL_TEXT)) <= 0.05
    assert json.loads((out / "scan0001.json").read_text(encoding="utf-8"))["source"] == "scan0001.png"
    assert log.count("scan0001.png: done") == 1
    assert not list(inbox.iterdir())
    assert not failed.exists() or not list(failed.iterdir())
    assert not list(out.glob("*.part"))


def test_a_bad_file_lands_in_failed_with_its_error(tmp_path):
    inbox, out, failed = tmp_path / "in", tmp_path / "out", tmp_path / "failed"
    inbox.mkdir()
    (inbox / "hong.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    watcher = FolderWatcher(WatchSettings(inbox, out, failed=failed, settle=0, options=Options(jobs=1)))
    watcher.scan_once()  # first sight
    outcomes = watcher.scan_once()
    assert [o.status for o in outcomes] == ["failed"]
    assert (failed / "hong.pdf").exists() and not (inbox / "hong.pdf").exists()
    error = (failed / "hong.pdf.error.txt").read_text(encoding="utf-8")
    assert "hong.pdf" in error and "corrupt" in error.lower()
    assert not (out / "hong.txt").exists()


def test_without_archive_a_file_stays_and_is_not_redone_even_after_a_restart(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    small_scan(inbox / "a.png")
    settings = WatchSettings(inbox, out, settle=0, options=Options(jobs=1))
    first = FolderWatcher(settings)
    first.scan_once()
    assert [o.status for o in first.scan_once()] == ["done"]
    assert first.scan_once() == [] and first.scan_once() == []
    restarted = FolderWatcher(settings)  # a new process reads the ledger
    assert restarted.scan_once() == [] and restarted.scan_once() == []
    assert (inbox / "a.png").exists() and len((out / LEDGER_NAME).read_text().splitlines()) == 1


def test_a_restart_between_result_and_archive_only_finishes_the_move(tmp_path):
    inbox, out, archive = tmp_path / "in", tmp_path / "out", tmp_path / "archive"
    small_scan(inbox / "b.png")
    settings = WatchSettings(inbox, out, archive=archive, settle=0, options=Options(jobs=1))
    first = FolderWatcher(settings)
    first._put_away = lambda path, done: None  # the process dies before it moves the original
    first.scan_once()
    assert [o.status for o in first.scan_once()] == ["done"]
    restarted = FolderWatcher(settings)
    restarted.scan_once()
    assert [o.status for o in restarted.scan_once()] == ["archived"]
    assert (archive / "b.png").exists() and not (inbox / "b.png").exists()


def test_file_events_wake_the_watcher(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    watcher = FolderWatcher(WatchSettings(inbox, out, settle=0.5, options=Options(jobs=1)))
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        time.sleep(0.5)
        small_scan(tmp_path / "c.png").rename(inbox / "c.png")
        deadline = time.monotonic() + 30
        while not (out / "c.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (out / "c.txt").exists()
    finally:
        stop.set()
        watcher.wake.set()
        thread.join(timeout=30)


def test_an_ocr_error_is_tried_again_before_the_file_counts_as_failed(tmp_path):
    inbox, out, failed = tmp_path / "in", tmp_path / "out", tmp_path / "failed"
    small_scan(inbox / "d.png")
    watcher = FolderWatcher(WatchSettings(inbox, out, failed=failed, settle=0, options=Options(jobs=1)))
    path = inbox / "d.png"
    st = path.stat()
    flaky = FileResult(str(path), "failed", error=f"{path} page 1: tesseract failed: crashed", exit_code=7)
    assert watcher._record(path, st, "abc", flaky) is None and path.exists()  # first try: again later
    assert watcher._record(path, st, "abc", flaky) is None and path.exists()
    final = watcher._record(path, st, "abc", flaky)
    assert final.status == "failed" and (failed / "d.png").exists()
    assert "d.png page 1: tesseract failed" in (failed / "d.png.error.txt").read_text(encoding="utf-8")
