"""Shared fixtures: the bundled samples, their ground truth, and one OCR run of them all."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def load_make_samples():
    """samples/make_samples.py as a module (it is a script folder, not a package)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_samples", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def make_samples():
    return load_make_samples()


@pytest.fixture(scope="session")
def manifest() -> dict[str, dict]:
    data = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    items = data["samples"] if isinstance(data, dict) and "samples" in data else data
    return {item["file"]: item for item in items}


def ground_truth(name: str) -> str:
    stem = name if name.endswith((".pdf", ".tif")) else Path(name).stem
    return (SAMPLES / f"{stem}.gt.txt").read_text(encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def sample_batch(tmp_path_factory):
    """Every sample through the real pipeline once (2 workers), shared by the tests that read results."""
    from vanban.pipeline import Options, run_batch

    out = tmp_path_factory.mktemp("sample-out")
    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg", ".pdf", ".tif"))
    before = {n: sha256(SAMPLES / n) for n in names}
    batch = run_batch([str(SAMPLES / n) for n in names], out, Options(jobs=2))
    after = {n: sha256(SAMPLES / n) for n in names}
    assert before == after, "the pipeline modified an input file"
    return {Path(f.path).name: f for f in batch.files}, out
