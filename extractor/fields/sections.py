"""Sections: the decision, its reasons, the alternatives rejected, consultation and interests."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from models import Method

from ..document import LIST_MARKER
from ..layout import Span, continues
from ..profile import Profile
from . import Context, Found
from .dates import find_dates

_ITEM_MARKER = re.compile(
    r"^(?:(?P<bullet>[-–•*·▪●◦o])\s+|(?P<number>\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+|(?P<option>Option\s+\d+\b))",
    re.IGNORECASE,
)
_BARE_MARKER = re.compile(rf"^{LIST_MARKER}$", re.IGNORECASE)
_OPTION_PREFIX = re.compile(r"^Option\s+\d+\s*[:.\-–]?\s*", re.IGNORECASE)
_TERMINAL = ".!?;"


def _clean_lines(text: str, profile: Profile) -> list[str]:
    """Block lines without signature rules, lone dates beside them, or surrounding blanks."""
    lines = [line.strip() for line in text.split("\n")]
    kept = [
        line
        for line in lines
        if not (line and profile.signature_rule.match(line))
        and not (line and len(line) <= 12 and find_dates(line))
    ]
    while kept and not kept[-1]:
        kept.pop()
    return kept


def unwrap(lines: list[str], profile: Profile) -> str:
    """Join wrapped lines into paragraphs; keep list items and paragraphs on lines of their own."""
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        joins = out and (
            _BARE_MARKER.match(out[-1])  # "i." alone, its item on the next line
            or (out[-1] and not _ITEM_MARKER.match(line) and continues(out[-1], line, profile))
        )
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(part for part in out if part)


def _section(ctx: Context, field: str) -> tuple[str, Span] | None:
    for _, span in ctx.label_values(field):
        text = unwrap(_clean_lines(span.text, ctx.profile), ctx.profile)
        if text:
            return text, span
    return None


def text_section(field: str) -> Callable[[Context, Mapping[str, Found | None]], Found | None]:
    """The extractor of a section read as text: the body under its heading, wrapped lines rejoined."""

    def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
        section = _section(ctx, field)
        return Found(section[0], section[1], Method.section) if section else None

    extract.__name__ = f"section_{field}"
    return extract


def decision(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    section = _section(ctx, "decision")
    if section:
        return Found(section[0], section[1], Method.section)
    spoken = ctx.first_person()
    if spoken:
        span = spoken[1]
        if ctx.document.text[span.end : span.end + 1] == ".":  # the sentence's own full stop
            span = ctx.span_of(span.start, span.end + 1)
        return Found(" ".join(span.text.split()), span, Method.pattern)
    return _under_decision_of(ctx)


def _under_decision_of(ctx: Context) -> Found | None:
    """'Decision of Executive Councillor for X' as a heading: what follows it, up to the next
    heading, is the decision itself."""
    for hit in ctx.layout.all("decision_maker_of"):
        maker = ctx.layout.line_value(hit)
        if maker is None or maker.end >= hit.region_end:
            continue
        span = ctx.span_of(maker.end, hit.region_end)
        text = unwrap(_clean_lines(span.text, ctx.profile), ctx.profile)
        if text:
            return Found(text, span, Method.section)
    return None


def rejected_options(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    hits = ctx.layout.all("rejected_options")
    if not hits:
        return None
    for hit in hits:
        span = ctx.layout.block_value(hit)
        if span is None:
            continue
        options = split_options(_clean_lines(span.text, ctx.profile), ctx.profile)
        return Found(options, span, Method.section)
    ctx.warnings.append(f"section '{hits[0].label}' is empty: read as no options")
    return Found([], ctx.span_of(hits[0].start, hits[0].value_start), Method.section, 0.5)


def split_options(lines: list[str], profile: Profile) -> list[str]:
    """One string per option: bullets, numbers and 'Option N' items, else paragraphs of prose.
    'None' / 'Not applicable' give []; template placeholders ('Option 2 -') and the adopted
    proposal itself are not rejected options."""
    body = [line for line in lines if line]
    if not body or any(p.search(body[0]) for p in profile.none_phrases):
        return []
    if any(_ITEM_MARKER.match(line) for line in body):
        items = _list_items(lines)
    else:
        items = _paragraphs(lines, profile)
    options = []
    for item in items:
        text = " ".join(item.split())
        if not _OPTION_PREFIX.sub("", text).strip(" -–:."):
            continue
        if any(p.search(text) for p in profile.proposal_phrases):
            continue
        options.append(text)
    return options


_RUN_IN_MARKER = re.compile(r"(?:(?<=\s)|^)\(?(?P<mark>\d{1,2}|[a-h])[.)]\s+")


def _split_run_in_items(line: str) -> list[str]:
    """'1. Do nothing – ... 2. Extend – ...' on one line: split at markers that count on from the first."""
    marks = list(_RUN_IN_MARKER.finditer(line))
    if len(marks) < 2 or marks[0].start() != 0:
        return [line]
    cuts, expected = [0], _next_mark(marks[0]["mark"])
    for mark in marks[1:]:
        if mark["mark"] == expected:
            cuts.append(mark.start())
            expected = _next_mark(expected)
    return [line[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(line)], strict=False)]


def _next_mark(mark: str) -> str:
    return str(int(mark) + 1) if mark.isdigit() else chr(ord(mark) + 1)


def _list_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    open_item = False
    for line in (part for whole in lines for part in _split_run_in_items(whole)):
        if not line:
            continue
        marker = _ITEM_MARKER.match(line)
        if marker:
            text = line if marker.group("option") else line[marker.end() :]
            items.append(text.strip())
            open_item = True
        elif open_item and items and (items[-1].rstrip()[-1:] not in _TERMINAL or line[0].islower()):
            items[-1] = f"{items[-1]} {line}"
        elif items:
            break  # prose after the list: commentary, a table of reasons, ...
    return items


def _paragraphs(lines: list[str], profile: Profile) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line)
    texts = [" ".join(p) for p in paragraphs if p]
    # Later paragraphs are options only when they speak of options; otherwise they are commentary.
    return texts[:1] + [t for t in texts[1:] if profile.option_words.search(t)]
