"""Job bookkeeping without OCR: claims, leases, orphans, purge and settings."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import time

import pytest

from ocr.errors import BadArgsError
from vanban.jobs import MAX_RUNS, JobStore, WorkerIdentity
from vanban.settings import MB, ServiceSettings


def make_job(store: JobStore, tmp_path, name: str = "a.png"):
    upload = store.incoming / "u.upload"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n")
    return store.create(upload, name, "png", 1)


def _claim_in_process(root: str, job_id: str) -> bool:
    return JobStore(root).claim(job_id, WorkerIdentity(), 30) is not None


def test_only_one_of_many_processes_claims_a_job(tmp_path):
    store = JobStore(tmp_path / "jobs")
    job = make_job(store, tmp_path)
    with cf.ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        wins = list(pool.map(_claim_in_process, [str(store.root)] * 8, [job.id] * 8))
    assert wins.count(True) == 1
    assert store.get(job.id).status == "running" and store.get(job.id).runs == 1


def test_a_job_of_a_dead_worker_is_queued_again_but_a_live_one_is_left(tmp_path):
    store = JobStore(tmp_path / "jobs")
    me, earlier_life = WorkerIdentity(), WorkerIdentity(token="0ld")
    dead_job, live_job, fresh = make_job(store, tmp_path), make_job(store, tmp_path), make_job(store, tmp_path)
    store.claim(dead_job.id, earlier_life, 600)  # same host and pid, another life: killed and restarted
    store.claim(live_job.id, me, 600)
    orphans = store.find_orphans(me, pending_ids={fresh.id}, min_age=0)
    assert orphans == [dead_job.id]
    assert store.get(dead_job.id).status == "queued" and store.get(live_job.id).status == "running"
    assert store.claim(dead_job.id, me, 600).runs == 2


def test_an_expired_lease_frees_the_job_and_a_lost_queue_entry_is_found(tmp_path):
    store = JobStore(tmp_path / "jobs")
    me = WorkerIdentity()
    other_host = WorkerIdentity(host="elsewhere")
    expired, lost = make_job(store, tmp_path), make_job(store, tmp_path)
    store.claim(expired.id, other_host, 0.01)
    time.sleep(0.05)
    assert sorted(store.find_orphans(me, pending_ids=set(), min_age=0)) == sorted([expired.id, lost.id])
    assert store.find_orphans(me, pending_ids=set(), min_age=3600) == []  # young queued jobs are left alone


def test_a_document_that_keeps_killing_workers_is_failed(tmp_path):
    store = JobStore(tmp_path / "jobs")
    job = make_job(store, tmp_path)
    for n in range(MAX_RUNS):
        store.claim(job.id, WorkerIdentity(token=f"life{n}"), 600)
        store.requeue(job.id, "worker died")
    assert store.claim(job.id, WorkerIdentity(), 600) is None
    final = store.get(job.id)
    assert final.status == "failed" and final.error["code"] == "worker_died"


def test_delete_and_purge(tmp_path):
    store = JobStore(tmp_path / "jobs")
    me = WorkerIdentity()
    old, young = make_job(store, tmp_path), make_job(store, tmp_path)
    for job in (old, young):
        store.claim(job.id, me, 60)
        store.finish(job.id, me, text="x", document={"text": "x"})
    store.update(old.id, lambda j: setattr(j, "finished_at", time.time() - 8 * 86400))
    assert store.purge(7 * 86400) == 1
    assert store.get(old.id) is None and store.get(young.id).status == "done"
    assert store.delete(young.id) and not store.delete(young.id)
    assert store.get("../../etc") is None


def test_settings_come_from_the_environment():
    settings = ServiceSettings.from_env({"VANBAN_DATA_DIR": "/data", "VANBAN_MAX_UPLOAD_MB": "10",
                                         "VANBAN_MAX_PAGES": "20", "VANBAN_WORKERS": "0", "VANBAN_API_KEY": "k",
                                         "VANBAN_KEEP_DAYS": "1.5", "VANBAN_REDIS_URL": "redis://r:6379/0"})
    assert str(settings.data_dir) == "/data" and settings.max_upload_bytes == 10 * MB
    assert (settings.max_pages, settings.workers, settings.api_key, settings.keep_days) == (20, 0, "k", 1.5)
    assert settings.redis_url == "redis://r:6379/0"
    defaults = ServiceSettings.from_env({})
    assert defaults.max_upload_bytes == 50 * MB and defaults.max_pages == 300 and defaults.workers >= 1
    assert defaults.extra_on_request and not ServiceSettings.from_env({"VANBAN_EXTRA_ON_REQUEST": "0"}).extra_on_request
    with pytest.raises(BadArgsError, match="VANBAN_MAX_PAGES"):
        ServiceSettings.from_env({"VANBAN_MAX_PAGES": "many"})
    with pytest.raises(BadArgsError, match="VANBAN_WORKERS"):
        ServiceSettings.from_env({"VANBAN_WORKERS": "-1"})


def test_readiness_asks_restore_for_its_model(monkeypatch):
    import restore
    from vanban.readiness import repair_model_status, run_checks

    monkeypatch.setattr(restore, "load_restorer", lambda: None, raising=False)
    ok, detail = repair_model_status()
    assert not ok and "missing" in detail
    assert [c.ok for c in run_checks(repair=False) if c.name == "repair_model"] == [True]
    monkeypatch.setattr(restore, "model_ready", lambda: (True, "loaded v2"), raising=False)
    assert repair_model_status() == (True, "loaded v2")
