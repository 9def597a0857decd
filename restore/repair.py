"""Repair: turn damaged Vietnamese lines into correct text, and log every change.

Clean lines pass through untouched.  In a damaged line every word gets a set
of candidates (restore.candidates), the language model picks one per word
(restore.decode), and a change is applied only when the model is confident
enough; otherwise the original stays and the change is logged as flagged.
Every change records its span in the input, what it was, what it became, how
confident the model was, and what kind of repair it is.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from . import abbreviations, detect, markers, reorder
from . import vietnamese as vn
from .candidates import CandidateGenerator
from .channel import Channel
from .consistency import CONSISTENCY_WEIGHT, Consistency, LineHint, Reading, as_written, readings_of
from .context import Context, paragraph_runs, reports_in_context
from .decode import Decoded, decode
from .latin1 import Latin1Index, latin1_letters
from .ngram import FOREIGN, SPECIALS, TOKEN_RE, NgramModel, lm_token
from .positions import Position, lone

#: below this a change is flagged, not applied.  Keeping an accent-stripped word as it is is almost always
#: wrong, so a best guess between close accented forms beats the original.  Dev, 1,000 legal lines
#: (accent-stripped syllable accuracy / garbled WER): 0.5 -> 99.25 % / 10.69 %, 0.3 -> 99.30 % / 10.31 %,
#: 0.2 -> 99.30 % / 10.27 %, 0 -> 99.30 % / 10.27 %.  0.3 keeps true toss-ups flagged
DEFAULT_MIN_CONFIDENCE = 0.3
#: a lone unmarked syllable among accented ones is usually right ("kinh tế"), and so is an
#: accented word inside a damaged line: changing either needs near certainty
LONE_PLAIN_CONFIDENCE = 0.97
NGRAM_FILE = "restore-ngram.npz"
NEURAL_ONNX = "restore-neural.onnx"
#: the same encoder with 8-bit weights (restore.neural.quantize): what is served when it is there
NEURAL_INT8 = "restore-neural.int8.onnx"
NEURAL_TABLES = "restore-neural.npz"
#: in a text with no OCR confidences, a valid accented word changes its letters only at this certainty:
#: such a word was typed so ("Nắp capô" is no slip of "Cấp").  Dev (clean news and wiki lines, words
#: changed; bench-tools OCR damage at 0.3, WER after repair): 0.97 (LONE_PLAIN_CONFIDENCE) 23 of 62,170,
#: 15.10 %; 0.99: 21, 15.11 %; 0.995: 21, 15.15 %; never: 21, 15.55 %
TYPED_RESPELL_CONFIDENCE = 0.99
#: a word the OCR engine was unsure of may change even in a clean line, given this much certainty
SUSPECT_CONFIDENCE = 0.9
CHANNEL_FILE = "restore-channel.json"
#: a word read by OCR, in a line that looks sound, changes when the noisy channel (restore.channel: how
#: Tesseract slips, by its own word confidence) and the language model are at least this sure together
CHANNEL_CONFIDENCE = 0.95
#: OCR'd lines that are opened for the channel: a damaged line has its own repair
CHANNEL_LABELS = ("clean", "mixed")
#: weight of the encoder's log-probabilities against the trigram's.  Dev legal lines accent-stripped, with the
#: encoder trained beside the trigram (2026-12-02): 0.35 -> 99.404 %, 0.5 -> 99.427 %, 0.7 -> 99.410 %,
#: 1.0 -> 99.275 % (the previous encoder at its best weight, 0.35: 99.386 %; trigram alone 99.13 %)
NEURAL_WEIGHT = 0.5
#: natural-log cost of keeping a word that is no Vietnamese syllable ("hhoat") when spelling candidates
#: exist; dev garbled WER: 0 -> 11.06 %, 2 -> 10.82 %, 4 -> 10.75 %, 8 -> 10.75 %
KEEP_INVALID_COST = 4.0
#: natural-log cost of respelling a word that is a syllable, in a garbled line only ("truong" -> "trong");
#: dev garbled WER: not offered 10.75 %, 3 -> 10.70 %, 5 -> 10.40 %, 8 -> 10.42 %
RESPELL_COST = 5.0
#: in a garbled line, neighbours of a real word beyond the commonest (candidates.NEIGHBOURS) that the words
#: beside it call for: how many are looked at, how many may be added, and the lift (nats) they need.  Dev
#: garbled lines 15 % / paragraphs 30 % WER: none 9.78 / 17.34 %; 3 at a lift of 2, 3, 4 nats: 9.04 / 14.64,
#: 9.06 / 14.73, 9.10 / 14.96 %; 6 at 3 nats: 8.99 / 14.59 %.  The 10 commonest instead of 6 and none
#: by context: 9.44 / 15.54 %, at the same speed
WIDE_NEIGHBOURS = 40
CONTEXT_NEIGHBOURS = 3
CONTEXT_LIFT = 3.0
#: natural-log cost of each letter edit past the first when a non-syllable is corrected; dev garbled WER:
#: 0 -> 10.40 %, 2 -> 10.22 %, 4 -> 10.15 %, 10 -> 10.05 %.  Our damage model makes one edit per syllable,
#: real OCR often two ("nogaai" for "ngoài"), so we stop at 4 rather than follow dev to 10
EXTRA_EDIT_COST = 4.0
#: natural-log cost of joining two tokens into one syllable ("ngh ien" -> "nghiên"): one token fewer is
#: one factor fewer to pay for; dev garbled WER (with 2 % of syllables split): no joins 12.00 %,
#: 0 -> 10.68 %, 3 -> 10.70 %, 6 -> 10.71 %
MERGE_COST = 3.0
#: the kinds of change (``Change.kind``); each can be switched off (``vanban repair --no-reorder``, ...)
KINDS = frozenset({"accent", "spelling", "reorder"})


@dataclass(frozen=True)
class Change:
    start: int  # character offsets in the input text
    end: int
    before: str
    after: str
    confidence: float
    kind: str  # accent / spelling / reorder
    applied: bool = True


@dataclass
class RepairResult:
    text: str
    changes: list[Change] = field(default_factory=list)
    line_labels: list[str] = field(default_factory=list)
    model: str | None = None
    note: str = ""

    @property
    def flagged(self) -> list[Change]:
        return [c for c in self.changes if not c.applied]


def models_dir() -> Path:
    """``$VANBAN_MODELS_DIR``, or ``models/`` of the project checkout."""
    env = os.environ.get("VANBAN_MODELS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "models"


class Restorer:
    """A loaded language model (and, when shipped, the neural encoder); reusable across documents."""

    def __init__(self, model: NgramModel, name: str = "ngram", scorer=None, neural_weight: float = NEURAL_WEIGHT,
                 channel: Channel | None = None):
        self.model = model
        self.channel = channel
        self.name = name
        self.scorer = scorer
        self.neural_weight = neural_weight
        self.candidates = CandidateGenerator(model)
        # the second pass decodes a line again with the same words: its encoder vectors are read back
        self._encode = functools.lru_cache(maxsize=1024)(lambda tokens: scorer.encode(list(tokens)))
        # the same word with the same candidates costs the same everywhere ("cac" in every line)
        self._word_costs = functools.lru_cache(maxsize=50_000)(self._letter_costs_uncached)
        self._ids = functools.lru_cache(maxsize=50_000)(model.ids)

    @functools.cached_property
    def latin1(self) -> Latin1Index:
        """The known syllables by their Latin-1 projections: built the first time a text needs them."""
        return Latin1Index({w: self.candidates.weight(w) for w in self.candidates.known})

    @classmethod
    def load(cls, directory: Path | None = None, neural: bool = True,
             full_precision: bool = False) -> "Restorer | None":
        """``full_precision``: serve the float encoder even where the 8-bit one is there."""
        directory = directory or models_dir()
        path = directory / NGRAM_FILE
        if not path.exists():
            return None
        model = NgramModel.load(path)
        name = f"syllable trigram ({path.name})"
        scorer = None
        encoder = directory / (NEURAL_ONNX if full_precision or not (directory / NEURAL_INT8).exists()
                               else NEURAL_INT8)
        if neural and encoder.exists() and (directory / NEURAL_TABLES).exists():
            from .neural_runtime import NeuralScorer

            scorer = NeuralScorer(encoder, directory / NEURAL_TABLES)
            name = f"syllable trigram + neural encoder ({encoder.name})"
        channel = Channel.load(directory / CHANNEL_FILE) if (directory / CHANNEL_FILE).exists() else None
        if channel is not None:
            name += f" + OCR channel ({CHANNEL_FILE})"
        return cls(model, name=name, scorer=scorer, channel=channel)

    def repair(self, text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
               suspects: Sequence[tuple[int, int]] = (), kinds: frozenset[str] = KINDS,
               heard: Sequence[tuple[int, int, float]] = ()) -> RepairResult:
        """``suspects``: (start, end) spans of the text the OCR engine was unsure of.  ``kinds``: the
        kinds of change that may be made (accent, spelling, reorder); the others are only logged.
        ``heard``: (start, end, confidence) of every word the OCR engine read, for the noisy channel:
        without it (a typed text) a sound line is never opened."""
        text = unicodedata.normalize("NFC", text)
        style = vn.detect_style(text)
        changes: list[Change] = []
        labels: list[str] = []
        lines = text.split("\n")
        typed = not heard
        reports = [detect.analyse_line(line, typed=typed) for line in lines]
        heard = sorted(heard)
        heard_starts = [a for a, _, _ in heard]
        # an OCR that knew only Latin-1 dropped the other letters: every word is read again under that rule
        latin1 = "accent" in kinds and latin1_letters(text) and self.latin1.readable(text)
        # switched off, a reorder is still looked for and logged, never made (no confidence reaches 2)
        needed = max(min_confidence, reorder.MIN_CONFIDENCE) if "reorder" in kinds else 2.0
        ordered, moves, source = reorder.restore_order(lines, self.model, self.candidates, reports, needed)
        offsets = _line_offsets(text)
        for move in moves:
            end = offsets[move.end - 1] + len(move.before_last)
            changes.append(Change(offsets[move.start], end, move.before, move.after, move.confidence, "reorder",
                                  move.applied))
        out_lines = list(ordered)
        readings: list[list[Reading | None]] = [[] for _ in ordered]
        in_context = reports_in_context(ordered, [reports[k] for k in source])
        todo: dict[int, _LineWork] = {}
        stripped_document = abbreviations.damaged_document([r.label for r in in_context])
        for index, (line, report) in enumerate(zip(ordered, in_context)):
            labels.append(report.label)
            base = offsets[source[index]]  # changes point into the input, wherever the line moved
            unsure = {w.start: NO_CHANNEL for w in report.words
                      if any(a < base + w.end and base + w.start < b for a, b in suspects)}
            if self.channel is not None and heard and report.label in CHANNEL_LABELS:
                unsure.update(_heard_in_line(report, base, len(line), heard, heard_starts))
            # stripped codes and abbreviations ("1899/QD-TTg", "HDND") of damaged lines, and of code-only
            # lines of a damaged document: one letter for one, so the line's offsets stay as they are
            if report.label not in detect.UNTOUCHED or (report.label == "not-to-touch" and stripped_document):
                line, restored = abbreviations.restore_line(line, report.words,
                                                            min_confidence if "accent" in kinds else 2.0)
                out_lines[index] = line
                changes.extend(Change(base + r.start, base + r.end, r.before, r.after, r.confidence, "accent",
                                      r.applied) for r in restored)
            opened = latin1 and (report.label != "not-to-touch" or detect.in_capitals(report.words))
            if report.label in detect.UNTOUCHED and not (unsure and report.label == "clean") and not opened:
                readings[index] = as_written(line)
                continue
            todo[index] = self._settle(line, report, unsure, Context.around(ordered, index), latin1)
        # the lines of a wrapped paragraph are read as one sequence: each one's first words go on from
        # the last words of the line before, as they were written
        runs = paragraph_runs(ordered, sorted(todo))
        for run in runs:
            self._read_run([todo[k] for k in run], [None] * len(run), style, min_confidence, kinds, typed)
        # second pass: a damaged line is read again when the rest of the document wrote one of its word
        # pairs otherwise than this line's first reading did ("truong nuroc" read "trong nước" elsewhere)
        if todo and len(ordered) >= 2 and CONSISTENCY_WEIGHT > 0:
            for index, work in todo.items():
                readings[index] = work.reading
            consistency = Consistency(readings)
            for run in runs:
                hints = [consistency.for_line(todo[k].reading) for k in run]
                hints = [h if h.disagrees(todo[k].reading) else None for h, k in zip(hints, run)]
                if any(hints):
                    self._read_run([todo[k] for k in run], hints, style, min_confidence, kinds, typed)
        for index, work in sorted(todo.items()):
            out_lines[index] = work.text
            base = offsets[source[index]]
            changes.extend(Change(ch.start + base, ch.end + base, ch.before, ch.after, ch.confidence,
                                  ch.kind, ch.applied) for ch in work.changes)
        # and lines of nothing but numbers and codes of a damaged document ("d) 2.000.000 VND")
        bare = {k for k, label in enumerate(labels) if label == "not-to-touch" and stripped_document}
        for index, at in markers.repeated_d(out_lines, set(todo) | bare):
            letter = out_lines[index][at]
            applied = markers.MARKER_CONFIDENCE >= min_confidence and "accent" in kinds
            if applied:
                out_lines[index] = out_lines[index][:at] + markers.STROKED[letter] + out_lines[index][at + 1:]
            start = offsets[source[index]] + at
            changes.append(Change(start, start + 1, letter, markers.STROKED[letter], markers.MARKER_CONFIDENCE,
                                  "accent", applied))
        return RepairResult("\n".join(out_lines), changes, labels, self.name)

    def _settle(self, line: str, report: detect.LineReport, unsure: Mapping[int, float],
                context: "Context | None", latin1: bool = False) -> "_LineWork":
        """A damaged line's positions, with the splits and joins that make it read better."""
        by_start = {w.start: w for w in report.words}
        positions = self._positions(line, report, by_start, frozenset(), frozenset(), unsure, latin1)
        work = _LineWork(line, report, unsure, context, positions)
        if not any(p.editable for p in positions):
            return work
        result = None  # the line's own decoding, needed only to judge a split or a join
        # two syllables run together ("duan"): split when the line then reads better
        splits: set[int] = set()
        for word in report.words:
            suspect = word.label == "invalid" or (word.label == "plain" and self.candidates.rare(word.text))
            if suspect and self.candidates.split(word.text):
                result = result or self._decode(positions, context)
                trial = self._positions(line, report, by_start, frozenset(splits | {word.start}), frozenset(), unsure,
                                               latin1)
                alternative = self._decode(trial, context)
                if alternative.score > result.score:
                    splits.add(word.start)
                    positions, result = trial, alternative
        # one syllable broken in two ("ngh ien"): join when the line then reads better, by MERGE_COST
        # since one token fewer is one factor fewer
        merges: set[int] = set()
        taken = set(splits)
        for first, second in zip(report.words, report.words[1:]):
            if (line[first.end:second.start] == " " and "invalid" in (first.label, second.label)
                    and not {first.start, second.start} & taken
                    and self.candidates.accent_forms(first.text + second.text)):
                result = result or self._decode(positions, context)
                trial = self._positions(line, report, by_start, frozenset(splits),
                                        frozenset(merges | {first.start}), unsure, latin1)
                alternative = self._decode(trial, context)
                if alternative.score - MERGE_COST > result.score:
                    merges.add(first.start)
                    taken |= {first.start, second.start}
                    positions, result = trial, alternative
        work.positions, work.own = positions, result
        return work

    def _read_run(self, works: list["_LineWork"], hints: list["LineHint | None"], style: str,
                  min_confidence: float, kinds: frozenset[str] = KINDS, typed: bool = False) -> None:
        """Choose the words of a run of lines in one search, then apply and log each line's changes.
        ``hints``: per line, what the rest of the document wrote (second pass) or None; ``typed``: the
        text came with no OCR confidences."""
        if len(works) == 1 and works[0].own is not None and hints[0] is None:
            results = [works[0].own]
        else:
            ids: list[np.ndarray] = []
            unary: list[np.ndarray] = []
            for work, hint in zip(works, hints):
                line_ids, line_unary = self._inputs(work.positions, hint, work.context)
                ids += line_ids
                unary += line_unary
            joint = decode(self.model, [], unary, ids, before=self._before(works[0].context))
            results, at = [], 0
            for work in works:
                n = len(work.positions)
                results.append(Decoded(joint.best[at:at + n], joint.probs[at:at + n], joint.score))
                at += n
        for work, result in zip(works, results):
            if not any(p.editable for p in work.positions):
                work.text, work.changes, work.reading = work.line, [], as_written(work.line)
                continue
            by_start = {w.start: w for w in work.report.words}
            work.text, work.changes = self._apply(work.line, work.positions, result, by_start, style,
                                                  min_confidence, work.unsure, kinds,
                                                  work.report.share("accented") >= detect.SOUND_ACCENTED_SHARE,
                                                  typed)
            work.reading = readings_of(work.positions, result)

    def _decode(self, positions: list["Position"], context: "Context | None") -> Decoded:
        """One line on its own (with what it reads on from and into)."""
        ids, unary = self._inputs(positions, None, context)
        return decode(self.model, [], unary, ids, before=self._before(context))

    def _inputs(self, positions: list["Position"], hint: "LineHint | None",
                context: "Context | None") -> tuple[list[np.ndarray], list[np.ndarray]]:
        """What the decoder needs of a line: its candidates' ids and their scores besides the trigram's."""
        ids = [self._ids(tuple(p.cands)) for p in positions]
        return ids, self._unary(positions, ids, hint, context)

    def _before(self, context: "Context | None") -> list[int]:
        return [] if context is None else self._ids(context.last_read).tolist()

    def _positions(self, line: str, report: detect.LineReport, by_start: dict[int, detect.Word],
                   splits: frozenset[int], merges: frozenset[int], unsure: Mapping[int, float],
                   latin1: bool = False) -> list["Position"]:
        """One position per LM token of the line (two for a word being split, one for two words being
        joined), with its candidates; a word the OCR engine read with a confidence, in a sound line,
        with the channel's cost of each candidate."""
        protected = [(w.start, w.end) for w in report.words if w.label == "protected"]
        positions: list[Position] = []
        joined_until = -1
        for m in TOKEN_RE.finditer(line):
            tok, start = m.group(), m.start()
            if start < joined_until:
                continue  # the second half of a join
            word = by_start.get(start)
            fixed = Position(start, m.end(), tok, [lm_token(tok)], False)
            projected = latin1 and word is not None and tok.isalpha() and _projectable(word, report) \
                and bool(self.latin1.forms(tok))
            if not projected and (any(a <= start < b for a, b in protected) or word is None or not tok.isalpha()):
                positions.append(fixed)
            elif start in merges:
                second = by_start[line.index(" ", start) + 1]
                forms = self.candidates.accent_forms(word.text + second.text)
                positions.append(Position(start, second.end, line[start:second.end], forms, True))
                joined_until = second.end
            elif start in splits:
                for part, plain in enumerate(self.candidates.split(tok)):
                    forms = self.candidates.accent_forms(plain) or [FOREIGN]
                    positions.append(Position(start, m.end(), tok, forms, True, part))
            elif projected:
                forms = list(self.latin1.forms(tok))  # what a Latin-1 OCR can have made of it: free choices
                positions.append(Position(start, m.end(), tok, forms, True, channel=(0.0,) * len(forms),
                                           projected=True))
            else:
                cands = self._word_candidates(word, report.label, start in unsure)
                heard = unsure.get(start, NO_CHANNEL)
                channel = None
                if cands is not None and heard >= 0 and self.channel is not None and report.label in CHANNEL_LABELS:
                    channel = tuple(self.channel.logp(tok, tok if c == FOREIGN else c, heard) for c in cands)
                positions.append(fixed if cands is None else Position(start, m.end(), tok, cands, True,
                                                                         channel=channel))
        return self._neighbours_in_context(positions, by_start) if report.label == "garbled" else positions

    def _neighbours_in_context(self, positions: list["Position"], by_start: dict[int, detect.Word]) -> list["Position"]:
        """In a garbled line a word may also become a rarer syllable one letter away when the words beside
        it call for it: "deo" is offered only its commonest neighbours (để, đến, do, ...), but after
        "lanh" also "đạo", since "lãnh đạo" is a frequent pair.  A neighbour is added when its bigram with
        a candidate beside it is CONTEXT_LIFT nats likelier than chance, at most CONTEXT_NEIGHBOURS of them."""
        extras: dict[int, list[str]] = {}
        grids: list[tuple[int, bool, np.ndarray, np.ndarray]] = []  # position, neighbour first?, (w2, w3) ids
        for i, pos in enumerate(positions):
            word = by_start.get(pos.start)
            if (not pos.editable or pos.part is not None or word is None or word.label == "invalid" or " " in pos.text
                    or pos.channel is not None):
                continue
            extra = [n for n in self.candidates.neighbours(pos.text, limit=WIDE_NEIGHBOURS) if n not in pos.cands]
            if not extra:
                continue
            extras[i] = extra
            ids = self.model.ids(extra)
            if i > 0:  # P(neighbour | word before) against P(neighbour)
                grids.append((i, False, *np.broadcast_arrays(self.model.ids(positions[i - 1].cands)[:, None], ids)))
            if i + 1 < len(positions):  # P(word after | neighbour) against P(word after)
                grids.append((i, True, *np.broadcast_arrays(ids[:, None], self.model.ids(positions[i + 1].cands))))
        if not grids:
            return positions
        # one lookup for the whole line: most of the time goes to searching the bigram table
        flat = self.model.bigram_logp(np.concatenate([g[2].ravel() for g in grids]),
                                      np.concatenate([g[3].ravel() for g in grids]))
        lifts = {i: np.full(len(extra), -np.inf) for i, extra in extras.items()}
        at = 0
        for i, neighbour_first, w2, w3 in grids:
            lift = flat[at:at + w2.size].reshape(w2.shape) - self.model.uni_logp[w3]
            at += w2.size
            lifts[i] = np.maximum(lifts[i], lift.max(1) if neighbour_first else lift.max(0))
        out = list(positions)
        for i, extra in extras.items():
            best = [extra[k] for k in np.argsort(-lifts[i])[:CONTEXT_NEIGHBOURS] if lifts[i][k] >= CONTEXT_LIFT]
            if best:
                out[i] = dataclasses.replace(positions[i], cands=[*positions[i].cands, *best])
        return out

    def _apply(self, line: str, positions: list["Position"], result, by_start: dict[int, detect.Word],
               style: str, min_confidence: float, unsure: Mapping[int, float],
               kinds: frozenset[str] = KINDS, sound: bool = False, typed: bool = False) -> tuple[str, list[Change]]:
        """The repaired line and its change log, applying only confident changes.  ``sound``: the line
        was typed with its accents, so a lone unmarked syllable in it is meant so and stays.  ``typed``:
        the text came with no OCR confidences."""
        changes: list[Change] = []
        pieces: list[str] = []
        cursor = 0
        i = 0
        heading = detect.in_capitals(list(by_start.values()))  # "QUe" in a heading in capitals is "QUẢ"
        while i < len(positions):
            pos = positions[i]
            if not pos.editable:
                i += 1
                continue
            if pos.part == 0:  # a split: both halves form one change of the word's span
                second = positions[i + 1]
                choices = [pos.cands[result.best[i]], second.cands[result.best[i + 1]]]
                confidence = min(float(result.probs[i][result.best[i]]), float(result.probs[i + 1][result.best[i + 1]]))
                i += 2
                if FOREIGN in choices:
                    continue
                after = vn.to_style(vn.apply_case(pos.text, choices[0]) + " " + choices[1], style)
            else:
                choice = pos.cands[result.best[i]]
                confidence = float(result.probs[i][result.best[i]])
                i += 1
                if choice == FOREIGN:
                    continue
                upper = sum(ch.isupper() for ch in pos.text)  # "QUe", "clUNG"; not "Tu" (Tự do)
                capital = heading and upper >= 2 and upper * 2 >= len(pos.text)
                after = vn.to_style(vn.apply_case(pos.text.upper() if capital else pos.text, choice), style)
            # candidates are in the canonical style and ``after`` in the document's: a word that differs from
            # it only by where the tone mark sits (khoẻ / khỏe in a document that mostly writes hóa) is the
            # word as written, in its own style, and stays
            if after == pos.text or vn.normalise_tones(after) == vn.normalise_tones(pos.text):
                continue
            needed = min_confidence
            label = by_start[pos.start].label
            if pos.projected:
                needed = min_confidence
            elif pos.channel is not None:
                needed = max(min_confidence, CHANNEL_CONFIDENCE)
            elif pos.start in unsure:
                needed = max(min_confidence, SUSPECT_CONFIDENCE)
            elif sound and label == "plain" and (typed or lone(positions, i - 1, by_start)):
                # "thoi", "con", "Chu" among accented words: typed so ("ôtô con"); in a typed text, only
                # the non-syllables of such a line are damage (detect._names_in_sound_line)
                needed = 2.0
            elif label == "accented" or (label in ("plain", "invalid") and lone(positions, i - 1, by_start)):
                # a lone odd word between sound ones is more often right ("băng zôn") than an OCR slip
                needed = max(min_confidence, LONE_PLAIN_CONFIDENCE)
            same_letters = vn.strip_accents(pos.text).lower() == vn.strip_accents(after).lower()
            kind = "accent" if same_letters else "spelling"
            if typed and label == "accented" and not same_letters:
                needed = max(needed, TYPED_RESPELL_CONFIDENCE)  # "Nắp" -> "Cấp": a typed word, not a slip
            applied = confidence >= needed and kind in kinds
            changes.append(Change(pos.start, pos.end, pos.text, after, round(confidence, 4), kind, applied))
            if applied:
                pieces.append(line[cursor:pos.start])
                pieces.append(after)
                cursor = pos.end
        pieces.append(line[cursor:])
        return "".join(pieces), changes

    def _unary(self, positions: list["Position"], ids: list[np.ndarray], hint: "LineHint | None" = None,
               context: "Context | None" = None) -> list[np.ndarray]:
        """A score per candidate besides the trigram's: the encoder's weighted log-probabilities,
        a cost for keeping a word that is no syllable as it is, and (second pass) what the rest of
        the document wrote in the same place."""
        out = [np.array(p.channel) if p.channel is not None else self._letter_costs(p) for p in positions]
        if hint is not None:
            out = [a + b for a, b in zip(out, hint.bonus(positions))]
        if self.scorer is None:
            return out
        before, after = ((), ()) if context is None else (context.before, context.after)
        vectors = self._encode((*before, *(p.cands[0] if p.part is not None or " " in p.text else p.text
                                           for p in positions), *after))[len(before):len(before) + len(positions)]
        scored = [i for i, pos in enumerate(positions) if pos.editable and len(pos.cands) > 1]
        if scored:
            logprobs = self.scorer.candidate_logprobs(vectors[scored], [ids[i] for i in scored])
            for i, lp in zip(scored, logprobs):
                out[i] = out[i] + self.neural_weight * lp
        return out

    def _letter_costs(self, pos: "Position") -> np.ndarray:
        if not pos.editable or len(pos.cands) < 2 or pos.part is not None:
            return np.zeros(len(pos.cands))
        return self._word_costs(pos.text.lower(), tuple(pos.cands)).copy()

    def _letter_costs_uncached(self, word: str, cands: tuple[str, ...]) -> np.ndarray:
        """Keeping a word that is no syllable costs KEEP_INVALID_COST and each letter edit past the first
        EXTRA_EDIT_COST; respelling a word that is a syllable costs RESPELL_COST; accents are free."""
        cost = np.zeros(len(cands))
        letters = vn.strip_accents(word)
        if vn.is_valid(letters, strict=True):
            return cost - RESPELL_COST * np.array([vn.strip_accents(c) != letters for c in cands])
        for i, cand in enumerate(cands):
            edits = self.candidates.letter_edits(letters, cand) if cand != FOREIGN else 0
            cost[i] = -KEEP_INVALID_COST if cand == FOREIGN else -EXTRA_EDIT_COST * max(0, edits - 1)
        return cost

    def _word_candidates(self, word: detect.Word, line_label: str, unsure: bool = False) -> list[str] | None:
        """LM-token candidates for a word, or None to keep it as it is."""
        own = lm_token(word.text)
        if line_label in detect.UNTOUCHED and not unsure:
            return None  # a clean line is opened only for the words the OCR engine doubted
        if word.label == "invalid":
            if word.text[:1].isupper() and word.text[1:].islower() and line_label != "garbled":
                return None  # a foreign name (Ukraine, Gaza) in a readable line; capitals are a heading's
            forms = self.candidates.spelling(word.text)
            return _unique([*forms, FOREIGN]) if forms else None
        if word.label == "accented" and line_label not in ("garbled", "accent-stripped") and not unsure:
            return None  # a well-formed accented word in a mostly sound line is trusted
        forms = self.candidates.accent_forms(word.text)
        if not forms:
            return None
        if line_label == "garbled":  # a visibly damaged line: "truong" may be "trong"
            forms = forms + self.candidates.neighbours(word.text)
        keep_own = own in self.model.vocab and own not in SPECIALS  # "quyet" is no word: not an option
        return _unique([own, *forms]) if keep_own else _unique(forms)


