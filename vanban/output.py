"""Where results go, written so that a crash never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place (text as UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with (os.fdopen(fd, "wb") if isinstance(data, bytes) else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def output_stems(inputs: list[tuple[Path, Path | None]], outdir: Path) -> dict[Path, Path]:
    """Map each input file to its output path without extension.

    ``inputs`` pairs each file with the folder it was found under (None when it
    was named directly), so a folder's sub-folders are mirrored in OUTDIR.  Two
    inputs that would share a name ("a.pdf" and "a.tif") keep their extension
    ("a.pdf.txt", "a.tif.txt") instead of overwriting each other.
    """
    wanted: dict[Path, Path] = {}
    for path, root in inputs:
        rel = path.relative_to(root).parent if root is not None else Path()
        wanted[path] = outdir / rel / path.stem
    counts: dict[Path, int] = {}
    for stem in wanted.values():
        counts[stem] = counts.get(stem, 0) + 1
    result: dict[Path, Path] = {}
    taken: set[Path] = set()
    for path, stem in wanted.items():
        out = stem.with_name(path.name) if counts[stem] > 1 else stem
        n = 2
        while out in taken:  # same file name in two folders named on the command line
            out = stem.with_name(f"{path.name}-{n}")
            n += 1
        taken.add(out)
        result[path] = out
    return result
