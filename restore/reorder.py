"""Line order: put back runs of damaged lines that came out reversed or scrambled.

OCR of a damaged section can emit its lines bottom to top (seed 003, the Hải
Phòng page).  For every run of damaged lines we compare how well each line
joins the next, in the given order and reversed, with the language model
reading across the join (best accented or spelled reading of the last words
of one line and the first words of the next).  Across a blank line the join
is read as a paragraph end followed by a paragraph start.  A numbered heading
that OCR left on top of its own reversed paragraph is put back first, or, in a
section of several paragraphs read bottom to top, kept on top of its paragraph
(seed 003's "1. Lam ro ...").  A run is reversed only when the reversed order
reads clearly better.  Then, inside
each paragraph, blocks of up to three lines that OCR put out of place are
moved back, again only when the paragraph reads much better: text that reads
well is never moved.

What may move is bounded, because a wrong reorder scrambles the user's text:
only damaged lines move (a clean line never moves, and none moves across one);
a reversed run must look like what OCR reverses, the visual lines of one page
region (lines of about one width that break off mid-sentence), at most
``MAX_RUN`` of them; and the gain it must bring grows with its length.  Each
region's moves carry a confidence, the posterior of a reversal against its
prior (``RUN_COST`` nats per event); below the caller's threshold the move is
only reported, and the lines stay where they were.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import detect
from .candidates import CandidateGenerator
from .decode import decode
from .ngram import TOKEN_RE, NgramModel, lm_token

#: mean gain per join (natural log) a reversal must bring.  Dev (reversed runs put back of 72, whole
#: sections of 60, scrambled runs of 72, garbled paragraphs in order wrongly moved of 243): 1.0 -> 72, 60,
#: 58, 1; 1.5 -> 72, 60, 60, 0; 2.0 -> 72, 60, 60, 0; 3.0 -> 72, 60, 62, 0.  The middle of the plateau
MIN_GAIN_PER_JOIN = 2.0
#: a region whose last line does not end a sentence reads this much worse (natural log)
OPEN_END_PENALTY = 12.0
SENTENCE_END = (".", ";", ":", "!", "?", "…")
MIN_RUN = 3
#: a line that opens the region or a paragraph, or follows a full stop, in lower case (nats); dev: in-order
#: paragraphs wrongly reordered 2/72 -> 1/72 at 3 or 6, sections with the heading on top 58/60 -> 59/60 at 6
LOWER_CASE_START_PENALTY = 6.0
#: a line that opens with a number or a letter marker ("2. ", "b) ") right after a line that breaks off
#: mid-sentence (nats): an item or a heading opens a sentence, so it follows a sentence end, a blank line
#: or a heading ("Điều 15. Sử dụng ..." then "1. Khi ...").  Dev (seed 003's page put back of 69, scrambled
#: runs of 72; reversed runs, sections and in-order paragraphs unchanged at every value): 0 -> 49, 57;
#: 3 -> 57, 58; 6 -> 59, 60; 9 -> 61, 57
NUMBERED_AFTER_OPEN_PENALTY = 6.0
#: a block of up to three lines moves inside a paragraph only when the paragraph then reads this much
#: better (nats).  Dev, scrambled runs put back / in-order paragraphs left alone, stripped; garbled:
#: never -> 2/72, 71/72; 2/72, 71/72.  8 -> 50, 71; 35, 69.  10 -> 48, 71; 33, 70.  12 -> 44, 71; 31, 71
MIN_MOVE_GAIN = 12.0
#: OCR reverses a block as a whole, so two reversed runs side by side in one damaged region are read as
#: one reversed block unless they read better by this much (natural log) per extra run: a prior on
#: reversal events (about 1 in 20,000), not a value fitted to data; dev sections never split in two
RUN_COST = 10.0
#: a line that ends a sentence, or one that opens with a capital (a heading, a new sentence), says little
#: about which line comes next, so a run is judged only when at least this share of its lines break off
#: mid-sentence and as many (but one) go on in lower case, as the lines of a page do.  Without it, three
#: dev legal documents stripped of accents with one sentence per line (183, 314, 135 lines) had 22, 26
#: and 16 lines moved; with the first half of the rule, 12, 10 and 6 (headings in capitals)
MIN_OPEN_SHARE = 0.5
#: a reorder is made only when its posterior (``posterior``) is at least this: below, it is reported and
#: the lines stay.  The callers pass the larger of this and their own threshold
MIN_CONFIDENCE = 0.5
#: a line this short of nothing but codes ("VT, KT.") or that goes on in lower case ("đỏ.") may move with
#: the damaged line beside it.  Dev (--order-only): garbled sections 76 -> 92 of 97, seed-003 page layout
#: 44 -> 54 of 69 (our damage model leaves a paragraph's short last line accented); shuffled files unchanged
SHORT_FRAGMENT_WORDS = 2
#: OCR reverses the visual lines of a page region: lines of one width.  The lines of a run that break off
#: mid-sentence (all but a paragraph's last) must be at most this long (characters: an A4 line at 13 pt
#: holds about 90, a wide landscape table row 130) ...
MAX_LINE_CHARS = 130
#: ... and this close to their median length (shortest and longest as shares of it): text justified to
#: one width.  One paragraph per line, as converters write, is far from it
WIDTH_SPREAD = (0.5, 1.5)
#: longest run considered: a reversed OCR block is a section, not a whole document
MAX_RUN = 60
#: runs up to this long are always scored in full: their edges weigh as much as their inside
SHORT_RUN = 8
JOIN_WORDS = 3
#: what a line follows when it has no line before it in the region
REGION_START, PARAGRAPH_START = -1, -2
#: a numbered heading ("1. Lam ro ...", "II. NOI DUNG", "a) ..."): in a reversed section OCR may leave it on
#: top of its own paragraph instead of at the bottom, so a run may also be read as heading + the rest reversed
HEADING_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[IVX]{1,4}\.|[a-zđ]\))\s+\S")


@dataclass(frozen=True)
class Move:
    start: int  # first and last+1 input line index of the run
    end: int
    before: str
    after: str
    before_last: str  # the run's last input line (to compute its character span)
    confidence: float
    applied: bool = True


def posterior(gain: float, events: int) -> float:
    """How sure a reorder is: the reordered reading is ``gain`` nats likelier, against a prior of
    ``RUN_COST`` nats for each reversal or move it makes (OCR seldom reverses a block)."""
    evidence = gain - RUN_COST * max(1, events)
    return 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, evidence))))


def restore_order(lines: list[str], model: NgramModel, candidates: CandidateGenerator,
                  reports: list[detect.LineReport] | None = None,
                  min_confidence: float = MIN_CONFIDENCE) -> tuple[list[str], list[Move], list[int]]:
    """Lines in reading order, the moves found, and for each output line its input index.

    ``candidates`` gives the accented forms of the words at line edges, and lets misspelt ones
    ("nuroc") be read as the syllables they may stand for when joins are scored.
    ``reports``: the lines' ``detect.analyse_line`` reports, when the caller has them already.
    A move less confident than ``min_confidence`` is returned with ``applied=False`` and not made.
    """
    order = list(range(len(lines)))
    moves: list[Move] = []
    damaged = _damaged_lines(lines, [detect.analyse_line(ln) for ln in lines] if reports is None else reports,
                             candidates)
    i = 0
    while i < len(lines):
        if not damaged[i] or not lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and damaged[j]:
            j += 1
        while j > i and not lines[j - 1].strip():
            j -= 1  # a region ends on text, not on blank lines
        region = [k for k in range(i, j) if lines[k].strip()]
        if len(region) >= MIN_RUN:
            opens = [k > 0 and not lines[k - 1].strip() for k in region]
            preceding = lines[i - 1] if i > 0 and lines[i - 1].strip() else None  # the region continues it
            following = lines[j] if j < len(lines) and lines[j].strip() else None  # and runs on into it
            search = _RunSearch([lines[k] for k in region], model, candidates, opens, preceding, following)
            gain, events = 0.0, 0
            for run in _choose_runs(search):
                events += 1
                span = range(region[run.start], region[run.end - 1] + 1)
                # blank lines between paragraphs keep their mirrored places, as many as there were
                blanks = _blank_groups(lines, span)[::-1]
                new: list[int] = []
                for item in run.lines:
                    new.extend(blanks.pop(0) if item is None else [region[item]])
                order[span[0]:span[-1] + 1] = new
                gain += run.gain
            # then lines out of order inside a paragraph (scrambled rather than reversed)
            local = {k: r for r, k in enumerate(region)}
            p = i
            while p < j:
                q = p
                while q < j and lines[order[q]].strip():
                    q += 1
                para = [local[k] for k in order[p:q]]
                if q - p >= MIN_RUN and search.wrapped_lines(para) and search.goes_on(para):
                    better, para_gain = search.unscramble(para, REGION_START if p == i else PARAGRAPH_START,
                                                          closes_region=q == j)
                    if better is not None:
                        order[p:q] = [region[r] for r in better]
                        gain += para_gain
                        events += 1
                p = q + 1
            moved = [k for k in range(i, j) if order[k] != k]
            if moved:
                first, last = moved[0], moved[-1]
                confidence = posterior(gain, events)
                applied = confidence >= min_confidence
                moves.append(Move(first, last + 1, "\n".join(lines[first:last + 1]),
                                  "\n".join(lines[k] for k in order[first:last + 1]), lines[last],
                                  confidence=round(confidence, 4), applied=applied))
                if not applied:
                    order[i:j] = range(i, j)
        i = max(j, i + 1)
    return [lines[k] for k in order], moves, order


def _damaged_lines(lines: list[str], reports: list[detect.LineReport], candidates: CandidateGenerator) -> list[bool]:
    """Lines that may move: damaged ones and blank ones.  A clean line never moves, so it cuts a
    damaged block in two (the price: a sound line inside a reversed block stays where OCR put it).
    A line labelled foreign moves only when it is Vietnamese that OCR broke, not another language.  A
    fragment too short to be called clean moves with a damaged line beside it: one of nothing but codes
    ("VT, KT."), or the end of a sentence that goes on in lower case ("đỏ."): it is no line of its own."""
    movable = [not ln.strip() or (report.label not in detect.UNTOUCHED
                                  or (report.label == "foreign" and not _another_language(report, candidates)))
               for ln, report in zip(lines, reports)]
    out = list(movable)
    for k, (line, report) in enumerate(zip(lines, reports)):
        fragment = (report.label == "not-to-touch" or opens_in_lower_case(line)) and not movable[k]
        if fragment and len(line.split()) <= SHORT_FRAGMENT_WORDS and line.strip():
            out[k] = any(0 <= j < len(lines) and lines[j].strip() and movable[j] for j in (k - 1, k + 1))
    return out


#: a "foreign" line whose non-syllables (of two letters or more) are this often within two letters of a
#: syllable ("nuroc", "kih") is Vietnamese that OCR broke, and may move with its block.  Dev legal text in
#: lines of 12 words, garbled at 15 and 30 %: 72 lines labelled foreign, 54 pass
#: ``detect.may_be_broken_vietnamese``, 71 pass one or the other; 13 of 13 English and other-language lines
#: pass neither (the English ones had 0 to 0.75).  Dev order tests are unchanged by the rule
NEAR_SYLLABLE_SHARE = 0.8


def _another_language(report: detect.LineReport, candidates: CandidateGenerator) -> bool:
    """A line in another language (or an English name) stays where it is: it cuts a damaged block."""
    if report.label != "foreign" or detect.may_be_broken_vietnamese(report):
        return False
    broken = [w for w in report.words if w.label == "invalid" and len(w.text) > 1]  # "b" in "điểm b" is no clue
    return sum(bool(candidates.spelling(w.text)) for w in broken) < NEAR_SYLLABLE_SHARE * len(broken)


def _blank_groups(lines: list[str], span: range) -> list[list[int]]:
    """The blank lines inside a span, one group per break between paragraphs."""
    groups: list[list[int]] = []
    for k in span:
        if lines[k].strip():
            continue
        if groups and groups[-1][-1] == k - 1:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


@dataclass(frozen=True)
class _Run:
    """A run [start, end) of a region's lines read in a new order."""
    start: int
    end: int
    lines: tuple[int | None, ...]  # the run's lines in their new order; None: a paragraph break
    gain: float  # how much better the region reads (natural log)


