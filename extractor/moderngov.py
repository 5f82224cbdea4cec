"""A ModernGov site, read: where its decisions are listed and what a decision page links to. No I/O.

ModernGov's web service (mgWebService.asmx) has no decisions method, so its pages are the source:

* `mgDelegatedDecisions.aspx?DR=dd%2fmm%2fyyyy-dd%2fmm%2fyyyy&DS=2` lists the decisions published over
  a date range in a `table.mgTabTable`. A row's link goes to a decision page; its text is the title,
  ending in a hidden `<span class="mgHide"> ref: N</span>`. Some rows link to an issue's history
  instead: not decisions. An empty range is a paragraph saying so. A wide range is slow to build and
  can time out, so ranges are asked for a calendar month at a time and halved when one fails.
* `ieDecisionDetails.aspx?ID=N` (or `?AIId=N` for a decision taken at a meeting) is a decision page;
  its "Accompanying Documents" are links to `documents/sNNNN/Name.pdf`, the council's own records.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

from .readers.encoding import decode
from .readers.html import declared_charset

LIST_PAGE = "mgDelegatedDecisions.aspx"
DECISION_PAGE = "ieDecisionDetails.aspx"
# ModernGov's own "print this as a PDF" link to a document, beside documents/sNNNN/ paths.
CONVERTED_DOCUMENT = "mgconvert2pdf.aspx"
ERROR_PAGE = "mgerror.aspx"

_WS = re.compile(r"\s+")
_MODERNGOV_MARK = re.compile(r"""\b(?:id|class)\s*=\s*["'][^"']*\b(?:modgov|mg[A-Z]\w+)""")
_UNSAFE_NAME = re.compile(r"[^\w.\-()&,+' ]+")


class NotModernGov(ValueError):
    """A base URL that cannot be a ModernGov site's address."""


def site_root(base_url: str) -> str:
    """The folder the site's .aspx pages live in, with a trailing slash.

    Accepts the site's address as people copy it: with or without the trailing slash, or with a
    ModernGov page at the end (`.../mgDelegatedDecisions.aspx?bcr=1`)."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotModernGov(f"{base_url}: not an http(s) address such as https://democracy.example.gov.uk/")
    path = parts.path or "/"
    if path.lower().endswith(".aspx"):
        path = path[: path.rfind("/") + 1]
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def on_site(url: str, root: str) -> bool:
    """Is `url` on the same host as the site (http and https alike)? odr fetch asks nothing else."""
    return (urlsplit(url).hostname or "").lower() == (urlsplit(root).hostname or "").lower()


def _dmy(day: dt.date) -> str:
    return f"{day:%d}%2f{day:%m}%2f{day:%Y}"


def list_url(root: str, start: dt.date, end: dt.date) -> str:
    """The list of decisions published from `start` to `end` inclusive (DS=2: published, not forthcoming)."""
    query = (f"XXR=0&DR={_dmy(start)}-{_dmy(end)}&ACT=Find&RP=0&K=0&V=0&DM=0&HD=0&DS=2&Next=true"
             "&META=mgdelegateddecisions")
    return urljoin(root, f"{LIST_PAGE}?{query}")


def calendar_slices(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut at month boundaries: each slice a calendar month, the first and last clipped."""
    slices = []
    day = start
    while day <= end:
        next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(end, next_month - dt.timedelta(days=1))
        slices.append((day, last))
        day = last + dt.timedelta(days=1)
    return slices


def halves(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """A range split in two, or None for a single day."""
    days = (end - start).days
    if days < 1:
        return None
    middle = start + dt.timedelta(days=days // 2)
    return (start, middle), (middle + dt.timedelta(days=1), end)


def decision_id(url: str) -> str | None:
    """The site's id of a decision page: "4182" for ?ID=4182, "ai731" for ?AIId=731; None for another page."""
    parts = urlsplit(url)
    if not parts.path.lower().endswith(DECISION_PAGE.lower()):
        return None
    query = {key.lower(): values for key, values in parse_qs(parts.query).items()}
    for key, prefix in (("id", ""), ("aiid", "ai")):
        value = (query.get(key) or [""])[0]
        if value.isdigit():
            return prefix + value
    return None


def is_error_page(url: str) -> bool:
    """ModernGov answers a missing or withdrawn item by redirecting to its error page, with status 200."""
    return urlsplit(url).path.lower().endswith(ERROR_PAGE)


@dataclass(frozen=True)
class Listed:
    """A decision on a list page."""

    url: str
    site_id: str
    title: str


@dataclass(frozen=True)
class ListPage:
    decisions: list[Listed]
    not_decisions: int  # rows linking elsewhere (an issue's history), which are not decisions
    recognised: bool    # the page is ModernGov's (an error page of another system is not)


@dataclass(frozen=True)
class Linked:
    """A document a decision page links to."""

    url: str
    title: str


def _tree(html: bytes):
    from lxml import etree  # imported when a page is read, not whenever odr starts
    from lxml import html as lxml_html

    # Decoded as the HTML reader decodes a page (BOM, declared charset, UTF-8, detection), then parsed
    # as UTF-8 so that a wrong <meta charset> cannot undo it.
    text = decode(html, declared_charset(html)).text
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True, recover=True)
    try:
        return lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):  # an empty or binary body
        return None


def _text(element, *, drop_class: str) -> str:
    """An element's visible text without the spans of `drop_class`; entities a site encoded twice decoded."""
    parts = []

    def walk(el) -> None:
        if drop_class in (el.get("class") or "").split():
            if el.tail:
                parts.append(el.tail)
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            elif child.tail:
                parts.append(child.tail)
        if el is not element and el.tail:
            parts.append(el.tail)

    walk(element)
    return _WS.sub(" ", unescape("".join(parts))).strip()


def read_list(html: bytes, page_url: str) -> ListPage:
    """The decisions on a list page, in the page's order, each once."""
    recognised = bool(_MODERNGOV_MARK.search(html[:200_000].decode("utf-8", "replace")))
    tree = _tree(html)
    if tree is None:
        return ListPage([], 0, recognised)
    tables = [t for t in tree.iter("table") if "mgTabTable" in (t.get("class") or "")]
    rows = [row for table in tables for row in table.iter("tr")] if tables else [tree]
    decisions: dict[str, Listed] = {}
    not_decisions = 0
    for row in rows:
        links = [a for a in row.iter("a") if a.get("href")]
        if not links:
            continue  # a header row, or a page without a table and without links
        found = False
        for link in links:
            url = urljoin(page_url, link.get("href").strip())
            site_id = decision_id(url)
            if site_id is not None and on_site(url, page_url):
                decisions.setdefault(url, Listed(url, site_id, _text(link, drop_class="mgHide")))
                found = True
                if tables:
                    break  # one decision a row; later links in it are its decision maker or meeting
        if tables and not found:
            not_decisions += 1
    return ListPage(list(decisions.values()), not_decisions, recognised)


def _is_document(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return "/documents/" in path or path.endswith(CONVERTED_DOCUMENT)


def attachments(html: bytes, page_url: str) -> list[Linked]:
    """The documents a decision page links to (its "Accompanying Documents"), each once, in page order."""
    tree = _tree(html)
    if tree is None:
        return []
    content = tree.xpath('//*[@id="modgov"]') or [tree]
    found: dict[str, Linked] = {}
    for link in content[0].iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(page_url, href).split("#")[0]
        if _is_document(url) and on_site(url, page_url):
            found.setdefault(url, Linked(url, _text(link, drop_class="mgFileSize")))
    return list(found.values())


def file_name(url: str) -> str:
    """A safe file name for a document from its URL: the last path segment, decoded and tidied."""
    parts = urlsplit(url)
    name = re.split(r"[/\\]", unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]))[-1]  # %2F is a slash too
    if name.lower() == CONVERTED_DOCUMENT:
        ident = (parse_qs(parts.query).get("ID") or parse_qs(parts.query).get("id") or ["document"])[0]
        name = f"mgConvert2PDF-{ident}.pdf"
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 110] + dot + suffix[:9]) if dot and len(suffix) <= 9 else name[:120]
    return name or "document"
