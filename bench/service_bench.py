"""Service load test: N one-page uploads from C concurrent clients against ``vanban serve`` on loopback.

Bounded in count and time: it starts its own server on 127.0.0.1 with a fresh
data folder, sends exactly ``--uploads`` documents, waits for them, stops the
server.  Reports jobs/min, p50/p95 latency (upload to result), errors (429s are
counted apart: they are the queue working as designed) and the peak RSS of the
service's whole process tree.  Updates only the "## Service" section of
``--out`` (docs/benchmarks.md), between its markers.

    python bench/service_bench.py --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ocr_bench import ROOT, TreeMemory  # same folder: one process-tree RSS probe for both benchmarks
from report import update_section  # each benchmark rewrites only its own section

sys.path.insert(0, str(ROOT))
from tests.service_support import ServiceProcess  # noqa: E402

START, END = "<!-- service-bench:start -->", "<!-- service-bench:end -->"
DEADLINE_SECONDS = 900
#: each upload waits for its result (?wait=, at most the service's VANBAN_MAX_WAIT), as a scanner's client does
WAIT_SECONDS = 60


def one_client(url: str, scan: Path, todo: list[int], lock: threading.Lock, results: list[dict]) -> None:
    """Upload documents until none are left; each latency runs from the first try to the result."""
    with httpx.Client(base_url=url, timeout=WAIT_SECONDS + 30) as client:
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            start = time.monotonic()
            record = {"rejected_429": 0, "error": None}
            while True:
                answer = client.post("/v1/documents", params={"wait": WAIT_SECONDS},
                                     files={"file": (scan.name, scan.read_bytes())})
                if answer.status_code != 429:
                    break
                record["rejected_429"] += 1
                time.sleep(min(2.0, float(answer.headers.get("Retry-After", "1"))))
            if answer.status_code not in (200, 202):
                record["error"] = f"upload answered {answer.status_code}: {answer.text[:200]}"
            else:
                state = answer.json()
                job_id = state["id"]
                while state["status"] not in ("done", "failed") and time.monotonic() - start < DEADLINE_SECONDS:
                    time.sleep(1.0)  # not done within ?wait=: ask again now and then
                    state = client.get(f"/v1/documents/{job_id}").json()
                if state["status"] != "done":
                    record["error"] = f"job {job_id} ended {state['status']}: {state.get('error')}"
                elif not (state.get("text") or client.get(f"/v1/documents/{job_id}/text").text).strip():
                    record["error"] = f"job {job_id} has no text"
            record["latency"] = time.monotonic() - start
            record["finished"] = time.monotonic()
            with lock:
                results.append(record)


def busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat), to see what other work took."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and of its children it has waited for (the page processes)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_split(pid: int) -> tuple[float, float]:
    """(the server process's own CPU seconds, its living descendants': the page processes and Tesseract)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        child = int(stat_file.parent.name)
        parents[child], times[child] = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
    below, frontier = [], [pid]
    while frontier:
        frontier = [c for c, p in parents.items() if p in frontier]
        below += frontier
    return times.get(pid, 0.0), sum(times[c] for c in below)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run(uploads: int, clients: int, scan: Path, workers: int, max_queue: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="vanban-service-bench-") as tmp:
        env = {"VANBAN_WORKERS": str(workers), "VANBAN_MAX_QUEUE": str(max_queue)}
        server = ServiceProcess(Path(tmp) / "data", Path(tmp) / "serve.log", env).start()
        memory = TreeMemory(server.proc.pid)
        memory.start()
        results: list[dict] = []
        todo, lock = list(range(uploads)), threading.Lock()
        start, busy_start, own_start = time.monotonic(), busy_seconds(), sum(os.times()[:2])
        try:
            with ThreadPoolExecutor(clients) as pool:
                futures = [pool.submit(one_client, server.url, scan, todo, lock, results) for _ in range(clients)]
                for future in futures:
                    future.result()  # a client that crashed is a bug in the benchmark: show it
            seconds = time.monotonic() - start
            server_cpu, pages_cpu = cpu_split(server.proc.pid)
            client_cpu = sum(os.times()[:2]) - own_start
            # the page processes are alive still: the server's waited-for children do not hold them
            ours = process_cpu_seconds(server.proc.pid) + pages_cpu + client_cpu
            others = max(0.0, busy_seconds() - busy_start - ours) / (seconds * (os.cpu_count() or 1))
        finally:
            memory.stop()
            server.stop()
    latencies = [r["latency"] for r in results if not r["error"]]
    return {
        "uploads": uploads, "clients": clients, "workers": workers, "max_queue": max_queue, "seconds": seconds,
        "done": len(latencies), "errors": [r["error"] for r in results if r["error"]],
        "rejected_429": sum(r["rejected_429"] for r in results),
        "jobs_per_min": len(latencies) / seconds * 60, "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95), "peak_rss_mb": memory.peak_mb, "others_cpu": others,
        "cpu_per_job": {"server": server_cpu / max(1, len(latencies)), "pages": pages_cpu / max(1, len(latencies)),
                        "client": client_cpu / max(1, len(latencies))},
    }


