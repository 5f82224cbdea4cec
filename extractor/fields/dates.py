"""Dates in every UK style, day first, and the role each plays (decided, signed, published, ...)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from models import DateEntry, DateKind, Method

from ..layout import Span
from ..profile import words_pattern
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
    # September 14, 2023 / September 14th 2023 / Thursday, March 16, 2017
    re.compile(rf"(?=[JFMASOND])\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    # 16-Mar-2017, 16-Mar-17 (spreadsheets and exports): the month's name makes a two-digit year safe
    re.compile(rf"(?=\d)\b{_DAY}-{_MONTH}-(?P<year>(?:19|20)?\d\d)\b", re.IGNORECASE),
]
# 27.03.24: a dotted date with a two-digit year reads like a section number ("rule 3.5.20"), so
# `find_dates` takes one only where its context says it is a date (see `_dotted_short_is_date`).
_DOTTED_SHORT = re.compile(r"(?=\d)(?<![\w.])(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>\d\d)(?!\w|\.\d)")
# what may follow a date that opens a line ("27.03.24 - Title", "27.03.24"): anything else makes it
# a numbered paragraph ("10.12.14 The Council will ...")
_AFTER_LINE_START_DATE = re.compile(r"[^\S\n]*(?:$|[-–:|(,]|\d)", re.MULTILINE)


@lru_cache(maxsize=8)
def numbering_pattern(words: tuple[str, ...]) -> re.Pattern:
    """A word that numbers things ("rule", "paragraph", "section") just before a position."""
    return re.compile(rf"\b(?:{words_pattern(words)})\.?[^\S\n]*\Z", re.IGNORECASE)


def _dotted_short_is_date(text: str, match: re.Match, numbering: re.Pattern | None, whole_value: bool) -> bool:
    """Whether '27.03.24' at `match` is a date: the value of a date label that opens with it, or a
    date printed with two-digit day and month, not after a word that numbers things ('rule',
    'paragraph') and not opening a line of text as a paragraph number does."""
    start = match.start()
    if whole_value and not text[:start].strip():
        return True
    if len(match["day"]) != 2 or len(match["mon"]) != 2:
        return False
    if numbering is not None and numbering.search(text, max(0, start - 30), start):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return bool(text[line_start:start].strip()) or bool(_AFTER_LINE_START_DATE.match(text, match.end()))


_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    """Whether `text` holds a digit (`\\d`): in ASCII text, ten substring tests, much faster than the
    regex engine's scan of a long text that holds none."""
    if len(text) > 1000 and text.isascii():
        return any(digit in text for digit in "0123456789")
    return _DIGIT.search(text) is not None


def _year(text: str, reference_year: int | None) -> int:
    """A four-digit year as printed; a two-digit one in the century that puts it nearest the
    reference year (the record's other dates), else by the POSIX pivot (69-99 are 1900s): never
    today's date, so a record reads the same whenever it is read."""
    year = int(text)
    if len(text) != 2:
        return year
    if reference_year is None:
        return 1900 + year if year >= 69 else 2000 + year
    century = reference_year - reference_year % 100
    return min((century - 100 + year, century + year, century + 100 + year), key=lambda y: abs(y - reference_year))


def _date_from(match: re.Match, reference_year: int | None) -> dt.date | None:
    parts = match.groupdict()
    month = int(parts["mon"]) if parts.get("mon") else _MONTHS[parts["month"].lower().rstrip(".")]
    try:
        return dt.date(_year(parts["year"], reference_year), month, int(parts["day"]))
    except ValueError:
        return None


# Where a date can start. Every pattern opens with a digit that follows no digit (its lookbehind or
# `\b` says so), so it can match only where a run of digits starts; the month-first one ("March 16,
# 2017") only at the word just before such a run, past spaces and a dot. Trying the patterns there
# finds what scanning the whole text finds, in a fraction of the time: most of a record is words.
_DIGIT_RUN = re.compile(r"\d\d*")  # each match a whole run: its start is the run's (faster than `\d+`)
_MONTH_FIRST = 4  # DATE_PATTERNS' month-first pattern


