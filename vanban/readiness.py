"""Is this process able to do its work?  Used by ``/readyz`` and the Docker smoke test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ocr import poppler, tesseract
from ocr.errors import VanbanError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def repair_model_status() -> tuple[bool, str]:
    """Ask ``restore`` whether its repair model is loaded.

    The one place that knows how, so it follows ``restore``'s API: an explicit
    readiness probe (``model_ready() -> (bool, str)`` or ``is_ready() -> bool``)
    if restore ever exposes one, else loading the committed model with
    ``load_restorer()`` (cached per process), else nothing to wait for.
    """
    import restore

    for name in ("model_ready", "is_ready"):
        probe = getattr(restore, name, None)
        if callable(probe):
            answer = probe()
            if isinstance(answer, tuple):
                return bool(answer[0]), str(answer[1])
            return bool(answer), "repair model loaded" if answer else "repair model not loaded"
    load = getattr(restore, "load_restorer", None)
    if callable(load):
        restorer = load()
        if restorer is None:
            return False, "the repair model is missing (models/ of the package, or VANBAN_MODELS_DIR)"
        return True, f"repair model loaded: {getattr(restorer, 'name', 'restorer')}"
    return True, "no repair model required yet (restore passes text through)"


def run_checks(lang: str = "vie", extra: dict[str, Callable[[], None]] | None = None,
               repair: bool = True) -> list[Check]:
    """Tesseract with its language and ``osd`` data, poppler, the repair model (unless ``repair`` is off),
    and ``extra`` probes (each raises when its thing is not usable)."""
    checks: list[Check] = []
    try:
        found = tesseract.check(lang, need_osd=True)
        checks.append(Check("tesseract", True, f"tesseract {found.version} with {lang} and osd data"))
    except VanbanError as exc:
        checks.append(Check("tesseract", False, str(exc)))
    try:
        poppler.check()
        checks.append(Check("poppler", True, "pdfinfo and pdftoppm found"))
    except VanbanError as exc:
        checks.append(Check("poppler", False, str(exc)))
    if repair:
        try:
            ok, detail = repair_model_status()
        except Exception as exc:  # a broken model must make the service not ready, not crash the probe
            ok, detail = False, f"repair model failed to load: {exc}"
        checks.append(Check("repair_model", ok, detail))
    else:
        checks.append(Check("repair_model", True, "repair is switched off (VANBAN_REPAIR=0)"))
    for name, probe in (extra or {}).items():
        try:
            probe()
            checks.append(Check(name, True, "ok"))
        except Exception as exc:
            checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
    return checks