def plain_tesseract(scan: Path, workers: int, pages: int) -> float:
    """Pages/min of plain ``tesseract SCAN - -l vie`` in ``workers`` processes (OMP_THREAD_LIMIT=1), the
    same page ``pages`` times: what the office gets from Tesseract alone on these cores."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def loop(count: int) -> None:
        for _ in range(count):
            subprocess.run(["tesseract", str(scan), "-", "-l", "vie"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    share = [pages // workers + (1 if k < pages % workers else 0) for k in range(workers)]
    start = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(loop, share))
    return pages / (time.monotonic() - start) * 60


def report(rows: list[dict], scan: Path, command: str, plain_runs: tuple[float, float]) -> str:
    plain = statistics.mean(plain_runs)
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu = platform.processor() or platform.machine()
    first = rows[0]
    errors = [e for r in rows for e in r["errors"]]
    return "\n".join([
        "## Service", "", START, "",
        f"Measured {when} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}. Other work on "
        "the machine took this share of the cores while it ran (the rest was the benchmark's): "
        f"{', '.join(format(r['others_cpu'], '.0%') for r in rows)}; where that is high the numbers are "
        "lower than on an idle machine.", "",
        f"Command: `{command}`. One `vanban serve` on 127.0.0.1 (SQLite queue, {first['workers']} workers), "
        f"{first['uploads']} uploads of `{scan.relative_to(ROOT)}` (one A4 page at 300 dpi) from "
        f"{first['clients']} concurrent clients, with the queue limits in the table: a short queue refuses "
        "uploads with 429, and the client then retries after min(Retry-After, 2 s). Latency runs "
        "from the first upload attempt to the finished job: each upload asks `?wait=60` (the service checks the job "
        "every 0.2 s and answers with the text); it includes the wait in the queue and any 429 retry.", "",
        f"Plain Tesseract on the same page, {first['workers']} processes (`tesseract FILE - -l vie`, "
        f"`OMP_THREAD_LIMIT=1`), measured before and after the service: {plain_runs[0]:.1f} and "
        f"{plain_runs[1]:.1f} pages/min, mean {plain:.1f}. Target (issue 14): "
        "≥ 0.9 × that, peak RSS ≤ 800 MB with 2 workers.", "",
        "| queue limit | uploads | clients | done | jobs/min | × plain Tesseract | p50 latency | p95 latency "
        "| errors (not 429) | 429 answers | peak RSS (service tree) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(f"| {r['max_queue']} | {r['uploads']} | {r['clients']} | {r['done']} | {r['jobs_per_min']:.1f} | "
          f"{r['jobs_per_min'] / plain:.2f} | "
          f"{r['p50']:.1f} s | {r['p95']:.1f} s | {len(r['errors'])} | {r['rejected_429']} | "
          f"{r['peak_rss_mb']:.0f} MB |" for r in rows), "",
        "CPU seconds per job (server process: HTTP, queue, repair, outputs; page processes: image stages and "
        "Tesseract; the benchmark's own clients): " + "; ".join(
            f"queue {r['max_queue']}: server {r['cpu_per_job']['server']:.2f} s, page processes "
            f"{r['cpu_per_job']['pages']:.2f} s, clients {r['cpu_per_job']['client']:.2f} s" for r in rows) + ".", "",
        "Each page is OCR'd in a page process of its own, so throughput is bounded by the cores: compare the "
        "pages/min of `vanban ocr -j 2` in the OCR section. Latency is mostly queueing: with "
        f"{first['clients']} clients and {first['workers']} workers, a document waits for about "
        f"{first['clients'] // max(1, first['workers']) - 1} others. Peak RSS counts the server, its worker "
        "threads and the page processes together.", "",
        *([f"Errors: {'; '.join(errors[:5])}", ""] if errors else []),
        END, "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-queue", type=int, nargs="+", default=[100, 4],
                        help="queue limits to run with (default: 100, then 4 to see 429s)")
    parser.add_argument("--scan", type=Path, default=ROOT / "samples" / "header.png")
    parser.add_argument("--out", type=Path, help="update the '## Service' section of this Markdown file")
    args = parser.parse_args()
    # plain Tesseract before and after the service runs: this machine's speed drifts by 10-20 % over minutes
    before = plain_tesseract(args.scan.resolve(), args.workers, pages=max(10, args.uploads // 2))
    rows = [run(args.uploads, args.clients, args.scan.resolve(), args.workers, limit) for limit in args.max_queue]
    after = plain_tesseract(args.scan.resolve(), args.workers, pages=max(10, args.uploads // 2))
    plain = (before, after)
    command = "make bench-service" if args.out else " ".join(["python", *sys.argv])
    section = report(rows, args.scan.resolve(), command, plain)
    print(section)
    if args.out:
        update_section(args.out, "## Service", section)
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