def date_matches(text: str) -> list[list[re.Match]]:
    """Each of DATE_PATTERNS' matches in `text`, then `_DOTTED_SHORT`'s: what `finditer` finds, found
    where a date can start. A record's text is scanned once, for its reference year and for its
    dates (Context.date_matches)."""
    runs = [match.start() for match in _DIGIT_RUN.finditer(text)]
    month_first = sorted({start for run in runs if (start := _word_before(text, run)) is not None})
    return [
        _matches_from(pattern, text, month_first if index == _MONTH_FIRST else runs)
        for index, pattern in enumerate([*DATE_PATTERNS, _DOTTED_SHORT])
    ]


def _word_before(text: str, position: int) -> int | None:
    """Where the word before `position` starts, past the spaces (at least one) and a dot between."""
    start = position
    while start and text[start - 1].isspace():
        start -= 1
    if start == position:
        return None
    if start and text[start - 1] == ".":
        start -= 1
    end = start
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return start if start < end else None


def _matches_from(pattern: re.Pattern, text: str, starts: list[int]) -> list[re.Match]:
    """`pattern.finditer(text)` for a pattern that can only match at `starts` (ascending)."""
    found = []
    resume = 0
    for start in starts:
        if start < resume:
            continue
        match = pattern.match(text, start)
        if match is not None:
            found.append(match)
            resume = match.end()
    return found


def reference_year(text: str, matches: list[list[re.Match]] | None = None) -> int | None:
    """The year most four-digit dates in `text` fall in: what a two-digit year is read against.
    `matches`: `date_matches(text)`, when already found."""
    found = date_matches(text) if matches is None else matches
    years = [int(m["year"]) for pattern_matches in found for m in pattern_matches if len(m["year"]) == 4]
    return max(set(years), key=years.count) if years else None


def find_dates(text: str, reference_year: int | None = None, *, numbering: re.Pattern | None = None,
               whole_value: bool = False, matches: list[list[re.Match]] | None = None) -> list[tuple[dt.date, int, int]]:
    """Every date in `text`, as (date, start, end), in order of appearance.

    A dotted date with a two-digit year ('27.03.24') counts only in a date's context: `whole_value`
    says `text` is a date label's value; `numbering` (see `numbering_pattern`) finds the words after
    which it is a section number instead. `matches`: `date_matches(text)`, when already found."""
    if not _has_digit(text):
        return []
    *by_pattern, dotted_short = date_matches(text) if matches is None else matches
    dotted = (m for m in dotted_short if _dotted_short_is_date(text, m, numbering, whole_value))
    candidates = [*by_pattern, dotted]
    found = []
    # Spans already taken by an earlier pattern, sorted and disjoint, so their ends are sorted too:
    # the only one that can overlap a new match is the last one starting before the match ends.
    starts: list[int] = []
    ends: list[int] = []
    for pattern_matches in candidates:
        for match in pattern_matches:
            start, end = match.span()
            before = bisect.bisect_left(starts, end)
            if before and ends[before - 1] > start:
                continue
            value = _date_from(match, reference_year)
            if value is not None:
                found.append((value, start, end))
                starts.insert(before, start)
                ends.insert(before, end)
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str, reference_year: int | None = None) -> dt.date | None:
    """The first date in `text`, day first: '14/9/23' and '3rd March , 2009' both parse."""
    dates = find_dates(text, reference_year)
    return dates[0][0] if dates else None


@dataclass
class DatedValue:
    kind: DateKind
    value: dt.date
    label: str
    found: Found


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found:
    """Every date with a role, each once (kind and value), its evidence keyed as `dates[i]`."""
    entries: list[DateEntry] = []
    parts: dict[str, Found] = {}
    seen: set[tuple[DateKind, dt.date]] = set()
    for item in _dated(ctx):
        if (item.kind, item.value) in seen:
            continue
        seen.add((item.kind, item.value))
        if item.found.span is not None:
            parts[f"dates[{len(entries)}]"] = item.found
        entries.append(DateEntry(kind=item.kind, value=item.value, label=item.label))
    return Found(entries, None, Method.label, parts=parts)


