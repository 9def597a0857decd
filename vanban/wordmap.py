"""Every OCR word with its final (repaired) spelling, so outputs with boxes carry vanban's text.

``restore.repair`` works on the document's text and reports its changes as
character spans of that text; the searchable PDF, hOCR and ALTO need the
same result word by word, each word at the box Tesseract gave it.  This module
is the one place that maps one onto the other.

Rules:

* A word not touched by an applied spelling/accent change keeps its OCR text.
* A change inside one word (or covering exactly that word) rewrites that word.
* A change that covers several words gives each word one of its output tokens
  when the counts agree ("c ủa" -> "cu a" would be two for two); otherwise the
  first word gets the whole output and the others become '' (a join:
  "c ủa" -> "của"), so the text is never doubled.
* Reorder changes move whole text lines; words keep their boxes and their text,
  and ``rank`` gives each word's line its place in the REPAIRED order, which the
  text layer follows in its content stream (see ``pdf_output``).
* Flagged (not applied) changes are ignored, as in the ``.txt``.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

from ocr.document import Document


@dataclass(frozen=True)
class FinalWord:
    page: int  # index into doc.pages
    block: int  # index into page.blocks
    line: int  # index into block.lines
    word: int  # index into line.words
    ocr: str  # the word as recognised (NFC)
    text: str  # its final spelling; '' when a repair joined it onto the word before
    start: int  # span of the OCR word in ``ocr_text``
    end: int
    rank: int  # index of its text line in the repaired text (reading order after reorder)


def final_words(doc: Document, ocr_text: str, repaired=None) -> list[FinalWord]:
    """One FinalWord per OCR word found in ``ocr_text``, in document order.

    ``ocr_text`` is the NFC text the repair was given (``Document.text``);
    ``repaired`` is a ``restore.RepairResult`` or None (no repair: OCR text,
    OCR order).  Words are found left to right as ``pipeline.low_confidence_spans``
    finds them; a word that cannot be found (it never should) is left out.
    """
    located: list[tuple[int, int, int, int, str, int, int]] = []
    cursor = 0
    for p, page in enumerate(doc.pages):
        for b, block in enumerate(page.blocks):
            for ln, line in enumerate(block.lines):
                for w, word in enumerate(line.words):
                    needle = unicodedata.normalize("NFC", word.text)
                    if not needle:
                        continue
                    at = ocr_text.find(needle, cursor)
                    if at < 0:
                        continue
                    cursor = at + len(needle)
                    located.append((p, b, ln, w, needle, at, cursor))

    changes = [] if repaired is None else [c for c in repaired.changes if c.applied]
    edits = sorted((c for c in changes if c.kind != "reorder"), key=lambda c: c.start)
    texts = [loc[4] for loc in located]
    inside: dict[int, list] = {}
    for change in edits:
        covered = [i for i, loc in enumerate(located) if loc[5] < change.end and change.start < loc[6]]
        if not covered:
            continue
        if len(covered) == 1:
            inside.setdefault(covered[0], []).append(change)
            continue
        first, last = located[covered[0]], located[covered[-1]]
        head = ocr_text[first[5]:change.start] if change.start > first[5] else ""
        tail = ocr_text[change.end:last[6]] if change.end < last[6] else ""
        tokens = change.after.split()
        if len(tokens) == len(covered) and not head and not tail:
            for i, token in zip(covered, tokens):
                texts[i] = token
        else:
            texts[covered[0]] = head + change.after + tail
            for i in covered[1:]:
                texts[i] = ""
    for i, word_changes in inside.items():
        start, end = located[i][5], located[i][6]
        text = located[i][4]
        for change in sorted(word_changes, key=lambda c: c.start, reverse=True):  # right to left: offsets hold
            a, z = max(change.start, start) - start, min(change.end, end) - start
            text = text[:a] + change.after + text[z:]
        texts[i] = text

    order = _line_order(ocr_text, [c for c in changes if c.kind == "reorder"])
    line_starts = _line_starts(ocr_text)
    out = []
    for loc, text in zip(located, texts):
        line_no = _line_of(line_starts, loc[5])
        out.append(FinalWord(loc[0], loc[1], loc[2], loc[3], loc[4], text, loc[5], loc[6],
                             order.get(line_no, line_no)))
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _line_order(text: str, reorders: list) -> dict[int, int]:
    """Input line index -> its index in the repaired text, for the lines a reorder moved.

    A move's ``before`` and ``after`` are the same lines in two orders; each
    line of ``after`` is matched to the first unused equal line of ``before``.
    """
    starts = _line_starts(text)
    order: dict[int, int] = {}
    for change in reorders:
        first = _line_of(starts, change.start)
        before = change.before.split("\n")
        after = change.after.split("\n")
        used: set[int] = set()
        for new_index, line in enumerate(after):
            for old_index, old in enumerate(before):
                if old_index not in used and old == line:
                    used.add(old_index)
                    order[first + old_index] = first + new_index
                    break
    return order
