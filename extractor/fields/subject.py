"""What the decision is about: its title, and the council that took it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from models import Method

from ..document import Line
from ..layout import Span, continues
from . import Context, Found

_NOT_A_TITLE = re.compile(r"https?://|<|^\d{1,2}/\d{1,2}/\d{2,4}|^(?:I|We),\s", re.IGNORECASE)


def _title_text(text: str) -> str:
    return " ".join(text.split()).strip(" .:;")


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("subject"):
        value = _title_text(span.text)
        if value:
            return Found(value, span, Method.label)
    heading = _after_title_heading(ctx) or _run_on_title(ctx)
    if heading:
        return heading
    for pattern in ctx.profile.prose.get("subject", []):
        match = pattern.search(ctx.document.text)
        if match:
            span = ctx.span_of(match.start("value"), match.end("value"))
            return Found(_title_text(match.group("value")), span, Method.pattern)
    return None


def _after_title_heading(ctx: Context) -> Found | None:
    """ModernGov pages and many Word templates print the title on the line after a page heading."""
    lines = ctx.document.lines
    labelled = ctx.layout.hit_line_indexes()
    for index, line in enumerate(lines):
        if not ctx.profile.ends_with_title_heading(line.text):
            continue
        candidates: list[Line] = []
        settings = ctx.profile.settings
        for position in range(index + 1, min(index + 1 + settings.title_search_lines, len(lines))):
            following = lines[position]
            text = following.text.strip()
            if not text:
                if candidates:
                    break
                continue
            if ctx.profile.ends_with_title_heading(following.text) and not candidates:
                continue
            if position in labelled or _NOT_A_TITLE.search(text) or len(text) > settings.max_title:
                break
            if candidates and not continues(candidates[-1].text, text, ctx.profile):
                break
            candidates.append(following)
            if len(candidates) == settings.title_max_lines:
                break
        if candidates:
            value = _title_text(" ".join(c.text for c in candidates))
            span = Span(value, candidates[0].start, candidates[-1].end, candidates[0].page)
            return Found(value, span, Method.pattern, 0.8)
    return None


def _run_on_title(ctx: Context) -> Found | None:
    """A record flattened onto one line: "Decision details <title> Decision Maker: ..." puts the
    title between the page heading and the first label on the same line."""
    leading = ctx.profile.title_heading_start
    if leading is None:
        return None
    for index, line in enumerate(ctx.document.lines):
        match = leading.match(line.text)
        if not match:
            continue
        start = line.start + match.end()
        following = [h.start for h in ctx.layout.hits if h.line_index == index and h.start > start]
        if not following:
            continue
        value = _title_text(ctx.document.text[start : min(following)])
        if value and len(value) <= ctx.profile.settings.max_title and not _NOT_A_TITLE.search(value):
            return Found(value, ctx.span_of(start, start + len(value)), Method.pattern, 0.7)
    return None


def council(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """The council the text names near its top; a profile's `council` when the profile says whose it is."""
    stated = _stated_council(ctx)
    if ctx.profile.council:
        span = stated.span if stated and stated.value == ctx.profile.council else None
        return Found(ctx.profile.council, span, Method.derived, 1.0)
    return stated


def _stated_council(ctx: Context) -> Found | None:
    head = "\n".join(line.text for line in ctx.document.lines[: ctx.profile.settings.council_head_lines])
    for pattern in ctx.profile.prose.get("council", []):
        for match in pattern.finditer(head):
            value = " ".join(match.group("value").split())
            if value.lower().startswith(("the ", "this ")) or len(value.split()) < 2:
                continue
            if value.isupper():
                value = " ".join(w.capitalize() if w not in ("OF", "AND", "UPON") else w.lower() for w in value.split())
            return Found(value, ctx.span_of(match.start("value"), match.end("value")), Method.pattern)
    return None
