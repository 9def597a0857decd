"""Text side of vanban: detect and repair damaged Vietnamese text (no image code here).

``repair(text)`` is the entry point: it restores the order of reversed line
runs, re-accents stripped words and fixes OCR misspellings, choosing only
among candidate forms, and logs every change with its span and confidence.
"""

from .repair import KINDS, Change, RepairResult, Restorer, load_restorer, repair

__all__ = ["KINDS", "Change", "RepairResult", "Restorer", "load_restorer", "repair"]
