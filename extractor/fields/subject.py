"""What the decision is about: its title, and the council that took it."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from models import Method

from ..document import BlockKind, Line
from ..layout import Span, continues
from ..profile import STOP, label_key
from . import Context, Found
from .people import grammar

# A URL, markup, a date, a first-person sentence, or two sentences: not a title.
_NOT_A_TITLE = re.compile(r"https?://|<|^\d{1,2}/\d{1,2}/\d{2,4}|^(?:I|We),\s|(?-i:[a-z0-9)]\.\s+[A-Z])", re.IGNORECASE)
# A reference printed as a code: letters, a separator and digits ("ED/24/17", "KD-2024-03"); letters
# and digits run together ("DD1234", "D090030MEM": two letters, or five digits, so that a road
# ("A38", "B1234") or a planning term ("S106") is not one); digits with a slash ("24/00093"), but
# not a year pair ("2012/13", "11/12") or a date; never a number alone ("47", an agenda item's).
_CODE = r"(?:[A-Z]{1,6}[/.-]\d+(?:[/.-][A-Z0-9]+)*|[A-Z]{2,6}\d{3,}[A-Z]{0,4}|[A-Z]\d{5,}[A-Z]{0,4}|\d+/\d[\d/.-]*[A-Z]{0,4})"
_NOT_CODE = re.compile(r"^(?:\d{4}[/-]\d{2}|\d{2}/\d{2}|\d{1,2}/\d{1,2}/\d{2,4})$")
_NUMBER_WORDS = r"(?:No\.?|Number|Ref(?:erence)?\.?)"
# "DD1234 Review of road orders", "ED/24/17: Leisure centre hours": a code, then the title
_LEADING_CODE = re.compile(rf"^(?P<ref>{_CODE})(?:\s*[:–-]\s*|\s+)(?P<title>\S.*)$")
# after a record heading: "Decision Notice ED/24/17: ...", "Record of Decision No. 45 - ..."
_HEADING_CODE = re.compile(
    rf"^\s*(?:[:–-]\s*)?(?:(?P<numbered>{_NUMBER_WORDS})\s*:?\s*)?(?P<ref>{_CODE}|(?(numbered)\d+|(?!)))\s*(?:[:–-]\s*(?P<title>\S.*))?$",
    re.IGNORECASE)
# "Officer Decision Record: Leisure centre hours": a record heading, a separator, the title
_TITLE_AFTER = re.compile(r"^\s*[:–-]\s*(?P<title>\S.*)$")
# A ModernGov list entry: "15/10/2020 - Civic Campus: Award of Contract ref: 4196    Recommendations Approved"
_DATED_ENTRY = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s+[-–]\s+(?P<rest>\S.*)$")
_LIST_REF = re.compile(r"\s+ref:\s*(?P<ref>[A-Za-z0-9/._-]*\d[A-Za-z0-9/._-]*)", re.IGNORECASE)
_STATUS_GAP = re.compile(r"\s{2,}\S.*$")
_ARTICLE = re.compile(r"^(?:The|THE)\s+")
_QUOTES = {"‘": "’", "“": "”", "(": ")", "[": "]"}


def _title_text(text: str) -> str:
    return " ".join(text.split()).strip(" .:;")


def is_code(text: str) -> bool:
    """Whether `text` is a reference printed as a code (see _CODE), not a year, date or number."""
    return re.fullmatch(_CODE, text) is not None and not _NOT_CODE.match(text)


@dataclass
class Title:
    """The decision's title, and a reference printed in the title line itself, if any."""

    subject: Found | None = None
    reference: Found | None = None


def title(ctx: Context) -> Title:
    """Worked out once: the subject reads the title, the reference reads a code printed in it."""
    return ctx.memo("title", _title)


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    return title(ctx).subject


def _title(ctx: Context) -> Title:
    labelled = [span for _, span in ctx.label_values("subject") if _title_text(span.text)] or _titled(ctx)
    if labelled:
        return _split_code(ctx, _carried_on(ctx, _fullest(labelled)), Method.label)
    for find in (_after_title_heading, _run_on_title, _dated_entry, _heading_block, _head_title):
        result = find(ctx)
        if result is not None:
            return result
    for pattern in ctx.profile.prose_for("subject", ctx.document.text):
        match = pattern.search(ctx.document.text)
        if match:
            span = ctx.span_of(match.start("value"), match.end("value"))
            return Title(Found(_title_text(match.group("value")), span, Method.pattern))
    return Title()


