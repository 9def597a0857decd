"""One small progress interface, so the CLI, the service and tests can swap it."""

from __future__ import annotations

import sys
import time
from typing import Protocol


class Progress(Protocol):
    def add_total(self, pages: int) -> None: ...
    def advance(self, pages: int = 1) -> None: ...
    def note(self, message: str) -> None: ...
    def close(self) -> None: ...


class NullProgress:
    """Silent, but counts, so callers (and tests) can read what happened."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.notes: list[str] = []

    def add_total(self, pages: int) -> None:
        self.total += pages

    def advance(self, pages: int = 1) -> None:
        self.done += pages

    def note(self, message: str) -> None:
        self.notes.append(message)

    def close(self) -> None:
        pass


class BarProgress:
    """A terminal bar: pages done, pages per minute and time left."""

    def __init__(self, stream=None) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no helper thread: worker processes are spawned later
        self._start = time.monotonic()
        self._bar = tqdm(
            total=0, unit="page", file=stream or sys.stderr, dynamic_ncols=True,
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} pages [{elapsed}<{remaining}{postfix}]",
        )

    def add_total(self, pages: int) -> None:
        self._bar.total = (self._bar.total or 0) + pages
        self._bar.refresh()

    def advance(self, pages: int = 1) -> None:
        self._bar.update(pages)
        minutes = max(time.monotonic() - self._start, 1e-6) / 60
        self._bar.set_postfix_str(f"{self._bar.n / minutes:.1f} pages/min", refresh=True)

    def note(self, message: str) -> None:
        self._bar.write(message, file=sys.stderr)

    def close(self) -> None:
        self._bar.close()
