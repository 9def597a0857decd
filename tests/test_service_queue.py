"""Jobs survive a killed service, and workers sharing a Redis queue do each job exactly once."""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
import pytest

from vanban.metrics import cer

from .service_support import SMALL_TEXT, ServiceProcess, free_port, small_scan, wait_until_finished


def upload_all(client: httpx.Client, scans) -> list[str]:
    ids = []
    for scan in scans:
        with open(scan, "rb") as fh:
            answer = client.post("/v1/documents", files={"file": (scan.name, fh)})
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    return ids


def check_texts(client: httpx.Client, ids: list[str], pages: int) -> None:
    for job_id in ids:
        text = client.get(f"/v1/documents/{job_id}/text").text
        assert text.count("\f") == pages - 1
        assert cer(text, " ".join(SMALL_TEXT * pages)) <= 0.05


def test_killing_the_service_mid_queue_loses_no_job(tmp_path):
    data = tmp_path / "data"
    scans = [small_scan(tmp_path / f"scan{i}.pdf", pages=3) for i in range(4)]
    first = ServiceProcess(data, tmp_path / "first.log", {"VANBAN_WORKERS": "1"}).start()
    with httpx.Client(base_url=first.url, timeout=30) as c:
        ids = upload_all(c, scans)
        deadline = time.monotonic() + 60
        while c.get(f"/v1/documents/{ids[0]}").json()["status"] != "running" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert c.get(f"/v1/documents/{ids[0]}").json()["status"] == "running", first.log()
        assert c.get(f"/v1/documents/{ids[-1]}").json()["status"] == "queued"
    first.kill()  # SIGKILL: no chance to clean up

    second = ServiceProcess(data, tmp_path / "second.log", {"VANBAN_WORKERS": "1"}).start()
    try:
        with httpx.Client(base_url=second.url, timeout=30) as c:
            states = wait_until_finished(c, ids, timeout=180)
            assert [states[i]["status"] for i in ids] == ["done"] * 4, (states, second.log())
            assert states[ids[0]]["runs"] == 2  # cut short by the kill, then run again
            assert all(states[i]["runs"] == 1 for i in ids[1:])
            check_texts(c, ids, pages=3)
    finally:
        second.stop()


REDIS = shutil.which("redis-server")


@pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (make system-deps installs it)")
def test_two_workers_on_redis_share_the_jobs_and_do_each_once(tmp_path):
    port = free_port()
    redis = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"VANBAN_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    data = tmp_path / "data"  # the shared volume of the worker containers
    procs = []
    try:
        api = ServiceProcess(data, tmp_path / "api.log", {**env, "VANBAN_WORKERS": "0"}).start()
        procs.append(api)
        for n in (1, 2):
            procs.append(ServiceProcess(data, tmp_path / f"worker{n}.log", env, command="worker",
                                        extra_args=["--workers", "1"]).start(wait_ready=False))
        scans = [small_scan(tmp_path / f"doc{i}.png") for i in range(8)]
        deadline = time.monotonic() + 60  # both workers listening before the first upload
        while not all("consumer started" in p.log() for p in procs[1:]) and time.monotonic() < deadline:
            time.sleep(0.2)
        with httpx.Client(base_url=api.url, timeout=30) as c:
            ids = upload_all(c, scans)
            states = wait_until_finished(c, ids, timeout=180)
            assert all(s["status"] == "done" and s["runs"] == 1 for s in states.values()), states
            workers = {s["worker"] for s in states.values()}
            assert len(workers) == 2, f"one worker did every job: {workers}"
            check_texts(c, ids, pages=1)
        done_lines = sum((tmp_path / f"worker{n}.log").read_text().count(": done") for n in (1, 2))
        assert done_lines == len(ids)  # each job run once in all, not once per worker
    finally:
        for proc in reversed(procs):
            proc.stop()
        redis.terminate()
        redis.wait(timeout=30)


def test_an_unreachable_redis_gives_503_and_not_ready(tmp_path):
    closed_port = free_port()
    proc = ServiceProcess(tmp_path / "data", tmp_path / "down.log", {
        "VANBAN_REDIS_URL": f"redis://127.0.0.1:{closed_port}/0", "VANBAN_WORKERS": "1"}).start()
    try:
        with httpx.Client(base_url=proc.url, timeout=30) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 503
            assert [ch["ok"] for ch in ready.json()["checks"] if ch["name"] == "queue"] == [False]
            with open(small_scan(tmp_path / "x.png"), "rb") as fh:
                answer = c.post("/v1/documents", files={"file": ("x.png", fh)})
            assert answer.status_code == 503 and answer.json()["error"]["code"] == "queue_unavailable"
            assert "NaN" in c.get("/metrics").text
        assert not list((tmp_path / "data" / "incoming").iterdir())
    finally:
        proc.stop()