def _titled(ctx: Context) -> list[Span]:
    """'Title:' read as a signer's post because a decision-maker label is above it, whose value names
    no post and no one ("Title: Adult Skills Fund commissioning plan"): the record's title."""
    g = grammar(ctx.profile)  # the people grammar tells a post from a title
    return [span for hit in ctx.layout.all("signatory_title") if label_key(hit.label) == "title"
            and (span := ctx.layout.line_value(hit)) is not None and _title_text(span.text)
            and g.role(span.text) is None and not g.is_name(span.text)]


def _fullest(spans: list[Span]) -> Span:
    """The first value, unless a later one repeats it in full (a PDF that prints the label twice,
    the first time cut short)."""
    first = spans[0]
    key = _title_text(first.text)
    return next((s for s in spans[1:] if _title_text(s.text).startswith(key) and len(s.text) > len(first.text)), first)


def _carried_on(ctx: Context, span: Span) -> Span:
    """A value whose last line plainly breaks off goes on past a blank line (a Word paragraph per
    printed line): "Revenue and Capital Budget Monitoring Report –" + "September 2024-2025"."""
    lines = ctx.document.lines
    index = next((i for i, line in enumerate(lines) if line.start <= span.end <= line.end), None)
    if index is None or index + 1 >= len(lines) or lines[index + 1].text.strip():
        return span
    if not _goes_on(ctx, lines[index].text, index + 1):
        return span
    following = next(i for i in range(index + 1, len(lines)) if lines[i].text.strip())
    end = lines[following].end
    return Span(f"{span.text} {lines[following].text.strip()}", span.start, end, span.page, span.weight)


def _split_code(ctx: Context, span: Span, method: Method, confidence: float = -1.0) -> Title:
    """A title that opens with its reference ("DD1234 Review of road orders") gives both."""
    text = span.text.strip()
    leading = len(span.text) - len(span.text.lstrip())
    match = _LEADING_CODE.match(text)
    if match and is_code(match.group("ref")) and len(match.group("title").split()) >= 2:
        start = span.start + leading
        reference = Found(match.group("ref"), ctx.span_of(start, start + match.end("ref")), method, confidence)
        subject_start = start + match.start("title")
        return Title(Found(_title_text(match.group("title")), ctx.span_of(subject_start, span.end), method, confidence),
                     reference)
    return Title(Found(_title_text(text), span, method, confidence))


def is_record_heading(ctx: Context, index: int) -> bool:
    """Whether line `index` is a record's heading ("Record of Decision", "RECORD OF DECISION OF
    THE CABINET", "Decision Notice ED/24/17: Leisure centre hours", "KENT COUNTY COUNCIL – RECORD
    OF DECISION"), with or without the record's number and title after it."""
    return _heading_with_code(ctx, index) is not None


