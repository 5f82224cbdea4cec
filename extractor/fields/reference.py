"""The decision's reference number, as printed ("B075/22", "24/00093", "CAB 11/12 7589")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from models import Method

from ..profile import Settings
from . import Context, Found

# A reference is short and carries a digit; anything else after a reference label is prose.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /._()-]*$")


def _plausible(text: str, settings: Settings) -> bool:
    return (
        len(text) <= settings.reference_max_chars
        and bool(_REFERENCE.match(text))
        and any(c.isdigit() for c in text)
        and len(text.split()) <= settings.reference_max_words
    )


def extract(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    candidates: list[Found] = []
    for _, span in ctx.label_values("reference"):
        value = span.text.strip(" .,;:")
        if _plausible(value, ctx.profile.settings):
            candidates.append(Found(value, span, Method.label))
    if not candidates:
        for pattern in ctx.profile.prose.get("reference", []):
            for match in pattern.finditer(ctx.document.text):
                value = " ".join(match.group("value").split())
                if _plausible(value, ctx.profile.settings):
                    candidates.append(Found(value, ctx.span_of(match.start("value"), match.end("value")), Method.pattern))
    distinct = list(dict.fromkeys(f.value for f in candidates))
    if len(distinct) > 1:
        ctx.warnings.append(f"conflicting references {', '.join(distinct)}: kept {distinct[0]}")
        candidates[0].confidence = min(candidates[0].confidence, 0.6)
    return candidates[0] if candidates else None
