"""Syllable trigram language model with interpolated Kneser-Ney smoothing.

Why a trigram: it is fast (thousands of syllables a second on one core),
small once pruned, and strong at choosing between the accented forms of a
syllable.  It is the baseline the neural restorer must beat and the scorer
for joins between lines when reordering.

Tokens are lower-case, tone-normalised syllables; numbers, foreign words and
punctuation are folded into a few classes.  The model is stored as sorted
integer keys with their log-probabilities and back-off weights (the usual
back-off form of interpolated Kneser-Ney), so a batch of queries is a few
``np.searchsorted`` calls.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from . import vietnamese as vn

BOS = "<s>"
UNK = "<unk>"
NUM = "<num>"
FOREIGN = "<w>"
PUNCT_KEEP = set(".,;:!?()-\"'/%")
SPECIALS = (BOS, UNK, NUM, FOREIGN, "<p>")
TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)
ID_BITS = 21  # vocabularies up to 2 M entries


@functools.lru_cache(maxsize=100_000)
def lm_token(token: str) -> str:
    """The LM's view of one token: syllables themselves, the rest by class."""
    if token.isdigit() or any(ch.isdigit() for ch in token):
        return NUM
    if token.isalpha():
        low = vn.normalise_tones(unicodedata.normalize("NFC", token.lower()))
        return low if vn.is_valid(low, strict=True) else FOREIGN
    return token if token in PUNCT_KEEP else "<p>"


def lm_tokens(line: str) -> list[str]:
    return [lm_token(t) for t in TOKEN_RE.findall(line)]


def _keys(ids: np.ndarray, order: int) -> np.ndarray:
    """Pack consecutive id n-grams into int64 keys (first id in the high bits)."""
    n = len(ids) - order + 1
    if n <= 0:
        return np.empty(0, np.int64)
    key = np.zeros(n, np.int64)
    for k in range(order):
        key = (key << ID_BITS) | ids[k:k + n].astype(np.int64)
    return key


