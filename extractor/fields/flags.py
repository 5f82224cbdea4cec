"""Yes/no facts: key decision, decision type, exempt information."""

from __future__ import annotations

import re
from collections.abc import Mapping

from models import DecisionType, Exemption, Method

from ..layout import Span
from ..profile import Profile
from . import Context, Found


def parse_yes_no(text: str, profile: Profile) -> bool | None:
    """'Yes', 'NO', 'Non-key', or tick boxes 'Yes ☒ No ☐' -> bool; anything else -> None."""
    ticked = {word for word, ticks in _boxes(text, profile) if ticks}
    if len(ticked) == 1:
        return ticked.pop() == "yes"
    text = text.strip(" .:-")
    if profile.no.match(text):
        return False
    if profile.yes.match(text):
        return True
    return None


def _boxes(text: str, profile: Profile) -> list[tuple[str, bool]]:
    """('yes' or 'no', ticked?) for each word printed with a tick box beside it."""
    return [(m["word"].lower(), m["box"] in profile.ticked_marks) for m in profile.tick_box.finditer(text)]


def key_decision(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("key_decision"):
        value = parse_yes_no(span.text, ctx.profile)
        if value is not None:
            return Found(value, span, Method.label)
    for _, span in ctx.label_values("decision_type"):
        if re.search(r"\bkey\b", span.text, re.IGNORECASE):
            value = parse_yes_no(span.text, ctx.profile)
            if value is not None:
                return Found(value, span, Method.label)
    for flag, name in ((False, "key_decision_false"), (True, "key_decision_true")):
        match = ctx.profile.find_phrase(name, ctx.document.text)
        if match:
            return Found(flag, ctx.span_of(match.start(), match.end()), Method.pattern)
    return None


def decision_type(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    for _, span in ctx.label_values("decision_type"):
        for pattern, kind in ctx.profile.decision_types:
            if pattern.search(span.text):
                return Found(kind, span, Method.label)
    match = ctx.profile.find_phrase("non_executive", ctx.document.text)
    if match:
        return Found(DecisionType.non_executive, ctx.span_of(match.start(), match.end()), Method.pattern)
    return None


def _basis(ctx: Context, text: str) -> str | None:
    text = " ".join(text.split())  # a basis wrapped over lines ("... of Part 1 of" / "Schedule 12A")
    for pattern in ctx.profile.prose.get("exempt_basis", []):
        match = pattern.search(text)
        if match:
            return " ".join(match.group("value").split())
    return None


# "does not contain exempt information", "no part ... should not be disclosed": a denial, not an exemption
_NEGATED = re.compile(r"\b(?:not|no|never|nor)\b[^.\n]*$|n't\s*$", re.IGNORECASE)


def exempt_information(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """Whether the record says part of it is withheld. A template's standing reminder about
    Schedule 12A is not an exemption: only a statement that something is withheld is."""
    for hit in ctx.layout.all("exempt_information"):
        span = ctx.layout.line_value(hit)
        if span is None:
            continue
        value = parse_yes_no(span.text, ctx.profile)
        if value is None and any(p.search(span.text) for p in ctx.profile.none_phrases):
            value = False  # 'Exempt information: None'
        basis = _basis(ctx, span.text)
        if basis is None:  # 'Exempt information: Yes ☒ No ☐' with the basis on the lines below
            region = ctx.layout.block_value(hit)
            basis = _basis(ctx, region.text) if region else None
        if value is None and (basis or re.search(r"\bpara(?:graph)?\s*\d", span.text, re.IGNORECASE)):
            value = True
        if value is not None:
            return Found(Exemption(exempt=value, basis=basis if value else None), span, Method.label)
    text = ctx.document.text
    match = ctx.profile.find_phrase(
        "exempt_true", text,
        lambda m: not _NEGATED.search(text[max(0, m.start() - ctx.profile.settings.negation_window) : m.start()])
    )
    if match:
        settings = ctx.profile.settings
        window = text[max(0, match.start() - settings.exempt_context_before) : match.end() + settings.exempt_context_after]
        span = Span(match.group(0), match.start(), match.end(), ctx.document.page_at(match.start()))
        return Found(Exemption(exempt=True, basis=_basis(ctx, window)), span, Method.pattern)
    match = ctx.profile.find_phrase("exempt_false", text)
    if match:
        return Found(Exemption(exempt=False, basis=None), ctx.span_of(match.start(), match.end()), Method.pattern)
    return None
