"""The HTTP API on a real server (127.0.0.1, its own process) with real scans and real Tesseract."""

from __future__ import annotations

import concurrent.futures as cf
import time

import httpx
import pytest

from vanban.metrics import cer

from .conftest import SAMPLES, ground_truth
from .service_support import SMALL_TEXT, ServiceProcess, small_scan, wait_until_finished
from .test_cli import CER_BOUND

API_KEY = "s3cret-key-for-tests"
MAX_UPLOAD_MB = 3
MAX_PAGES = 4


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("service-data")
    proc = ServiceProcess(data, data.parent / "service.log", {
        "VANBAN_API_KEY": API_KEY, "VANBAN_WORKERS": "2", "VANBAN_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
        "VANBAN_MAX_PAGES": str(MAX_PAGES),
    }).start()
    yield proc
    proc.stop()


@pytest.fixture()
def client(service):
    with httpx.Client(base_url=service.url, headers={"X-API-Key": API_KEY}, timeout=120) as c:
        yield c


def upload(client: httpx.Client, path, name: str | None = None, **params) -> httpx.Response:
    with open(path, "rb") as fh:
        return client.post("/v1/documents", files={"file": (name or path.name, fh)}, params=params)


def test_every_sample_uploaded_comes_back_within_its_cer_bound(client):
    names = sorted(CER_BOUND)
    with cf.ThreadPoolExecutor(4) as pool:  # concurrent uploads, as several scanners would
        answers = list(pool.map(lambda n: upload(client, SAMPLES / n), names))
    assert all(a.status_code == 202 for a in answers), [a.text for a in answers]
    ids = {name: a.json()["id"] for name, a in zip(names, answers)}
    states = wait_until_finished(client, list(ids.values()), timeout=300)
    for name, job_id in ids.items():
        state = states[job_id]
        assert state["status"] == "done", state
        assert state["progress"] == {"pages_done": state["pages_total"], "pages_total": state["pages_total"]}
        text = client.get(f"/v1/documents/{job_id}/text")
        assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
        assert cer(text.text, ground_truth(name)) <= CER_BOUND[name], name
        doc = client.get(f"/v1/documents/{job_id}/json").json()
        assert doc["text"] == text.text and doc["source"] == name and len(doc["pages"]) == state["pages_total"]


def test_wait_returns_a_small_upload_in_the_same_request(client, tmp_path):
    answer = upload(client, small_scan(tmp_path / "nho.png"), wait=60)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "done"
    assert cer(body["text"], " ".join(SMALL_TEXT)) <= 0.05


def test_status_reports_queued_or_running_before_done(client, tmp_path):
    answer = upload(client, small_scan(tmp_path / "three.pdf", pages=3))
    assert answer.status_code == 202
    body = answer.json()
    assert body["status"] in ("queued", "running") and body["progress"]["pages_total"] == 3
    early = client.get(f"/v1/documents/{body['id']}/text")
    if early.status_code != 200:  # not finished yet: a clear "not ready"
        assert early.status_code == 409 and early.json()["error"]["code"] == "not_ready"
    final = wait_until_finished(client, [body["id"]])[body["id"]]
    assert final["status"] == "done" and final["pages_done"] == 3
    assert client.get(f"/v1/documents/{body['id']}/text").text.count("\f") == 2


@pytest.mark.parametrize("case, status, code", [
    ("empty", 400, "empty_file"),
    ("wrong_type", 415, "unsupported_type"),
    ("oversize", 413, "file_too_large"),
    ("far_oversize", 413, "file_too_large"),  # refused from its Content-Length, before it is spooled
    ("corrupt_pdf", 422, "unreadable_input"),
    ("too_many_pages", 413, "too_many_pages"),
])
def test_bad_uploads_are_refused_with_clear_json(client, tmp_path, case, status, code):
    path = tmp_path / {"empty": "a.png", "wrong_type": "a.docx", "oversize": "big.tif", "far_oversize": "huge.tif",
                       "corrupt_pdf": "broken.pdf", "too_many_pages": "five.pdf"}[case]
    if case == "empty":
        path.write_bytes(b"")
    elif case == "wrong_type":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    elif case == "oversize":
        path.write_bytes(b"II*\x00" + b"\x00" * (MAX_UPLOAD_MB * 1024 * 1024 + 10))
    elif case == "far_oversize":
        path.write_bytes(b"II*\x00" + b"\x00" * (5 * MAX_UPLOAD_MB * 1024 * 1024))
    elif case == "corrupt_pdf":
        path.write_bytes((SAMPLES / "multipage.pdf").read_bytes()[:3000])
    else:
        small_scan(path, pages=MAX_PAGES + 1)
    answer = upload(client, path)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and len(error["message"]) > 15
    if case not in ("empty", "oversize", "far_oversize"):
        assert path.name in error["message"]  # names the client's file, not an internal path
    assert "/jobs/" not in error["message"] and "incoming" not in error["message"]