def _numbering(ctx: Context) -> re.Pattern:
    return numbering_pattern(tuple(ctx.profile.vocabulary["numbering_words"]))


def _dated(ctx: Context) -> list[DatedValue]:
    dated = _labelled_dates(ctx)
    dated.extend(_unknown_label_dates(ctx))
    dated.extend(_decision_heading_date(ctx))
    by_line = _dates_by_line(ctx)
    if not any(d.kind == DateKind.signed for d in dated):
        dated.extend(_signature_block_dates(ctx, by_line))
    dated.extend(_prose_dates(ctx, by_line, {(d.kind, d.value) for d in dated}))
    return dated


def _labelled_dates(ctx: Context) -> list[DatedValue]:
    """The dates of the profile's date labels, each with its label's role."""
    dated = []
    for group in ctx.profile.date_groups():
        for hit in ctx.layout.all(group.name):
            span = ctx.layout.line_value(hit)
            if span is None:
                continue
            dates = find_dates(span.text, ctx.reference_year(), numbering=_numbering(ctx), whole_value=True)
            if not dates:
                if not hit.by_meaning:  # a label read by its meaning may have been misread: no alarm
                    ctx.warnings.append(f"'{hit.label}' has no date odr can read: {span.text[:60]!r}")
                continue
            value, start, end = dates[0]
            kind = hit.spec.date_kind or DateKind.other
            where = Span(span.text[start:end], span.start, span.end, span.page, span.weight)
            dated.append(DatedValue(kind, value, " ".join(hit.label.split()), Found(value, where, Method.label)))
    return dated


# "Date of report: 5 March 2024": a label-like phrase before ':' or '|', and its value
_LABEL_AND_VALUE = re.compile(r"^[^\S\n]*(?P<label>[^\W\d_][^:|\n]{2,80}?)[^\S\n]*[:|][^\S\n]*(?P<value>\S.*?)[^\S\n]*$")
# what may follow a date that is a label's whole value: a time ("10.30am", "14:00", "at 5pm")
_TIME = re.compile(r"\s*(?:,|at)?\s*\d{1,2}(?:[:.]\d\d)*\s*(?:[ap]\.?m\.?)?\s*$", re.IGNORECASE)


def _unknown_label_dates(ctx: Context) -> list[DatedValue]:
    """Dates under a label no date group knows ('Date of report: 5 March 2024', 'Consultation closes:
    1 July 2024'; a heading that only ends a section, or a label read by its meaning as some other
    field, counts as unknown): a date whose role odr cannot name, kind `other`. Only a label that
    reads as one (short, capitalised, not a sentence's opening, no figures) over a date alone."""
    # lines whose label odr knows: an exact synonym of a field's group, or a date group's by meaning
    labelled = {hit.line_index for hit in ctx.layout.hits
                if hit.spec.kind != "stop" and (not hit.by_meaning or hit.spec.date_kind is not None)}
    out = []
    for index, line in enumerate(ctx.document.lines):
        if index in labelled or not _has_digit(line.text):
            continue
        match = _LABEL_AND_VALUE.match(line.text)
        if match is None:
            continue
        label, value = match["label"], match["value"]
        words = label.split()
        if (len(words) > ctx.profile.settings.max_label_words or not label[0].isupper() or _DIGIT.search(label)
                or words[0].lower() in ctx.profile.sentence_openers):
            continue
        dates = find_dates(value, ctx.reference_year(), whole_value=True)
        if len(dates) != 1 or dates[0][1] != 0 or not (dates[0][2] == len(value) or _TIME.fullmatch(value[dates[0][2] :])):
            continue
        start = line.start + match.start("value")
        where = ctx.span_of(start + dates[0][1], start + dates[0][2])
        out.append(DatedValue(DateKind.other, dates[0][0], " ".join(words), Found(dates[0][0], where, Method.pattern)))
    return out


