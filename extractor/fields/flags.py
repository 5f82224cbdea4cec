"""Yes/no facts: key decision, decision type, exempt information.

Each is read from its label first (the value's words: "Yes", "Na", ticked boxes, "Non-key", "Fully
exempt", "Open"), then from what the record states in a heading or a sentence ("EXEMPT ITEM",
"This is a key decision", a title ending "(Non-Key Officer Decision)"). A phrase governed by a
denial or a condition ("does not contain exempt information", "if the report is exempt"), printed
as a label ("Exempt report:"), or inside a template's bracketed guidance is not a statement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from models import DecisionType, Exemption, Method

from ..layout import Span
from ..profile import Profile, words_pattern
from . import Context, Found

# A phrase followed by one of these is a label or a question on a form, not a statement.
_LABEL_AFTER = re.compile(r"[^\S\n]*(?:[:?|]|\t|[^\S\n]{2,}\S)")


@lru_cache(maxsize=8)
def _marks_pattern(marks: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(marks, key=len, reverse=True))), re.IGNORECASE)


@lru_cache(maxsize=8)
def _start_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words` opening a value ('Fully exempt - see Appendix 2')."""
    return re.compile(rf"^(?:{words_pattern(words)})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def _hedge_pattern(words: tuple[str, ...]) -> re.Pattern:
    """A denial or condition word with no sentence end after it: it governs what follows."""
    alternatives = [re.escape(w).replace("'", "['’]").replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)]
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b[^.;!?\n]*\Z", re.IGNORECASE)


def _ticked(text: str, profile: Profile) -> tuple[bool, str | None]:
    """(whether `text` is a row of tick boxes, the one ticked choice's words or None).

    Boxes print on one side of their words: before them when the row opens with a box
    ('☐ Yes ☒ No'), else after them ('Yes ☒ No ☐', 'Key ☐ Non-key ☒')."""
    words = profile.vocabulary
    boxes = list(_marks_pattern(tuple(words["ticked_marks"] + words["unticked_marks"])).finditer(text))
    if not boxes:
        return False, None
    boxes_first = not text[: boxes[0].start()].strip()
    ticked = []
    for index, box in enumerate(boxes):
        if boxes_first:
            choice = text[box.end() : boxes[index + 1].start() if index + 1 < len(boxes) else len(text)]
        else:
            choice = text[boxes[index - 1].end() if index else 0 : box.start()]
        if box.group().lower() in profile.ticked_marks:
            ticked.append(choice.strip())
    return True, ticked[0] if len(ticked) == 1 else None


def parse_yes_no(text: str, profile: Profile) -> bool | None:
    """'Yes', 'NO', 'Ie', 'Nac ydy', 'Non-key', or tick boxes 'Yes ☒ No ☐' -> bool; anything
    else (and a row of boxes with none or several ticked) -> None."""
    boxed, choice = _ticked(text, profile)
    if boxed:
        if choice is None:
            return None
        if not choice:
            return True  # "Key decision ☒": a box ticked beside the label itself
        text = choice
    text = text.strip(" .:-")
    if profile.no.match(text):
        return False
    if profile.yes.match(text):
        return True
    return None


# A line break inside a sentence: the next line carries on in lower case. The spaces before the
# break are the break's too (found from the break back: a pattern opening on the line end is
# scanned for far faster than one opening on optional spaces).
_WRAP = re.compile(r"\n[^\S\n]*(?=[a-z])")


def _unwrapped(text: str) -> str:
    """`text` with each wrapped sentence on one line, every offset kept (a break becomes spaces)."""
    pieces, done = [], 0
    for match in _WRAP.finditer(text):
        start = match.start()
        while start > done and text[start - 1] != "\n" and text[start - 1].isspace():
            start -= 1
        pieces += [text[done:start], " " * (match.end() - start)]
        done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def _statement(ctx: Context, key: str, text: str) -> re.Match | None:
    """The first of the profile's `key` phrases that `text` states: not denied or made a
    condition by the words before it, not a label, not inside bracketed template guidance."""
    if text is ctx.document.text:  # the whole record is searched for several phrases: unwrapped once
        text = ctx.memo("unwrapped_text", lambda c: _unwrapped(c.document.text))
    else:
        text = _unwrapped(text)
    hedge = _hedge_pattern(tuple(ctx.profile.vocabulary["hedge_words"]))
    window = ctx.profile.settings.negation_window

    def stated(match: re.Match) -> bool:
        if hedge.search(text, max(0, match.start() - window), match.start()):
            return False
        line_before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        if line_before.rfind("[") > line_before.rfind("]"):
            return False  # "[Do not include information which is exempt ...]": guidance for whoever fills the form
        return not _LABEL_AFTER.match(text, match.end())

    return ctx.profile.find_phrase(key, text, stated)


