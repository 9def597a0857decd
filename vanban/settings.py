"""Service settings, read from the environment in one place (see README, "Service")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from ocr.errors import BadArgsError

MB = 1024 * 1024
#: files a job can make besides result.txt and result.json (GET /v1/documents/{id}/pdf, /hocr, /alto)
EXTRA_FORMATS = ("pdf", "hocr", "alto")


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the HTTP service and its workers can be told; one instance per process."""

    data_dir: Path = Path("vanban-data")
    api_key: str | None = None
    redis_url: str | None = None
    max_upload_bytes: int = 50 * MB
    max_pages: int = 300
    max_queue: int = 100
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    keep_days: float = 7.0
    max_wait_seconds: float = 60.0
    lang: str = "vie"
    repair: bool = True
    #: what to do with PDFs' own text layers: auto, use or ignore (see vanban.textlayer)
    text_layer: str = "auto"
    #: a running job whose worker has not renewed its lease for this long is given to another worker
    lease_seconds: float = 30.0
    #: which of EXTRA_FORMATS every job writes (VANBAN_EXTRA_FORMATS, comma-separated; "none" for none)
    extra_formats: tuple[str, ...] = EXTRA_FORMATS
    #: the searchable PDF is PDF/A-2b (VANBAN_PDFA=0: a plain PDF)
    pdfa: bool = True
    #: extra formats are made when first asked for (GET .../pdf), then kept; VANBAN_EXTRA_ON_REQUEST=0
    #: makes them at the end of every job (a PDF costs about 0.5 s of CPU, a third of a page's OCR)
    extra_on_request: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "ServiceSettings":
        """Settings from ``VANBAN_*`` variables; a bad value is a BadArgsError that names the variable."""
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("VANBAN_DATA_DIR"):
            values["data_dir"] = Path(env["VANBAN_DATA_DIR"])
        if env.get("VANBAN_API_KEY"):
            values["api_key"] = env["VANBAN_API_KEY"]
        if env.get("VANBAN_REDIS_URL"):
            values["redis_url"] = env["VANBAN_REDIS_URL"]
        if env.get("VANBAN_LANG"):
            values["lang"] = env["VANBAN_LANG"]
        numbers = {
            "VANBAN_MAX_UPLOAD_MB": ("max_upload_bytes", lambda v: int(float(v) * MB), 0.001),
            "VANBAN_MAX_PAGES": ("max_pages", int, 1),
            "VANBAN_MAX_QUEUE": ("max_queue", int, 1),
            "VANBAN_WORKERS": ("workers", int, 0),
            "VANBAN_KEEP_DAYS": ("keep_days", float, 0),
            "VANBAN_MAX_WAIT": ("max_wait_seconds", float, 0),
            "VANBAN_LEASE_SECONDS": ("lease_seconds", float, 1),
        }
        for name, (attr, convert, minimum) in numbers.items():
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            try:
                value = convert(raw)
                if float(raw) < minimum:
                    raise ValueError
            except ValueError:
                raise BadArgsError(f"environment variable {name}={raw!r} must be a number, at least {minimum}") from None
            values[attr] = value
        if env.get("VANBAN_REPAIR", "").strip().lower() in ("0", "no", "false", "off"):
            values["repair"] = False
        if env.get("VANBAN_TEXT_LAYER", "").strip():
            mode = env["VANBAN_TEXT_LAYER"].strip().lower()
            if mode not in ("auto", "use", "ignore"):
                raise BadArgsError(f"environment variable VANBAN_TEXT_LAYER={env['VANBAN_TEXT_LAYER']!r} "
                                   "must be auto, use or ignore")
            values["text_layer"] = mode
        raw_formats = env.get("VANBAN_EXTRA_FORMATS")
        if raw_formats is not None:
            wanted = tuple(dict.fromkeys(f.strip().lower() for f in raw_formats.split(",") if f.strip()))
            wanted = tuple(f for f in wanted if f != "none")
            bad = [f for f in wanted if f not in EXTRA_FORMATS]
            if bad:
                raise BadArgsError(f"environment variable VANBAN_EXTRA_FORMATS={raw_formats!r}: unknown format "
                                   f"{', '.join(bad)}; choose from {', '.join(EXTRA_FORMATS)} or none")
            values["extra_formats"] = wanted
        if env.get("VANBAN_PDFA", "").strip().lower() in ("0", "no", "false", "off"):
            values["pdfa"] = False
        if env.get("VANBAN_EXTRA_ON_REQUEST", "").strip().lower() in ("0", "no", "false", "off"):
            values["extra_on_request"] = False
        values.update(overrides)
        return cls(**values)

    def with_changes(self, **changes) -> "ServiceSettings":
        return replace(self, **changes)

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def queue_file(self) -> Path:
        return self.data_dir / "queue.sqlite3"
