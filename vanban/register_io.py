"""The register's two ends: lines from a document's JSON, and ``register.csv`` for a folder of results.

Both work on the JSON form of a Document (``Document.to_dict()``), so a result written before
the register existed can still be read into ``register.csv`` when a batch is resumed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .output import write_atomic
from .register import KEYS, RegisterLine, csv_row, extract, to_json

CSV_NAME = "register.csv"
COLUMNS = ("file",) + KEYS
#: blocks whose Block.text is one line per printed line; the others are one line per block
_LINE_KINDS_JOINED = ("paragraph", "heading")


def lines_from_dict(data: dict[str, Any], final_text: str | None = None) -> list[RegisterLine]:
    """RegisterLines of a document's JSON, in reading order.

    ``final_text`` (the repaired text) is used for a line when its page, block and word count
    map one to one onto the OCR's; otherwise the OCR text is kept.  ``raw`` is always the OCR text.
    """
    pages_text = final_text.split("\f") if final_text is not None else []
    out: list[RegisterLine] = []
    block_no = 0
    for p_index, page in enumerate(data.get("pages", [])):
        out.extend(_stamp_lines(page, int(page.get("number", p_index + 1))))
        blocks = [b for b in page.get("blocks", []) if any(ln.get("words") for ln in b.get("lines", []))]
        texts = _page_lines(pages_text[p_index] if p_index < len(pages_text) else None, blocks)
        for b_index, block in enumerate(blocks):
            kind = block.get("kind", "")
            lines = [ln for ln in block["lines"] if ln.get("words")]
            repaired = _split_block(texts[b_index] if texts else None, lines, kind)
            for l_index, ln in enumerate(lines):
                words = tuple((w["text"], float(w["confidence"])) for w in ln["words"])
                raw = " ".join(w for w, _ in words)
                box = ln.get("box") or {}
                out.append(RegisterLine(
                    page=int(page.get("number", p_index + 1)),
                    box=(box["left"], box["top"], box["width"], box["height"]) if box else None,
                    text=repaired[l_index] if repaired else raw,
                    confidence=sum(c for _, c in words) / len(words),
                    block_kind=kind, block=block_no, words=words, raw=raw))
            block_no += 1
    return out


def _stamp_lines(page: dict[str, Any], number: int) -> list[RegisterLine]:
    """The received stamp as the pipeline read it apart from the page (stage ``received_stamp``)."""
    out = []
    for stage in page.get("stages", []):
        if stage.get("stage") != "received_stamp" or not stage.get("done"):
            continue
        for ln in stage.get("details", {}).get("lines", []):
            words = tuple((str(t), float(c)) for t, c in ln.get("words", []))
            if not words:
                continue
            box = ln.get("box") or {}
            text = " ".join(w for w, _ in words)
            out.append(RegisterLine(number, (box["left"], box["top"], box["width"], box["height"]) if box else None,
                                    text, sum(c for _, c in words) / len(words), "stamp", -1, words, text))
    return out


def _page_lines(page_text: str | None, blocks: list[dict]) -> list[list[str]] | None:
    """The final text of a page cut into each block's text lines, or None if the counts differ."""
    if page_text is None:
        return None
    lines = page_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, at = [], 0
    for block in blocks:
        n = 1 if block.get("kind") in _LINE_KINDS_JOINED else sum(1 for ln in block["lines"] if ln.get("words"))
        out.append(lines[at:at + n])
        at += n
    return out if at == len(lines) else None


def _split_block(texts: list[str] | None, lines: list[dict], kind: str) -> list[str] | None:
    """One final text per OCR line when the word counts agree, else None (the OCR text is used)."""
    if texts is None:
        return None
    counts = [len(ln["words"]) for ln in lines]
    if kind in _LINE_KINDS_JOINED:
        words = texts[0].split() if texts else []
        if len(words) != sum(counts):
            return None
        out, at = [], 0
        for n in counts:
            out.append(" ".join(words[at:at + n]))
            at += n
        return out
    if len(texts) != len(lines) or any(len(t.split()) != n for t, n in zip(texts, counts)):
        return None
    return list(texts)


def metadata_of(data: dict[str, Any], final_text: str | None = None) -> dict[str, dict[str, Any]]:
    """The ``metadata`` object of a document's JSON."""
    return to_json(extract(lines_from_dict(data, final_text)))


def register_rows(outdir: Path) -> list[list[str]]:
    """One row per document under ``outdir`` (a result without ``metadata`` is read again).

    The same input written under two names (its output name changed between runs when another
    input of the same name joined the batch) gives one row, from the newer result.
    """
    rows: dict[str, tuple[float, list[str]]] = {}
    for path in sorted(outdir.rglob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            mtime = path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "pages" not in data:
            continue  # not a vanban result
        metadata = data.get("metadata") or metadata_of(data, data.get("text"))
        name = data.get("source") or str(path.relative_to(outdir).with_suffix(""))
        if name not in rows or rows[name][0] <= mtime:
            rows[name] = (mtime, [name] + csv_row(metadata))
    return [row for _, row in rows.values()]


def write_register(outdir: Path, extra: list[list[str]] | None = None) -> Path:
    """(Re)write ``outdir/register.csv`` atomically: UTF-8 with BOM so spreadsheets read it right."""
    rows = register_rows(outdir)
    seen = {r[0] for r in rows}
    rows += [r for r in (extra or []) if r[0] not in seen]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    target = outdir / CSV_NAME
    write_atomic(target, "\ufeff" + buf.getvalue())
    return target
