"""Bytes to text, one way for corpus files and fetched pages alike.

A byte-order mark wins; then the declared charset (an HTTP header's); then
UTF-8; then, for HTML, the page's own `<meta charset>`; and last cp1252 for
HTML (the old web's default) or UTF-8 with U+FFFD for bad bytes otherwise
(Markdown and text files are UTF-8 nearly always). Two declarations are
second-guessed: a Latin-1 label when the bytes are valid UTF-8 (a server's
default, not the page's), and UTF-16/32 when the bytes have no NUL (they
cannot be). Decoding never fails.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

__all__ = ["clean_text", "decode", "looks_binary", "looks_like_html"]

BINARY_SAMPLE_BYTES = 8192
BINARY_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 4096

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels servers send by default whatever the page is in (HTTP/1.1's old default and kin).
_DEFAULT_LABELS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _trusted(label: str | None, data: bytes) -> list[str]:
    """The encodings a declared label stands for, second-guessed (see the module docstring)."""
    if not label:
        return []
    codec = _codec(label)
    if codec is None:
        return []
    if codec in _DEFAULT_LABELS:
        return ["utf-8", codec]
    if codec.startswith(("utf-16", "utf-32")):
        return [codec] if b"\x00" in data[:_SNIFF_BYTES] else []
    return [codec]


def decode(data: bytes, charset: str | None = None, *, is_html: bool = False) -> str:
    """The text of `data`; `charset` is the declared one (an HTTP header's), if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    candidates = [*_trusted(charset, data), "utf-8"]
    if is_html:
        meta = _META_CHARSET.search(data[:_SNIFF_BYTES])
        if meta:
            candidates += _trusted(meta.group(1).decode("ascii"), data)
    for name in dict.fromkeys(candidates):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252" if is_html else "utf-8", errors="replace")


def clean_text(text: str) -> str:
    """Unix line ends, no control characters (they would break terminals and JSON readers)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in text)


def looks_binary(data: bytes, *, is_html: bool = False) -> bool:
    """A file that is not text whatever its name (an image or archive saved as .md), judged on
    its first BINARY_SAMPLE_BYTES: control characters (NUL...) are common, or most bytes do not
    decode. A text file with a stray NUL, or in a legacy 8-bit encoding, is still text."""
    sample = decode(data[:BINARY_SAMPLE_BYTES], is_html=is_html)
    if not sample:
        return False
    undecodable = sample.count("\ufffd")
    controls = sum(1 for ch in sample if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    return controls > BINARY_CONTROL_SHARE * len(sample) or undecodable > len(sample) / 2


def looks_like_html(text: str) -> bool:
    """Text that is really HTML whatever it was labelled (a server sending text/plain)."""
    head = text[:1024].lstrip("\ufeff \t\r\n").lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<?xml"))
