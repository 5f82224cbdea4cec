"""What pdfium will decode in a PDF, found without decoding it: its streams, their filter chains, and
how many times each is used.

The decompression check (extractor/limits.py) budgets what pdfium is going to inflate, so it has to
see a PDF as pdfium does, not as a regular expression does:

* Objects are found by their `N G obj` headers and parsed as PDF syntax (names with #xx escapes,
  strings with nested parentheses, comments, nested dictionaries), so "/Subtype /Image" written
  inside a string, or a filter spelt `/Fl#61teDecode`, reads as pdfium reads it. Each parse stops at
  the next header, so a hostile file cannot make the scan quadratic.
* A stream's data starts after the end of the line that holds the `stream` keyword ("stream\\r\\n",
  "stream\\n", "stream\\r", "stream  \\n"), runs for /Length when `endstream` follows it there (an
  indirect /Length is looked up), and otherwise up to the first `endstream` or `endobj`, as pdfium's
  ReadStream does.
* Filters are those pdfium applies to a content stream: FlateDecode, LZWDecode (EarlyChange),
  ASCII85Decode, ASCIIHexDecode, RunLengthDecode and their abbreviations, chained. A last filter that
  is none of these (Crypt, an image filter such as DCTDecode, an unknown name) is left undone, and a
  chain with anything else before its last filter is not decoded at all.
* Uses: a page's /Contents (a stream, an array of streams, or a reference to such an array) is
  joined into one buffer, so a stream listed N times counts N times. Every other stream counts once,
  except images and embedded files, which text extraction never decodes (unless a page lists them
  as contents). Object streams are decoded here (their objects may hold pages) and count once.
* `decode` streams a stream through its chain in chunks of about a megabyte, so the check never holds
  more than a chunk of what it inflates; `max_output` bounds what a chain can write at all.

Encrypted PDFs are decoded by pdfium after decryption; their streams cannot be measured here (a bomb
in one meets the worker's memory cap instead).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

_CHUNK = 1 << 20
_WHITE = b"\x00\t\n\x0c\r "
_REGULAR_CHAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_SKIP = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
_NEXT = re.compile(  # whitespace and comments, then one token
    rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*(?:/(?P<name>" + _REGULAR_CHAR + rb"*)|(?P<open_dict><<)|(?P<close_dict>>>)"
    rb"|(?P<open_array>\[)|(?P<close_array>\])|(?P<string>\()|(?P<hex><[^>]*>)|(?P<atom>" + _REGULAR_CHAR + rb"+)"
    rb"|(?P<stray>[()<>{}]))"
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_INTEGER = re.compile(rb"[+-]?\d+")
_REF_TAIL = re.compile(rb"[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+R(?!" + _REGULAR_CHAR + rb")")
_STRING_PART = re.compile(rb"\\.|[()]", re.DOTALL)
# `N G obj`, found from its keyword (searching for the numbers first is ten times slower)
_OBJ = re.compile(rb"(?<!" + _REGULAR_CHAR + rb")obj(?!" + _REGULAR_CHAR + rb")")
_WHITE_BYTES = {bytes([c]) for c in _WHITE}
_STREAM = re.compile(rb"stream(?!" + _REGULAR_CHAR + rb")")
_DICTIONARY_THEN_STREAM = re.compile(rb">>(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*stream(?!" + _REGULAR_CHAR + rb")")
# Only objects that may name a page's contents need reading (a name can be spelt with # escapes).
_MAY_HOLD_CONTENTS = re.compile(rb"Contents|#")
_NOT_PLAIN = re.compile(rb"[(%#<>]")  # a string, a comment, an escape; (<< and >> removed first) a hex string
_PLAIN_CONTENTS = re.compile(rb"/Contents[\x00\t\n\x0c\r ]*(\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R|\[[0-9R\x00\t\n\x0c\r ]*\])")
_PLAIN_REFS = re.compile(rb"(\d+)[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R")
_END_OF_DATA = re.compile(rb"endstream|endobj")
_LINE_END = re.compile(rb"\r\n|\r|\n")
# A stream dictionary is small; a header quoted inside one makes its parse stop early: it is parsed
# again this far past the next header, at most this many times per file.
_REPARSE_TOKENS = 20_000
_REPARSES = 1_000

# Content-stream filters, by every name pdfium accepts for them.
FILTERS = {
    "FlateDecode": "flate", "Fl": "flate", "LZWDecode": "lzw", "LZW": "lzw",
    "ASCII85Decode": "ascii85", "A85": "ascii85", "ASCIIHexDecode": "asciihex", "AHx": "asciihex",
    "RunLengthDecode": "runlength", "RL": "runlength",
}
# At most this many bytes out per byte in (plus one block): deflate writes 258 bytes for a 2-bit
# length/distance pair; pdfium's LZW at most 4,000 bytes (its decode stack) per code of 9 bits or
# more; ASCII85 4 zero bytes for 'z'; RunLength 128 bytes for a 2-byte run; ASCIIHex halves.
MAX_RATIO = {"flate": 1032, "lzw": 3556, "ascii85": 4, "asciihex": 1, "runlength": 64}
_SLACK = 4096


class Name(str):
    """A PDF name, #xx escapes decoded."""


