"""Text side of vanban: detect and repair damaged Vietnamese text (no image code here)."""

from .repair import Change, RepairResult, repair

__all__ = ["Change", "RepairResult", "repair"]
