"""Exit codes and the one exception class per code.

Every failure the pipeline can meet is turned into one of these, so the CLI,
the service and the tests can all map a failure to the same documented code and
a one-line message that names the file (and page) at fault.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes of ``vanban`` (see README)."""

    OK = 0
    BAD_ARGS = 2
    INPUT_ERROR = 3
    MISSING_DEPENDENCY = 4
    PARTIAL_FAILURE = 5
    OUTPUT_ERROR = 6
    OCR_ERROR = 7
    INTERRUPTED = 130


class VanbanError(Exception):
    """Base class: carries the exit code and a plain-words message."""

    exit_code: ExitCode = ExitCode.OCR_ERROR

    def __init__(self, message: str, *, path: str | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.page = page

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}"
            if self.page is not None:
                where += f" page {self.page}"
            where += ": "
        return where + self.message


class BadArgsError(VanbanError):
    exit_code = ExitCode.BAD_ARGS


class InputFileError(VanbanError):
    """The input cannot be read as a scan: empty, corrupt, encrypted, wrong type, too big."""

    exit_code = ExitCode.INPUT_ERROR


class MissingDependencyError(VanbanError):
    """An external program or its data is not installed; the message says which package."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class OutputError(VanbanError):
    exit_code = ExitCode.OUTPUT_ERROR


class OcrError(VanbanError):
    """An external program failed on a page for a reason that is not the input's fault."""

    exit_code = ExitCode.OCR_ERROR