# Which phrases are tried first: a key decision's denial ('non-key decision' holds the words 'key
# decision'); an exemption's claim (a record open but for one withheld appendix is exempt).
_KEY_DECISION = (("key_decision_false", False), ("key_decision_true", True))
_EXEMPT = (("exempt_true", True), ("exempt_false", False))


def _stated_flag(ctx: Context, keys: tuple[tuple[str, bool], ...], text: str) -> tuple[bool, re.Match] | None:
    """What `text` states, by the first of `keys` (phrase key, flag) with a statement in it."""
    for key, flag in keys:
        match = _statement(ctx, key, text)
        if match:
            return flag, match
    return None


def key_decision(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("key_decision"):
        value = parse_yes_no(span.text, ctx.profile)
        if value is None:  # 'Key decision: This is not a key decision as ...'
            stated = _stated_flag(ctx, _KEY_DECISION, span.text)
            value = stated[0] if stated else None
        if value is not None:
            return Found(value, span, Method.label)
    for _, span in ctx.label_values("decision_type"):
        if re.search(r"\bkey\b", span.text, re.IGNORECASE):
            value = parse_yes_no(span.text, ctx.profile)
            if value is not None:
                return Found(value, span, Method.label)
    stated = _stated_flag(ctx, _KEY_DECISION, ctx.document.text)
    if stated:
        flag, match = stated
        return Found(flag, ctx.span_of(match.start(), match.end()), Method.pattern)
    return None


def decision_type(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("decision_type"):
        for pattern, kind in ctx.profile.decision_types:
            if pattern.search(span.text):
                return Found(kind, span, Method.label)
    match = _statement(ctx, "non_executive", ctx.document.text)
    if match:
        return Found(DecisionType.non_executive, ctx.span_of(match.start(), match.end()), Method.pattern)
    return None


def _basis(ctx: Context, text: str) -> str | None:
    text = " ".join(text.split())  # a basis wrapped over lines ("... of Part 1 of" / "Schedule 12A")
    for pattern in ctx.profile.prose_for("exempt_basis", text):
        match = pattern.search(text)
        if match:
            return " ".join(match.group("value").split())
    return None


def _exempt_answer(ctx: Context, text: str, basis: str | None) -> bool | None:
    """What an exemption label's value says: 'No', 'Fully exempt', 'Open', 'Paragraph 3',
    'Appendix 2 is not for publication', 'None'."""
    profile = ctx.profile
    answer = parse_yes_no(text, profile)
    if answer is not None:
        return answer
    value = text.strip(" .:-–")
    paragraph = re.search(r"\bpara(?:graph)?s?\.?\s*\d", value, re.IGNORECASE)
    if _start_pattern(tuple(profile.vocabulary["exempt_values"])).match(value):
        return True
    if not paragraph and _start_pattern(tuple(profile.vocabulary["open_values"])).match(value):
        return False  # 'Open', 'Part I'; but 'Part 1 of Schedule 12A, paragraph 3' names what is exempt
    if basis or paragraph:
        return True
    stated = _stated_flag(ctx, _EXEMPT, value)
    if stated:
        return stated[0]
    if any(p.search(value) for p in profile.none_phrases):
        return False
    return None


def exempt_information(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """Whether the record says part of it is withheld, and on what legal basis. A template's
    standing reminder about Schedule 12A is not an exemption: only a statement that something is
    withheld is (a label's answer, a heading such as 'EXEMPT ITEM', a sentence)."""
    for hit in ctx.layout.all("exempt_information"):
        span = ctx.layout.line_value(hit)
        if span is None:
            continue
        basis = _basis(ctx, span.text)
        if basis is None:  # 'Exempt information: Yes ☒ No ☐' with the basis on the lines below
            region = ctx.layout.block_value(hit)
            basis = _basis(ctx, region.text) if region else None
        value = _exempt_answer(ctx, span.text, basis)
        if value is not None:
            return Found(Exemption(exempt=value, basis=basis if value else None), span, Method.label)
    text = ctx.document.text
    stated = _stated_flag(ctx, _EXEMPT, text)
    if stated is None:
        return None
    flag, match = stated
    span = Span(match.group(0), match.start(), match.end(), ctx.document.page_at(match.start()))
    if not flag:
        return Found(Exemption(exempt=False, basis=None), span, Method.pattern)
    settings = ctx.profile.settings
    window = text[max(0, match.start() - settings.exempt_context_before) : match.end() + settings.exempt_context_after]
    return Found(Exemption(exempt=True, basis=_basis(ctx, window)), span, Method.pattern)
