"""Helpers for the service tests: small real scans, free ports, and real server processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
#: short lines of a real công văn: enough for Tesseract to read, small enough to OCR in about a second
SMALL_TEXT = [
    "Thực hiện Kế hoạch số 15-KH/TU ngày 20 tháng 3 năm 2024",
    "của Ban Thường vụ Tỉnh ủy về việc tổ chức hội nghị",
    "tổng kết công tác tuyên truyền năm 2023.",
]


def small_scan(path: Path, lines: list[str] = SMALL_TEXT, fmt: str | None = None, pages: int = 1) -> Path:
    """A small 300-dpi page (or ``pages`` pages in one PDF/TIFF) with a few printed lines."""
    font = ImageFont.truetype(str(FONT), 42)
    images = []
    for _ in range(pages):
        img = Image.new("L", (1400, 120 + 70 * len(lines)), 255)
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((80, 60 + 70 * i), line, font=font, fill=0)
        images.append(img)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, format=fmt, dpi=(300, 300), save_all=pages > 1, append_images=images[1:],
                   **({"resolution": 300} if (fmt or path.suffix.lstrip(".")).upper() == "PDF" else {}))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """``vanban serve`` (or ``vanban worker``) as a real process in its own process group."""

    def __init__(self, data_dir: Path, log: Path, env: dict[str, str] | None = None, command: str = "serve",
                 extra_args: list[str] | None = None):
        self.port = free_port()
        self.data_dir, self.log_path = data_dir, log
        self.env = {**os.environ, "VANBAN_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(env or {})}
        args = ["--port", str(self.port), "--log-level", "info"] if command == "serve" else []
        self.argv = [sys.executable, "-m", "vanban", command, *args, *(extra_args or [])]
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, wait_ready: bool = True) -> "ServiceProcess":
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=ROOT, start_new_session=True)
        if wait_ready:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"service exited with {self.proc.returncode}: {self.log()}")
                try:
                    if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            raise RuntimeError(f"service did not start: {self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: the service and its page workers, as a power cut would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self._log.close()


def wait_until_finished(client: httpx.Client, job_ids: list[str], timeout: float = 180) -> dict[str, dict]:
    """Poll until every job is done or failed; returns their last status."""
    deadline = time.monotonic() + timeout
    states: dict[str, dict] = {}
    while time.monotonic() < deadline:
        for job_id in job_ids:
            if states.get(job_id, {}).get("status") not in ("done", "failed"):
                states[job_id] = client.get(f"/v1/documents/{job_id}").json()
        if all(s.get("status") in ("done", "failed") for s in states.values()) and len(states) == len(job_ids):
            return states
        time.sleep(0.3)
    raise AssertionError(f"jobs not finished in {timeout} s: {states}")