@functools.lru_cache(maxsize=8)
def _heading_start(headings: tuple[str, ...]) -> re.Pattern:
    """A record heading opening a line, whatever follows it (a space, ':', a dash)."""
    alternatives = sorted((r"[\s\-–]+".join(map(re.escape, label_key(h).split())) for h in headings), key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _heading_with_code(ctx: Context, index: int) -> tuple[Found | None, str] | None:
    """A record heading, perhaps with the record's number and even its title after it ("Decision
    Notice ED/24/17: Leisure centre hours", "Officer Decision Record: Leisure centre hours"):
    (the number, the title on the line) or None when the line is no record heading."""
    line = ctx.document.lines[index]
    text = line.text
    if ctx.profile.is_title_heading(text):
        return None, ""
    match = _heading_start(tuple(ctx.profile.title_headings)).match(text)
    if match is None:
        return None
    rest = text[match.end():]
    coded = _HEADING_CODE.match(rest)
    if coded and (coded.group("numbered") or is_code(coded.group("ref"))):
        start = line.start + match.end() + coded.start("ref")
        reference = Found(coded.group("ref"), ctx.span_of(start, start + len(coded.group("ref"))), Method.pattern, 0.8)
        return reference, coded.group("title") or ""
    words = rest.split()
    if words and words[0].lower() in ("of", "by", "for"):  # "Record of Decision of the Cabinet"
        return None, ""
    titled = _TITLE_AFTER.match(rest)
    if titled is None:
        return None
    if _names_a_kind(ctx, titled.group("title")):
        return None, ""  # "Officer Decision Record – Executive Decision": the kind of record, no title
    return None, titled.group("title")


def _names_a_kind(ctx: Context, text: str) -> bool:
    """Words that only name a kind of record or who took it ("CABINET MEMBER DECISION", "Executive
    Decision", "Record of Decision by the Leader"): a heading, never the title."""
    kinds = ctx.profile.role_words | ctx.profile.heading_words | ctx.profile.connector_words
    words = [w.lower().strip("()–-:,") for w in text.split()]
    return bool(words) and all(w in kinds for w in words if w)


def _after_title_heading(ctx: Context) -> Title | None:
    """ModernGov pages and many Word templates print the title on the line after a page heading
    ("Decision details", "Issue - decisions", "Statement of Decision", "KENT COUNTY COUNCIL –
    RECORD OF DECISION"), perhaps after a labelled date; a heading may carry the record's number,
    and the title on its own line ("Decision Notice ED/24/17: Leisure centre hours")."""
    lines = ctx.document.lines
    for index, line in enumerate(lines):
        heading = _heading_with_code(ctx, index)
        if heading is None:
            continue
        reference, rest = heading
        below = next((i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].text.strip()), None)
        if not rest.strip() and below is not None and _heading_with_code(ctx, below) is not None:
            continue  # the heading nearest the title says most ("Decision Notice ED/24/17")
        if rest.strip():
            start = line.end - len(rest.lstrip()) if rest.strip() else line.end
            span = ctx.span_of(start, line.end)
            return Title(Found(_title_text(rest), span, Method.pattern, 0.8), reference)
        candidates = _title_lines(ctx, index + 1)
        if candidates:
            value = _title_text(" ".join(c.text for c in candidates))
            span = Span(value, candidates[0].start, candidates[-1].end, candidates[0].page)
            return Title(Found(value, span, Method.pattern, 0.8), reference)
        if reference is not None:
            return Title(None, reference)
    return None


def _title_lines(ctx: Context, first: int) -> list[Line]:
    """The title's lines from line `first` on: furniture before it (blank lines, another page
    heading, a date, a labelled date, the council's name) is passed over; the title ends at a
    label, a blank line (unless the title plainly goes on past it) or a line that does not continue it."""
    lines = ctx.document.lines
    labelled = _labelled_lines(ctx)
    settings = ctx.profile.settings
    candidates: list[Line] = []
    position, seen = first, 0
    while position < len(lines) and seen < settings.title_search_lines:
        following = lines[position]
        text = following.text.strip()
        position += 1
        if not text:
            if candidates and not _goes_on(ctx, candidates[-1].text, position):
                break
            continue
        seen += 1
        if not candidates and _furniture(ctx, position - 1):
            continue
        if position - 1 in labelled or _NOT_A_TITLE.search(text) or len(text) > settings.max_title:
            break
        if candidates and not _continues(ctx, candidates[-1].text, text):
            break
        candidates.append(following)
        if len(candidates) == settings.title_max_lines:
            break
    return candidates


def _labelled_lines(ctx: Context) -> set[int]:
    """Lines holding a label; a capitalised line that layout reads only as an unknown heading may
    be the title itself, so it is not one."""
    return ctx.memo("title_labelled", lambda c: {h.line_index for h in c.layout.hits if h.spec is not STOP})


def _continues(ctx: Context, previous: str, following: str) -> bool:
    return continues(previous, following, ctx.profile) or _unclosed(previous)


def _unclosed(text: str) -> bool:
    """An opening quote or bracket the line does not close: the title runs on."""
    return any(text.count(opening) > text.count(closing) for opening, closing in _QUOTES.items())


def _goes_on(ctx: Context, previous: str, position: int) -> bool:
    """Past a blank line, a title goes on only when its line plainly breaks off (a dash, a
    connecting word, an open quote) and the next line is neither a label nor a new heading."""
    lines = ctx.document.lines
    following = next((i for i in range(position, min(position + 2, len(lines))) if lines[i].text.strip()), None)
    if following is None or following in _labelled_lines(ctx):
        return False
    text = lines[following].text.strip()
    if not _continues(ctx, previous, text):
        return False
    strong = previous.rstrip()[-1:] in "–-,&/(" or previous.split()[-1].lower() in ctx.profile.connector_words
    if strong or _unclosed(previous):
        return True
    # a few words, then the labels: the title's last words ("... Building Access" + "System")
    after = next((i for i in range(following + 1, min(following + 3, len(lines))) if lines[i].text.strip()), None)
    return text[-1] not in ".:;?" and after is not None and after in _labelled_lines(ctx)


