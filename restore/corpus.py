"""The training corpus (``../shared/corpus``) read document by document, with a fixed held-out split.

The held-out and development documents are chosen by a hash of (file,
document index), so the split never changes between runs and machines.  No
model is trained on either; thresholds are tuned on dev only, and held-out
is read by the benchmark alone.  Corpus text is only read from the shared folder; it is never
copied into the project.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

#: the three running-text sources and their files (lexicons are not running text)
SOURCES = {
    "legal": ("uts-vlc-legal", ("vlc_2023_processed.txt", "vlc_2021_extra.txt")),
    "news": ("baomoi-news-vinews", tuple(f"news_{i:03d}.txt" for i in range(13))),
    "wiki": ("viwiki-2017", ("viwiki_2017.txt",)),
}
#: per mille of documents held out of every source for the final evaluation (never tuned on)
HELDOUT_PER_MILLE = 30
#: the next per mille are the development split: thresholds are tuned here, never on held-out
DEV_PER_MILLE = 20


@dataclass(frozen=True)
class CorpusDocument:
    source: str  # legal, news, wiki
    file: str
    index: int  # 0-based position of the document in its file
    lines: tuple[str, ...]

    @property
    def split(self) -> str:
        return split_of(self.file, self.index)


def split_of(file: str, index: int) -> str:
    """'heldout', 'dev' or 'train', fixed by a hash of the document's place in the corpus."""
    digest = hashlib.sha1(f"{file}:{index}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % 1000
    if bucket < HELDOUT_PER_MILLE:
        return "heldout"
    if bucket < HELDOUT_PER_MILLE + DEV_PER_MILLE:
        return "dev"
    return "train"


def fold_of(file: str, index: int, folds: int = 2) -> int:
    """Which of ``folds`` parts of the training documents a document falls in, fixed by a hash of its
    place (independent of the split's hash): the encoder learns on one part with a trigram counted on
    the others, so the trigram it learns beside is no better than on unseen text."""
    return hashlib.sha1(f"fold:{file}:{index}".encode()).digest()[0] % folds


def default_corpus_dir() -> Path:
    """``../shared/corpus`` beside the project checkout."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def documents(corpus_dir: Path, sources: tuple[str, ...] = tuple(SOURCES), split: str = "train",
              max_docs: int | None = None) -> Iterator[CorpusDocument]:
    """Documents of the given split ('train', 'dev', 'heldout' or 'all'), file by file."""
    if split not in ("train", "dev", "heldout", "all"):
        raise ValueError(f"unknown split {split!r}")
    produced = 0
    for source in sources:
        folder, files = SOURCES[source]
        for name in files:
            path = Path(corpus_dir) / folder / name
            if not path.exists():
                continue
            for index, lines in enumerate(_split_documents(path)):
                if split in ("all", split_of(name, index)):
                    yield CorpusDocument(source, name, index, tuple(lines))
                    produced += 1
                    if max_docs is not None and produced >= max_docs:
                        return


def _split_documents(path: Path) -> Iterator[list[str]]:
    """Documents are separated by one empty line (see the corpus SOURCE.md files)."""
    current: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if line:
                current.append(line)
            elif current:
                yield current
                current = []
    if current:
        yield current
