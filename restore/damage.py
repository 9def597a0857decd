"""Seeded synthetic damage, for training and for measuring the restorer.

It imitates what scans of official documents do to text (seed 003): accents
stripped from whole lines or from some words, OCR letter confusions
("nước" -> "nuroc", "thức" -> "thiuc"), dropped letters ("ninh" -> "nih"),
two syllables run together ("dự án" -> "duan") or one split ("ngh ien"), and runs of
lines emitted in reverse order.  Every function takes a ``random.Random`` so
results are reproducible.
"""

from __future__ import annotations

import random

from . import vietnamese as vn

#: OCR-style confusions on accent-stripped text (left -> right), from the seed's kind of damage
CONFUSIONS = (
    ("uo", "uro"), ("u", "iu"), ("o", "u"), ("a", "e"), ("e", "a"), ("n", "nh"), ("nh", "n"),
    ("rn", "m"), ("m", "rn"), ("i", "l"), ("l", "i"), ("c", "e"), ("tr", "t"), ("ng", "g"),
    ("d", "cl"), ("h", "b"), ("o", "ao"), ("ie", "i"),
)


def strip_line(line: str) -> str:
    return vn.strip_accents(line)


def garble_syllable(syllable: str, rng: random.Random) -> str:
    """One OCR-like corruption beyond accents: a confusion, a dropped letter or a doubled one."""
    plain = vn.strip_accents(syllable)
    choice = rng.random()
    if choice < 0.55:
        options = [(a, b) for a, b in CONFUSIONS if a in plain.lower()]
        if options:
            a, b = rng.choice(options)
            low = plain.lower()
            i = low.find(a)
            out = plain[:i] + b + plain[i + len(a):]
            return out if out != plain else plain + "i"
    if choice < 0.85 and len(plain) > 2:
        i = rng.randrange(1, len(plain))
        return plain[:i] + plain[i + 1:]
    i = rng.randrange(len(plain))
    return plain[:i] + plain[i] + plain[i:]


def damage_line(line: str, rng: random.Random, garble_rate: float = 0.15, strip_rate: float = 1.0,
                merge_rate: float = 0.02, split_rate: float = 0.02) -> tuple[str, int]:
    """Strip accents from most words and garble ``garble_rate`` of syllables; returns (text, garbled count).

    Besides, ``merge_rate`` of words run into the next one ("duan") and ``split_rate`` of the
    longer syllables are broken in two ("ngh ien")."""
    words = line.split(" ")
    out: list[str] = []
    garbled = 0
    i = 0
    while i < len(words):
        word = words[i]
        if word.isalpha() and vn.is_valid(word, strict=True):
            if rng.random() < garble_rate:
                word = garble_syllable(word, rng)
                garbled += 1
            elif rng.random() < strip_rate:
                word = vn.strip_accents(word)
            if i + 1 < len(words) and words[i + 1].isalpha() and rng.random() < merge_rate:
                word = word + vn.strip_accents(words[i + 1])
                garbled += 1
                i += 1
            elif len(word) >= 4 and rng.random() < split_rate:
                cut = rng.randrange(1, len(word))
                word = word[:cut] + " " + word[cut:]
                garbled += 1
        out.append(word)
        i += 1
    return " ".join(out), garbled


def wrap(paragraph: str, words_per_line: int = 12) -> list[str]:
    ws = paragraph.split()
    return [" ".join(ws[i:i + words_per_line]) for i in range(0, len(ws), words_per_line)]


def reverse_run(lines: list[str], rng: random.Random, min_run: int = 3) -> tuple[list[str], int, int]:
    """Reverse a random run of at least ``min_run`` lines; returns (lines, start, end)."""
    n = len(lines)
    length = rng.randint(min_run, n)
    start = rng.randint(0, n - length)
    end = start + length
    return lines[:start] + lines[start:end][::-1] + lines[end:], start, end


def read_bottom_to_top(paragraphs: list[list[str]], heading_stays: list[bool]) -> list[str]:
    """A section as OCR emits it when it reads the lines bottom to top (seed 003): paragraphs in
    reverse order, each one's lines reversed, blank lines between them; where ``heading_stays``, the
    paragraph's first line (its numbered heading) is left on top of it."""
    out: list[str] = []
    for para, stays in zip(paragraphs[::-1], heading_stays[::-1]):
        out.extend([""] if out else [])
        out.extend([para[0], *para[1:][::-1]] if stays else para[::-1])
    return out
