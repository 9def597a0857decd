"""Stage 6, layout: put recognised lines into reading order and paragraphs.

An official page has a two-column header (issuing body and number on the
left, national motto, place and date on the right) and often a two-column
foot ("Nơi nhận:" left, signature right).  Those columns are read as a left
block then a right block, never line by line across the gutter.  Body lines
are re-joined into one paragraph per line; headings and column lines stay one
per line.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .document import Block, Box, Line

#: a row whose halves are this many line heights apart has two columns
GUTTER_GAP = 2.0
#: a zone needs this many rows (one of them with two columns) to be a header or signature block;
#: a lone wide gap inside a justified body line is not a zone
MIN_ZONE_ROWS = 2
#: a zone survives a gap this many line heights tall: the space left for a signature and seal
MAX_ZONE_GAP = 12.0
LIST_MARKER = re.compile(r"^([-+•–*]|\d+(\.\d+)*[.)]|[IVXLC]+[.\-–]|[a-zđ]\)|Điều\s+\d+)")


@dataclass
class _Row:
    lines: list[Line]  # left to right

    @property
    def box(self) -> Box:
        return Box.union([ln.box for ln in self.lines])


def arrange(lines: list[Line], page_width: int) -> list[Block]:
    """Blocks in reading order: column zones as left then right, the rest as paragraphs."""
    lines = [ln for ln in lines if ln.words]
    if not lines:
        return []
    height = statistics.median(ln.box.height for ln in lines)
    rows = _rows(lines)
    blocks: list[Block] = []
    body: list[Line] = []
    i = 0
    seen_body = False
    while i < len(rows):
        zone_end, gutter = _zone(rows, i, height)
        if gutter is None:
            body.append(_merge(rows[i].lines))
            i += 1
            continue
        blocks.extend(_paragraphs(body, height))
        seen_body = seen_body or bool(body)
        body = []
        left, right = _split_zone(rows[i:zone_end], gutter)
        prefix = "column" if seen_body else "header"
        if left:
            blocks.append(Block(f"{prefix}-left", left, Box.union([ln.box for ln in left])))
        if right:
            blocks.append(Block(f"{prefix}-right", right, Box.union([ln.box for ln in right])))
        i = zone_end
    blocks.extend(_paragraphs(body, height))
    return blocks


def _rows(lines: list[Line]) -> list[_Row]:
    """Lines that share a baseline band, whatever block Tesseract put them in."""
    rows: list[_Row] = []
    for line in sorted(lines, key=lambda ln: (ln.box.top, ln.box.left)):
        placed = False
        for row in reversed(rows[-3:]):
            rb = row.box
            overlap = min(rb.bottom, line.box.bottom) - max(rb.top, line.box.top)
            if overlap > 0.5 * min(rb.height, line.box.height) and not _overlaps_x(row, line):
                row.lines.append(line)
                row.lines.sort(key=lambda ln: ln.box.left)
                placed = True
                break
        if not placed:
            rows.append(_Row([line]))
    rows.sort(key=lambda r: r.box.top)
    return rows


def _overlaps_x(row: _Row, line: Line) -> bool:
    return any(min(ln.box.right, line.box.right) > max(ln.box.left, line.box.left) for ln in row.lines)


def _widest_gap(row: _Row) -> tuple[int, float] | None:
    """(gap width, gutter x) of the widest gap between the row's pieces."""
    best = None
    for a, b in zip(row.lines, row.lines[1:]):
        gap = b.box.left - a.box.right
        if best is None or gap > best[0]:
            best = (gap, (a.box.right + b.box.left) / 2)
    return best


def _zone(rows: list[_Row], start: int, height: float) -> tuple[int, float | None]:
    """End index and gutter of a two-column zone starting at ``start``, if one does."""
    first = _widest_gap(rows[start])
    if first is None or first[0] < GUTTER_GAP * height:
        return start, None
    gutter = first[1]
    two_column = 0
    end = start
    prev_bottom = rows[start].box.top
    for j in range(start, len(rows)):
        row = rows[j]
        if row.box.top - prev_bottom > MAX_ZONE_GAP * height:
            break
        gap = _widest_gap(row)
        if gap is not None and gap[0] >= GUTTER_GAP * height:
            pieces_left = [ln for ln in row.lines if ln.box.right <= gutter + height]
            pieces_right = [ln for ln in row.lines if ln.box.left >= gutter - height]
            if len(pieces_left) + len(pieces_right) < len(row.lines):
                break  # a piece straddles the gutter: the zone is over
            two_column += 1
        elif any(ln.box.left < gutter - height and ln.box.right > gutter + height for ln in row.lines):
            break  # a single line across the gutter (title, body text) ends the zone
        end = j + 1
        prev_bottom = row.box.bottom
    if two_column < 1 or end - start < MIN_ZONE_ROWS:
        return start, None
    return end, gutter


def _split_zone(rows: list[_Row], gutter: float) -> tuple[list[Line], list[Line]]:
    left: list[Line] = []
    right: list[Line] = []
    for row in rows:
        lside = [ln for ln in row.lines if (ln.box.left + ln.box.right) / 2 < gutter]
        rside = [ln for ln in row.lines if (ln.box.left + ln.box.right) / 2 >= gutter]
        if lside:
            left.append(_merge(lside))
        if rside:
            right.append(_merge(rside))
    return left, right


def _merge(lines: list[Line]) -> Line:
    if len(lines) == 1:
        return lines[0]
    words = [w for ln in sorted(lines, key=lambda ln: ln.box.left) for w in ln.words]
    return Line(words=words, box=Box.union([ln.box for ln in lines]))


def _paragraphs(lines: list[Line], height: float) -> list[Block]:
    """Re-join body lines into paragraphs by indent, short last lines, gaps and centring."""
    if not lines:
        return []
    lefts = sorted(ln.box.left for ln in lines)
    rights = sorted(ln.box.right for ln in lines)
    margin_left = lefts[len(lefts) // 10]
    margin_right = rights[(len(rights) * 9) // 10]
    width = max(1, margin_right - margin_left)
    pitches = [b.box.top - a.box.top for a, b in zip(lines, lines[1:]) if b.box.top > a.box.top]
    pitch = statistics.median(pitches) if pitches else 2 * height

    def centred(ln: Line) -> bool:
        lgap, rgap = ln.box.left - margin_left, margin_right - ln.box.right
        return lgap > 2 * height and rgap > 2 * height and abs(lgap - rgap) < max(1.5 * height, 0.08 * width)

    def full(ln: Line) -> bool:
        return margin_right - ln.box.right < 0.6 * height

    blocks: list[Block] = []
    current: list[Line] = []
    kind = "paragraph"
    for line in lines:
        is_centred = centred(line)
        if current:
            prev = current[-1]
            if kind == "heading":  # centred title lines keep the line breaks the author chose
                breaks = True
            else:
                breaks = (
                    is_centred
                    or line.box.left - margin_left > 0.6 * height
                    or margin_right - prev.box.right > 2.5 * height
                    or (LIST_MARKER.match(line.text) is not None and not full(prev))
                )
            breaks = breaks or line.box.top - prev.box.top > 1.6 * pitch
            if breaks:
                blocks.append(_block(kind, current))
                current = []
        if not current:
            kind = "heading" if is_centred else "paragraph"
        current.append(line)
    if current:
        blocks.append(_block(kind, current))
    return blocks


def _block(kind: str, lines: list[Line]) -> Block:
    return Block(kind, list(lines), Box.union([ln.box for ln in lines]))
