"""A keyword prefilter for phrase searches: a phrase whose words are not in the text is not searched.

A profile's flag phrases (`[prose] exempt_true`, ...) are case-insensitive patterns, most starting
with `\\b`, joined into one alternation and scanned over a whole record. Python's regex engine cannot
skip ahead to where such a pattern could start, so it tries every alternative at every character.
Yet each phrase needs some literal words ("not for publication", "exempt" or "confidential"):
`needed_words` reads them off the parsed pattern, and `PhraseSearch` searches, in one pass as
before, only the phrases whose words occur in the text. A phrase left out could not have matched
anywhere, so the first match (and every match `accept` is shown) is the one the full alternation finds.

Case: the words are compared lower-cased with the text lower-cased, after the four characters that
Python's case-insensitive matching equates with an ASCII letter but `str.lower` does not (İ, ı, ſ,
the Kelvin sign) are mapped to that letter, so a word present for the regex is present here.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

# A word shorter than this is too common to rule anything out: the phrase is kept as unfiltered.
MIN_WORD = 3
_ALIKE = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """The text as the words are compared with it (see the module docstring)."""
    return text.translate(_ALIKE).lower()


def needed_words(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Words (lower-cased) one of which every match of `pattern` contains, or None when the pattern
    needs no word of at least MIN_WORD characters that can be told."""
    return _needed(_parser.parse(pattern, flags))


def _needed(sequence) -> frozenset[str] | None:
    """The best requirement of a sequence of parsed items: the one whose shortest word is longest."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if len(run) >= MIN_WORD:
            candidates.append(frozenset([fold("".join(run))]))
        run.clear()

    for op, value in sequence:
        if op is c.LITERAL and value < 128:  # ASCII only: the text side folds just what matches ASCII
            run.append(chr(value))
            continue
        close_run()
        if op is c.SUBPATTERN:
            found = _needed(value[-1])
        elif op is c.ATOMIC_GROUP:
            found = _needed(value)
        elif op is c.BRANCH:
            branches = [_needed(branch) for branch in value[1]]
            found = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and value[0] >= 1:
            found = _needed(value[2])
        else:  # a class, a wildcard, an assertion, an optional part: needs no word
            found = None
        if found:
            candidates.append(found)
    close_run()
    return max(candidates, key=lambda words: min(map(len, words)), default=None)


class PhraseSearch:
    """One profile key's phrases (joined as one alternation), searched only where their words occur."""

    def __init__(self, patterns: list[str], flags: int):
        self.patterns, self.flags = patterns, flags
        self.needs = [needed_words(p, flags) for p in patterns]
        self._joined: dict[tuple[int, ...], re.Pattern] = {}

    def pattern_for(self, folded: str) -> re.Pattern | None:
        """The alternation of the phrases that could match a text (`fold`ed), None when none could."""
        kept = tuple(i for i, needs in enumerate(self.needs) if needs is None or any(w in folded for w in needs))
        if not kept:
            return None
        pattern = self._joined.get(kept)
        if pattern is None:
            pattern = self._joined[kept] = re.compile("|".join(f"(?:{self.patterns[i]})" for i in kept), self.flags)
        return pattern
