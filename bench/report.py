"""docs/benchmarks.md holds one section per benchmark; each run replaces only its own."""

from __future__ import annotations

from pathlib import Path


def update_section(path: Path, heading: str, section: str) -> None:
    """Replace the section that starts with ``heading`` (up to the next '## ') or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    body = section.rstrip("\n") + "\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body
    else:
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + body + ("\n" + text[nxt + 1:] if nxt >= 0 else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def publish(report: str, path: Path | None, heading: str) -> None:
    """Print a benchmark's section, and write it into ``path`` when one is given."""
    print(report)
    if path:
        update_section(path, heading, report)


def pct(x: float) -> str:
    return f"{100 * x:.2f} %"
