"""Vocabulary helpers shared by the neural trainer (torch) and its runtime (onnxruntime)."""

from __future__ import annotations

from . import vietnamese as vn
from .ngram import SPECIALS


def input_form(token: str) -> str:
    """What the encoder sees for an LM token: its accent-stripped form (classes stay)."""
    return token if token in SPECIALS or not token.isalpha() else vn.strip_accents(token)
