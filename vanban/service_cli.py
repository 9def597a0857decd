"""``vanban serve``, ``vanban worker`` and ``vanban watch``: the service side of the command line.

Kept apart from cli.py so the CLI module only has to register these commands.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from ocr import poppler, tesseract
from ocr.errors import BadArgsError

from .pipeline import Options, parse_formats
from .settings import ServiceSettings

SERVICE_COMMANDS = ("serve", "worker", "watch")


def add_service_commands(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="HTTP API with its own queue workers (settings: VANBAN_* variables)",
                           description="Run the HTTP API (docs at /docs) and, unless VANBAN_WORKERS=0, its workers.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))

    worker = sub.add_parser("worker", help="extra queue workers for a running service (same VANBAN_* settings)",
                            description="Take jobs from the service's queue (VANBAN_DATA_DIR, VANBAN_REDIS_URL).")
    worker.add_argument("-w", "--workers", type=int, default=None, metavar="N",
                        help="documents processed at once (default: VANBAN_WORKERS, or the number of cores)")
    worker.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))

    watch = sub.add_parser("watch", help="OCR every scan dropped into a folder",
                           description="Watch IN; write OUT/<name>.txt and .json for every scan once it is "
                                       "completely written.")
    watch.add_argument("inbox", metavar="IN", help="folder where scans arrive")
    watch.add_argument("outbox", metavar="OUT", help="folder for the results")
    watch.add_argument("--archive", metavar="DIR", help="move each original here once done (default: leave it)")
    watch.add_argument("--failed", metavar="DIR",
                       help="move files that cannot be read here, with <name>.error.txt (default: leave them, "
                            "error file in OUT)")
    watch.add_argument("--poll", type=float, metavar="SECONDS",
                       help="scan every SECONDS instead of waiting for file events (for SMB/NFS shares)")
    watch.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                       help="a file is taken once unchanged for this long (default: 2)")
    watch.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                       help="pages processed in parallel (default: number of CPU cores)")
    watch.add_argument("--no-repair", action="store_true", help="emit the OCR text without the restore step")
    watch.add_argument("--lang", default="vie", help="Tesseract language(s) (default: vie)")
    watch.add_argument("--text-layer", choices=("auto", "use", "ignore"), default="auto",
                       help="PDFs' own text layers: auto, use or ignore, as in `vanban ocr` (default: auto)")
    watch.add_argument("-f", "--format", default="txt,json", metavar="LIST",
                       help="comma-separated output formats: txt, json, pdf, hocr, alto (default: txt,json)")
    watch.add_argument("--no-pdfa", action="store_true", help="write the searchable PDF as a plain PDF, not PDF/A-2b")


def run_service_command(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "worker":
        return cmd_worker(args)
    return cmd_watch(args)


def _logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _stop_on_signals(*events: threading.Event) -> None:
    """SIGTERM (docker stop) and Ctrl-C end the loop after the work in hand."""
    def handler(*_):
        for event in events:
            event.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def cmd_serve(args: argparse.Namespace) -> int:
    from .api import serve

    settings = ServiceSettings.from_env()
    if not 0 < args.port < 65536:
        raise BadArgsError("--port must be between 1 and 65535")
    serve(settings, args.host, args.port, args.log_level)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from .taskqueue import WorkerPool, make_queue

    settings = ServiceSettings.from_env()
    workers = settings.workers if args.workers is None else args.workers
    if workers < 1:
        raise BadArgsError("--workers must be 1 or more")
    tesseract.check(settings.lang, need_osd=True)
    _logging(args.log_level)
    stop = threading.Event()
    pool = WorkerPool(make_queue(settings), workers)
    pool.start()
    _stop_on_signals(stop)
    threading.Thread(target=lambda: (stop.wait(), pool.stop()), daemon=True).start()
    pool.wait()
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import FolderWatcher, WatchSettings

    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise BadArgsError(f"{inbox} is not a folder")
    if args.poll is not None and args.poll <= 0:
        raise BadArgsError("--poll must be more than 0 seconds")
    if args.settle < 0:
        raise BadArgsError("--settle must be 0 or more seconds")
    if args.jobs is not None and args.jobs < 1:
        raise BadArgsError("--jobs must be 1 or more")
    tesseract.check(args.lang, need_osd=True)
    poppler.check()
    formats = parse_formats(args.format)
    options = Options(lang=args.lang, repair=not args.no_repair, text_layer=args.text_layer, formats=formats,
                      pdfa=not args.no_pdfa,
                      **({} if args.jobs is None else {"jobs": args.jobs}))
    settings = WatchSettings(inbox, Path(args.outbox), Path(args.archive) if args.archive else None,
                             Path(args.failed) if args.failed else None, args.poll, args.settle, options)
    _logging("info")
    stop = threading.Event()
    watcher = FolderWatcher(settings)
    _stop_on_signals(stop, watcher.wake)
    logging.getLogger("vanban.watch").info("watching %s (%s)", inbox,
                                           f"every {args.poll:g} s" if args.poll else "file events")
    watcher.run(stop)
    return 0
