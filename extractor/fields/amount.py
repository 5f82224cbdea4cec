"""The money a decision commits or approves, when the record states it ("£1.2m", "up to £2 million").

Read from a labelled value ("Contract value: £250,000") first, else from the decision itself, else
from the subject ("Award of contract worth £1.2m"). Sums in the reasons, background or financial
implications are context, not what was decided, so they are not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from models import Amount, Method

from ..layout import Span
from ..profile import Profile, words_pattern
from . import Context, Found

_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
# "£1.2m", "£250,000", "£2 million", "£45k", "£1,250,000.00", "GBP 3,000"
_MONEY = r"(?P<sign>£|\bGBP\s?)(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?P<unit>thousand|million|billion|bn|mn|m|k)\b)?"


@lru_cache(maxsize=8)
def _money_pattern(qualifiers: tuple[str, ...], rates: tuple[str, ...]) -> re.Pattern:
    """A sum with the qualifier printed before it ("up to"), and a rate word after it ("per bin")
    when there is one: a price per unit is a tariff, not the sum a decision commits."""
    return re.compile(
        rf"(?:(?P<qualifier>\b(?:{words_pattern(qualifiers)})\s+))?{_MONEY}(?P<rate>\s+(?:{words_pattern(rates)})\b)?",
        re.IGNORECASE,
    )


def parse_money(text: str, profile: Profile) -> tuple[Amount, int, int] | None:
    """The first sum of money in `text` that is not a rate: (Amount, start, end), offsets into `text`."""
    words = profile.vocabulary
    pattern = _money_pattern(tuple(words["money_qualifiers"]), tuple(words["rate_words"]))
    for match in pattern.finditer(text):
        if match["rate"]:
            continue
        value = float(match["number"].replace(",", "")) * _MULTIPLIERS.get((match["unit"] or "").lower(), 1)
        start = match.start("qualifier") if match["qualifier"] else match.start("sign")
        return Amount(value=round(value, 2), text=" ".join(text[start : match.end()].split())), start, match.end()
    return None


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("amount"):
        hit = _in(span, ctx.profile)
        if hit:
            return Found(hit[0], hit[1], Method.label)
    for name, method in (("decision", Method.section), ("subject", Method.pattern)):
        source = found.get(name)
        if source is None or source.span is None:
            continue
        hit = _in(source.span, ctx.profile)
        if hit:
            return Found(hit[0], hit[1], method, 0.7 if name == "subject" else 0.8)
    return None


def _in(span: Span, profile: Profile) -> tuple[Amount, Span] | None:
    """The first sum in a span, with the span of the sum itself (offsets into the document)."""
    parsed = parse_money(span.text, profile)
    if parsed is None:
        return None
    amount, start, end = parsed
    if span.text == "" or span.end - span.start != len(span.text):
        # a value rejoined from wrapped lines: its characters no longer sit at span.start + i
        return amount, span
    return amount, Span(span.text[start:end], span.start + start, span.start + end, span.page)