def test_a_request_without_a_file_is_explained(client):
    answer = client.post("/v1/documents", data={"nothing": "here"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "missing_file"


def test_missing_or_wrong_api_key_gives_401(service, tmp_path):
    scan = small_scan(tmp_path / "x.png")
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer " + API_KEY + "x"}):
            with open(scan, "rb") as fh:
                answer = anonymous.post("/v1/documents", files={"file": ("x.png", fh)}, headers=headers)
            assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
            assert anonymous.get("/v1/documents/" + "0" * 32, headers=headers).status_code == 401
        assert anonymous.get("/healthz").status_code == 200  # probes need no key
        ok = anonymous.get("/v1/documents/" + "0" * 32, headers={"Authorization": "Bearer " + API_KEY})
        assert ok.status_code == 404 and ok.json()["error"]["code"] == "not_found"


def test_upload_is_stored_under_a_generated_name_and_delete_removes_it(client, service, tmp_path):
    answer = upload(client, small_scan(tmp_path / "x.png"), name="../../etc/evil name.png", wait=60)
    body = answer.json()
    assert body["filename"] == "evil name.png"
    folder = service.data_dir / "jobs" / body["id"]
    # the PDF, hOCR and ALTO are made when first asked for (VANBAN_EXTRA_ON_REQUEST), from extra.pickle
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "extra.pickle", "input.png", "result.json", "result.txt", "status.json"]
    assert client.get(f"/v1/documents/{body['id']}/alto").status_code == 200
    assert (folder / "result.alto").is_file() and not (folder / "result.pdf").exists()
    assert not list(service.data_dir.rglob("evil*")) and not (service.data_dir.parent / "etc").exists()
    assert client.delete(f"/v1/documents/{body['id']}").status_code == 204
    assert not folder.exists()
    assert client.get(f"/v1/documents/{body['id']}").status_code == 404
    assert client.delete(f"/v1/documents/{body['id']}").status_code == 404


def test_probes_metrics_and_docs(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = {c["name"]: c for c in ready.json()["checks"]}
    assert {"tesseract", "poppler", "repair_model", "queue", "data_dir"} <= set(checks)
    assert "vie" in checks["tesseract"]["detail"] and "osd" in checks["tesseract"]["detail"]
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    for name in ("vanban_jobs{state=\"done\"}", "vanban_queue_length", "vanban_pages_per_second",
                 "vanban_http_errors_total", "vanban_job_errors"):
        assert name in metrics.text
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/documents", "/v1/documents/{job_id}", "/v1/documents/{job_id}/text",
            "/v1/documents/{job_id}/json", "/healthz", "/readyz", "/metrics"} <= set(paths)
    unknown = client.get("/v2/nothing")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_full_queue_answers_429_with_retry_after(tmp_path):
    """No workers, a queue of two: the third upload must wait."""
    proc = ServiceProcess(tmp_path / "data", tmp_path / "queue.log",
                          {"VANBAN_WORKERS": "0", "VANBAN_MAX_QUEUE": "2"}).start()
    try:
        scan = small_scan(tmp_path / "q.png")
        with httpx.Client(base_url=proc.url, timeout=30) as c:
            codes = [upload(c, scan).status_code for _ in range(2)]
            full = upload(c, scan)
            assert codes == [202, 202]
            assert full.status_code == 429, full.text
            assert int(full.headers["Retry-After"]) > 0
            assert full.json()["error"]["code"] == "queue_full"
            assert 'vanban_queue_length 2' in c.get("/metrics").text
    finally:
        proc.stop()


def test_deleting_a_running_job_stops_it_and_nothing_comes_back(client, service, tmp_path):
    answer = upload(client, small_scan(tmp_path / "long.pdf", pages=MAX_PAGES))
    job_id = answer.json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/documents/{job_id}").json()["status"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.delete(f"/v1/documents/{job_id}").status_code == 204
    time.sleep(3)  # the worker finishes its page, notices, and must not write the job back
    assert not (service.data_dir / "jobs" / job_id).exists()
    assert client.get(f"/v1/documents/{job_id}").status_code == 404
