"""The decision's reference number, as printed ("B075/22", "24/00093", "CAB 11/12 7589")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from models import Method

from ..profile import Settings
from . import Context, Found
from .subject import is_code, title

# A reference is short and carries a digit; anything else after a reference label is prose.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /._()-]*$")


def _plausible(text: str, settings: Settings) -> bool:
    return (
        len(text) <= settings.reference_max_chars
        and bool(_REFERENCE.match(text))
        and any(map(str.isdigit, text))
        and len(text.split()) <= settings.reference_max_words
    )


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    """A reference label's value; a reference printed in the title line or a list entry's "ref:";
    one in prose ("(Ref: CAB 11/12 7589)"). A label recognised only by its meaning ("Hall ref:"
    inside a wrapped list entry) counts after the title's own reference."""
    labelled = _labelled(ctx)
    exact = [f for f in labelled if f.span is None or f.span.weight >= 1.0]
    printed = title(ctx).reference
    candidates = exact or ([printed] if printed is not None else labelled)
    if not candidates:
        for pattern in ctx.profile.prose_for("reference", ctx.document.text):
            for match in pattern.finditer(ctx.document.text):
                value = " ".join(match.group("value").split())
                if _plausible(value, ctx.profile.settings):
                    candidates.append(Found(value, ctx.span_of(match.start("value"), match.end("value")), Method.pattern))
    distinct = list(dict.fromkeys(f.value for f in candidates))
    if len(distinct) > 1:
        ctx.warnings.append(f"conflicting references {', '.join(distinct)}: kept {distinct[0]}")
        candidates[0].confidence = min(candidates[0].confidence, 0.6)
    return candidates[0] if candidates else None


def _labelled(ctx: Context) -> list[Found]:
    out = []
    for hit in ctx.layout.all("reference"):
        span = ctx.layout.value(hit)
        value = span.text.strip(" .,;:") if span is not None else ""
        if span is not None and _plausible(value, ctx.profile.settings):
            out.append(Found(value, span, Method.label))
        elif hit.heading:
            stacked = _stacked_value(ctx, hit.line_index)
            if stacked is not None:
                out.append(stacked)
    return out


def _stacked_value(ctx: Context, index: int) -> Found | None:
    """A header table flattened: its labels stacked ("Decision to be taken by:", "Decision
    number:"), then their values ("Cabinet", "24/00108"). The reference is the first line below
    the label, among the next few, that is a reference alone and labels nothing."""
    lines = ctx.document.lines
    labelled = ctx.layout.hit_line_indexes()
    seen = 0
    for position in range(index + 1, len(lines)):
        text = lines[position].text.strip()
        if not text:
            continue
        seen += 1
        if seen > ctx.profile.settings.stacked_value_lines:
            return None
        if position in labelled:
            continue
        if is_code(text) and _plausible(text, ctx.profile.settings):
            line = lines[position]
            start = line.start + line.text.index(text)
            return Found(text, ctx.span_of(start, start + len(text)), Method.label, 0.8)
    return None