@dataclass(frozen=True)
class Ref:
    number: int


class ParseError(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# PDF syntax


def parse_object(data: bytes, pos: int, limit: int | None = None, max_tokens: int | None = None) -> tuple[object, int]:
    """The object (dict, list, Name, Ref, number, bytes for a string, str for a keyword) at `pos`, and
    where it ends. Iterative, so nesting depth costs no recursion. ParseError past `limit` or
    `max_tokens`, or at the end of the data."""
    end = len(data) if limit is None else min(limit, len(data))
    stack: list[list] = []  # open arrays and dictionaries; a dictionary's list starts with the marker
    tokens = 0
    while True:
        token = _NEXT.match(data, pos, end)
        if token is None:
            raise ParseError("the object runs past its end")
        tokens += 1
        if max_tokens is not None and tokens > max_tokens:
            raise ParseError("too many tokens")
        pos = token.end()
        kind = token.lastgroup
        value: object
        if kind == "name":
            name = token.group("name")
            value = Name((_NAME_ESCAPE.sub(_unescape, name) if b"#" in name else name).decode("latin-1"))
        elif kind == "atom":
            value = _atom(token.group("atom"))
            if isinstance(value, int) and (ref := _REF_TAIL.match(data, pos, end)) is not None:
                value, pos = Ref(value), ref.end()
        elif kind == "open_dict":
            stack.append([_DICT])
            continue
        elif kind == "open_array":
            stack.append([])
            continue
        elif kind == "close_dict":
            if not stack or not stack[-1] or stack[-1][0] is not _DICT:
                continue  # a stray '>>'
            items = stack.pop()[1:]
            value = {k: v for k, v in zip(items[::2], items[1::2], strict=False) if isinstance(k, Name)}
        elif kind == "close_array":
            if not stack or (stack[-1] and stack[-1][0] is _DICT):
                continue  # a stray ']'
            value = stack.pop()
        elif kind == "string":
            pos = _skip_string(data, token.start("string"))
            value = b""
        elif kind == "hex":
            value = b""
        else:  # a stray ')', '>', '{' or '}'
            continue
        if not stack:
            return value, pos
        stack[-1].append(value)


def _unescape(match: re.Match) -> bytes:
    return bytes([int(match.group(1), 16)])


_DICT = object()


def _atom(token: bytes) -> object:
    if _INTEGER.fullmatch(token):
        return int(token)
    try:
        return float(token)
    except ValueError:
        return token.decode("latin-1")  # a keyword: true, false, null, R, obj, stream, ...


def _skip_string(data: bytes, pos: int) -> int:
    depth = 0
    for match in _STRING_PART.finditer(data, pos):
        part = match.group()
        if part == b"(":
            depth += 1
        elif part == b")":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(data)


# --------------------------------------------------------------------------------------------------
# the streams of a PDF


@dataclass
class Stream:
    number: int                 # object number (what /Contents refers to)
    start: int                  # the data, raw, is data[start:end]
    end: int
    filters: list[tuple[str, dict]]  # the chain pdfium applies: (FILTERS kind, decode params); none: raw
    skipped: bool               # an image or an embedded file: not decoded unless used as contents
    object_stream: tuple[int, int] | None = None  # an object stream's /N and /First


@dataclass
class Layout:
    """What a scan found: every stream, and how many times each object number is used as contents."""

    streams: list[Stream] = field(default_factory=list)
    contents_uses: dict[int, int] = field(default_factory=dict)
    packed: dict[int, object] = field(default_factory=dict)  # number -> objects read from object streams
    _contents: list[object] = field(default_factory=list)    # every /Contents value seen
    _spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # number -> the last top-level definition
    _parsed: dict[int, object] = field(default_factory=dict)

    def uses(self, stream: Stream) -> int:
        """How many times pdfium decodes this stream for text."""
        listed = self.contents_uses.get(stream.number, 0)
        if listed:
            return listed
        return 0 if stream.skipped else 1

    def value_of(self, data: bytes, number: int) -> object:
        """The object numbered `number` that is not a stream (None when there is none)."""
        if number in self.packed:
            return self.packed[number]
        if number not in self._parsed and number in self._spans:
            start, limit = self._spans[number]
            try:
                self._parsed[number] = parse_object(data, start, limit)[0]
            except ParseError:
                self._parsed[number] = None
        return self._parsed.get(number)

    def note_contents(self, value: object) -> None:
        """Remember every /Contents found in `value`, however deeply it sits."""
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                if Name("Contents") in item:
                    self._contents.append(item[Name("Contents")])
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)

    def count_contents(self, data: bytes) -> None:
        uses: dict[int, int] = {}
        for value in self._contents:
            if isinstance(value, Ref) and isinstance(listed := self.value_of(data, value.number), list):
                value = listed  # /Contents 7 0 R, object 7 an array of streams
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Ref):
                    uses[item.number] = uses.get(item.number, 0) + 1
        self.contents_uses = uses


