"""The positions of a line being repaired: one LM token each, with its candidates."""

from __future__ import annotations

from dataclasses import dataclass

from . import detect


@dataclass(frozen=True)
class Position:
    """One LM token of a line being repaired."""

    start: int  # span of the word in the line
    end: int
    text: str
    cands: list[str]  # LM-token candidates (one: fixed)
    editable: bool
    part: int | None = None  # 0 or 1 for the halves of a word being split
    channel: tuple[float, ...] | None = None  # log P(what OCR wrote | candidate), for a word OCR read
    projected: bool = False  # the candidates are the syllables a Latin-1 OCR may have written so (latin1)


def lone(positions: list[Position], i: int, by_start: dict[int, detect.Word]) -> bool:
    """True when neither neighbouring word is also unmarked or broken.  Punctuation, numbers and codes
    are looked past: in "nhân luc, tien, hien vat" the stripped words are each other's neighbours."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(positions):
            word = by_start.get(positions[j].start)
            if word is not None and word.label != "protected":
                if word.label in ("plain", "partial", "invalid"):
                    return False
                break
            j += step
    return True
