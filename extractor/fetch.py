"""`odr fetch`: a ModernGov site's decisions over a date range, saved as an archive `odr batch` reads.

What it asks the site for
-------------------------
For each calendar month in the range, the list of decisions published in it (extractor.moderngov);
a list that times out, is dropped or fails with a server error is asked for again as two halves,
down to a single day. Then each decision page on the list, saved as ARCHIVE/SITE_ID/decision.html, and every
document the page links to, saved beside it under its own file name. Every URL asked for is a line
in ARCHIVE/manifest.jsonl (models.ManifestEntry) whatever the outcome: a failure is a line with its
status (or none) and the error, never silently skipped. Lists are not saved (their rows are the
pages); they are read again on every run, since that is how new decisions are found.

Politeness
----------
One request at a time, `delay` seconds between the end of one and the start of the next (1 s by
default); a request gets `timeout` seconds; a timeout, a refused connection, a 429 or a 5xx is tried
again up to `retries` times, waiting `backoff` seconds, doubling each time (or what Retry-After asks,
up to a minute). After `max_failures` URLs in a row fail that way (no answer, 403, 429, 5xx) the
site is left alone with a message saying so; a 404 is an answer, so it fails its URL without
counting towards stopping. Redirects are followed within the site only. TLS certificates are always
verified. The User-Agent names odr, and the --contact given.

Resume
------
A URL the manifest already holds with status 200 (and whose file is still there) is not asked for
again: a decision page already saved is read from the archive to find its documents. So re-running
the same command fetches only what is new or what failed before. The manifest is appended line by
line as requests end, so a run interrupted or killed keeps everything it finished; at the end it is
rewritten with the latest line per URL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO
from urllib.parse import urljoin

from models import FetchKind, ManifestEntry

from . import moderngov
from .manifest import MANIFEST, ManifestError, ManifestLog, latest_by_url, read_manifest
from .output import atomic_path, atomic_writer

if TYPE_CHECKING:  # imported when a fetch starts, so that other commands start without it
    import httpx

DEFAULT_DELAY = 1.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 2.0
DEFAULT_MAX_FAILURES = 10
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
PAGE_FILE = "decision.html"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_MAX_RETRY_AFTER = 60.0
_LOCK = ".fetch.lock"


@dataclass(frozen=True)
class FetchOptions:
    """How hard odr fetch may press a site; every number a named default."""

    delay: float = DEFAULT_DELAY            # seconds between the end of a request and the start of the next
    timeout: float = DEFAULT_TIMEOUT        # seconds a request may take
    retries: int = DEFAULT_RETRIES          # further tries after a timeout, refused connection, 429 or 5xx
    backoff: float = DEFAULT_BACKOFF        # seconds before the first retry, doubled for each next one
    max_failures: int = DEFAULT_MAX_FAILURES  # URLs failing in a row (no answer, 403, 429, 5xx) before stopping
    max_bytes: int = DEFAULT_MAX_BYTES      # a larger response is not saved
    contact: str | None = None              # an email or URL for the site's operators, sent in the User-Agent

    def __post_init__(self) -> None:
        for name in ("delay", "backoff"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        for name in ("timeout", "max_failures", "max_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be more than 0, not {getattr(self, name)}")
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more, not {self.retries}")

    @property
    def user_agent(self) -> str:
        import httpx

        try:
            odr = version("odr")
        except PackageNotFoundError:  # running from a source tree that is not installed
            odr = "dev"
        contact = f"; contact: {self.contact}" if self.contact else ""
        return f"odr/{odr} (fetching published council decisions{contact}) python-httpx/{httpx.__version__}"


class FetchError(Exception):
    """The fetch cannot start: a base URL that is not a site's address, or an archive odr must not touch."""


class _GiveUp(Exception):
    """The site keeps failing (or is not a ModernGov site): stop asking it."""


@dataclass
class Response:
    """What one URL gave, after any redirects and retries."""

    url: str
    status: int | None = None
    content_type: str | None = None
    sha256: str | None = None
    error: str | None = None      # None when the body was received whole with status 200
    failure: str | None = None    # the kind the summary counts: "404", "500", "timeout", "connection", ...
    retry_after: float | None = None  # seconds a 429 or 503 asked us to wait

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def site_trouble(self) -> bool:
        """Does this failure say the site is not answering properly (rather than that a URL is gone)?"""
        return self.failure in ("timeout", "connection") or self.status in (403, 429) or (self.status or 0) >= 500


