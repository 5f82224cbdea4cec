"""Hand-built PDFs for the hostile tests: raw objects, every filter pdfium decodes, and bombs that take
a fraction of a second to build and a few kilobytes to store (nothing big is committed).

The encoders write what pdfium's decoders read (tests/test_pdfstreams.py checks each against pdfium):
`lzw` (PDF LZW, EarlyChange 1), `ascii85`, `asciihex`, `runlength`; `lzw_run` and `zlib_run` write a
run of one byte hundreds of megabytes long without building it.
"""

from __future__ import annotations

import base64
import zlib

TEXT = (b"BT /F1 12 Tf 72 720 Td (Subject: Closure of Mill Lane car park) Tj ET\n"
        b"BT /F1 12 Tf 72 700 Td (Decision: To close the car park.) Tj ET\n")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct xref table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def packed_pdf(objects: list[bytes | None], packed: dict[int, bytes]) -> bytes:
    """A PDF 1.5 whose objects numbered in `packed` live in a Flate object stream (the last object
    but one) and whose cross-reference table is a stream (the last object), as pdfium needs to find
    them: `objects[n - 1]` is None for each packed number n."""
    numbers = sorted(packed)
    header = b" ".join(b"%d %d" % (n, offset) for n, offset in zip(numbers, _offsets([packed[n] for n in numbers]), strict=True))
    body = b" ".join(packed[n] for n in numbers)
    store = len(objects) + 1
    objects = [*objects, stream(zlib.compress(header + b" " + body),
                                b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(numbers), len(header) + 1))]
    out = b"%PDF-1.7\n"
    entries = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number, obj in enumerate(objects, 1):
        if obj is None:
            entries.append(b"\x02" + store.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big"))
            continue
        entries.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00")
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref, size = len(out), len(objects) + 2
    entries.append(b"\x01" + xref.to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(entries)
    out += b"%d 0 obj\n" % (size - 1) + stream(table, b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size) + b"\nendobj\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def _offsets(bodies: list[bytes]) -> list[int]:
    offsets, at = [], 0
    for body in bodies:
        offsets.append(at)
        at += len(body) + 1
    return offsets


def stream(payload: bytes, filters: bytes = b"/Filter /FlateDecode", keyword: bytes = b"stream\n") -> bytes:
    """A stream object's body: its dictionary (Length, then `filters` and anything else), the data."""
    return b"<< /Length %d %s >>\n" % (len(payload), filters) + keyword + payload + b"\nendstream"


def page_pdf(content: list[bytes], contents: bytes | None = None, extra_catalog: bytes = b"") -> bytes:
    """One page: objects 1-3 catalog, pages, page; 4 the font; 5... the `content` objects. /Contents is
    `contents` when given, else the one content object or an array of them all."""
    numbers = [b"%d 0 R" % (5 + i) for i in range(len(content))]
    if contents is None:
        contents = numbers[0] if len(numbers) == 1 else b"[" + b" ".join(numbers) + b"]"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R %s >>" % extra_catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %s"
        b" /Resources << /Font << /F1 4 0 R >> >> >>" % contents,
        FONT,
        *content,
    ])


# -- encoders ---------------------------------------------------------------------------------------