def _decision_heading_date(ctx: Context) -> list[DatedValue]:
    """The date a decision heading carries: ModernGov's '14/11/2018 - Title' line over the decision
    taken that day, or a 'Decision made:' whose value is a date alone. The first such heading only:
    on a list page the later entries are other records."""
    year = ctx.reference_year()
    for hit in ctx.layout.all("decision"):
        line = ctx.document.lines[hit.line_index]
        opening = find_dates(line.text, year, numbering=_numbering(ctx))[:1]
        if opening and not line.text[: opening[0][1]].strip():
            value, start, end = opening[0]
            where = ctx.span_of(line.start + start, line.start + end)
        else:
            span = ctx.layout.line_value(hit)
            alone = find_dates(span.text, year, whole_value=True)[:1] if span else []
            if not (span and alone and alone[0][1] == 0 and alone[0][2] == len(span.text)):
                continue
            value, where = alone[0][0], span
        return [DatedValue(DateKind.decision, value, " ".join(hit.label.split()), Found(value, where, Method.label))]
    return []


def _dates_by_line(ctx: Context) -> dict[int, list[tuple[dt.date, int, int]]]:
    """Every date of the document, found in one pass, grouped by the line it starts on."""
    starts = [line.start for line in ctx.document.lines]
    grouped: dict[int, list] = {}
    text = ctx.document.text
    for value, start, end in find_dates(text, ctx.reference_year(), numbering=_numbering(ctx), matches=ctx.date_matches()):
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
        nearby = _text_lines_around(lines, index, ctx.profile.settings.signature_date_window)
        if any(ctx.profile.signature_rule.match(other.text) for other in nearby):
            span = ctx.span_of(start, end)
            out.append(DatedValue(DateKind.signed, value, _rule_word(nearby, ctx), Found(value, span, Method.pattern)))
    return out[-1:]


def _text_lines_around(lines: list, index: int, count: int) -> list:
    """Up to `count` non-blank lines either side of line `index` (Word puts blank lines between
    the rule, the date and the word under it)."""
    before = [line for line in reversed(lines[max(0, index - 4 * count) : index]) if line.text.strip()][:count]
    after = [line for line in lines[index + 1 : index + 1 + 4 * count] if line.text.strip()][:count]
    return [*reversed(before), *after]


def _rule_word(nearby: list, ctx: Context) -> str:
    """The word printed under the dotted rules beside a bare date ('date', else 'signed'), as its label."""
    rule = ctx.profile.signature_rule
    words = [other.text.strip() for other in nearby if rule.match(other.text) and other.text.strip(" ._…")]
    return next((w for w in words if w.lower().startswith("date")), words[0] if words else "signature")


def _prose_dates(ctx: Context, by_line: dict, known: set) -> list[DatedValue]:
    """Dates whose role the sentence around them states ("This decision was published on ...")."""
    # a line with a short labelled value says what its date is; a section's prose is read for it
    labelled_lines = {hit.line_index for hit in ctx.layout.hits if hit.spec.kind == "line"}
    # a date's sentence never runs on into the next label ("Decision made: 3 March 2025" over
    # "Call-in expires: 10 March 2025" says nothing of call-in)
    label_starts = [hit.start for hit in ctx.layout.hits]
    text = ctx.document.text
    out = []
    for line_index, dates in sorted(by_line.items()):
        if line_index in labelled_lines:
            continue
        for value, start, end in dates:
            sentence_start = max(text.rfind(".", 0, start), text.rfind("\n\n", 0, start)) + 1
            settings = ctx.profile.settings
            before = " ".join(text[sentence_start:start].split())[-settings.date_context_before :]
            following = bisect.bisect_right(label_starts, end)
            stop = min(end + settings.date_context_after, label_starts[following] if following < len(label_starts) else len(text))
            after = " ".join(text[end:stop].split())
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


def decision_date(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """The date the decision was taken: labelled as such, else the meeting that took it, else signed."""
    dated = found.get("dates")
    if dated is None:
        return None
    for kind in (DateKind.decision, DateKind.signed):
        for index, entry in enumerate(dated.value):
            if entry.kind == kind:
                where = dated.parts.get(f"dates[{index}]")
                if where is None:
                    return Found(entry.value, None, Method.derived)
                return Found(entry.value, where.span, where.method, where.confidence)
    return None