def scan(data: bytes, decode_object_stream: Callable[[Stream], bytes | None]) -> Layout:
    """The streams of the PDF and their uses; `decode_object_stream(stream)` returns an object
    stream's decoded bytes (or None) so the objects inside it are seen too.

    Each object is read up to the next `obj` header at most: stream dictionaries in full, other
    objects only when they may hold a /Contents; the rest (a /Length, an array of contents) when asked."""
    layout = Layout()
    headers = _headers(data)
    reparses = 0
    found: list[tuple[Stream, dict]] = []
    for i, (number, start) in enumerate(headers):
        limit = headers[i + 1][1] if i + 1 < len(headers) else len(data)
        if _DICTIONARY_THEN_STREAM.search(data, start, limit) is None:
            layout._spans[number] = (start, limit)
            if _MAY_HOLD_CONTENTS.search(data, start, limit):
                _note_contents(layout, data, number, start, limit)
            continue
        try:
            value, pos = parse_object(data, start, limit)
        except ParseError:
            if reparses >= _REPARSES:  # a header quoted in a string cut the dictionary short: once more
                continue
            reparses += 1
            try:
                value, pos = parse_object(data, start, max_tokens=_REPARSE_TOKENS)
            except ParseError:
                continue
        keyword = _STREAM.match(data, _SKIP.match(data, pos).end())  # type: ignore[union-attr]
        if isinstance(value, dict) and keyword is not None:
            found.append((_stream(number, value, data, keyword.end()), value))
    for stream, dictionary in found:
        length = dictionary.get(Name("Length"))
        if isinstance(length, Ref):
            length = layout.value_of(data, length.number)
        stream.end = _data_end(data, stream.start, length if isinstance(length, int) else None)
        layout.streams.append(stream)
        layout.note_contents(dictionary)
    for stream in [s for s in layout.streams if s.object_stream is not None]:
        _read_object_stream(layout, stream, decode_object_stream(stream))
    layout.count_contents(data)
    return layout


def _note_contents(layout: Layout, data: bytes, number: int, start: int, limit: int) -> None:
    """The /Contents of a page dictionary. Most are plain (`/Contents 4 0 R`, `/Contents [4 0 R 6 0 R]`,
    no strings, comments or escapes anywhere in the object): read with one expression; others parsed."""
    span = data[start:limit]
    if not _NOT_PLAIN.search(span.replace(b"<<", b"").replace(b">>", b"")):
        values = _PLAIN_CONTENTS.findall(span)
        if len(values) == span.count(b"/Contents"):
            for value in values:
                refs = [Ref(int(n)) for n in _PLAIN_REFS.findall(value)]
                layout._contents.append(refs if value.startswith(b"[") else refs[0])
            return
    layout.note_contents(layout.value_of(data, number))


def _headers(data: bytes) -> list[tuple[int, int]]:
    """(object number, where its body starts) for every `N G obj` in the file, in order."""
    headers = []
    for keyword in _OBJ.finditer(data):
        start = max(0, keyword.start() - 40)
        before = data[start : keyword.start()]
        if before[-1:] not in _WHITE_BYTES:
            continue
        words = before.split()
        if len(words) >= 2 and words[-1].isdigit() and words[-2].isdigit() and (start == 0 or len(words) > 2):
            headers.append((int(words[-2]), keyword.end()))
    return headers