class Client:
    """The polite HTTP side: pacing, retries with backoff, redirects kept on the site, a size cap."""

    def __init__(self, root: str, options: FetchOptions, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        import httpx

        self.root = root
        self.options = options
        self.sleep = sleep
        self.clock = clock
        self.http = httpx.Client(transport=transport, timeout=options.timeout, follow_redirects=False, verify=True,
                                 headers={"User-Agent": options.user_agent})
        self.requests = 0
        self.failures_in_row = 0
        self.last_failure: Response | None = None
        self._last_end: float | None = None

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, sink: BinaryIO, *, retry_timeouts: bool = True) -> Response:
        """GET `url` into `sink` (emptied first); a failure is a Response with an error, never an exception."""
        if self.failures_in_row >= self.options.max_failures:
            last = self.last_failure
            raise _GiveUp(f"stopped after {self.failures_in_row} failures in a row (the last: {last.url if last else '?'}: "
                          f"{last.error if last else '?'}); the site may be down or refusing odr. Re-run the same "
                          "command later: what was fetched is kept and is not asked for again")
        response = self._follow(url, sink)
        for attempt in range(1, self.options.retries + 1):
            if not self._worth_retrying(response, retry_timeouts):
                break
            self.sleep(self._backoff(attempt, response))
            response = self._follow(url, sink)
        if response.ok or not response.site_trouble:
            self.failures_in_row = 0
        else:
            self.failures_in_row += 1
            self.last_failure = response
        return response

    @staticmethod
    def _worth_retrying(response: Response, retry_timeouts: bool) -> bool:
        """A timeout (when asked), a refused or broken connection, a 429 or a 5xx may pass; a 403 will not."""
        if response.failure == "timeout":
            return retry_timeouts
        return response.site_trouble and response.status != 403

    def _backoff(self, attempt: int, response: Response) -> float:
        wait = self.options.backoff * 2 ** (attempt - 1)
        return max(wait, min(response.retry_after, _MAX_RETRY_AFTER)) if response.retry_after else wait

    def _pace(self) -> None:
        if self._last_end is not None:
            rest = self.options.delay - (self.clock() - self._last_end)
            if rest > 0:
                self.sleep(rest)

    def _follow(self, url: str, sink: BinaryIO) -> Response:
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            target, response = self._request(current, sink)
            if target is None:
                if response.ok and moderngov.is_error_page(current):
                    response.error, response.failure = "the site answered with its error page", "error_page"
                response.url = url
                return response
            if not moderngov.on_site(target, self.root):
                return Response(url, response.status, error=f"redirected off the site, to {target}", failure="off_site")
            current = target
        return Response(url, error=f"more than {_MAX_REDIRECTS} redirects", failure="redirects")

    def _request(self, url: str, sink: BinaryIO) -> tuple[str | None, Response]:
        """One request: (where a redirect points, None otherwise; what came back)."""
        import httpx

        sink.seek(0)
        sink.truncate()
        self._pace()
        self.requests += 1
        try:
            with self.http.stream("GET", url) as answer:
                status = answer.status_code
                if status in _REDIRECTS and answer.headers.get("location"):
                    return urljoin(url, answer.headers["location"]), Response(url, status)
                response = Response(url, status, (answer.headers.get("content-type") or "").split(";")[0].strip() or None)
                if status != 200:
                    response.error, response.failure = f"HTTP {status} {answer.reason_phrase}".strip(), str(status)
                    retry_after = answer.headers.get("retry-after", "")
                    response.retry_after = float(retry_after) if retry_after.isdigit() else None
                    return None, response
                digest, size = hashlib.sha256(), 0
                for chunk in answer.iter_bytes():
                    size += len(chunk)
                    if size > self.options.max_bytes:
                        response.error = f"larger than the {self.options.max_bytes:,}-byte limit; not saved"
                        response.failure = "too_large"
                        return None, response
                    digest.update(chunk)
                    sink.write(chunk)
                response.sha256 = digest.hexdigest()
                return None, response
        except httpx.TimeoutException:
            return None, Response(url, error=f"no answer within {self.options.timeout:g} s", failure="timeout")
        except httpx.TransportError as exc:  # refused, reset, DNS, TLS verification failed, ...
            return None, Response(url, error=f"{type(exc).__name__}: {exc}", failure="connection")
        finally:
            self._last_end = self.clock()


# --------------------------------------------------------------------------------------------------
# what a run did


