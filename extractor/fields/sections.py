"""Sections: the decision, its reasons, the alternatives rejected, consultation and interests."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from models import Method

from ..document import LIST_MARKER
from ..layout import BARE_MARKER, Span, carries_on, continues
from ..profile import Profile
from . import Context, Found
from .dates import find_dates

# A list item's marker: the document's one list-marker grammar (read here in either case, and with
# a Courier "o" bullet as text renderings of Word lists print it), or an "Option N" heading.
_ITEM_MARKER = re.compile(rf"^(?:(?:{LIST_MARKER}|o)\s+|(?P<option>Option\s+\d+\b))", re.IGNORECASE)
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
        if len(out) >= 2 and out[-1] == "" and carries_on(out[-2], line, profile):
            out.pop()  # the gap split a sentence
        joins = out and (
            BARE_MARKER.match(out[-1])  # "i." alone, its item on the next line
            or (out[-1] and not _ITEM_MARKER.match(line) and continues(out[-1], line, profile))
        )
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(part for part in out if part)


def _section(ctx: Context, field: str) -> tuple[str, Span] | None:
    for _, span in ctx.label_values(field):
        if _opens_with_a_lone_date(span.text):
            continue  # "Decision Made: 12 September 2012": a date under a section's label, not the section
        text = unwrap(_clean_lines(span.text, ctx.profile), ctx.profile)
        if text:
            return text, span
    return None


def _opens_with_a_lone_date(text: str) -> bool:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    dates = find_dates(first)
    return len(dates) == 1 and len(first) - (dates[0][2] - dates[0][1]) <= 2


def text_section(field: str) -> Callable[[Context, Mapping[str, Found | None]], Found | None]:
    """The extractor of a section read as text: the body under its heading, wrapped lines rejoined."""

    def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
        section = _section(ctx, field)
        return Found(section[0], section[1], Method.section) if section else None

    extract.__name__ = f"section_{field}"
    return extract


def decision(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    decided = ctx.memo("decision_with_tail", _decision_with_tail)[0]
    return decided or _stated_decision(ctx, found.get("subject"))


def _decision_with_tail(ctx: Context) -> tuple[Found | None, Found | None, Found | None]:
    """The decision, and what a page that lost its headings printed after its resolutions: a
    statement of purpose ("To ensure ...") is the reasons, then one that opens an alternative ("Do
    nothing – ...") the option rejected; each only where the record has no section of its own."""
    found = _decision(ctx)
    if found is None or found.span is None:
        return found, None, None
    # the decision's own text, and what follows it up to the next label (a section holds it already)
    area_end = next((h.start for h in ctx.layout.hits if h.start >= found.span.end), len(ctx.document.text))
    lines = [line for line in ctx.document.lines if found.span.start <= line.start < area_end]
    units = _units_after_list(ctx, lines)
    if not units:
        return found, None, None
    profile = ctx.profile
    reasons = options = None
    rest = list(units)
    if not ctx.layout.all("reasons") and _opens_with(rest[0].text, profile.reason_openers):
        span = rest.pop(0)
        reasons = Found(unwrap(_clean_lines(span.text, profile), profile), span, Method.pattern, 0.6)
    if rest and not ctx.layout.all("rejected_options") and _opens_with(rest[0].text, profile.option_openers):
        span = rest.pop(0)
        options = Found([" ".join(span.text.split())], span, Method.pattern, 0.6)
    if reasons is None and options is None:
        return found, None, None
    decided = ctx.span_of(found.span.start, units[0].start)
    text = unwrap(_clean_lines(decided.text, profile), profile)
    return Found(text, decided, found.method, found.confidence), reasons, options


def _units_after_list(ctx: Context, lines: list) -> list[Span]:
    """The statements after the last list item of a decision (and the lines that carry it on): its
    paragraphs, or its lines when no blank line parts them."""
    last = max((i for i, line in enumerate(lines) if _ITEM_MARKER.match(line.text.strip())), default=None)
    if last is None:
        return []
    after = lines[_list_end(lines, last, more_items=False) + 1 :]
    gapped = any(not line.text.strip() for line in after)
    units: list[Span] = []
    group: list = []
    for line in [*after, None]:
        if line is None or not line.text.strip() or not gapped:
            if line is not None and line.text.strip():
                group.append(line)
            if group:
                units.append(ctx.span_of(group[0].start, group[-1].end))
                group = []
            continue
        group.append(line)
    return units


def _list_end(lines: list, item: int, *, more_items: bool) -> int:
    """The last line of the list item at `item` (and, with `more_items`, of the items after it): its
    wrapped lines (in lower case, or after a line not yet finished) belong to it."""
    last = item
    for i in range(item + 1, len(lines)):
        text = lines[i].text.strip()
        if not text:
            continue
        unfinished = lines[last].text.rstrip()[-1:] not in _TERMINAL + ":"
        if not ((more_items and _ITEM_MARKER.match(text)) or text[0].islower() or unfinished):
            break
        last = i
    return last


def _opens_with(text: str, openers: tuple[str, ...]) -> bool:
    return " ".join(text.split()).lower().startswith(openers)


def _decision(ctx: Context) -> Found | None:
    section = _section(ctx, "decision")
    if section:
        return Found(section[0], section[1], Method.section)
    combined = ctx.memo("decision_and_reasons", _decision_and_reasons)
    if combined and combined[0]:
        return combined[0]
    spoken = ctx.first_person()
    if spoken:
        span = spoken[1]
        if ctx.document.text[span.end : span.end + 1] == ".":  # the sentence's own full stop
            span = ctx.span_of(span.start, span.end + 1)
        return Found(" ".join(span.text.split()), span, Method.pattern)
    return _under_decision_of(ctx) or _unlabelled_resolutions(ctx)


def _stated_decision(ctx: Context, subject: Found | None) -> Found | None:
    """An issue page states what was decided as a sentence of its own, with no heading: "To approve
    the request for the inclusion of 23 buildings on the register ...", a paragraph before the first
    label that opens with the infinitive of a decision (not of a purpose: "To present the report
    ..."), and is not the title."""
    title = " ".join(subject.value.split()).rstrip(" .") if subject else None
    for hit in ctx.layout.hits[:1]:
        for paragraph in _paragraph_spans(ctx, ctx.span_of(0, hit.start)):
            text = " ".join(paragraph.text.split())
            if text.rstrip(" .") != title and _opens_with(text, ctx.profile.decision_infinitives):
                return Found(text, paragraph, Method.pattern, 0.5)
    return None


def reasons(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    section = _section(ctx, "reasons")
    if section:
        return Found(section[0], section[1], Method.section)
    combined = ctx.memo("decision_and_reasons", _decision_and_reasons)
    if combined and combined[1]:
        return combined[1]
    return ctx.memo("decision_with_tail", _decision_with_tail)[1]


def _paragraph_spans(ctx: Context, span: Span) -> list[Span]:
    """The paragraphs of a section (blank lines between), each with its place in the document."""
    spans: list[Span] = []
    start = None
    position = span.start
    for line in span.text.split("\n") + [""]:
        if line.strip() and start is None:
            start = position + len(line) - len(line.lstrip())
        if not line.strip() and start is not None:
            spans.append(ctx.span_of(start, position - 1))
            start = None
        position += len(line) + 1
    return spans


def _decision_and_reasons(ctx: Context) -> tuple[Found | None, Found | None] | None:
    """A 'Decision(s) and Reason(s)' section holds both: the paragraph that resolves (or the list it
    introduces) is the decision, the paragraphs after it the reasons; what comes before is context."""
    for hit in ctx.layout.all("decision_and_reasons"):
        region = ctx.layout.block_value(hit)
        if region is None:
            continue
        paragraphs = _paragraph_spans(ctx, region)
        first = next((i for i, p in enumerate(paragraphs) if _resolves(p.text, ctx.profile)), None)
        if first is None:
            return Found(unwrap(_clean_lines(region.text, ctx.profile), ctx.profile), region, Method.section), None
        last = first
        while last + 1 < len(paragraphs) and paragraphs[last].text.rstrip().endswith(":"):
            last += 1  # "It was RESOLVED:" then the list it introduces
        decided = ctx.span_of(paragraphs[first].start, paragraphs[last].end)
        decision = Found(unwrap(_clean_lines(decided.text, ctx.profile), ctx.profile), decided, Method.section, 0.8)
        if last + 1 >= len(paragraphs):
            return decision, None
        rest = ctx.span_of(paragraphs[last + 1].start, paragraphs[-1].end)
        text = unwrap(_clean_lines(rest.text, ctx.profile), ctx.profile)
        return decision, Found(text, rest, Method.section, 0.8) if text else None
    return None


def _resolves(text: str, profile: Profile) -> bool:
    return any(p.search(" ".join(text.split())) for p in profile.resolution_phrases)


def _unlabelled_resolutions(ctx: Context) -> Found | None:
    """A page whose headings were lost ("Decision:" gone from a ModernGov page): the decision is
    the text under the record's labelled lines from the first line that resolves: a numbered
    list of resolutions ("1) That ... be approved.") to its last item, or a sentence that says
    what was agreed ("The Chief Executive ... was asked and agreed to ...") to the next label."""
    lines = ctx.document.lines
    hits = ctx.layout.hits
    for position, hit in enumerate(hits):
        if hit.spec.kind == "block":
            continue  # a section's text is its own; only what no label claims is read here
        value = ctx.layout.line_value(hit)
        start = value.end if value else hit.value_start
        stop = hits[position + 1].start if position + 1 < len(hits) else len(ctx.document.text)
        body = [line for line in lines[hit.line_index + 1 :] if start <= line.start < stop]
        first = next((i for i, line in enumerate(body) if line.text.strip() and _resolves(line.text, ctx.profile)), None)
        if first is None:
            continue
        if _ITEM_MARKER.match(body[first].text.strip()):
            last = _list_end(body, first, more_items=True)
        else:
            last = max(i for i, line in enumerate(body) if line.text.strip())
        span = ctx.span_of(body[first].start, body[last].end)
        text = unwrap(_clean_lines(span.text, ctx.profile), ctx.profile)
        if text:
            return Found(text, span, Method.pattern, 0.6)
    return None


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
        return ctx.memo("decision_with_tail", _decision_with_tail)[2]
    # "Options considered" lists the chosen option too; "Options rejected", when printed, is the answer
    ordered = sorted(hits, key=lambda h: not re.search(r"\breject", h.label, re.IGNORECASE))
    listed = [options for hit in ordered[1:] if (options := _options_of(ctx, hit))]
    for hit in ordered:
        span = ctx.layout.block_value(hit)
        if span is None:
            continue
        options = split_options(_clean_lines(span.text, ctx.profile), ctx.profile)
        return Found([_as_listed(option, listed) for option in options], span, Method.section)
    ctx.warnings.append(f"section '{hits[0].label}' is empty: read as no options")
    return Found([], ctx.span_of(hits[0].start, hits[0].value_start), Method.section, 0.5)


def _options_of(ctx: Context, hit) -> list[str]:
    span = ctx.layout.block_value(hit)
    return split_options(_clean_lines(span.text, ctx.profile), ctx.profile) if span else []


_OPTION_REFERENCE = re.compile(r"^option\s+(?P<number>\d+)\b[^.]{0,40}\.?$", re.IGNORECASE)


def _as_listed(option: str, listed: list[list[str]]) -> str:
    """'Option 2 was rejected.' names an option another section sets out ("Option 2 - Reject (i) ..."):
    the option is the one set out."""
    reference = _OPTION_REFERENCE.match(option)
    if reference is None:
        return option
    for options in listed:
        for candidate in options:
            if re.match(rf"option\s+{reference['number']}\b", candidate, re.IGNORECASE) and len(candidate) > len(option):
                return candidate
    return option


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
    # "Option 2 - Reject" then "(i) ...", "(ii) ...": the numbered lines are the option's own parts
    by_option = any((m := _ITEM_MARKER.match(line)) and m.group("option") for line in lines)
    for line in (part for whole in lines for part in _split_run_in_items(whole)):
        if not line:
            continue
        marker = _ITEM_MARKER.match(line)
        if marker and by_option and not marker.group("option") and items:
            items[-1] = f"{items[-1]} {line}"
        elif marker:
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
        if not paragraphs[-1] and len(paragraphs) > 1 and carries_on(paragraphs[-2][-1], line, profile):
            paragraphs.pop()  # the gap split a sentence
        paragraphs[-1].append(line)
    texts = [" ".join(p) for p in paragraphs if p]
    # Later paragraphs are options only when they speak of options; otherwise they are commentary.
    return texts[:1] + [t for t in texts[1:] if profile.option_words.search(t)]
