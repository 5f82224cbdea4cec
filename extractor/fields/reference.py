"""The decision's reference number, as printed ("B075/22", "24/00093", "CAB 11/12 7589")."""

from __future__ import annotations

import re

from models import Method

from . import Context, Found

# A reference is short and carries a digit; anything else after a reference label is prose.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /._()-]{0,38}$")


def _plausible(text: str) -> bool:
    return bool(_REFERENCE.match(text)) and any(c.isdigit() for c in text) and len(text.split()) <= 4


def extract(ctx: Context) -> Found | None:
    found: list[Found] = []
    for _, span in ctx.label_values("reference"):
        value = span.text.strip(" .,;:")
        if _plausible(value):
            found.append(Found(value, span, Method.label))
    if not found:
        for pattern in ctx.profile.prose.get("reference", []):
            for match in pattern.finditer(ctx.document.text):
                value = " ".join(match.group("value").split())
                if _plausible(value):
                    found.append(Found(value, ctx.span_of(match.start("value"), match.end("value")), Method.pattern))
    distinct = list(dict.fromkeys(f.value for f in found))
    if len(distinct) > 1:
        ctx.warnings.append(f"conflicting references {', '.join(distinct)}: kept {distinct[0]}")
        found[0].confidence = min(found[0].confidence, 0.6)
    return found[0] if found else None
