"""List markers: "d)" that stands for "đ)".

Vietnamese lists run a) b) c) d) đ) e), so a damaged line opening "d)" right after a list item "d)"
lost its stroke with its accents.  The marker is read as OCR and typists write it: "d)", "d." (lower
case only: "D." opens a name), glued to its first word ("d)Các"), the item before it any number of
lines and paragraphs up.  Only damaged lines, and lines of nothing but numbers and codes ("d) 2.000.000
VND", where no accent tells whether they were stripped), are changed: a clean line keeps its marker.
"""

from __future__ import annotations

import re

#: a list marker at the start of a line: "d)", "d)Các", "d. " (not "d.Các": "v.v.", "đ.c")
MARKER_RE = re.compile(r"\s*(?:([a-zđ])\)|([A-ZĐ])\)|([a-zđ])\.(?=\s|$))")
STROKED = {"d": "đ", "D": "Đ"}
#: a rule, not a model: one fixed confidence, above the default threshold so the repair is applied
#: unless the user asks for more
MARKER_CONFIDENCE = 0.95


def repeated_d(lines: list[str], changeable: set[int]) -> list[tuple[int, int]]:
    """(line, offset) of the markers "d" to read "đ": those right after a list item "d", in the lines
    ``changeable`` (the damaged ones)."""
    found, previous = [], None
    for index, line in enumerate(lines):
        m = MARKER_RE.match(line)
        if m is None:
            continue
        at = next(m.start(g) for g in (1, 2, 3) if m.group(g))
        letter = line[at]
        if index in changeable and letter in STROKED and previous == letter:
            found.append((index, at))
            letter = STROKED[letter]
        previous = letter
    return found
