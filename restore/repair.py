"""Repair entry point used by the pipeline.

The trained restorer (line order, diacritics, OCR misspellings) is not in this
release yet; until it is, ``repair`` normalises to NFC and changes nothing
else, and says so in its result, so the pipeline and its outputs already have
their final shape.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    start: int  # character offsets in the input text
    end: int
    before: str
    after: str
    confidence: float
    kind: str  # accent / spelling / reorder


@dataclass
class RepairResult:
    text: str
    changes: list[Change] = field(default_factory=list)
    model: str | None = None
    note: str = ""


def repair(text: str) -> RepairResult:
    """Repaired text and the log of every change made (none without a model)."""
    return RepairResult(
        text=unicodedata.normalize("NFC", text),
        model=None,
        note="no repair model is installed in this version; text passed through unchanged",
    )
