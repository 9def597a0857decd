"""What a line of a wrapped paragraph reads on from and into, and which damaged lines go on from each other."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import detect, reorder
from .ngram import TOKEN_RE, lm_tokens

#: a line that goes on from the line before it (that line breaks off mid-sentence, this one opens in
#: lower case, as the lines of a page do) is read on from that line's last two words, and the encoder
#: sees this many tokens of each such neighbour (tuned on dev, see Context)
CONTEXT_TOKENS = 8


@dataclass(frozen=True)
class Context:
    """What a line of a wrapped paragraph reads on from and into.  Read alone, its first words would be
    scored as the opening of a sentence (the trigram's <s> <s>) and its last words with nothing after
    them.  Dev, 150 legal paragraphs wrapped in lines of 12 words, each repaired as one text
    (accent-stripped syllable accuracy; garbled 15 %, WER): lines alone 97.28 %, 12.87 %; the
    trigram reading on from the line before 98.08 %, 12.12 %; and the encoder seeing 4, 8 or 16 tokens
    of each neighbour 98.49 %, 11.61 %; 98.46 %, 11.56 %; 98.49 %, 11.61 %; and the lines of a run
    decoded as one sequence 98.69 %, 11.16 % (24 or 64 tokens: 98.72 %, 11.22 %).  In every row one
    paragraph of the 150 was reordered by mistake, at about 1.2 points; with line edges read right
    (restore/reorder.py) it stays: 99.45 %, 10.08 %, against 99.53 % for the same paragraphs as
    single lines."""

    last_read: tuple[str, ...] = ()  # the last two LM tokens of the line before
    before: tuple[str, ...] = ()  # tokens of the line before and of the line after
    after: tuple[str, ...] = ()

    @classmethod
    def around(cls, lines: list[str], k: int) -> "Context | None":
        """Lines as written: a run of damaged lines is then decoded as one sequence (_read_run), so
        ``last_read`` only matters where the line before is sound, or to judge a split or a join."""
        before = k > 0 and goes_on(lines[k - 1], lines[k])
        after = k + 1 < len(lines) and goes_on(lines[k], lines[k + 1])
        if not (before or after):
            return None
        return cls(tuple(lm_tokens(lines[k - 1])[-2:]) if before else (),
                   tuple(TOKEN_RE.findall(lines[k - 1])[-CONTEXT_TOKENS:]) if before and CONTEXT_TOKENS else (),
                   tuple(TOKEN_RE.findall(lines[k + 1])[:CONTEXT_TOKENS]) if after and CONTEXT_TOKENS else ())


def paragraph_runs(lines: list[str], damaged: list[int]) -> list[list[int]]:
    """The damaged lines (indices, in order) grouped into runs in which each line goes on from the one
    before it."""
    runs: list[list[int]] = []
    for k in damaged:
        if runs and runs[-1][-1] == k - 1 and goes_on(lines[k - 1], lines[k]):
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def goes_on(line: str, following: str) -> bool:
    """The next line carries on this line's sentence: this one breaks off, the next opens in lower case."""
    return bool(line.strip()) and not line.rstrip().endswith(reorder.SENTENCE_END) and \
        reorder.opens_in_lower_case(following)


def reports_in_context(lines: list[str], reports: list[detect.LineReport]) -> list[detect.LineReport]:
    """Line reports, where a stripped or mixed line next to a garbled one (no blank line between) is read
    as garbled too: OCR damages a section, not a line, and a short line may hold only one visible
    slip ("truong" for "trong" is a word, so it shows nothing).  Dev, 150 legal paragraphs in lines of
    12 words, 15 % garbled: WER 13.29 % -> 13.01 %.  So is a "foreign" line beside a damaged one that
    is mostly unmarked syllables (``detect.may_be_broken_vietnamese``)."""
    out = list(reports)
    for k, report in enumerate(reports):
        beside = [reports[j].label for j in (k - 1, k + 1) if 0 <= j < len(lines) and lines[j].strip()]
        if report.label in ("accent-stripped", "mixed") and "garbled" in beside:
            out[k] = dataclasses.replace(report, label="garbled")
        elif detect.may_be_broken_vietnamese(report) and any(label not in detect.UNTOUCHED for label in beside):
            out[k] = dataclasses.replace(report, label="garbled")
    return out
