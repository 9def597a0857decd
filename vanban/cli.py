"""``vanban`` command line: ``vanban ocr`` turns scans into text (see README for exit codes)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocr import load, poppler, tesseract
from ocr.errors import BadArgsError, ExitCode, InputFileError, MissingDependencyError, VanbanError

from . import __version__
from .pipeline import BOX_FORMATS, Options, parse_formats, run_batch
from .progress import BarProgress, NullProgress
from .textlayer import MODES as TEXT_LAYER_MODES
from .service_cli import SERVICE_COMMANDS, add_service_commands, run_service_command
from restore.corpus import default_corpus_dir
from restore.repair import DEFAULT_MIN_CONFIDENCE, KINDS, models_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vanban", description="Scanned Vietnamese official documents to clean UTF-8 text.")
    parser.add_argument("--version", action="version", version=f"vanban {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ocr = sub.add_parser("ocr", help="OCR scans (PDF, TIFF, PNG, JPEG files or folders) to text and JSON",
                         description="OCR scans to OUTDIR/<name>.txt and .json. Folders are searched recursively.")
    ocr.add_argument("inputs", nargs="+", metavar="INPUT", help="scan files or folders")
    ocr.add_argument("-o", "--output", default=".", metavar="OUTDIR",
                     help="folder for the results (default: current folder); '-' prints the text to stdout")
    ocr.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                     help="pages processed in parallel (default: number of CPU cores)")
    ocr.add_argument("-f", "--format", default="txt,json", metavar="LIST",
                     help="comma-separated output formats: txt, json, pdf (searchable PDF/A-2b with the "
                          "repaired text), hocr, alto (default: txt,json)")
    ocr.add_argument("--no-pdfa", action="store_true",
                     help="write the searchable PDF as a plain PDF, not PDF/A-2b")
    ocr.add_argument("--force", action="store_true", help="redo inputs whose outputs already exist")
    ocr.add_argument("--no-repair", action="store_true", help="emit the OCR text without the restore step")
    add_kind_switches(ocr)
    ocr.add_argument("--lang", default="vie", help="Tesseract language(s), e.g. vie or vie+eng (default: vie)")
    ocr.add_argument("--text-layer", choices=TEXT_LAYER_MODES, default=None,
                     help="PDFs' own text: auto uses good layers (converting TCVN3/VNI/VISCII) and OCRs pages "
                          "whose layer is junk or missing; use takes any layer; ignore always OCRs (default: auto)")
    ocr.add_argument("--use-text-layer", action="store_true", help=argparse.SUPPRESS)  # old name of --text-layer use
    ocr.add_argument("--max-pixels", type=int, default=load.DEFAULT_MAX_PIXELS, metavar="N",
                     help=f"refuse pages larger than N pixels (default: {load.DEFAULT_MAX_PIXELS})")
    for step in ("rescale", "orient", "deskew", "remove-ink", "remove-borders", "normalise", "binarise", "despeckle"):
        ocr.add_argument(f"--no-{step}", action="store_true", help=f"skip the {step.replace('-', ' ')} step")
    ocr.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    rep = sub.add_parser("repair", help="repair damaged Vietnamese text (accents, OCR misspellings, line order)",
                         description="Repair a text file; every change is logged with its span and confidence.")
    rep.add_argument("input", metavar="IN.txt",
                     help="text file ('-' for stdin): UTF-8, or TCVN3, VNI, VISCII or Windows-1258 (converted)")
    rep.add_argument("-o", "--output", default="-", metavar="OUT", help="repaired text (default: stdout)")
    rep.add_argument("--report", metavar="changes.json", help="write the change log as JSON")
    rep.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
                     help="changes less certain than X (0-1) are not applied, only flagged "
                          f"(default: {DEFAULT_MIN_CONFIDENCE})")
    add_kind_switches(rep)

    train = sub.add_parser("train-restorer", help="train the repair model from the corpus",
                           description="Build the syllable language model used by `vanban repair` "
                                       "(held-out and dev documents are never used).")
    train.add_argument("--corpus", default=str(default_corpus_dir()), help="the corpus folder (../shared/corpus)")
    train.add_argument("--out", default=str(models_dir()), help="folder for the model files (default: models/)")
    train.add_argument("--sources", default="legal,news,wiki", help="corpus sources to train on")
    train.add_argument("--neural-minutes", type=float, default=0.0, metavar="M",
                       help="also train (or resume) the neural encoder for M minutes; needs the 'train' extra")
    train.add_argument("--skip-ngram", action="store_true", help="keep the existing trigram (e.g. to resume training)")
    train.add_argument("--work", default="build/restorer", help="checkpoints and cached data (default: build/restorer)")
    train.add_argument("--warm-start", metavar="DIR",
                       help="with no checkpoint in --work, start the encoder from the one exported in DIR "
                            "(e.g. models/): checkpoints do not outlive the machine, the committed model does")
    train.add_argument("--beside-trigram", action="store_true",
                       help="train the encoder on its sum with the trigram's scores, as it is used, each half of "
                            "the documents beside a trigram counted on the other half")
    train.add_argument("--channel-pairs", metavar="FILE",
                       help="also count the OCR channel from bench/make_ocr_pairs.py output of train-split pages")
    add_service_commands(sub)
    return parser


def add_kind_switches(parser: argparse.ArgumentParser) -> None:
    """--no-reorder, --no-accents, --no-spelling: one switch per kind of repair."""
    for kind, what in (("reorder", "put lines back in order"), ("accents", "restore diacritics"),
                       ("spelling", "correct misspelt words")):
        parser.add_argument(f"--no-{kind}", action="store_true",
                            help=f"do not {what}: such changes are only listed in the change log")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return int(ExitCode.BAD_ARGS)
    try:
        if args.command == "ocr":
            return cmd_ocr(args)
        if args.command == "repair":
            return cmd_repair(args)
        if args.command == "train-restorer":
            return cmd_train_restorer(args)
        if args.command in SERVICE_COMMANDS:
            return run_service_command(args)
    except VanbanError as exc:
        print(f"vanban: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("vanban: interrupted; run the same command again to resume", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.BAD_ARGS)


def options_from_args(args: argparse.Namespace) -> Options:
    formats = parse_formats(args.format)
    if args.jobs is not None and args.jobs < 1:
        raise BadArgsError("--jobs must be 1 or more")
    if args.max_pixels < 1_000_000:
        raise BadArgsError("--max-pixels must be at least 1000000")
    extra = {} if args.jobs is None else {"jobs": args.jobs}
    if args.use_text_layer and args.text_layer not in (None, "use"):
        raise BadArgsError(f"--use-text-layer (the old name of --text-layer use) contradicts --text-layer {args.text_layer}")
    if args.use_text_layer:
        print("vanban: warning: --use-text-layer is deprecated; use --text-layer use", file=sys.stderr)
    text_layer = args.text_layer or ("use" if args.use_text_layer else "auto")
    return Options(
        lang=args.lang, formats=formats, force=args.force, repair=not args.no_repair,
        repair_kinds=tuple(sorted(repair_kinds(args))),
        rescale=not args.no_rescale, orient=not args.no_orient, deskew=not args.no_deskew,
        remove_ink=not args.no_remove_ink,
        remove_borders=not args.no_remove_borders, normalise=not args.no_normalise,
        binarise=not args.no_binarise, despeckle=not args.no_despeckle,
        text_layer=text_layer, max_pixels=args.max_pixels, pdfa=not args.no_pdfa, **extra,
    )


def cmd_ocr(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    tesseract.check(options.lang, need_osd=options.orient)
    if any(Path(p).is_dir() or Path(p).suffix.lower() == ".pdf" for p in args.inputs):
        poppler.check()
    to_stdout = args.output == "-"
    boxed = [f for f in options.formats if f in BOX_FORMATS]
    if to_stdout and boxed:
        raise BadArgsError(f"--format {','.join(boxed)} writes files: give an output folder with -o, not '-'")
    outdir = None if to_stdout else Path(args.output)
    if outdir is not None and outdir.exists() and not outdir.is_dir():
        raise BadArgsError(f"output {outdir} exists and is not a folder")
    show_bar = not args.quiet and sys.stderr.isatty()
    progress = BarProgress() if show_bar else NullProgress()
    try:
        batch = run_batch(args.inputs, outdir, options, progress)
    finally:
        progress.close()
    if not show_bar:  # errors and warnings were collected silently; print them plainly
        for message in getattr(progress, "notes", []):
            print(f"vanban: {message}", file=sys.stderr)
    if to_stdout:
        docs = [f for f in batch.files if f.status == "done"]
        if "txt" in options.formats:
            sys.stdout.write("\f".join(f.text or "" for f in docs))
        else:
            for f in docs:
                sys.stdout.write(json.dumps(f.document, ensure_ascii=False, indent=1) + "\n")
        sys.stdout.flush()
    if not args.quiet:
        minutes = batch.seconds / 60
        rate = f" ({batch.pages / minutes:.1f} pages/min)" if batch.pages and minutes > 0 else ""
        print(
            f"vanban: {len(batch.files)} file(s): {batch.count('done')} done, {batch.count('skipped')} skipped "
            f"(already done), {batch.count('failed')} failed; {batch.pages} page(s) in {batch.seconds:.1f} s{rate}",
            file=sys.stderr,
        )
    return int(batch.exit_code)


def cmd_repair(args: argparse.Namespace) -> int:
    import restore
    from dataclasses import asdict

    from .output import write_atomic

    if not 0.0 <= args.min_confidence <= 1.0:
        raise BadArgsError("--min-confidence must be between 0 and 1")
    try:
        raw = sys.stdin.buffer.read() if args.input == "-" else Path(args.input).read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot be read ({exc.strerror})", path=args.input) from exc
    detection, text = read_vietnamese_text(raw, args.input)
    result = restore.repair(text, min_confidence=args.min_confidence, kinds=repair_kinds(args))
    if result.model is None:
        print(f"vanban: warning: {result.note}", file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(result.text)
    else:
        write_atomic(Path(args.output), result.text)
    if args.report:
        report = {"input": args.input, "encoding": detection.to_dict(), "model": result.model, "min_confidence": args.min_confidence,
                  "line_labels": result.line_labels, "changes": [asdict(c) for c in result.changes]}
        write_atomic(Path(args.report), json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    applied = sum(c.applied for c in result.changes)
    off = "" if repair_kinds(args) == KINDS else " or switched off"
    print(f"vanban: {applied} change(s) applied, {len(result.changes) - applied} flagged (below "
          f"{args.min_confidence}{off})", file=sys.stderr)
    return int(ExitCode.OK)


def repair_kinds(args: argparse.Namespace) -> frozenset[str]:
    """The kinds of change the user left switched on."""
    off = {"reorder": args.no_reorder, "accent": args.no_accents, "spelling": args.no_spelling}
    return frozenset(kind for kind, switched_off in off.items() if not switched_off)


def read_vietnamese_text(raw: bytes, name: str):
    """Bytes of a text file -> (detection, Unicode NFC text); legacy encodings are converted and said so.

    A file that reads as no Vietnamese text in any known encoding (binary
    junk, another language's legacy code page) is an input error (exit 3).
    """
    from restore.encodings import detect_bytes

    detection, text = detect_bytes(raw)
    if text is None:
        raise InputFileError("is not UTF-8 text nor Vietnamese in TCVN3, VNI, VISCII or Windows-1258 "
                             "(binary, or another encoding)", path=name)
    if detection.encoding == "unicode" and detection.container != "utf-8":
        print(f"vanban: {name}: read as {detection.container.upper()}", file=sys.stderr)
    elif detection.encoding != "unicode":
        inside = f" inside {detection.container.upper()}" if detection.container != "bytes" else ""
        print(f"vanban: {name}: read as {detection.encoding}{inside} ({detection.score:.0%} of its words are "
              f"Vietnamese syllables that way) and converted to Unicode", file=sys.stderr)
    return detection, text


def cmd_train_restorer(args: argparse.Namespace) -> int:
    from restore.train import train_ngram  # noqa: F401  (neural training imports torch lazily)

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        raise BadArgsError(f"corpus folder {corpus} not found")
    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    if not args.skip_ngram:
        path = train_ngram(corpus, Path(args.out), sources, progress=sys.stderr.isatty())
        print(f"vanban: model written to {path}", file=sys.stderr)
    if args.channel_pairs:
        from restore.train import train_channel

        path = train_channel(Path(args.channel_pairs), Path(args.out))
        print(f"vanban: OCR channel written to {path}", file=sys.stderr)
    if args.neural_minutes > 0:
        try:
            from restore.train import train_neural
        except ImportError as exc:
            raise MissingDependencyError(f"training needs the 'train' extra: pip install -e '.[train]' ({exc})")
        path = train_neural(corpus, Path(args.out), Path(args.work), args.neural_minutes, sources,
                            progress=sys.stderr.isatty(),
                            warm_start=Path(args.warm_start) if args.warm_start else None,
                            beside_trigram=args.beside_trigram)
        print(f"vanban: neural model written to {path}", file=sys.stderr)
    return int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