@dataclass
class FetchSummary:
    archive: str = ""
    lists: int = 0            # list pages read
    splits: int = 0           # list ranges that failed and were asked for again in two halves
    listed: int = 0           # decisions on the lists, each once
    not_decisions: int = 0    # list rows linking elsewhere (an issue's history)
    pages: int = 0            # decision pages fetched in this run
    pages_before: int = 0     # decision pages already in the archive
    documents: int = 0        # documents fetched in this run
    documents_before: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # URLs that failed, by kind ("404", "timeout", ...)
    requests: int = 0
    seconds: float = 0.0
    stopped: str | None = None
    interrupted: bool = False

    @property
    def failures(self) -> int:
        return sum(self.failed.values())

    @property
    def exit_status(self) -> int:
        return 130 if self.interrupted else (1 if self.failures or self.stopped else 0)

    def line(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.failed.items()))
        text = (f"{self.pages} decision pages and {self.documents} documents fetched, {self.pages_before} pages and "
                f"{self.documents_before} documents already in the archive; {self.listed} decisions on {self.lists} "
                f"lists ({self.not_decisions} rows not decisions, {self.splits} ranges split); "
                f"{self.failures} failed{f' ({kinds})' if kinds else ''}; {self.requests} requests in "
                f"{self.seconds:.1f} s -> {Path(self.archive) / MANIFEST}")
        if self.interrupted:
            text = f"interrupted: {text}; re-run the same command to go on"
        return text


class Progress:
    """One status line on stderr while a fetch runs; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.last = 0.0

    def update(self, summary: FetchSummary, where: str) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last = now
        self.stream.write(f"\r{where}  decisions {summary.pages + summary.pages_before}/{summary.listed}  documents "
                          f"{summary.documents + summary.documents_before}  failed {summary.failures}  "
                          f"{summary.requests} requests\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# --------------------------------------------------------------------------------------------------
# the crawl


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class _Crawl:
    def __init__(self, root: str, archive: Path, council: str | None, client: Client,
                 done: dict[str, ManifestEntry], summary: FetchSummary, progress: Progress):
        self.root = root
        self.archive = archive
        self.council = council
        self.client = client
        self.done = done
        self.summary = summary
        self.progress = progress
        self.log = ManifestLog(archive)
        self.seen: set[str] = set()
        self.where = ""
        self.recognised = False
        # archive-relative path -> the URL saved there, so two documents never share a file
        self.owners = {entry.path: url for url, entry in done.items() if entry.path}

    def run(self, start: dt.date, end: dt.date) -> None:
        try:
            for first, last in moderngov.calendar_slices(start, end):
                self.where = f"{first:%Y-%m}"
                for item in self.read_list(first, last):
                    if item.url not in self.seen:
                        self.seen.add(item.url)
                        self.summary.listed += 1
                        self.decision(item)
        finally:
            self.log.close()

    # -- manifest --------------------------------------------------------------------------------
    def record(self, response: Response, kind: FetchKind, *, site_id: str | None = None, title: str | None = None,
               path: str | None = None, error: str | None = None) -> None:
        self.log.append(ManifestEntry(
            url=response.url, council=self.council, site_id=site_id, kind=kind, status=response.status,
            content_type=response.content_type, sha256=response.sha256, path=path, fetched_at=_now(), title=title,
            error=error or response.error))
        self.summary.requests = self.client.requests
        if not response.ok and error is None:
            self.summary.failed[response.failure or "error"] = self.summary.failed.get(response.failure or "error", 0) + 1
        self.progress.update(self.summary, self.where)

    def is_done(self, url: str) -> ManifestEntry | None:
        entry = self.done.get(url)
        if entry is None or entry.status != 200 or (entry.path and not (self.archive / entry.path).is_file()):
            return None
        return entry

    # -- lists -----------------------------------------------------------------------------------
    def read_list(self, start: dt.date, end: dt.date) -> list[moderngov.Listed]:
        url = moderngov.list_url(self.root, start, end)
        parts = moderngov.halves(start, end)
        body = io.BytesIO()
        response = self.client.get(url, body, retry_timeouts=parts is None)
        if response.ok:
            page = moderngov.read_list(body.getvalue(), url)
            if page.recognised:
                self.recognised = True
                self.summary.lists += 1
                self.summary.not_decisions += page.not_decisions
                self.record(response, FetchKind.list)
                return page.decisions
            response.error, response.failure = "not a ModernGov list of decisions", "not_moderngov"
        if parts is not None and (response.failure in ("timeout", "connection") or (response.status or 0) >= 500):
            self.summary.splits += 1
            self.record(response, FetchKind.list, error=f"{response.error}; asked for again in two halves")
            return self.read_list(*parts[0]) + self.read_list(*parts[1])
        self.record(response, FetchKind.list)
        if not self.recognised and response.status is not None and not response.site_trouble:
            # The site answered, but not with a ModernGov list: a wrong address, not a busy site.
            raise _GiveUp(f"{url}: {response.error}; is {self.root} the address of a ModernGov site (the folder "
                          "its mgDelegatedDecisions.aspx page is in)?")
        return []

    # -- decision pages and their documents ------------------------------------------------------
    def decision(self, item: moderngov.Listed) -> None:
        done = self.is_done(item.url)
        if done is not None and done.path:
            self.summary.pages_before += 1
            html = (self.archive / done.path).read_bytes()
        else:
            body = io.BytesIO()
            response = self.client.get(item.url, body)
            path = None
            if response.ok:
                html = body.getvalue()
                path = f"{item.site_id}/{PAGE_FILE}"
                with atomic_writer(self.archive / path, "wb") as handle:
                    handle.write(html)
                self.owners[path] = item.url
                self.summary.pages += 1
            self.record(response, FetchKind.page, site_id=item.site_id, title=item.title, path=path)
            if not response.ok:
                return
        for link in moderngov.attachments(html, item.url):
            self.attachment(item.site_id, link)

    def attachment(self, site_id: str, link: moderngov.Linked) -> None:
        if self.is_done(link.url) is not None:
            self.summary.documents_before += 1
            return
        path = self.free_path(site_id, moderngov.file_name(link.url), link.url)
        response = Response(link.url)
        with contextlib.suppress(_NotSaved), atomic_path(self.archive / path) as temporary:
            with open(temporary, "wb") as handle:
                response = self.client.get(link.url, handle)
            if not response.ok:
                raise _NotSaved
        if response.ok:
            self.owners[path] = link.url
            self.summary.documents += 1
        self.record(response, FetchKind.attachment, site_id=site_id, title=link.title,
                    path=path if response.ok else None)

    def free_path(self, site_id: str, name: str, url: str) -> str:
        """SITE_ID/name, or SITE_ID/name-2, ... when another URL's file already has that name."""
        stem, dot, suffix = name.rpartition(".")
        if not dot or not stem:
            stem, dot, suffix = name, "", ""
        candidate, number = f"{site_id}/{name}", 1
        while (self.owners.get(candidate, url) != url or candidate == f"{site_id}/{PAGE_FILE}"
               or (candidate not in self.owners and (self.archive / candidate).exists())):
            number += 1
            candidate = f"{site_id}/{stem}-{number}{dot}{suffix}"
        return candidate