def _choose_runs(search: "_RunSearch") -> list[_Run]:
    """Non-overlapping runs to reverse, each with its new order and its gain.

    Runs are taken greedily, best gain first.  When several are found, the one
    run that spans them all is taken instead unless they read clearly better
    (``RUN_COST``).
    """
    runs = search.greedy()
    whole = list(range(runs[0].start, runs[-1].end)) if runs else []
    if len(runs) < 2 or len(whole) > MAX_RUN or not (search.wrapped_lines(whole) and search.goes_on(whole)):
        return runs
    block = search.run(runs[0].start, runs[-1].end)
    if search.reading([block]) >= search.reading(runs) - RUN_COST * (len(runs) - 1):
        return [block]
    return runs


class _RunSearch:
    """Join scores between the lines of one damaged region, and the gain of reversing a run of them.

    ``score(a, b)`` is how well line b follows line a.  Reversing run [s, e)
    replaces the joins (s-1 -> s), (k -> k+1) inside and (e-1 -> e) by
    (s-1 -> e-1), (k+1 -> k) inside and (s -> e).  When the run holds a
    numbered heading h (s < h < e-1) that opens a paragraph (``opens``: the line
    follows a blank one), the order h, e-1, ..., h+1, h-1, ..., s is tried too:
    OCR left the heading on top of its reversed paragraph.  So is the reversal
    with every such heading (s <= h) moved back on top of its own paragraph, where
    the section had more paragraphs below it.
    """

    def __init__(self, lines: list[str], model: NgramModel, candidates: CandidateGenerator,
                 opens: list[bool] | None, preceding: str | None = None, following: str | None = None) -> None:
        n = self.n = len(lines)
        self.model = model
        # what the region's last line runs on into: the sound line just after it (a clean line cuts a block)
        self.after = None if following is None else _edge(following, candidates, last=False)
        self.after_lower = following is not None and opens_in_lower_case(following)
        self._tails: dict[int, float] = {}
        # what the region's first line follows: a sentence start, or the sound line just before the region
        self.before = [] if preceding is None else _edge(preceding, candidates, last=True)
        self.before_stops = preceding is None or preceding.rstrip().endswith((".", "!", "?"))
        self.ends = [_edge(ln, candidates, last=True) for ln in lines]
        self.starts = [_edge(ln, candidates, last=False) for ln in lines]
        self.closing = [0.0 if ln.rstrip().endswith(SENTENCE_END) else -OPEN_END_PENALTY for ln in lines]
        # OCR keeps case: a sentence opens with a capital, a number or a dash, not in lower case
        self.lower = [opens_in_lower_case(ln) for ln in lines]
        self.full_stop = [ln.rstrip().endswith((".", "!", "?")) for ln in lines]
        self.width = [len(ln.strip()) for ln in lines]
        self.numbered = [bool(HEADING_RE.match(ln)) for ln in lines]
        self.headings = [k for k in range(n) if opens and opens[k] and self.numbered[k]]
        self.heading_set = set(self.headings)
        # gap[k]: a blank line stands between lines k and k+1.  A reversal keeps blank lines in their
        # mirrored places, so whichever two lines meet across one meet as paragraph end and start
        self.gap = [bool(opens and opens[k + 1]) for k in range(n - 1)]
        self._cache: dict[tuple[int, int], float] = {}
        # prefix sums of the joins read backwards, join(k + 1, k), and forwards, join(k, k + 1), make
        # a run's inner gain O(1)
        self.backward = [0.0]
        self.forward = [0.0]
        for k in range(n - 1):
            self.backward.append(self.backward[-1] + self.join(k + 1, k, k))
            self.forward.append(self.forward[-1] + self.join(k, k + 1, k))

    def score(self, a: int, b: int) -> float:
        """How well line b follows line a; a may be REGION_START (what precedes the region: the sound
        line before it, or a sentence start) or PARAGRAPH_START (after a blank line)."""
        if (a, b) not in self._cache:
            # after a sentence that ends before the region, a line starts a sentence of its own, as after
            # a blank line: so paragraphs moved to the region's top read the same whichever comes first
            carries_on = a == REGION_START and not self.before_stops
            context = self.ends[a] if a >= 0 else self.before if carries_on else []
            value = _join(context, self.starts[b], self.model)
            stop = self.full_stop[a] if a >= 0 else self.before_stops if a == REGION_START else True
            if self.lower[b] and stop:
                value -= LOWER_CASE_START_PENALTY
            if self.numbered[b] and a >= 0 and self.closing[a] < 0 and not self.numbered[a]:
                value -= NUMBERED_AFTER_OPEN_PENALTY
            self._cache[(a, b)] = value
        return self._cache[(a, b)]

    def join(self, a: int, b: int, slot: int) -> float:
        """Line b after line a in the place of the join between input lines ``slot`` and ``slot + 1``."""
        if a >= 0 and 0 <= slot < self.n - 1 and self.gap[slot]:
            return self.closing[a] + self.score(PARAGRAPH_START, b)  # across a blank line: a ends a paragraph, b opens one
        return self.score(a, b)

    def tail(self, last: int, e: int) -> float:
        """The join out of a run whose new last line is ``last``; at the region's end, into the sound line
        after the region, or else it should close a sentence."""
        if e < self.n:
            return self.join(last, e, e - 1)
        if self.after is None:
            return self.closing[last]
        if last not in self._tails:
            value = _join(self.ends[last], self.after, self.model)
            if self.after_lower and self.full_stop[last]:
                value -= LOWER_CASE_START_PENALTY
            self._tails[last] = value
        return self._tails[last]

    def run(self, s: int, e: int) -> _Run:
        """The best way to reverse run [s, e), and how much better it reads: plainly, with a numbered
        heading put first, or with every numbered heading kept on top of its own paragraph."""
        fb, bw = self.forward, self.backward
        before = self.join(s - 1, s, s - 1) + self.tail(e - 1, e) + fb[e - 1] - fb[s]
        plain = self._reversed(s, e)
        options = [(plain, self.join(s - 1, e - 1, s - 1) + bw[e - 1] - bw[s] + self.tail(s, e))]
        inside = [h for h in self.headings if s <= h < e - 1]
        for h in inside:
            if h > s:
                seq = [k for k in plain if k != h]
                options.append(([h, *seq], self.join(s - 1, h, s - 1) + self.score(h, e - 1) + bw[e - 1]
                                - bw[h + 1] + self.join(h + 1, h - 1, h - 1) + bw[h - 1] - bw[s] + self.tail(s, e)))
        if inside:
            seq = self._headings_on_top(plain)
            options.append((seq, self._read_run(seq, s, e)))
        seq, read = max(options, key=lambda o: o[1])
        return _Run(s, e, tuple(seq), read - before)

    def _reversed(self, s: int, e: int) -> list[int | None]:
        """Lines e-1 down to s, with a paragraph break where a blank line's mirrored place is."""
        out: list[int | None] = []
        for k in range(e - 1, s - 1, -1):
            out.append(k)
            if k > s and self.gap[k - 1]:
                out.append(None)
        return out

    def _headings_on_top(self, seq: list[int | None]) -> list[int | None]:
        """A reversed run with each numbered heading moved back on top of its paragraph: reversed, a
        heading that opened its paragraph closes it."""
        out: list[int | None] = []
        para: list[int] = []
        for item in [*seq, None]:
            if item is not None:
                para.append(item)
                continue
            if len(para) > 1 and para[-1] in self.heading_set:
                para = [para[-1], *para[:-1]]
            out.extend(para)
            out.append(None)
            para = []
        return out[:-1]

    def _read_run(self, seq: list[int | None], s: int, e: int) -> float:
        """How well run [s, e) reads in the order ``seq``, with its joins to the lines around it."""
        total = self.join(s - 1, seq[0], s - 1)
        return total + self._walk(seq) + self.tail(seq[-1], e)

    def _walk(self, seq: list[int | None]) -> float:
        """The joins inside a sequence of lines; across a paragraph break, a paragraph end and start."""
        total, prev, blank = 0.0, None, False
        for item in seq:
            if item is None:
                blank = True
                continue
            if prev is not None:
                total += self.closing[prev] + self.score(PARAGRAPH_START, item) if blank else self.score(prev, item)
            prev, blank = item, False
        return total

    def wrapped(self, s: int, e: int) -> bool:
        """Lines [s, e) look like the visual lines of one region of a page: those that break off
        mid-sentence are of about one width, no wider than a page."""
        return self.wrapped_lines(range(s, e))

    def wrapped_lines(self, lines: range | list[int]) -> bool:
        """The lines that break off mid-sentence (numbered headings aside: a heading is a line of its
        own) are of about one width; none is wider than those nor than a page."""
        body = sorted(self.width[k] for k in lines if self.closing[k] < 0 and not self.numbered[k])
        if not body:
            return False
        median = body[len(body) // 2]
        low, high = WIDTH_SPREAD
        widest = max(self.width[k] for k in lines)
        return widest <= min(MAX_LINE_CHARS, high * median) and body[0] >= low * median

    def goes_on(self, lines: list[int]) -> bool:
        """Most of these lines break off mid-sentence and the next goes on in lower case, as the lines
        of a wrapped paragraph do: otherwise their joins cannot tell their order."""
        n = len(lines)
        return (sum(self.closing[k] < 0 for k in lines) >= MIN_OPEN_SHARE * n
                and sum(self.lower[k] for k in lines) >= MIN_OPEN_SHARE * n - 1)

    def greedy(self) -> list[_Run]:
        found: list[_Run] = []
        taken = [False] * self.n
        open_before, lower_before = [0], [0]  # lines before k that break off mid-sentence, that go on in lower case
        for value, lower in zip(self.closing, self.lower):
            open_before.append(open_before[-1] + (value < 0))
            lower_before.append(lower_before[-1] + lower)
        while True:
            best = None
            for s in range(self.n):
                for e in range(s + MIN_RUN, min(self.n, s + MAX_RUN) + 1):
                    if any(taken[s:e]):
                        break
                    if (open_before[e] - open_before[s] < MIN_OPEN_SHARE * (e - s)
                            or lower_before[e] - lower_before[s] < MIN_OPEN_SHARE * (e - s) - 1):
                        continue  # mostly whole sentences or headings: the joins cannot tell their order
                    if not self.wrapped(s, e):
                        continue  # not the visual lines of one page region: OCR did not reverse them
                    inside = self.backward[e - 1] - self.backward[s] - (self.forward[e - 1] - self.forward[s])
                    if inside <= 0 and e - s > SHORT_RUN:
                        continue  # a long run that reads worse inside cannot be a reversed block
                    run = self.run(s, e)
                    joins = (e - s) + (e < self.n)
                    if run.gain >= MIN_GAIN_PER_JOIN * joins and (best is None or run.gain > best.gain):
                        best = run
            if best is None:
                return sorted(found, key=lambda r: r.start)
            found.append(best)
            for k in range(best.start, best.end):
                taken[k] = True


    def unscramble(self, para: list[int], opening: int, closes_region: bool = False) -> tuple[list[int] | None, float]:
        """One paragraph's lines (in their current order) reordered by moving blocks of up to three
        lines, while a move makes it read better by MIN_MOVE_GAIN; None when nothing moved.
        ``opening``: REGION_START or PARAGRAPH_START, what the paragraph's first line follows;
        ``closes_region``: its last line runs on into what follows the region."""
        if len(para) > MAX_RUN:
            return None, 0.0
        end = self.n  # stands for the paragraph's end: the last line should close a sentence

        def join(a: int, b: int) -> float:
            if b == end:
                return self.tail(a, self.n) if closes_region else self.closing[a]
            return self.score(a, b)

        current, total = list(para), 0.0
        for _ in range(len(para)):
            best = None
            padded = [opening, *current, end]
            for s in range(1, len(padded) - 1):
                for e in range(s + 1, min(s + 4, len(padded) - 1)):
                    before, first, last, after = padded[s - 1], padded[s], padded[e - 1], padded[e]
                    taken_out = join(before, after) - join(before, first) - join(last, after)
                    rest = padded[:s] + padded[e:]
                    for k in range(1, len(rest)):  # insert between rest[k-1] and rest[k]
                        if k == s:
                            continue  # its own place
                        x, y = rest[k - 1], rest[k]
                        gain = taken_out + join(x, first) + join(last, y) - join(x, y)
                        if gain >= MIN_MOVE_GAIN and (best is None or gain > best[0]):
                            best = (gain, rest[1:k] + padded[s:e] + rest[k:-1])
            if best is None:
                break
            total += best[0]
            current = best[1]
        return (current, total) if current != para else (None, 0.0)

    def reading(self, runs: list[_Run]) -> float:
        """How well the whole region reads with these runs in their new order."""
        seq: list[int | None] = []  # line numbers, None for a paragraph break
        for k in range(self.n):
            seq.append(k)
            if k < self.n - 1 and self.gap[k]:
                seq.append(None)
        for run in runs:
            a, b = seq.index(run.start), seq.index(run.end - 1)
            seq[a:b + 1] = run.lines
        return self._read_run(seq, 0, self.n)


def opens_in_lower_case(line: str) -> bool:
    """A line that goes on with a sentence: OCR keeps case, and a sentence opens with a capital, a number
    or a dash.  A list marker ("d) ", "a. ") opens an item, not a continuation."""
    chunk = detect.CHUNK_RE.search(line)
    first = chunk.group()[:1] if chunk else ""
    return first.isalpha() and first.islower() and not detect.LINE_MARKER_RE.fullmatch(chunk.group())


def _edge(line: str, candidates: CandidateGenerator, last: bool) -> list[list[str]]:
    """Candidates for the first or last tokens of a line (punctuation included: it marks sentence ends)."""
    toks = TOKEN_RE.findall(line)
    toks = toks[-JOIN_WORDS:] if last else toks[:JOIN_WORDS]
    out = []
    for tok in toks:
        forms = []
        if tok.isalpha():
            # commonest first, so that the cut below keeps "đại" and "nội"
            forms = candidates.accent_forms(tok) or candidates.spelling(tok)[:4]
        out.append(forms[:8] or [lm_token(tok)])
    return out


def _join(end: list[list[str]], start: list[list[str]], model: NgramModel) -> float:
    """log P(start | end) under the best accented readings of both sides."""
    if not start:
        return 0.0
    if not end:
        return _path_score(model, start, decode(model, start).best)
    both = decode(model, end + start)
    alone = decode(model, end)
    return _path_score(model, end + start, both.best) - _path_score(model, end, alone.best)


def _path_score(model: NgramModel, cands: list[list[str]], best: list[int]) -> float:
    return model.score_tokens([c[b] for c, b in zip(cands, best)])
