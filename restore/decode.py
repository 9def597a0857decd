"""Choose one candidate per position with the trigram model (second-order Viterbi).

Besides the best path it returns, for every position, a probability for each
candidate from max-marginals (best path through that candidate), so every
repair carries a confidence that the change log and ``--min-confidence`` use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ngram import BOS, NgramModel


@dataclass
class Decoded:
    best: list[int]  # chosen candidate index per position
    probs: list[np.ndarray]  # per position: probability of each candidate
    score: float = 0.0  # log-probability of the best path


#: longer sequences are decoded in pieces, so memory stays flat on a 1 MB line
MAX_SPAN = 256


def decode(model: NgramModel, candidates: list[list[str]],
           unary: list[np.ndarray] | None = None) -> Decoded:
    """Best sequence over ``candidates`` (LM tokens), with per-position confidences.

    ``unary`` adds a score per candidate (the neural encoder's weighted
    log-probabilities) to the trigram's, inside the same search.
    """
    if len(candidates) > MAX_SPAN:
        parts = [_decode_span(model, candidates[i:i + MAX_SPAN], None if unary is None else unary[i:i + MAX_SPAN])
                 for i in range(0, len(candidates), MAX_SPAN)]
        return Decoded([b for p in parts for b in p.best], [q for p in parts for q in p.probs],
                       sum(p.score for p in parts))
    return _decode_span(model, candidates, unary)


def _decode_span(model: NgramModel, candidates: list[list[str]], unary: list[np.ndarray] | None) -> Decoded:
    n = len(candidates)
    if n == 0:
        return Decoded([], [])
    ids = [model.ids(c) for c in candidates]
    bos = model.ids([BOS])
    seq = [bos, bos, *ids]
    # alpha[i][b, c]: best score of the prefix ending with x[i-1]=b, x[i]=c (i indexes seq)
    alpha: list[np.ndarray] = [np.zeros((1, 1)), np.zeros((1, 1))]
    trans: list[np.ndarray] = [None, None]  # trans[i][a, b, c] = log p(c | a, b)
    # every position's trigram queries in one batch: numpy's per-call cost, not the lookups, dominates
    grids = [_grid(seq[i - 2], seq[i - 1], seq[i]) for i in range(2, len(seq))]
    flat = model.logp(*(np.concatenate([g[k] for g in grids]) for k in range(3)))
    offset = 0
    for i in range(2, len(seq)):
        shape = (len(seq[i - 2]), len(seq[i - 1]), len(seq[i]))
        size = shape[0] * shape[1] * shape[2]
        t = flat[offset:offset + size].reshape(shape)
        offset += size
        if unary is not None:
            t = t + unary[i - 2][None, None, :]
        trans.append(t)
        alpha.append((alpha[i - 1][:, :, None] + t).max(axis=0))
    # beta[i][b, c]: best score of everything after position i given x[i-1]=b, x[i]=c
    beta: list[np.ndarray] = [None] * len(seq)
    beta[-1] = np.zeros_like(alpha[-1])
    for i in range(len(seq) - 2, 1, -1):
        beta[i] = (trans[i + 1] + beta[i + 1][None, :, :]).max(axis=2)
    best: list[int] = []
    probs: list[np.ndarray] = []
    for i in range(2, len(seq)):
        scores = (alpha[i] + beta[i]).max(axis=0)
        p = np.exp(scores - scores.max())
        probs.append(p / p.sum())
    # backtrack the single best path so choices are jointly consistent
    last = len(seq) - 1
    b, c = np.unravel_index(int(np.argmax(alpha[last])), alpha[last].shape)
    path = [int(c), int(b)]
    for i in range(last, 3, -1):
        a = int(np.argmax(alpha[i - 1][:, path[-1]] + trans[i][:, path[-1], path[-2]]))
        path.append(a)
    best = list(reversed(path))[-n:] if n >= 2 else [int(c)]
    return Decoded(best, probs, float(alpha[last].max()))


def _grid(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (a, b, c) combination as three flat arrays in C order: ``np.meshgrid(..., indexing="ij")``
    raveled, without its broadcasting machinery (a third of the decode time on short positions)."""
    return (np.repeat(a, len(b) * len(c)), np.tile(np.repeat(b, len(c)), len(a)), np.tile(c, len(a) * len(b)))
