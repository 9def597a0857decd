"""Choose one candidate per position with the trigram model (second-order Viterbi).

Besides the best path it returns, for every position, a probability for each
candidate from max-marginals (best path through that candidate), so every
repair carries a confidence that the change log and ``--min-confidence`` use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ngram import BOS, NgramModel, block_starts


@dataclass
class Decoded:
    best: list[int]  # chosen candidate index per position
    probs: list[np.ndarray]  # per position: probability of each candidate
    score: float = 0.0  # log-probability of the best path


#: longer sequences are decoded in pieces, so memory stays flat on a 1 MB line
MAX_SPAN = 256


def decode(model: NgramModel, candidates: list[list[str]], unary: list[np.ndarray] | None = None,
           ids: list[np.ndarray] | None = None, before: list[int] = ()) -> Decoded:
    """Best sequence over ``candidates`` (LM tokens), with per-position confidences.

    ``unary`` adds a score per candidate (the neural encoder's weighted
    log-probabilities) to the trigram's, inside the same search.  ``ids``: the
    candidates' ids in ``model``, when the caller has them already.  ``before``:
    ids of up to two tokens the sequence reads on from (else a sentence start).
    """
    ids = [model.ids(c) for c in candidates] if ids is None else ids
    if len(ids) > MAX_SPAN:
        parts = [_decode_span(model, ids[i:i + MAX_SPAN], None if unary is None else unary[i:i + MAX_SPAN],
                              before if i == 0 else ())
                 for i in range(0, len(ids), MAX_SPAN)]
        return Decoded([b for p in parts for b in p.best], [q for p in parts for q in p.probs],
                       sum(p.score for p in parts))
    return _decode_span(model, ids, unary, before)


def _decode_span(model: NgramModel, ids: list[np.ndarray], unary: list[np.ndarray] | None,
                 before: list[int]) -> Decoded:
    n = len(ids)
    if n == 0:
        return Decoded([], [])
    bos = model.vocab[BOS]
    seq = [np.array([t]) for t in [bos, bos, *before][-2:]] + list(ids)
    # alpha[i][b, c]: best score of the prefix ending with x[i-1]=b, x[i]=c (i indexes seq)
    alpha: list[np.ndarray] = [np.zeros((1, 1)), np.zeros((1, 1))]
    trans: list[np.ndarray] = [None, None]  # trans[i][a, b, c] = log p(c | a, b)
    # every position's trigram queries in one batch: numpy's per-call cost, not the lookups, dominates
    flat, starts = model.transitions(seq)
    for i in range(2, len(seq)):
        shape = (len(seq[i - 2]), len(seq[i - 1]), len(seq[i]))
        offset = int(starts[i - 2])
        t = flat[offset:offset + shape[0] * shape[1] * shape[2]].reshape(shape)
        if unary is not None:
            t = t + unary[i - 2][None, None, :]
        trans.append(t)
        alpha.append((alpha[i - 1][:, :, None] + t).max(axis=0))
    # beta[i][b, c]: best score of everything after position i given x[i-1]=b, x[i]=c
    beta: list[np.ndarray] = [None] * len(seq)
    beta[-1] = np.zeros_like(alpha[-1])
    for i in range(len(seq) - 2, 1, -1):
        beta[i] = (trans[i + 1] + beta[i + 1][None, :, :]).max(axis=2)
    scores = [(alpha[i] + beta[i]).max(axis=0) for i in range(2, len(seq))]
    probs = [np.exp(p) for p in log_softmax_segments(np.concatenate(scores), [len(x) for x in scores])]
    # backtrack the single best path so choices are jointly consistent
    last = len(seq) - 1
    b, c = np.unravel_index(int(np.argmax(alpha[last])), alpha[last].shape)
    path = [int(c), int(b)]
    for i in range(last, 3, -1):
        a = int(np.argmax(alpha[i - 1][:, path[-1]] + trans[i][:, path[-1], path[-2]]))
        path.append(a)
    best = list(reversed(path))[-n:] if n >= 2 else [int(c)]
    return Decoded(best, probs, float(alpha[last].max()))


def log_softmax_segments(values: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """log-softmax of each of several vectors laid end to end: a handful of numpy calls for a whole
    line instead of a handful for each word."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    starts = block_starts(sizes)
    values = values - np.maximum.reduceat(values, starts)[owner]
    values = values - np.log(np.add.reduceat(np.exp(values), starts))[owner]
    return [values[s:s + n] for s, n in zip(starts.tolist(), sizes)]