@dataclass
class _LineWork:
    """A damaged line on its way through repair."""

    line: str
    report: detect.LineReport
    unsure: Mapping[int, float]  # word starts the OCR engine doubted or read: its confidence, or NO_CHANNEL
    context: Context | None
    positions: list[Position]
    own: Decoded | None = None  # its own decoding, when a split or join trial needed one
    text: str = ""  # the repaired line, its changes (offsets in the line) and how it was read
    changes: list[Change] = field(default_factory=list)
    reading: list[Reading | None] = field(default_factory=list)


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]


def _projectable(word: detect.Word, report: detect.LineReport) -> bool:
    """A word of a Latin-1 OCR's text that may be read again: a syllable or a broken one; in a heading in
    capitals also a capitalised one ("CNG" for "CỘNG"), unless it is an official abbreviation."""
    if word.label != "protected":
        return True
    return (word.text.isalpha() and word.text.isupper() and detect.in_capitals(report.words)
            and not abbreviations.known(word.text))


#: a suspect span without a confidence: opened, but not scored by the channel
NO_CHANNEL = -1.0


def _heard_in_line(report: detect.LineReport, base: int, length: int, heard: Sequence[tuple[int, int, float]],
                   starts: Sequence[int]) -> dict[int, float]:
    """The OCR confidence of each word of a line (at ``base`` in the text, ``length`` long) that the engine
    read; ``heard`` is sorted, ``starts`` its start offsets."""
    spans = heard[bisect.bisect_left(starts, base):bisect.bisect_left(starts, base + length)]
    out: dict[int, float] = {}
    for w in report.words:
        for a, b, confidence in spans:
            if a < base + w.end and base + w.start < b and w.label != "protected":
                out[w.start] = min(confidence, out.get(w.start, 100.0))
    return out


def _line_offsets(text: str) -> list[int]:
    offsets, pos = [], 0
    for line in text.split("\n"):
        offsets.append(pos)
        pos += len(line) + 1
    return offsets


@functools.lru_cache(maxsize=4)
def load_restorer(directory: str | None = None) -> Restorer | None:
    """The committed model, loaded once per process (the pipeline's workers share nothing)."""
    return Restorer.load(Path(directory) if directory else None)


def repair(text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
           restorer: Restorer | None = None, suspects: Sequence[tuple[int, int]] = (),
           kinds: frozenset[str] = KINDS, heard: Sequence[tuple[int, int, float]] = ()) -> RepairResult:
    """Repaired text and the log of every change (pass-through when no model is installed)."""
    restorer = restorer or load_restorer()
    if restorer is None:
        return RepairResult(
            text=unicodedata.normalize("NFC", text), model=None,
            note=f"no repair model found in {models_dir()}; text passed through unchanged",
        )
    return restorer.repair(text, min_confidence, suspects, kinds, heard)
