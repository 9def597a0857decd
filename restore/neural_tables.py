"""Vocabulary helpers shared by the neural trainer (torch) and its runtime (onnxruntime)."""

from __future__ import annotations

from . import vietnamese as vn
from .ngram import SPECIALS, lm_token


def input_form(token: str) -> str:
    """What the encoder sees for an LM token: its accent-stripped form (classes stay)."""
    return token if token in SPECIALS or not token.isalpha() else vn.strip_accents(token)


def surface_input(token: str) -> str:
    """What the encoder sees for a token of real text, damaged or not.

    A word is lowered and stripped of every accent, exactly as training saw
    it ("cac" stays "cac" even though it is no syllable as written); anything
    else goes through the LM's token classes.
    """
    return vn.strip_accents(token.lower()) if token.isalpha() else input_form(lm_token(token))
