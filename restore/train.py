"""``vanban train-restorer``: build the repair model from the corpus.

Only the 'train' split is read (held-out and dev documents are left out by
``restore.corpus``); the result is written atomically under ``models/``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from . import corpus
from .ngram import NgramCounter
from .repair import NEURAL_INT8, NEURAL_ONNX, NEURAL_TABLES, NGRAM_FILE

#: the encoder reads the legal documents this many times: they are the register of official documents
#: but a sixth of the corpus (4 M of 22 M syllables)
LEGAL_REPEAT = 3


def train_ngram(corpus_dir: Path, out_dir: Path, sources: tuple[str, ...] = tuple(corpus.SOURCES),
                progress: bool = False, min_count: int = 2, prune_below: int = 1) -> Path:
    """Count syllable trigrams over the training documents and save the smoothed model."""
    counter = NgramCounter(min_count=min_count)
    start = time.monotonic()
    docs = corpus.documents(corpus_dir, sources=sources, split="train")
    if progress:
        from tqdm import tqdm

        docs = tqdm(docs, unit="doc", desc="counting")
    for doc in docs:
        for line in doc.lines:
            counter.add_line(line)
    model = counter.build(prune_trigrams_below=prune_below)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NGRAM_FILE
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".npz")
    os.close(fd)
    model.save(Path(tmp))
    os.chmod(tmp, 0o644)  # mkstemp makes it private; the service user must read it
    os.replace(tmp, target)
    if progress:
        print(f"trained in {time.monotonic() - start:.0f} s: {len(model.vocab)} tokens, "
              f"{len(model.bi_keys)} bigrams, {len(model.tri_keys)} trigrams")
    return target


def train_neural(corpus_dir: Path, out_dir: Path, work_dir: Path, minutes: float,
                 sources: tuple[str, ...] = tuple(corpus.SOURCES), progress: bool = False,
                 warm_start: Path | None = None, beside_trigram: bool = False) -> Path:
    """Train (or resume) the encoder for ``minutes`` more, then export it next to the trigram.

    ``warm_start``: a folder with an exported encoder to start from when ``work_dir`` holds no checkpoint.
    ``beside_trigram``: train it as it is used, summed with a trigram's scores (``neural.train``); each
    half of the documents is read beside a trigram counted on the other half only."""
    import numpy as np

    from . import neural
    from .ngram import NgramModel

    model = NgramModel.load(out_dir / NGRAM_FILE)
    work_dir.mkdir(parents=True, exist_ok=True)
    if beside_trigram:
        streams = [(np.asarray(ids), prior) for ids, prior in _fold_streams(corpus_dir, sources, model, work_dir)]
    else:
        cache = work_dir / f"train_ids_legal{LEGAL_REPEAT}.npy"
        if not cache.exists():
            np.save(cache, neural.corpus_ids(_training_lines(corpus_dir, sources), model))
        streams = [(np.asarray(np.load(cache, mmap_mode="r")), None)]
    start = None if warm_start is None else (warm_start / NEURAL_ONNX, warm_start / NEURAL_TABLES)
    ckpt = neural.train(streams, model, work_dir, minutes=minutes, progress=progress, warm_start=start)
    onnx_path = out_dir / NEURAL_ONNX
    neural.export(ckpt, model, onnx_path, out_dir / NEURAL_TABLES)
    neural.quantize(onnx_path, out_dir / NEURAL_INT8)
    for path in (onnx_path, out_dir / NEURAL_INT8, out_dir / NEURAL_TABLES):
        os.chmod(path, 0o644)
    return onnx_path


def _training_lines(corpus_dir: Path, sources: tuple[str, ...], fold: int | None = None):
    """Every training line once, then the legal documents again (LEGAL_REPEAT in all), as whole
    documents so that no window holds a line beside its own copy.  ``fold``: only that half's documents."""
    for doc in _training_documents(corpus_dir, sources, fold):
        yield from doc.lines
    if "legal" in sources:
        for _ in range(LEGAL_REPEAT - 1):
            for doc in _training_documents(corpus_dir, ("legal",), fold):
                yield from doc.lines


def _training_documents(corpus_dir: Path, sources: tuple[str, ...], fold: int | None):
    """The training documents, or only those of one half (``corpus.fold_of``)."""
    return (doc for doc in corpus.documents(corpus_dir, sources=sources, split="train")
            if fold is None or corpus.fold_of(doc.file, doc.index) == fold)


def _fold_streams(corpus_dir: Path, sources: tuple[str, ...], model, work_dir: Path):
    """Each half of the training documents as ids, with a trigram counted on the other half over the
    shipped trigram's vocabulary (so ids mean the same), both cached in ``work_dir``."""
    import numpy as np

    from . import neural
    from .ngram import NgramModel

    min_count = NgramCounter().min_count
    known = dict.fromkeys(model.vocab, min_count)  # the same vocabulary, hence the same ids
    out = []
    for fold in (0, 1):
        ids_path = work_dir / f"fold{fold}_ids_legal{LEGAL_REPEAT}.npy"
        prior_path = work_dir / f"fold{1 - fold}_trigram.npz"  # counted on the other half's documents
        if not ids_path.exists():
            np.save(ids_path, neural.corpus_ids(_training_lines(corpus_dir, sources, fold), model))
        if not prior_path.exists():
            counter = NgramCounter()
            for doc in _training_documents(corpus_dir, sources, 1 - fold):
                for line in doc.lines:
                    counter.add_line(line)
            counter.token_counts = known
            counter.build().save(prior_path)
        out.append((np.load(ids_path, mmap_mode="r"), NgramModel.load(prior_path)))
    return out


def train_channel(pairs: Path, out_dir: Path) -> Path:
    """The OCR noisy channel (restore.channel) from ``bench/make_ocr_pairs.py`` output of train pages."""
    import json

    from .channel import learn, record_place
    from .repair import CHANNEL_FILE

    records = [json.loads(ln) for ln in pairs.read_text(encoding="utf-8").splitlines() if ln.strip()]
    bad = {r["key"] for r in records if corpus.split_of(*record_place(r)) != "train"}
    if bad:
        raise ValueError(f"{len(bad)} pages of {pairs} are not from train documents (e.g. {sorted(bad)[0]})")
    channel = learn(records)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / CHANNEL_FILE
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".json")
    os.close(fd)
    channel.save(Path(tmp))
    os.chmod(tmp, 0o644)  # read by the service's own user
    os.replace(tmp, target)
    return target

