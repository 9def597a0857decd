"""Line order: put back runs of damaged lines that came out reversed.

OCR of a damaged section can emit its lines bottom to top (seed 003, the Hải
Phòng page).  For every run of damaged lines we compare how well each line
joins the next, in the given order and reversed, with the language model
reading across the join (best accented reading of the last two words of one
line and the first two of the next).  A run is reversed only when the
reversed order reads clearly better; text that reads well is never moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import detect
from . import vietnamese as vn
from .decode import decode
from .ngram import TOKEN_RE, NgramModel, lm_token

#: mean gain per join (natural log) a reversal must bring
MIN_GAIN_PER_JOIN = 1.0
#: a region whose last line does not end a sentence reads this much worse (natural log)
OPEN_END_PENALTY = 12.0
SENTENCE_END = (".", ";", ":", "!", "?", "…")
MIN_RUN = 3
#: longest run considered: a reversed OCR block is a section, not a whole document
MAX_RUN = 60
#: runs up to this long are always scored in full: their edges weigh as much as their inside
SHORT_RUN = 8
JOIN_WORDS = 3


@dataclass(frozen=True)
class Move:
    start: int  # first and last+1 input line index of the run
    end: int
    before: str
    after: str
    before_last: str  # the run's last input line (to compute its character span)
    confidence: float


def restore_order(lines: list[str], model: NgramModel) -> tuple[list[str], list[Move], list[int]]:
    """Lines in reading order, the moves made, and for each output line its input index."""
    order = list(range(len(lines)))
    moves: list[Move] = []
    damaged = [not ln.strip() or detect.analyse_line(ln).label not in detect.UNTOUCHED for ln in lines]
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
            for start, end, gain in _reversed_runs([lines[k] for k in region], model):
                run = region[start:end]
                first, last = run[0], run[-1]
                span = list(range(first, last + 1))
                order[first:last + 1] = list(reversed(span))
                moves.append(Move(first, last + 1, "\n".join(lines[k] for k in span),
                                  "\n".join(lines[k] for k in reversed(span)), lines[last],
                                  confidence=round(1.0 - 1.0 / (1.0 + gain), 4)))
        i = max(j, i + 1)
    return [lines[k] for k in order], moves, order


def _reversed_runs(lines: list[str], model: NgramModel) -> list[tuple[int, int, float]]:
    """Non-overlapping runs [start, end) whose reversal makes the joins read better, best first.

    ``score[a][b]`` is how well line b follows line a.  Reversing run [s, e)
    replaces the joins (s-1 -> s), (k -> k+1) inside and (e-1 -> e) by
    (s-1 -> e-1), (k+1 -> k) inside and (s -> e).
    """
    n = len(lines)
    ends = [_edge(ln, model, last=True) for ln in lines]
    starts = [_edge(ln, model, last=False) for ln in lines]
    cache: dict[tuple[int, int], float] = {}
    closing = [0.0 if ln.rstrip().endswith(SENTENCE_END) else -OPEN_END_PENALTY for ln in lines]

    def score(a: int, b: int) -> float:
        """How well line b follows line a (a = -1: b opens the run, after a sentence start)."""
        if (a, b) not in cache:
            cache[(a, b)] = _join(ends[a] if a >= 0 else [], starts[b], model)
        return cache[(a, b)]

    # d[k]: how much better line k follows line k+1 than the other way round; prefix sums make
    # a run's inner gain O(1); long runs are scored at their edges only when they read better inside
    diff = [score(k + 1, k) - score(k, k + 1) for k in range(n - 1)]
    prefix = [0.0]
    for value in diff:
        prefix.append(prefix[-1] + value)
    found: list[tuple[int, int, float]] = []
    taken = [False] * n
    while True:
        best = None
        for s in range(n):
            for e in range(s + MIN_RUN, min(n, s + MAX_RUN) + 1):
                if any(taken[s:e]):
                    break
                gain = prefix[e - 1] - prefix[s]
                if gain <= 0 and e - s > SHORT_RUN:
                    continue  # a long run that reads worse inside cannot be a reversed block
                gain += score(s - 1, e - 1) - score(s - 1, s)  # s - 1 == -1: the run starts the region
                if e < n:
                    gain += score(s, e) - score(e - 1, e)
                else:  # the run ends the region: its new last line should close a sentence
                    gain += closing[s] - closing[e - 1]
                joins = (e - s) + (e < n)
                if gain >= MIN_GAIN_PER_JOIN * joins and (best is None or gain > best[2]):
                    best = (s, e, gain)
        if best is None:
            return sorted(found)
        found.append(best)
        for k in range(best[0], best[1]):
            taken[k] = True


def _edge(line: str, model: NgramModel, last: bool) -> list[list[str]]:
    """Candidates for the first or last tokens of a line (punctuation included: it marks sentence ends)."""
    toks = TOKEN_RE.findall(line)
    toks = toks[-JOIN_WORDS:] if last else toks[:JOIN_WORDS]
    out = []
    for tok in toks:
        forms = []
        if tok.isalpha():
            forms = [f for f in vn.accent_variants(vn.strip_accents(tok.lower())) if f in model.vocab]
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