def _furniture(ctx: Context, index: int) -> bool:
    """A line that may stand between a page heading and the title: another heading, a date, a
    labelled date ("Decision Made: 12 September 2012"), the council's name."""
    text = ctx.document.lines[index].text
    if _heading_with_code(ctx, index) is not None or _only_date(text) or _council_line(ctx, text):
        return True
    if _names_a_kind(ctx, text):
        return True
    hits = [h for h in ctx.layout.hits if h.line_index == index]
    if len(hits) == 1:
        value = ctx.layout.line_value(hits[0])
        return value is not None and _only_date(value.text)
    return False


def _only_date(text: str) -> bool:
    from .dates import find_dates

    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for _, start, end in reversed(dates):
        rest = rest[:start] + rest[end:]
    return len(re.sub(r"[\W\d_]", "", rest)) <= 12


def _council_line(ctx: Context, text: str) -> bool:
    """A line that is a council's name, perhaps with a page heading after it."""
    for pattern in ctx.profile.prose_for("council", text):
        match = pattern.search(text)
        if match:
            rest = (text[: match.start("value")] + text[match.end("value") :]).strip(" –-:|")
            if not rest or ctx.profile.is_title_heading(rest):
                return True
    return False


def _run_on_title(ctx: Context) -> Title | None:
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
            return Title(Found(value, ctx.span_of(start, start + len(value)), Method.pattern, 0.7))
    return None


def _first_label_line(ctx: Context) -> int:
    """The first line holding a label of a field: a heading odr only stops at does not count, nor
    does a line read as a label only by its words and printed without a separator (a breadcrumb
    "Home > Council > Decisions")."""
    text = ctx.document.text

    def separated(hit) -> bool:
        return text[hit.start : hit.value_start].rstrip()[-1:] in (":", "|", "?", "-", "–")

    labels = (h.line_index for h in ctx.layout.hits if h.spec.kind != "stop" and (not h.by_meaning or separated(h)))
    return min(labels, default=len(ctx.document.lines))


def _dated_entry(ctx: Context) -> Title | None:
    """A ModernGov list entry: "15/10/2020 - <title> ref: 4196 <status>", wrapped onto a second
    line when its "ref:" is there; the first one of a list page is its first decision."""
    lines = ctx.document.lines
    values = {h.line_index for h in ctx.layout.hits if h.spec.kind == "line" and h.heading}
    for index, line in enumerate(lines):
        match = _DATED_ENTRY.match(line.text)
        if not match:
            continue
        above = next((i for i in range(index - 1, max(-1, index - 3), -1) if lines[i].text.strip()), None)
        if above in values:  # "Decided at meeting:" then "24/03/2009 - Urgent Business": a value
            continue
        start, end = line.start + match.start("rest"), line.end
        nxt = next((i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].text.strip()), None)
        if (not _LIST_REF.search(line.text) and nxt is not None and _LIST_REF.search(lines[nxt].text)
                and not any(h.line_index == nxt and not h.by_meaning for h in ctx.layout.hits)):
            end = lines[nxt].end
        entry = ctx.document.text[start:end]
        reference = None
        ref = _LIST_REF.search(entry)
        if ref:
            at = start + ref.start("ref")
            reference = Found(ref.group("ref"), ctx.span_of(at, at + len(ref.group("ref"))), Method.pattern, 0.8)
            entry = entry[: ref.start()]
        else:
            entry = _STATUS_GAP.sub("", entry)
        value = _title_text(entry)
        if value and len(value) <= ctx.profile.settings.max_title:
            return Title(Found(value, ctx.span_of(start, start + len(entry.rstrip())), Method.pattern, 0.7), reference)
    return None


def _title_like(ctx: Context, text: str) -> bool:
    """A title standing alone, with no heading to announce it, must look like one: two words at
    least ("OFFICIAL", "PUBLIC" are markings), not a sentence, a date or a URL, not too long."""
    return len(text.split()) >= 2 and not _NOT_A_TITLE.search(text) and len(text) <= ctx.profile.settings.max_title