def _stream(number: int, dictionary: dict, data: bytes, after_keyword: int) -> Stream:
    line_end = _LINE_END.search(data, after_keyword)  # the data starts on the next line (pdfium's ToNextLine)
    start = line_end.end() if line_end else len(data)
    filters = _filters(dictionary)
    kind = dictionary.get(Name("Type"))
    skipped = dictionary.get(Name("Subtype")) == Name("Image") or kind == Name("EmbeddedFile")
    packed = None
    count, first = dictionary.get(Name("N")), dictionary.get(Name("First"))
    if kind == Name("ObjStm") and isinstance(count, int) and isinstance(first, int):
        packed = (count, first)
    return Stream(number, start, start, filters, skipped, packed)


def _data_end(data: bytes, start: int, length: int | None) -> int:
    """Where pdfium's ReadStream ends the data: /Length when `endstream` follows it, else the first
    `endstream` or `endobj`, less the end of line before it."""
    if length is not None and 0 <= length <= len(data) - start:
        after = start + length
        after += 2 if data[after : after + 2] == b"\r\n" else (1 if data[after : after + 1] in (b"\r", b"\n") else 0)
        if data.startswith(b"endstream", _SKIP.match(data, after).end()):  # type: ignore[union-attr]
            return start + length
    found = _END_OF_DATA.search(data, start)
    end = found.start() if found else len(data)
    if data[end - 2 : end] == b"\r\n":
        return max(start, end - 2)
    if data[end - 1 : end] in (b"\r", b"\n"):
        return max(start, end - 1)
    return end


def _filters(dictionary: dict) -> list[tuple[str, dict]]:
    names = dictionary.get(Name("Filter"))
    params = dictionary.get(Name("DecodeParms"))
    if names is None:
        return []
    if not isinstance(names, list):
        names, params = [names], [params]
    elif not isinstance(params, list):
        params = []
    chain = []
    for index, name in enumerate(names):
        kind = FILTERS.get(name) if isinstance(name, Name) else None
        if kind is None:
            if index < len(names) - 1:
                return []  # pdfium refuses a chain with anything else before its last filter
            break  # Crypt, an image filter or an unknown one last: what came before is decoded
        param = params[index] if index < len(params) and isinstance(params[index], dict) else {}
        chain.append((kind, param))
    return chain


def _read_object_stream(layout: Layout, stream: Stream, decoded: bytes | None) -> None:
    """The objects inside an object stream: /N pairs of object number and offset from /First."""
    if not decoded or stream.object_stream is None:
        return
    count, first = stream.object_stream
    for number, offset in _object_stream_header(decoded, count, first):
        try:
            value, _ = parse_object(decoded, offset, max_tokens=_REPARSE_TOKENS * 50)
        except ParseError:
            continue
        layout.packed.setdefault(number, value)
        layout.note_contents(value)


def _object_stream_header(decoded: bytes, count: int, first: int) -> Iterator[tuple[int, int]]:
    """(object number, position) for each object the header at the start of an object stream lists."""
    pos = 0
    for _ in range(max(0, count)):
        pair = []
        for _ in range(2):
            pos = _SKIP.match(decoded, pos).end()  # type: ignore[union-attr]
            match = _INTEGER.match(decoded, pos)
            if match is None:
                return
            pair.append(int(match.group()))
            pos = match.end()
        if 0 <= first + pair[1] < len(decoded):
            yield pair[0], first + pair[1]


# --------------------------------------------------------------------------------------------------
# decoding, streamed


def max_output(stream: Stream) -> int:
    """The most bytes pdfium's decoders can write for this stream, every stage of its chain counted."""
    size, total = stream.end - stream.start, 0
    for kind, _ in stream.filters:
        size = size * MAX_RATIO[kind] + _SLACK
        total += size
    return total


def decode(data: bytes, stream: Stream, written: Callable[[int], None]) -> Iterator[bytes]:
    """The decoded stream, in chunks of at most a megabyte, decoded only as far as it is read.
    `written(n)` hears of every n bytes any filter of the chain writes (it may raise to stop)."""
    chunks: Iterator[bytes] = (data[i : min(i + _CHUNK, stream.end)] for i in range(stream.start, stream.end, _CHUNK))
    for kind, params in stream.filters:
        chunks = _counted(_DECODERS[kind](chunks, params), written)
    return chunks


def _counted(chunks: Iterator[bytes], written: Callable[[int], None]) -> Iterator[bytes]:
    for chunk in chunks:
        written(len(chunk))
        yield chunk


