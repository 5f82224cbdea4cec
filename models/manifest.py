"""One line of an archive's manifest.jsonl: a URL `odr fetch` asked a site for, and what came back.

Pure data, like the record: the fetcher writes these lines and `odr batch --manifest` reads them to
say where each file in the archive came from. A failure is a line too, so nothing fetched or tried
is unaccounted for.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from .record import _Strict


class FetchKind(str, Enum):
    list = "list"              # a list of the decisions published over a date range (read on every run, not saved)
    page = "page"              # a decision page, saved as SITE_ID/decision.html
    attachment = "attachment"  # a document linked from a decision page, saved beside it


class ManifestEntry(_Strict):
    url: str = Field(description="the URL asked for (a redirect within the site is followed)")
    council: str | None = Field(default=None, description="the council, as given to odr fetch --council")
    site_id: str | None = Field(
        default=None, description="the decision's id on the site ('4182'; 'ai731' for a decision taken at a meeting); null for a list")
    kind: FetchKind = Field(description="list, page (a decision page) or attachment (a document it links to)")
    status: int | None = Field(description="HTTP status of the last response; null when none came (timeout, refused)")
    content_type: str | None = Field(default=None, description="the Content-Type the site sent, without parameters")
    sha256: str | None = Field(default=None, description="of the body, when one was received")
    path: str | None = Field(default=None, description="where the body was saved, relative to the archive; null when not saved")
    fetched_at: dt.datetime = Field(description="when the request finished (UTC)")
    title: str | None = Field(default=None, description="the decision's title on the list, or the attachment's link text")
    error: str | None = Field(default=None, description="what went wrong, for a URL that was not fetched")