def _heading_block(ctx: Context) -> Title | None:
    """A heading the document's own structure marks (an HTML h1-h6, a Word heading style) above the
    record's first label, prose between them or not; a page heading, the council's name, a date
    or a label is passed over."""
    lines = ctx.document.lines
    first_label = _first_label_line(ctx)
    if not ctx.document.blocks or first_label == len(lines):
        return None
    labelled = _labelled_lines(ctx)
    for block in ctx.document.blocks:
        if block.start >= lines[first_label].start:
            break
        if block.kind != BlockKind.heading:
            continue
        index = next(i for i in range(first_label) if lines[i].end >= block.start)
        text = " ".join(ctx.document.text_of(block).split())
        if index in labelled or _furniture(ctx, index) or text.endswith(":"):
            continue
        if not _title_like(ctx, text):
            return None
        return _split_code(ctx, Span(text, block.start, block.end, block.page), Method.pattern, 0.75)
    return None


def _head_title(ctx: Context) -> Title | None:
    """A title printed above the record's first label, with nothing before it but furniture (the
    council's name, a page heading, a date): "Review of road orders" over "Decision Maker: ...";
    "DD1234 Review of road orders" gives the reference too."""
    first_label = _first_label_line(ctx)
    texts = [i for i in range(first_label) if ctx.document.lines[i].text.strip()]
    if not texts or first_label == len(ctx.document.lines):
        return None
    settings = ctx.profile.settings
    kept = [i for i in texts if not _furniture(ctx, i)]
    if not kept or len(texts) > settings.title_search_lines or len(kept) > settings.title_max_lines:
        return None
    lines = [ctx.document.lines[i] for i in kept]
    for previous, following in itertools.pairwise(lines):
        if not _continues(ctx, previous.text, following.text):
            return None
    text = " ".join(line.text.strip() for line in lines)
    if not _title_like(ctx, text) or text.rstrip()[-1] in ".:;?":
        return None
    span = Span(text, lines[0].start, lines[-1].end, lines[0].page)
    return _split_code(ctx, span, Method.pattern, 0.7)


def council(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """The council the text names near its top; a profile's `council` when the profile says whose it is."""
    stated = _stated_council(ctx)
    if ctx.profile.council:
        span = stated.span if stated and stated.value == ctx.profile.council else None
        return Found(ctx.profile.council, span, Method.derived, 1.0)
    return stated


def _stated_council(ctx: Context) -> Found | None:
    """The first council's name in the top lines (the earliest of every pattern's matches), else in
    the page's copyright line ("© Ashdown District Council"). A name is more than its kind: "City
    Council" or "Full Council" alone names no authority."""
    head_end = ctx.document.lines[min(ctx.profile.settings.council_head_lines, len(ctx.document.lines)) - 1].end
    marks = tuple(m.lower() for m in ctx.profile.vocabulary["copyright_marks"])
    found = _council_in(ctx, 0, head_end, marks)
    if found is None:
        for line in reversed(ctx.document.lines):
            lowered = line.text.lower()
            after = max((lowered.find(m) + len(m) for m in marks if m in lowered), default=-1)
            if after >= 0 and (found := _council_in(ctx, line.start + after, line.end, marks)) is not None:
                break  # the name after the mark: "Copyright Greyford Borough Council"
    return found


def _council_in(ctx: Context, start: int, end: int, marks: tuple[str, ...]) -> Found | None:
    """The first council's name in the document's text from `start` to `end`; a copyright mark
    (`marks`, lower case) opening it is not part of it."""
    head = ctx.document.text[:end]
    generic = frozenset(w.lower() for w in ctx.profile.vocabulary["council_generic_words"])
    names: list[tuple[int, int, str]] = []
    for pattern in ctx.profile.prose_for("council", head[start:]):
        for match in pattern.finditer(head, start):
            value = match.group("value")
            at, to = match.span("value")
            article = _ARTICLE.match(value)  # "The Highland Council": the name without its article
            if article:
                at, value = at + article.end(), value[article.end():]
            first = value.split(maxsplit=1)[0]
            if first.lower() in marks and len(value.split()) > 2:  # "Copyright Greyford Borough Council"
                rest = value[len(first):].lstrip()
                at, value = at + len(value) - len(rest), rest
            if any(word.lower() not in generic for word in value.split() if word.lower() != "council"):
                names.append((at, -to, " ".join(value.split())))
    if not names:
        return None
    at, to, value = min(names)
    if value.isupper():
        value = " ".join(w.capitalize() if w not in ("OF", "AND", "UPON") else w.lower() for w in value.split())
    return Found(value, ctx.span_of(at, -to), Method.pattern)
