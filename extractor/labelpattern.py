"""Label patterns compiled piecemeal: a run pays to compile only the labels its documents could hold.

A profile's label patterns ("a line starts with one of these 500 labels, then a separator") are
each one regular expression around a trie of every label (`trie_regex`): tens of thousands of
characters that Python takes over 100 ms to compile, most of which a run never uses. `LabelPattern`
stands for such a regex, `{before}(?P<label>{trie of the labels}){after}` matched case-insensitively,
and compiles it in buckets: the labels whose first word begins with the same four letters (or is
that shorter word).

Where a label could start, the next four characters of the text name the buckets whose labels could
match (a label's first word must match them letter for letter); only those labels are compiled, as
the same regex restricted to them, once per profile, and matched. Every other label fails on its
first letters anyway, and the trie of a subset tries its labels in the original order, so the
match is the one the whole regex finds: the same `re.Match`, with the same groups and positions.
Whether a character matches a label's letter is asked of `re` itself (case-insensitively, as the
whole regex would), so Unicode case folding (the Kelvin sign, a long s) is the regex's own.

`match(text)` stands for the whole regex's `match` when `before` starts the label at the start of
the string (`^\\s*`, perhaps a section number): `starts` gives the label's possible start positions,
tried in the order the regex would try them. `finditer(text, pos)` stands for the whole regex's
`finditer` when `before` is zero-width (lookarounds only): `starts` finds the positions where a
label may begin, tried left to right, a match resuming the scan at its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_DASHES = re.compile(r"[-–—]")


@lru_cache(maxsize=4096)  # labels recur across a batch's records: each is folded once
def label_key(text: str) -> str:
    """The form labels are compared in: case, dashes and runs of whitespace folded."""
    return " ".join(_DASHES.sub(" ", text.lower()).split())


def trie_regex(labels: Iterable[str]) -> str:
    """One regex matching any label, longest first, built as a word trie so a line is tested
    against hundreds of labels in one pass instead of one alternative at a time."""
    trie: dict = {}
    for label in labels:
        node = trie
        for word in label_key(label).split():
            node = node.setdefault(word, {})
        node[""] = {}

    def emit(node: dict) -> str:
        words = sorted((w for w in node if w), key=len, reverse=True)
        if not words:
            return ""
        alternatives = []
        for word in words:
            escaped = re.escape(word).replace(r"\ ", " ")
            boundary = r"(?!\w)" if word[-1].isalnum() else ""
            rest = emit(node[word])
            if rest:
                rest = rf"(?:[\s\-–]+{rest})" + ("?" if "" in node[word] else "")
            alternatives.append(escaped + boundary + rest)
        return "(?:" + "|".join(alternatives) + ")"

    return emit(trie)


# The letters a bucket's labels share (see `_bucket_at`). With four, a sample record's first reading
# compiles 20-50 ms of buckets, against 45-80 ms with two and over 100 ms for the whole regexes;
# longer keys save little more.
_KEY_CHARS = 4
# Texts whose regex is remembered per pattern (`_at`); past this many it is emptied (a batch meets
# the same few thousand again and again; finding one again costs microseconds).
_AT_KEPT = 100_000
_UNSEEN = object()


class LabelPattern:
    """The regex `{before}(?P<label>{trie_regex(labels)}){after}` (IGNORECASE), compiled a bucket
    of labels at a time (see the module docstring). `starts` is a regex whose matches give where a
    label may start: for `match`, the end of its match at the start of the text, then the start of
    its group `skip` (an optional part such as a section number, which the regex tries to take
    first) when that group took part; for `finditer`, the start of each of its matches."""

    def __init__(self, labels: Iterable[str], before: str, after: str, starts: str):
        self.labels, self.before, self.after, self.starts = tuple(labels), before, after, starts
        self._starts = re.compile(starts, re.IGNORECASE)
        self._skips = "skip" in self._starts.groupindex
        self._labels: list[str] = []
        self._bucket_of: dict[str, str] = {}
        self._buckets: dict = {}  # the buckets' letters as a trie: letter -> ... -> '' -> bucket
        for label in self.labels:
            words = label_key(label).split()
            if not words:
                continue  # the trie ignores an empty label
            key = words[0][:_KEY_CHARS]
            self._labels.append(label)
            self._bucket_of[label] = key
            node = self._buckets
            for letter in key:
                node = node.setdefault(letter, {})
            node[""] = key
        self._letters = {letter for key in self._bucket_of.values() for letter in key}
        self._matching: dict[str, frozenset[str]] = {}  # a character of text -> the letters it matches
        self._at: dict[str, re.Pattern | None] = {}  # the text where a label may start -> the regex to try
        self._compiled: dict[frozenset[str], re.Pattern] = {}  # buckets -> their regex
        # With no label the trie is empty and the whole regex small: it is compiled as it stands.
        self._whole = None if self._labels else self._compile(())

    def match(self, text: str) -> re.Match | None:
        if self._whole is not None:
            return self._whole.match(text)
        found = self._starts.match(text)
        if found is None:
            return None
        starts = [found.end()]
        if self._skips and found.start("skip") >= 0:
            starts.append(found.start("skip"))
        for start in starts:
            pattern = self._pattern_at(text, start)
            match = pattern.match(text) if pattern is not None else None
            if match is not None and match.start("label") == start:
                return match
        return None

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match]:
        if self._whole is not None:
            yield from self._whole.finditer(text, pos)
            return
        resume = pos
        for found in self._starts.finditer(text, pos):
            start = found.start()
            if start < resume:
                continue  # inside the last label found
            pattern = self._pattern_at(text, start)
            match = pattern.match(text, start) if pattern is not None else None
            if match is not None:
                yield match
                resume = match.end()

    def _pattern_at(self, text: str, start: int) -> re.Pattern | None:
        chars = text[start:start + _KEY_CHARS]
        pattern = self._at.get(chars, _UNSEEN)
        return self._bucket_at(chars) if pattern is _UNSEEN else pattern  # type: ignore[return-value]

    def _bucket_at(self, chars: str) -> re.Pattern | None:
        """The regex of the buckets whose letters `chars` (the text where a label may start) match."""
        keys: list[str] = []
        nodes = [self._buckets]
        for char in chars:
            letters = self._letters_matched(char)
            keys.extend(node[""] for node in nodes if "" in node)  # a first word this short matched whole
            nodes = [node[letter] for node in nodes for letter in letters if letter in node]
            if not nodes:
                break
        keys.extend(node[""] for node in nodes if "" in node)
        pattern = self._compile(keys) if keys else None
        if len(self._at) >= _AT_KEPT:
            self._at.clear()
        self._at[chars] = pattern
        return pattern

    def _letters_matched(self, char: str) -> frozenset[str]:
        """The buckets' letters `char` matches case-insensitively, as the regex would match it."""
        letters = self._matching.get(char)
        if letters is None:
            letters = self._matching[char] = frozenset(
                letter for letter in self._letters if re.fullmatch(re.escape(letter), char, re.IGNORECASE))
        return letters

    def _compile(self, keys: Iterable[str]) -> re.Pattern:
        keys = frozenset(keys)
        pattern = self._compiled.get(keys)
        if pattern is None:
            labels = [label for label in self._labels if self._bucket_of[label] in keys]  # in their order
            pattern = self._compiled[keys] = re.compile(
                f"{self.before}(?P<label>{trie_regex(labels)}){self.after}", re.IGNORECASE)
        return pattern