def asciihex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def ascii85(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def runlength(data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 128):
        part = data[i : i + 128]
        out.append(len(part) - 1)
        out += part
    return bytes(out) + b"\x80"


def runlength_run(length: int, fill: int = 0x20) -> bytes:
    """`length` bytes of `fill`, 128 per two-byte run."""
    return bytes([129, fill]) * (length // 128) + b"\x80"


class _MsbBits:
    """LZW codes, most significant bit first."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, code: int, width: int) -> None:
        self.acc = (self.acc << width) | code
        self.count += width
        while self.count >= 8:
            self.count -= 8
            self.out.append((self.acc >> self.count) & 0xFF)
        self.acc &= (1 << self.count) - 1

    def bytes(self) -> bytes:
        return bytes(self.out) + (bytes([(self.acc << (8 - self.count)) & 0xFF]) if self.count else b"")


class _LzwWriter:
    """Codes at the width pdfium reads them: 9 bits, one more each time its table (one entry behind
    ours) reaches 254, 766 and 1,790 entries less EarlyChange."""

    def __init__(self) -> None:
        self.bits = _MsbBits()
        self.emitted = 0
        self.clear()

    def clear(self) -> None:
        self.bits.put(256, self.width())
        self.emitted = 0

    def width(self) -> int:
        entries = max(self.emitted - 1, 0) + 1  # the decoder's table, plus EarlyChange
        return 9 if entries < 254 else 10 if entries < 766 else 11 if entries < 1790 else 12

    def emit(self, code: int) -> None:
        self.bits.put(code, self.width())
        self.emitted += 1

    def end(self) -> bytes:
        self.bits.put(257, self.width())
        return self.bits.bytes()


def _lzw_codes(writer: _LzwWriter, data: bytes) -> None:
    table = {bytes([i]): i for i in range(256)}
    word = b""
    for byte in data:
        grown = word + bytes([byte])
        if grown in table:
            word = grown
            continue
        writer.emit(table[word])
        table[grown] = 258 + len(table) - 256
        word = bytes([byte])
        if len(table) - 256 >= 3800:  # well before pdfium's table stops growing
            writer.emit(table[word])
            word = b""
            writer.clear()
            table = {bytes([i]): i for i in range(256)}
    if word:
        writer.emit(table[word])


def lzw(data: bytes) -> bytes:
    writer = _LzwWriter()
    _lzw_codes(writer, data)
    return writer.end()


def lzw_run(length: int, prefix: bytes = b"", fill: int = 0x20) -> bytes:
    """`prefix`, then about `length` bytes of `fill`: after a clear code, each code names the run one
    byte longer than the last (258, 259, ... up to 4095, 3,839 bytes), then 4095 over and over."""
    writer = _LzwWriter()
    _lzw_codes(writer, prefix)
    writer.clear()
    writer.emit(fill)
    produced = run = 1
    code = 258
    while produced < length and code <= 4095:
        writer.emit(code)
        run += 1
        produced += run
        code += 1
    while produced < length:
        writer.emit(4095)
        produced += run
    return writer.end()


class _LsbBits:
    """Deflate's bit order: fields least significant bit first, Huffman codes most significant first."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def value(self, value: int, width: int) -> None:
        self.acc |= value << self.count
        self.count += width
        while self.count >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.count -= 8

    def code(self, code: int, width: int) -> None:
        for i in range(width - 1, -1, -1):
            self.value((code >> i) & 1, 1)


_LENGTH_258 = (0b11000101, 8)  # fixed Huffman literal/length symbol 285
_DISTANCE_1 = (0, 5)


def zlib_run(length: int, prefix: bytes = b"", fill: int = 0x20) -> bytes:
    """A zlib stream inflating to `prefix` then `fill`, `length` bytes in all (to within 258): a
    fixed-Huffman block of (length 258, distance 1) pairs, 13 bits each, repeated as whole bytes."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head.compress(prefix + bytes([fill])) + head.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, not final
    pairs = (length - len(prefix) - 1) // 258
    bits = _LsbBits()
    bits.value(0, 1)
    bits.value(1, 2)  # not final; fixed Huffman
    left = pairs
    while bits.count and left:  # until byte-aligned
        bits.code(*_LENGTH_258)
        bits.code(*_DISTANCE_1)
        left -= 1
    unit = _LsbBits()
    for _ in range(8):  # 8 pairs are 13 whole bytes
        unit.code(*_LENGTH_258)
        unit.code(*_DISTANCE_1)
    tail = _LsbBits()
    for _ in range(left % 8):
        tail.code(*_LENGTH_258)
        tail.code(*_DISTANCE_1)
    tail.code(0, 7)  # end of block
    tail.value(1, 1)
    tail.value(1, 2)
    tail.code(0, 7)  # a final, empty block
    if tail.count:
        tail.value(0, 8 - tail.count)
    checksum = zlib.adler32(prefix + bytes([fill]))
    block = bytes([fill]) * (1 << 20)
    remaining = pairs * 258
    while remaining:
        size = min(remaining, len(block))
        checksum = zlib.adler32(block[:size], checksum)
        remaining -= size
    return (b"\x78\x01" + start + bytes(bits.out) + bytes(unit.out) * (left // 8) + bytes(tail.out)
            + checksum.to_bytes(4, "big"))