@dataclass
class NgramModel:
    vocab: dict[str, int]
    uni_logp: np.ndarray  # by id
    uni_backoff: np.ndarray  # by id: weight of the unigram level below a bigram context
    bi_keys: np.ndarray
    bi_logp: np.ndarray
    bi_backoff: np.ndarray  # aligned with bi_keys: weight when (w1, w2) is a trigram context
    tri_keys: np.ndarray
    tri_logp: np.ndarray

    # ------------------------------------------------------------ queries

    def ids(self, tokens: Iterable[str]) -> np.ndarray:
        unk = self.vocab[UNK]
        return np.array([self.vocab.get(t, unk) for t in tokens], dtype=np.int64)

    def logp(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """log P(w3 | w1 w2) for arrays of ids (natural log)."""
        w1, w2, w3 = (np.asarray(a, np.int64) for a in (w1, w2, w3))
        out = self.bigram_logp(w2, w3)
        tri = (w1 << (2 * ID_BITS)) | (w2 << ID_BITS) | w3
        found_tri, tri_val = _lookup(self.tri_keys, self.tri_logp, tri)
        ctx_found, ctx_backoff = _lookup(self.bi_keys, self.bi_backoff, (w1 << ID_BITS) | w2)
        backed = out + np.where(ctx_found, ctx_backoff, 0.0)
        return np.where(found_tri, tri_val, backed)

    def bigram_logp(self, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """log P(w3 | w2) for arrays of ids that broadcast together, backing off to the unigram."""
        w2, w3 = np.broadcast_arrays(np.asarray(w2, np.int64), np.asarray(w3, np.int64))
        found, value = _lookup(self.bi_keys, self.bi_logp, ((w2 << ID_BITS) | w3).ravel())
        backed = (self.uni_logp[w3].astype(np.float64) + self.uni_backoff[w2]).ravel()
        return np.where(found, value, backed).reshape(w2.shape)

    def transitions(self, seq: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """log P(c | a, b) for every choice a of seq[i-2], b of seq[i-1], c of seq[i] (i >= 2), flat in
        C order one position after the other, and where each position's block starts.

        Equal to ``logp`` on the full grids, but each pair of neighbouring choices is looked up
        once in the bigram table (as the (b, c) of one position it gives the bigram, as the (a, b)
        of the next the context's back-off weight), and a trigram only where its context and its
        last two words are stored: most combinations of accented forms are no trigram."""
        sizes = np.array([len(s) for s in seq], np.int64)
        ids = np.concatenate(seq).astype(np.int64)
        first = block_starts(sizes)  # where each position's choices start in ids
        # pair block j: every choice of seq[j] beside every choice of seq[j + 1]
        pos, local, pair_start = _ragged(sizes[:-1] * sizes[1:])
        right = sizes[1:][pos]
        left_ids, right_ids = ids[first[:-1][pos] + local // right], ids[first[1:][pos] + local % right]
        pair_ids = (left_ids << ID_BITS) | right_ids
        found, index = _find(self.bi_keys, pair_ids)
        stored = len(self.bi_keys) > 0  # an empty table has no rows to read, even clamped
        unigram = self.uni_logp[right_ids].astype(np.float64) + self.uni_backoff[left_ids]
        bigram = np.where(found, self.bi_logp[index], unigram) if stored else unigram
        backoff = np.where(found, self.bi_backoff[index], 0.0) if stored else np.zeros(len(pair_ids))
        # every (a, b, c) of position i: its (a, b) in pair block i - 2, its (b, c) in block i - 1
        sa, sb, sc = sizes[:-2], sizes[1:-1], sizes[2:]
        pos, local, starts = _ragged(sa * sb * sc)
        ab = pair_start[:-1][pos] + local // sc[pos]
        bc = pair_start[1:][pos] + local % (sb[pos] * sc[pos])
        out = bigram[bc] + backoff[ab]
        # kneser_ney stores every trigram's context and suffix as bigrams, so only those can be trigrams
        open_ctx = np.flatnonzero(found[ab] & found[bc])
        if len(open_ctx):
            tri = (left_ids[ab[open_ctx]] << (2 * ID_BITS)) | pair_ids[bc[open_ctx]]
            found_tri, tri_val = _lookup(self.tri_keys, self.tri_logp, tri)
            out[open_ctx[found_tri]] = tri_val[found_tri]
        return out, starts

    def score_tokens(self, tokens: list[str]) -> float:
        """Total log-probability of a token sequence after a sentence start."""
        ids = self.ids([BOS, BOS, *tokens])
        if len(ids) < 3:
            return 0.0
        return float(self.logp(ids[:-2], ids[1:-1], ids[2:]).sum())

    # ------------------------------------------------------------ storage

    def save(self, path: Path) -> None:
        words = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(
            path, words="\n".join(words).encode("utf-8"),
            uni_logp=self.uni_logp.astype(np.float32), uni_backoff=self.uni_backoff.astype(np.float32),
            bi_keys=self.bi_keys, bi_logp=self.bi_logp.astype(np.float32),
            bi_backoff=self.bi_backoff.astype(np.float32),
            tri_keys=self.tri_keys, tri_logp=self.tri_logp.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> "NgramModel":
        with np.load(path, allow_pickle=False) as data:
            words = bytes(data["words"]).decode("utf-8").split("\n")
            return cls(
                vocab={w: i for i, w in enumerate(words)},
                uni_logp=data["uni_logp"], uni_backoff=data["uni_backoff"],
                bi_keys=data["bi_keys"], bi_logp=data["bi_logp"], bi_backoff=data["bi_backoff"],
                tri_keys=data["tri_keys"], tri_logp=data["tri_logp"],
            )


def block_starts(sizes) -> np.ndarray:
    """Where each of several blocks of these sizes starts when they are laid end to end."""
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def _ragged(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For blocks of these sizes laid end to end: each entry's block, its index inside the block, and
    where each block starts."""
    starts = block_starts(sizes)
    pos = np.repeat(np.arange(len(sizes)), sizes)
    return pos, np.arange(int(sizes.sum()), dtype=np.int64) - starts[pos], starts


def _find(keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each query is among the sorted keys, and where (clamped into the table where not)."""
    if len(keys) == 0:
        return np.zeros(len(queries), bool), np.zeros(len(queries), np.int64)
    # distinct queries in ascending order: numpy's binary search then resumes where the last one ended
    # instead of missing the cache over the whole table for every query
    distinct, back = np.unique(queries, return_inverse=True)
    pos = np.minimum(np.searchsorted(keys, distinct), len(keys) - 1)
    return (keys[pos] == distinct)[back], pos[back]


def _lookup(keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    found, index = _find(keys, queries)
    return found, (values[index].astype(np.float64) if len(keys) else np.zeros(len(queries)))


# ---------------------------------------------------------------- training


class NgramCounter:
    """Accumulates trigram counts over lines, in chunks of packed int64 keys."""

    def __init__(self, min_count: int = 2):
        self.min_count = min_count
        self.token_counts: dict[str, int] = {}
        self._lines: list[list[str]] = []

    def add_line(self, line: str, repeat: int = 1) -> None:
        """Count a line; ``repeat`` weighs its n-grams (a source closer to the target domain),
        but not the vocabulary, which stays the same whatever the weights."""
        toks = lm_tokens(line)
        if not toks:
            return
        for t in toks:
            self.token_counts[t] = self.token_counts.get(t, 0) + 1
        self._lines.extend([toks] * repeat)

    def build(self, prune_trigrams_below: int = 1, discount: float | None = None) -> NgramModel:
        vocab_words = list(SPECIALS) + sorted(
            w for w, c in self.token_counts.items() if c >= self.min_count and w not in SPECIALS)
        vocab = {w: i for i, w in enumerate(vocab_words)}
        unk, bos = vocab[UNK], vocab[BOS]
        tri_chunks: list[np.ndarray] = []
        buffer: list[int] = []
        for toks in self._lines:
            buffer.extend((bos, bos))
            buffer.extend(vocab.get(t, unk) for t in toks)
            buffer.append(-1)  # line end: no n-gram crosses it
            if len(buffer) > 2_000_000:
                tri_chunks.append(_line_trigrams(np.array(buffer, np.int64)))
                buffer = []
        if buffer:
            tri_chunks.append(_line_trigrams(np.array(buffer, np.int64)))
        tri_all = np.concatenate(tri_chunks) if tri_chunks else np.empty(0, np.int64)
        tri_keys, tri_counts = np.unique(tri_all, return_counts=True)
        del tri_all
        return kneser_ney(vocab, tri_keys, tri_counts, prune_trigrams_below, discount)


def _line_trigrams(ids: np.ndarray) -> np.ndarray:
    keys = _keys(np.where(ids < 0, 0, ids), 3)
    # drop windows that contain a line end
    bad = (ids < 0).astype(np.int64)
    window_bad = bad[:-2] + bad[1:-1] + bad[2:] if len(ids) >= 3 else np.empty(0, np.int64)
    return keys[window_bad == 0]


def _discounts(counts: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts D1, D2, D3+ from the counts of counts (Chen & Goodman)."""
    n1, n2, n3, n4 = (float(np.count_nonzero(counts == k)) for k in (1, 2, 3, 4))
    y = n1 / max(1.0, n1 + 2 * n2)
    out = np.array([1 - 2 * y * n2 / max(n1, 1), 2 - 3 * y * n3 / max(n2, 1), 3 - 4 * y * n4 / max(n3, 1)])
    return np.clip(out, 0.1, np.array([0.95, 1.9, 2.9]))


def kneser_ney(vocab: dict[str, int], tri_keys: np.ndarray, tri_counts: np.ndarray,
               prune_below: int, d: float | None = None) -> NgramModel:
    """Interpolated Kneser-Ney from trigram counts, stored in back-off form (``d=None``: modified KN)."""
    mask = (1 << ID_BITS) - 1
    w23 = tri_keys & ((1 << (2 * ID_BITS)) - 1)
    w12 = tri_keys >> ID_BITS
    v = len(vocab)

    # bigram level uses continuation counts N1+(. w2 w3)
    seen_bi, seen_cont = np.unique(w23, return_counts=True)
    ctx_keys, ctx_index = np.unique(w12, return_inverse=True)
    # every trigram context needs a bigram entry to hold its back-off weight, even one that is never
    # a continuation itself (<s> <s>): it gets a count of 0 and its backed-off probability
    bi_keys = np.union1d(seen_bi, ctx_keys)
    bi_cont = np.zeros(len(bi_keys), np.int64)
    bi_cont[np.searchsorted(bi_keys, seen_bi)] = seen_cont
    bw2 = bi_keys >> ID_BITS
    bw3 = bi_keys & mask
    mid_total = np.bincount(bw2, weights=bi_cont, minlength=v)  # N1+(. w2 .)
    # unigram level: N1+(. w3) over bigram types
    uni_cont = np.bincount(bw3, weights=bi_cont > 0, minlength=v).astype(np.float64)
    uni_p = (uni_cont + 0.5) / (uni_cont.sum() + 0.5 * v)  # a little add-half so no word is impossible
    d_bi = _discounts(seen_cont) if d is None else np.full(3, d)
    bi_disc = np.where(bi_cont > 0, d_bi[np.clip(bi_cont, 1, 3) - 1], 0.0)
    mid_mass = np.bincount(bw2, weights=bi_disc, minlength=v)  # discount mass left to the unigram level
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma2 = np.where(mid_total > 0, mid_mass / np.maximum(mid_total, 1), 1.0)
    bi_p = (bi_cont - bi_disc) / np.maximum(mid_total[bw2], 1) + gamma2[bw2] * uni_p[bw3]

    # trigram level uses raw counts
    ctx_total = np.bincount(ctx_index, weights=tri_counts).astype(np.float64)
    d_tri = _discounts(tri_counts) if d is None else np.full(3, d)
    tri_disc = d_tri[np.minimum(tri_counts, 3) - 1]
    gamma3 = np.bincount(ctx_index, weights=tri_disc) / ctx_total
    bi_pos = np.searchsorted(bi_keys, w23)
    tri_p = (tri_counts - tri_disc) / ctx_total[ctx_index] + gamma3[ctx_index] * bi_p[bi_pos]

    keep = tri_counts >= prune_below
    # contexts: their back-off weight lives with the bigram of the same two ids
    bi_backoff = np.zeros(len(bi_keys))
    bi_backoff[np.searchsorted(bi_keys, ctx_keys)] = np.log(gamma3)
    return NgramModel(
        vocab=vocab,
        uni_logp=np.log(uni_p),
        uni_backoff=np.log(np.maximum(gamma2, 1e-12)),
        bi_keys=bi_keys, bi_logp=np.log(bi_p), bi_backoff=bi_backoff,
        tri_keys=tri_keys[keep], tri_logp=np.log(tri_p[keep]),
    )
