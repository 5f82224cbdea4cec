"""Bytes to text for the text and HTML readers: one decoder, and a warning whenever it had to guess.

The order is what is known before what is guessed:

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. the charset the bytes declare (an HTML page's ``<meta charset>``), when the bytes fit it;
3. UTF-8, when the bytes are valid UTF-8 (ASCII is);
4. UTF-16 without a byte-order mark, recognised by its zero bytes (Windows' "Unicode" text);
5. charset detection (charset-normalizer) for the rest: GB18030, Shift-JIS, Windows-1251 ... come out
   right. Single-byte Latin code pages are hard to tell apart (cp1250 and cp1252 read most English
   bytes alike), so Windows-1252 -- what Western text saved on Windows is -- wins whenever it reads
   the bytes as cleanly as the detector's best guess;
6. Windows-1252 with replacement characters, as the last resort.

Steps 4-6 are guesses: the result then carries a warning that says which encoding was assumed.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Share of zero or control bytes above which "text" is really binary data.
BINARY_SHARE = 0.05
# Bytes sampled to tell text from binary, and to detect an encoding (the file is then decoded whole).
_SAMPLE_BYTES = 64 * 1024
_DETECT_BYTES = 256 * 1024
# UTF-16 without a BOM: in at least this share of byte pairs one byte is zero (Latin-script text has
# a zero high byte), and the other byte of the pair is almost never zero.
_UTF16_ZERO_SIDE = 0.4
_UTF16_OTHER_SIDE = 0.02
_FALLBACK = "cp1252"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
_CONTROL_BYTES = bytes(range(32, 256)) + b"\t\n\r\f\v"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec that decoded it, e.g. "utf-8", "cp1252", "gb18030"
    warning: str | None = None  # set when the encoding was guessed rather than known


def looks_like_text(data: bytes) -> bool:
    """Text rather than binary data: a BOM, UTF-16 without one, or few zero and control bytes."""
    sample = data[:_SAMPLE_BYTES]
    if sample.startswith(tuple(bom for bom, _, _ in _BOMS)) or _utf16_without_bom(sample):
        return True
    return _control_share(sample) <= BINARY_SHARE


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data` (see the module docstring for the order); `declared` is a charset the document names."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            # a truncated or damaged file (odd length, lone surrogate) keeps what can be read
            return Decoded(data.decode(codec, errors="replace"), name)
    mismatch = ""
    if declared:
        try:
            return Decoded(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            mismatch = f"the declared charset {declared} does not fit the bytes; "
    try:
        return Decoded(data.decode("utf-8"), "utf-8", mismatch + "decoded as utf-8" if mismatch else None)
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data[:_SAMPLE_BYTES])
    if utf16:
        return Decoded(
            data.decode(utf16, errors="replace"), utf16, f"{mismatch}no byte-order mark: decoded as {utf16} (guessed)"
        )
    encoding = _detect(data)
    if encoding is None:
        return Decoded(
            data.decode(_FALLBACK, errors="replace"),
            _FALLBACK,
            f"{mismatch}not UTF-8 and no encoding detected: decoded as {_FALLBACK}, some characters may be wrong",
        )
    return Decoded(
        data.decode(encoding, errors="replace"), encoding, f"{mismatch}not UTF-8: decoded as {encoding} (detected)"
    )


def _detect(data: bytes) -> str | None:
    """The encoding charset-normalizer reads most cleanly, Windows-1252 when it reads as cleanly."""
    from charset_normalizer import from_bytes

    sample = data[:_DETECT_BYTES]
    if len(data) > _DETECT_BYTES and b"\n" in sample:
        # cut after a line feed: no multi-byte character of an ASCII-compatible encoding is split
        sample = sample[: sample.rindex(b"\n") + 1]
    results = from_bytes(sample)
    best = results.best()
    if best is None:
        return None
    if any(_FALLBACK in match.could_be_from_charset and match.chaos <= best.chaos for match in results):
        return _FALLBACK
    return best.encoding


def _utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the sample reads as BOM-less UTF-16 text, else None."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    zeros = (sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0))
    for zero_side, codec in ((1, "utf-16-le"), (0, "utf-16-be")):
        if zeros[zero_side] >= _UTF16_ZERO_SIDE * pairs and zeros[1 - zero_side] <= _UTF16_OTHER_SIDE * pairs:
            text = sample[: 2 * pairs].decode(codec, errors="replace")
            controls = sum(1 for char in text if char < " " and char not in "\t\n\r\f\v")
            if controls <= BINARY_SHARE * len(text):
                return codec
    return None


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    return len(sample.translate(None, delete=_CONTROL_BYTES)) / len(sample)
