"""Dates in every UK style, day first, and the role each plays (decided, signed, published, ...)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from models import DateKind, Method

from ..layout import Span
from . import Context, Found

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Each pattern opens with a lookahead for its first character: Python's regex engine then skips
# straight to candidate positions instead of trying every character (four to five times faster).
DATE_PATTERNS = [
    # 2023-09-14 (ISO, as web pages and exports print it)
    re.compile(r"(?=\d)(?<![\d/.-])(?P<year>(?:19|20)\d\d)-(?P<mon>[01]?\d)-(?P<day>[0-3]?\d)(?![\d/-])"),
    # 14/9/23, 14/09/2023, 14-09-2023
    re.compile(r"(?=\d)(?<![\d/-])(?<!\d\.)(?P<day>[0-3]?\d)(?P<sep>[/-])(?P<mon>[01]?\d)(?P=sep)(?P<year>\d{4}|\d\d)(?![\d/])"),
    # 14.09.2023: dotted dates need a four-digit year, or "rule 3.5.20" would be a date
    re.compile(r"(?=\d)(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>\d{4})(?![\d.])"),
    # 14th September 2023, 23rd February, 2009, 3rd March , 2009, 14 Sept. 2023
    re.compile(rf"(?=\d)\b{_DAY}(?:\s+of)?\s+{_MONTH}\s*,?\s*{_YEAR}\b", re.IGNORECASE),
    # September 14, 2023 / September 14th 2023
    re.compile(rf"(?=[JFMASOND])\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]


_DIGIT = re.compile(r"\d")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= (dt.date.today().year % 100) + 10 else 1900
    return year


def _date_from(match: re.Match) -> dt.date | None:
    parts = match.groupdict()
    month = int(parts["mon"]) if parts.get("mon") else _MONTHS[parts["month"].lower().rstrip(".")]
    try:
        return dt.date(_year(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date in `text`, as (date, start, end), in order of appearance."""
    if not _DIGIT.search(text):
        return []
    found = []
    # Spans already taken by an earlier pattern, sorted and disjoint, so their ends are sorted too:
    # the only one that can overlap a new match is the last one starting before the match ends.
    starts: list[int] = []
    ends: list[int] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            before = bisect.bisect_left(starts, end)
            if before and ends[before - 1] > start:
                continue
            value = _date_from(match)
            if value is not None:
                found.append((value, start, end))
                starts.insert(before, start)
                ends.insert(before, end)
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str) -> dt.date | None:
    """The first date in `text`, day first: '14/9/23' and '3rd March , 2009' both parse."""
    dates = find_dates(text)
    return dates[0][0] if dates else None


@dataclass
class DatedValue:
    kind: DateKind
    value: dt.date
    label: str
    found: Found


_DATE_FIELDS = ("date_decision", "date_signed", "date_published", "date_effective", "date_call_in", "date_meeting")
# A line holding nothing but a date, beside the dotted signature lines of a signed form.
_SIGNATURE_RULE = re.compile(r"^\s*(?:\.{6,}|_{6,}|signed|date|signed\s+date|signature)\s*$", re.IGNORECASE)


def extract(ctx: Context) -> list[DatedValue]:
    dated: list[DatedValue] = []
    for name in _DATE_FIELDS:
        for hit in ctx.layout.all(name):
            span = ctx.layout.line_value(hit)
            if span is None:
                continue
            dates = find_dates(span.text)
            if not dates:
                ctx.warnings.append(f"'{hit.label}' has no date odr can read: {span.text[:60]!r}")
                continue
            value, start, end = dates[0]
            kind = DateKind(hit.spec.date_kind or "other")
            where = Span(span.text[start:end], span.start, span.end, span.page)
            dated.append(DatedValue(kind, value, " ".join(hit.label.split()), Found(value, where, Method.label)))
    by_line = _dates_by_line(ctx)
    if not any(d.kind == DateKind.signed for d in dated):
        dated.extend(_signature_block_dates(ctx, by_line))
    dated.extend(_prose_dates(ctx, by_line, {(d.kind, d.value) for d in dated}))
    return dated


def _dates_by_line(ctx: Context) -> dict[int, list[tuple[dt.date, int, int]]]:
    """Every date of the document, found in one pass, grouped by the line it starts on."""
    starts = [line.start for line in ctx.document.lines]
    grouped: dict[int, list] = {}
    for value, start, end in find_dates(ctx.document.text):
        grouped.setdefault(bisect.bisect_right(starts, start) - 1, []).append((value, start, end))
    return grouped


def _signature_block_dates(ctx: Context, by_line: dict) -> list[DatedValue]:
    lines = ctx.document.lines
    out = []
    for index, dates in sorted(by_line.items()):
        line = lines[index]
        value, start, end = dates[0]
        if len(dates) != 1 or len(line.text.strip()) > end - start + 2:
            continue
        nearby = [other for other in lines[max(0, index - 3) : index + 4] if other is not line]
        if any(_SIGNATURE_RULE.match(other.text) for other in nearby):
            span = ctx.span_of(start, end)
            out.append(DatedValue(DateKind.signed, value, _rule_word(nearby), Found(value, span, Method.pattern)))
    return out[-1:]


def _rule_word(nearby: list) -> str:
    """The word printed under the dotted rules beside a bare date ('date', else 'signed'), as its label."""
    words = [other.text.strip() for other in nearby if _SIGNATURE_RULE.match(other.text) and other.text.strip(" ._")]
    return next((w for w in words if w.lower().startswith("date")), words[0] if words else "signature")


def _prose_dates(ctx: Context, by_line: dict, known: set) -> list[DatedValue]:
    """Dates whose role the sentence around them states ("This decision was published on ...")."""
    labelled_lines = ctx.layout.hit_line_indexes()
    text = ctx.document.text
    out = []
    for line_index, dates in sorted(by_line.items()):
        if line_index in labelled_lines:
            continue
        for value, start, end in dates:
            sentence_start = max(text.rfind(".", 0, start), text.rfind("\n\n", 0, start)) + 1
            before = " ".join(text[sentence_start:start].split())[-120:]
            after = " ".join(text[end : end + 80].split())
            kind, phrase = _phrase_kind(ctx, before, after)
            if kind is None or (kind, value) in known:
                continue
            known.add((kind, value))
            out.append(DatedValue(kind, value, phrase, Found(value, ctx.span_of(start, end), Method.pattern)))
    return out


def _phrase_kind(ctx: Context, before: str, after: str) -> tuple[DateKind | None, str]:
    """The role named by the phrase nearest before the date, else one in the rest of its sentence."""
    best: tuple[int, DateKind, str] | None = None
    for kind, patterns in ctx.profile.date_phrases.items():
        for pattern in patterns:
            for match in pattern.finditer(before):
                if best is None or match.end() > best[0]:
                    best = (match.end(), DateKind(kind), match.group(0))
    if best:
        return best[1], best[2]
    rest = after.split(".")[0]
    for kind, patterns in ctx.profile.date_phrases.items():
        for pattern in patterns:
            found = pattern.search(rest)
            if found:
                return DateKind(kind), found.group(0)
    return None, ""


def decision_date(dated: list[DatedValue]) -> Found | None:
    """The date the decision was taken: labelled as such, else the meeting that took it, else signed."""
    for kind in (DateKind.decision, DateKind.signed):
        for entry in dated:
            if entry.kind == kind:
                return Found(entry.value, entry.found.span, entry.found.method, entry.found.confidence)
    return None