class _NotSaved(Exception):
    """A document whose download failed: its temporary file is dropped, nothing replaces the target."""


# --------------------------------------------------------------------------------------------------
# the library API


def _open_archive(archive: Path, root: str) -> dict[str, ManifestEntry]:
    """The archive's manifest, latest entry per URL; refuses a folder odr did not fetch into."""
    manifest = archive / MANIFEST
    if not manifest.exists():
        if any(not p.name.startswith(".") for p in archive.iterdir()):
            raise FetchError(f"{archive}: the folder holds files but no {MANIFEST}; odr fetch writes into a new or "
                             "empty folder, or one it fetched into before")
        return {}
    try:
        done = latest_by_url(read_manifest(manifest))
    except ManifestError as exc:
        raise FetchError(str(exc)) from None
    others = {url for url in done if not moderngov.on_site(url, root)}
    if others:
        raise FetchError(f"{archive}: holds what was fetched from another site ({sorted(others)[0]}); "
                         "use one archive per site")
    return done


@contextlib.contextmanager
def _locked(archive: Path):
    archive.mkdir(parents=True, exist_ok=True)
    with open(archive / _LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FetchError(f"{archive}: another odr fetch is writing this archive") from None
        try:
            yield
        finally:
            (archive / _LOCK).unlink(missing_ok=True)


def fetch_site(
    base_url: str,
    start: dt.date,
    end: dt.date,
    archive: str | os.PathLike,
    *,
    council: str | None = None,
    options: FetchOptions = FetchOptions(),
    transport: httpx.BaseTransport | None = None,
    progress: Progress | bool | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchSummary:
    """Fetch the decisions a ModernGov site published from `start` to `end` (inclusive) into `archive`.

    See the module docstring. `transport` replaces the network (httpx.MockTransport in tests);
    `sleep` and `clock` replace the waiting. Raises FetchError when it cannot start; once started
    every outcome is in the summary and the manifest, Ctrl-C included (summary.interrupted)."""
    try:
        root = moderngov.site_root(base_url)
    except moderngov.NotModernGov as exc:
        raise FetchError(str(exc)) from None
    if end < start:
        raise FetchError(f"the range ends ({end}) before it starts ({start})")
    archive = Path(archive)
    if archive.exists() and not archive.is_dir():
        raise FetchError(f"{archive}: not a folder")
    started = time.monotonic()
    summary = FetchSummary(archive=str(archive))
    bar = progress if isinstance(progress, Progress) else Progress(enabled=progress)
    with _locked(archive):
        done = _open_archive(archive, root)
        client = Client(root, options, transport=transport, sleep=sleep, clock=clock)
        crawl = _Crawl(root, archive, council, client, done, summary, bar)
        try:
            crawl.run(start, end)
        except _GiveUp as stop:
            summary.stopped = str(stop)
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            client.close()
            bar.close()
            ManifestLog(archive).compact()
            summary.requests = client.requests
    summary.seconds = time.monotonic() - started
    return summary