def _flate(chunks: Iterable[bytes], params: dict) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                if out:
                    yield out
                if inflater.eof:
                    return
                if not out and inflater.unconsumed_tail == pending:
                    return
                pending = inflater.unconsumed_tail
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error:
        return  # pdfium keeps what inflated before the damage


def _lzw(chunks: Iterable[bytes], params: dict) -> Iterator[bytes]:
    """pdfium's LZW decoder (core/fxcodec/flate): 9-12 bit codes, 256 clears, 257 ends, the table
    stops growing at 4,094 entries less EarlyChange, strings of at most 4,000 bytes."""
    early = 1 if params.get(Name("EarlyChange"), 1) else 0
    table: list[bytes] = []
    width, old, bits, count = 9, None, 0, 0
    out = bytearray()
    for chunk in chunks:
        for byte in chunk:
            bits, count = (bits << 8) | byte, count + 8
            while count >= width:
                count -= width
                code = (bits >> count) & ((1 << width) - 1)
                bits &= (1 << count) - 1
                if code < 256:
                    string = bytes([code])
                elif code == 256:
                    table, width, old = [], 9, None
                    continue
                elif code == 257 or old is None:
                    if out:
                        yield bytes(out)
                    return
                elif code - 258 < len(table):
                    string = table[code - 258]
                else:  # the entry being defined: the previous string and its own first byte
                    previous = old if isinstance(old, bytes) else b""
                    string = (previous + previous[:1])[-4000:]
                out += string
                if old is not None and len(table) + early < 4094:
                    table.append((old + string[:1])[-4000:])
                    if len(table) + early in (511 - 257, 1023 - 257, 2047 - 257):
                        width += 1
                old = string
                if len(out) >= _CHUNK:
                    yield bytes(out)
                    out.clear()
    if out:
        yield bytes(out)


def _ascii85(chunks: Iterable[bytes], params: dict) -> Iterator[bytes]:
    """Groups of five characters to four bytes; 'z' four zero bytes (dropping a partial group, as
    pdfium does); the data ends at the first character that is neither."""
    group: list[int] = []
    for chunk in chunks:
        out = bytearray()
        for char in chunk:
            if char in _WHITE:
                continue
            if char == 0x7A:  # z
                out += b"\0\0\0\0"
                group.clear()
            elif 0x21 <= char <= 0x75:
                group.append(char - 33)
                if len(group) == 5:
                    value = 0
                    for digit in group:
                        value = value * 85 + digit
                    out += (value & 0xFFFFFFFF).to_bytes(4, "big")
                    group.clear()
            else:
                if out:
                    yield bytes(out)
                yield _ascii85_tail(group)
                return
            if len(out) >= _CHUNK:
                yield bytes(out)
                out.clear()
        if out:
            yield bytes(out)
    yield _ascii85_tail(group)


def _ascii85_tail(group: list[int]) -> bytes:
    if not group:
        return b""
    value = 0
    for digit in group + [84] * (5 - len(group)):
        value = value * 85 + digit
    return (value & 0xFFFFFFFF).to_bytes(4, "big")[: len(group) - 1]


def _asciihex(chunks: Iterable[bytes], params: dict) -> Iterator[bytes]:
    half = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = half + re.sub(rb"[^0-9A-Fa-f]", b"", chunk if end < 0 else chunk[:end])
        usable = len(digits) // 2 * 2
        yield bytes.fromhex(digits[:usable].decode("ascii"))
        half = digits[usable:]
        if end >= 0:
            break
    if half:
        yield bytes.fromhex((half + b"0").decode("ascii"))


def _runlength(chunks: Iterable[bytes], params: dict) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        out = bytearray()
        i = 0
        while i < len(pending):
            length = pending[i]
            if length == 128:
                yield bytes(out)
                return
            need = length + 2 if length < 128 else 2
            if i + need > len(pending):
                break
            out += pending[i + 1 : i + need] if length < 128 else pending[i + 1 : i + 2] * (257 - length)
            i += need
            if len(out) >= _CHUNK:
                yield bytes(out)
                out.clear()
        pending = pending[i:]
        yield bytes(out)
    if pending:  # a literal run cut short: pdfium pads it with zeros
        length = pending[0]
        yield (pending[1:] + b"\0" * (length + 1))[: length + 1] if length < 128 else pending[1:2] * (257 - length)


_DECODERS: dict[str, Callable[[Iterable[bytes], dict], Iterator[bytes]]] = {
    "flate": _flate, "lzw": _lzw, "ascii85": _ascii85, "asciihex": _asciihex, "runlength": _runlength,
}
