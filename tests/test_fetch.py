"""odr fetch against a ModernGov-shaped site written for the tests (tests/moderngov_site.py): what it
reads from the pages, what it saves, the manifest, resume, politeness, and the batch that follows.
Nothing here touches the network: the site answers through httpx.MockTransport or on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import itertools
import json
import sqlite3
from collections import Counter
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from moderngov_site import COUNCIL, Decision, Document, Site, standard_site

from extractor import moderngov
from extractor.cli import cli
from extractor.fetch import FetchError, FetchOptions, Progress, fetch_site
from extractor.manifest import MANIFEST, read_manifest
from models import FetchKind

BASE = "https://democracy.morrowdale.example/"
FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 4, 10)
QUICK = FetchOptions(delay=0, backoff=0, timeout=0.2)


def run(site: Site, archive: Path, *, options: FetchOptions = QUICK, council: str | None = COUNCIL, base: str = BASE,
        start: dt.date = FROM, end: dt.date = TO, transport: httpx.BaseTransport | None = None, progress=False,
        **kwargs):
    return fetch_site(base, start, end, archive, council=council, options=options,
                      transport=transport or site.transport(), progress=progress, **kwargs)


def manifest(archive: Path) -> dict[str, dict]:
    lines = (archive / MANIFEST).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len({e["url"] for e in entries}) == len(entries), "one line per URL"
    return {e["url"]: e for e in entries}


def by_path(entries: dict[str, dict], fragment: str) -> dict:
    (entry,) = [e for url, e in entries.items() if url.endswith(fragment)]
    return entry


# --------------------------------------------------------------------------------------------------
# reading ModernGov's pages


def test_a_list_page_gives_its_decisions_with_clean_titles_and_counts_the_rows_that_are_not_decisions():
    site = standard_site()
    status, _, body = site.respond("/mgDelegatedDecisions.aspx?DR=01%2f03%2f2024-16%2f03%2f2024&DS=2")
    page = moderngov.read_list(body, BASE + "mgDelegatedDecisions.aspx")
    assert status == 200 and page.recognised
    assert [(d.site_id, d.title) for d in page.decisions] == [
        ("1201", "Parks & Open Spaces grounds maintenance contract"),  # &amp; in the markup
        ("1202", "Children's Centre opening hours"),                   # &amp;#39; : encoded twice by the site
        ("1203", "Allotment rents 2024/25"),
    ]
    assert all("ref:" not in d.title for d in page.decisions)  # span.mgHide dropped
    assert page.decisions[0].url == BASE + "ieDecisionDetails.aspx?ID=1201"

    _, _, january = site.respond("/mgDelegatedDecisions.aspx?DR=01%2f01%2f2024-31%2f01%2f2024&DS=2")
    listed = moderngov.read_list(january, BASE + "mgDelegatedDecisions.aspx")
    assert [d.site_id for d in listed.decisions] == ["1101", "1102", "1103"]
    assert listed.not_decisions == 1  # the row linking to mgIssueHistoryHome.aspx


def test_an_empty_range_and_a_page_that_is_not_moderngov():
    _, _, february = standard_site().respond("/mgDelegatedDecisions.aspx?DR=01%2f02%2f2024-29%2f02%2f2024&DS=2")
    empty = moderngov.read_list(february, BASE)
    assert empty.recognised and empty.decisions == [] and empty.not_decisions == 0
    other = moderngov.read_list(b"<html><body><h1>Welcome to our new website</h1>"
                                b'<a href="/ieDecisionDetails.aspx?ID=5">old link</a></body></html>', BASE)
    assert not other.recognised


def test_decision_ids_for_pages_and_meeting_items():
    assert moderngov.decision_id(BASE + "ieDecisionDetails.aspx?ID=4182") == "4182"
    assert moderngov.decision_id(BASE + "ieDecisionDetails.aspx?AIId=731") == "ai731"
    assert moderngov.decision_id(BASE + "IEDECISIONDETAILS.ASPX?id=12&Opt=0") == "12"
    assert moderngov.decision_id(BASE + "mgIssueHistoryHome.aspx?IId=12") is None
    assert moderngov.decision_id(BASE + "ieDecisionDetails.aspx?ID=abc") is None


def test_a_decision_pages_documents_are_its_own_links_into_documents_on_the_site():
    site = standard_site()
    _, _, body = site.respond("/ieDecisionDetails.aspx?ID=1101")
    links = moderngov.attachments(body, BASE + "ieDecisionDetails.aspx?ID=1101")
    assert [(link.url, link.title) for link in links] == [
        (BASE + "documents/s40101/Gorse%20Lane%20decision%20record.pdf", "Record of decision"),  # no "PDF 84 KB"
        (BASE + "documents/s40102/Gorse%20Lane%20officer%20report.docx", "Officer report"),
    ]
    _, _, bare = site.respond("/ieDecisionDetails.aspx?ID=1102")
    assert moderngov.attachments(bare, BASE + "ieDecisionDetails.aspx?ID=1102") == []
    page = (b'<html><body><div id="modgov"><ul class="mgBulletList">'
            b'<li><a href="https://elsewhere.example/documents/s1/x.pdf">off the site</a></li>'
            b'<li><a href="mgCommitteeDetails.aspx?ID=3">Cabinet</a></li>'
            b'<li><a href="mgConvert2PDF.aspx?ID=55">Printable version</a></li>'
            b'<li><a href="documents/s9/A.pdf#page=2">A</a> and again <a href="documents/s9/A.pdf">A</a></li>'
            b"</ul></div></body></html>")
    assert [link.url for link in moderngov.attachments(page, BASE + "ieDecisionDetails.aspx?ID=1")] == [
        BASE + "mgConvert2PDF.aspx?ID=55", BASE + "documents/s9/A.pdf"]


@pytest.mark.parametrize(("url", "name"), [
    ("https://x.example/documents/s1/Quarry%20Lane%20report.pdf", "Quarry Lane report.pdf"),
    ("https://x.example/documents/s1/..%2F..%2Fetc%2Fpasswd", "passwd"),
    ("https://x.example/documents/s1/a%5C..%5Cb.pdf", "b.pdf"),
    ("https://x.example/documents/s1/.hidden", "hidden"),
    ("https://x.example/documents/s1/", "s1"),
    ("https://x.example/mgConvert2PDF.aspx?ID=77", "mgConvert2PDF-77.pdf"),
    ("https://x.example/documents/s1/" + "long%20name%20" * 30 + ".pdf", None),
])
def test_a_document_gets_a_safe_file_name(url, name):
    got = moderngov.file_name(url)
    assert "/" not in got and not got.startswith(".") and len(got) <= 120
    if name is None:
        assert got.endswith(".pdf")
    else:
        assert got == name


def test_site_root_and_list_urls():
    assert moderngov.site_root("https://democracy.example.gov.uk") == "https://democracy.example.gov.uk/"
    assert moderngov.site_root("https://www.example.gov.uk/moderngov/mgDelegatedDecisions.aspx?bcr=1") == (
        "https://www.example.gov.uk/moderngov/")
    assert moderngov.site_root("https://www.example.gov.uk/moderngov") == "https://www.example.gov.uk/moderngov/"
    for bad in ("democracy.example.gov.uk", "ftp://example.gov.uk/", ""):
        with pytest.raises(moderngov.NotModernGov):
            moderngov.site_root(bad)
    url = moderngov.list_url("https://x.example/mg/", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert url.startswith("https://x.example/mg/mgDelegatedDecisions.aspx?")
    assert "DR=01%2f02%2f2024-29%2f02%2f2024" in url and "DS=2" in url


def test_ranges_are_cut_at_month_ends_and_halved_to_a_day():
    assert moderngov.calendar_slices(dt.date(2023, 12, 15), dt.date(2024, 3, 3)) == [
        (dt.date(2023, 12, 15), dt.date(2023, 12, 31)), (dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)), (dt.date(2024, 3, 1), dt.date(2024, 3, 3))]
    assert len(moderngov.calendar_slices(dt.date(2024, 1, 1), dt.date(2024, 12, 31))) == 12
    assert moderngov.halves(dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == (
        (dt.date(2024, 3, 1), dt.date(2024, 3, 16)), (dt.date(2024, 3, 17), dt.date(2024, 3, 31)))
    assert moderngov.halves(dt.date(2024, 3, 1), dt.date(2024, 3, 2)) == (
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1)), (dt.date(2024, 3, 2), dt.date(2024, 3, 2)))
    assert moderngov.halves(dt.date(2024, 3, 1), dt.date(2024, 3, 1)) is None


# --------------------------------------------------------------------------------------------------
# fetching


def test_fetch_saves_every_decision_page_and_document_once_and_a_manifest_line_for_every_url(tmp_path):
    site = standard_site()
    archive = tmp_path / "archive"
    summary = run(site, archive)
    entries = manifest(archive)

    # the files: a folder per decision, named by the site's id
    saved = sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.is_file())
    assert saved == sorted([
        MANIFEST,
        "1101/decision.html", "1101/Gorse Lane decision record.pdf", "1101/Gorse Lane officer report.docx",
        "1102/decision.html",
        "1201/decision.html", "1201/Grounds maintenance.pdf",
        "1202/decision.html", "1202/Childrens Centre hours.pdf",
        "1203/decision.html", "1203/Allotment rents.pdf",
        "1204/decision.html", "1204/Food bank grant.pdf",
        "ai77/decision.html", "ai77/Leisure centre roof.pdf",
        "1206/decision.html", "1206/Bus shelters.pdf",
        "1301/decision.html", "1301/Library hours.pdf",
    ])
    # every saved file has its line, with the sha256 of what is on disk
    for entry in entries.values():
        if entry["path"]:
            assert entry["status"] == 200 and entry["error"] is None
            assert hashlib.sha256((archive / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
            assert entry["council"] == COUNCIL
            assert entry["path"].split("/")[0] == entry["site_id"]
    assert {e["kind"] for e in entries.values()} == {"list", "page", "attachment"}
    assert sorted(e["site_id"] for e in entries.values() if e["kind"] == "page") == sorted(
        ["1101", "1102", "1103", "1201", "1202", "1203", "1204", "ai77", "1206", "1301"])

    # failures are lines too
    gone = by_path(entries, "ID=1103")
    assert (gone["status"], gone["path"], gone["kind"]) == (404, None, "page")
    assert "404" in gone["error"] and gone["title"] == "Withdrawn: sale of the old depot"
    appendix = by_path(entries, "Allotment%20rents%20appendix.pdf")
    assert (appendix["status"], appendix["path"], appendix["site_id"]) == (404, None, "1203")
    slow = by_path(entries, "Food%20bank%20grant%20letter.pdf")
    assert slow["status"] is None and slow["path"] is None and "no answer within 0.2 s" in slow["error"]
    march = by_path(entries, "DR=01%2f03%2f2024-31%2f03%2f2024&ACT=Find&RP=0&K=0&V=0&DM=0&HD=0&DS=2&Next=true"
                             "&META=mgdelegateddecisions")
    assert march["status"] is None and "two halves" in march["error"]

    # what the site was asked: each page and document once, apart from retries
    asked = Counter(site.requests)
    assert asked["/ieDecisionDetails.aspx?ID=1203"] == 2        # a 500, then the page
    assert asked["/documents/s40206/Food%20bank%20grant%20letter.pdf"] == 1 + QUICK.retries  # never answers
    assert asked["/ieDecisionDetails.aspx?ID=1206"] == 1 and asked["/ieDecisionDetails.aspx?ID=1206&Opt=0"] == 1
    assert not [t for t, n in asked.items() if n > 1 and t not in (
        "/ieDecisionDetails.aspx?ID=1203", "/documents/s40206/Food%20bank%20grant%20letter.pdf")]
    assert not [t for t in site.requests if "1302" in t or "IssueHistory" in t or "UserInfo" in t]

    assert (summary.pages, summary.documents, summary.listed) == (9, 9, 10)
    assert (summary.lists, summary.splits, summary.not_decisions) == (5, 1, 1)
    assert summary.failed == {"404": 2, "timeout": 1}
    assert summary.exit_status == 1
    assert summary.requests == len(site.requests)


def test_a_second_run_fetches_nothing_new_and_a_third_only_what_was_published_since(tmp_path):
    site = standard_site()
    archive = tmp_path / "archive"
    run(site, archive)
    first = manifest(archive)
    before = len(site.requests)

    again = run(site, archive)
    asked = site.requests[before:]
    assert all("mgDelegatedDecisions.aspx" in t or t in (
        "/ieDecisionDetails.aspx?ID=1103", "/documents/s40204/Allotment%20rents%20appendix.pdf",
        "/documents/s40206/Food%20bank%20grant%20letter.pdf") for t in asked), asked  # lists, and what failed
    assert (again.pages, again.documents, again.pages_before, again.documents_before) == (0, 0, 9, 9)
    second = manifest(archive)
    assert second.keys() == first.keys()
    assert all(second[url] == first[url] for url, e in first.items() if e["status"] == 200 and e["kind"] != "list")

    site.decisions.append(Decision(1207, "Skate park lighting", dt.date(2024, 3, 30),
                                   [Document(40209, "Skate park.pdf", "Record of decision")]))
    site.missing_documents.discard(40204)  # the appendix is back
    before = len(site.requests)
    third = run(site, archive)
    fetched = [t for t in site.requests[before:] if "mgDelegatedDecisions" not in t]
    assert "/ieDecisionDetails.aspx?ID=1207" in fetched and "/documents/s40209/Skate%20park.pdf" in fetched
    assert "/documents/s40204/Allotment%20rents%20appendix.pdf" in fetched
    assert (third.pages, third.documents) == (1, 2)
    assert (archive / "1207" / "Skate park.pdf").is_file() and (archive / "1203" / "Allotment rents appendix.pdf").is_file()


def test_an_interrupted_fetch_keeps_what_it_finished_and_the_next_run_completes_it(tmp_path):
    site = standard_site()
    inner = site.transport()
    calls = 0

    class Interrupting(httpx.BaseTransport):
        def handle_request(self, request):
            nonlocal calls
            calls += 1
            if calls == 9:
                raise KeyboardInterrupt
            return inner.handle_request(request)

    archive = tmp_path / "archive"
    stopped = run(site, archive, transport=Interrupting())
    assert stopped.interrupted and stopped.exit_status == 130
    kept = manifest(archive)
    assert 0 < len(kept) < 10
    assert not list(archive.rglob(".*.tmp")), "no half-written file is left behind"
    done = {url for url, e in kept.items() if e["status"] == 200 and e["kind"] != "list"}

    before = len(site.requests)
    finished = run(site, archive)
    refetched = {BASE + t.lstrip("/") for t in site.requests[before:]} & done
    assert not refetched
    assert (finished.pages + finished.pages_before, finished.documents + finished.documents_before) == (9, 9)


def test_requests_are_spaced_by_the_delay_and_retries_back_off(tmp_path):
    clock = [0.0]
    slept: list[float] = []
    starts: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    site = standard_site()
    inner = site.transport()

    class Timed(httpx.BaseTransport):
        def handle_request(self, request):
            starts.append(clock[0])
            clock[0] += 0.25  # the site takes a quarter of a second to answer
            return inner.handle_request(request)

    options = FetchOptions(delay=1.0, backoff=2.0, timeout=0.2, retries=1, contact="research@example.org")
    run(site, tmp_path / "archive", options=options, transport=Timed(), sleep=sleep, clock=lambda: clock[0])
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1.25 - 1e-9  # the answer's quarter second, then a second's rest
    assert 2.0 in slept  # the 500 before /ieDecisionDetails.aspx?ID=1203 is tried again after the backoff
    (agent,) = site.user_agents
    assert agent.startswith("odr/") and "research@example.org" in agent


def test_a_site_that_keeps_failing_is_left_alone_with_a_clear_message(tmp_path):
    asked: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(503, text="Service Unavailable")

    options = FetchOptions(delay=0, backoff=0, timeout=0.2, retries=1, max_failures=3)
    summary = run(standard_site(), tmp_path / "archive", options=options, transport=httpx.MockTransport(down),
                  start=dt.date(2020, 1, 1), end=dt.date(2024, 12, 31))
    assert summary.stopped and "3 failures in a row" in summary.stopped and "503" in summary.stopped
    assert "Re-run" in summary.stopped and summary.exit_status == 1
    # each failing list is tried twice and then halved: far fewer than the 60 months asked for
    assert len(asked) <= 3 * (1 + options.retries)
    assert all(e["status"] == 503 for e in manifest(tmp_path / "archive").values())


def test_not_a_moderngov_site_stops_at_the_first_list(tmp_path):
    def council_homepage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html><body><h1>Welcome to Morrowdale</h1></body></html>")

    summary = run(standard_site(), tmp_path / "archive", transport=httpx.MockTransport(council_homepage))
    assert summary.stopped and "not a ModernGov list of decisions" in summary.stopped
    assert summary.requests == 1


def test_a_wrong_address_stops_at_the_first_list_with_the_reason(tmp_path):
    summary = run(standard_site(), tmp_path / "archive", base="https://democracy.morrowdale.example/council/")
    assert summary.stopped and "HTTP 404" in summary.stopped and "address of a ModernGov site" in summary.stopped
    assert summary.requests == 1 and summary.exit_status == 1


@pytest.mark.parametrize("values", [dict(delay=-1), dict(timeout=0), dict(retries=-1), dict(max_failures=0)])
def test_fetch_options_are_checked(values):
    with pytest.raises(ValueError, match=next(iter(values))):
        FetchOptions(**values)


def test_a_progress_line_on_a_terminal(tmp_path):
    stream = io.StringIO()
    run(standard_site(), tmp_path / "archive", progress=Progress(stream, enabled=True), start=FROM,
        end=dt.date(2024, 1, 31))
    shown = stream.getvalue()
    assert shown.startswith("\r2024-01  decisions ") and "requests" in shown
    assert shown.endswith("\r\x1b[K")  # cleared for the summary


def test_redirects_stay_on_the_site_and_an_error_page_is_a_failure(tmp_path):
    site = Site([Decision(1, "Road closure, Mill Street", dt.date(2024, 1, 5)),
                 Decision(2, "Market licence fees", dt.date(2024, 1, 6))])
    inner = site.transport()
    hosts: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.params.get("ID") == "1":
            return httpx.Response(302, headers={"location": "https://tracker.elsewhere.example/?to=1"})
        if request.url.params.get("ID") == "2":
            return httpx.Response(302, headers={"location": "mgError.aspx"})
        if request.url.path.endswith("mgError.aspx"):
            return httpx.Response(200, html='<html><body><div id="modgov">Sorry, an error occurred</div></body></html>')
        return inner.handle_request(request)

    summary = run(site, tmp_path / "archive", transport=httpx.MockTransport(handle),
                  start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    entries = manifest(tmp_path / "archive")
    assert set(hosts) == {"democracy.morrowdale.example"}
    assert "off the site" in by_path(entries, "ID=1")["error"]
    assert "error page" in by_path(entries, "ID=2")["error"] and by_path(entries, "ID=2")["path"] is None
    assert summary.failed == {"off_site": 1, "error_page": 1}
    assert not (tmp_path / "archive" / "2").exists() or not any((tmp_path / "archive" / "2").iterdir())


def test_a_document_over_the_size_limit_is_not_saved(tmp_path):
    site = Site([Decision(1, "Road closure, Mill Street", dt.date(2024, 1, 5),
                          [Document(10, "Closure.pdf", "Record of decision", pages=4)])])
    page, document = site.respond("/ieDecisionDetails.aspx?ID=1")[2], site.respond("/documents/s10/Closure.pdf")[2]
    limit = len(page) + 100
    assert len(document) > limit
    summary = run(site, tmp_path / "archive", options=FetchOptions(delay=0, timeout=1, max_bytes=limit),
                  start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    entry = by_path(manifest(tmp_path / "archive"), "Closure.pdf")
    assert entry["path"] is None and "limit" in entry["error"] and summary.failed == {"too_large": 1}
    assert sorted(p.name for p in (tmp_path / "archive" / "1").iterdir()) == ["decision.html"]


def test_documents_with_the_same_file_name_are_both_kept(tmp_path):
    site = Site([Decision(1, "Road closure, Mill Street", dt.date(2024, 1, 5),
                          [Document(10, "Decision.pdf", "Decision"), Document(11, "Decision.pdf", "Decision (revised)")])])
    run(site, tmp_path / "archive", start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    entries = manifest(tmp_path / "archive")
    assert {by_path(entries, "s10/Decision.pdf")["path"], by_path(entries, "s11/Decision.pdf")["path"]} == {
        "1/Decision.pdf", "1/Decision-2.pdf"}


def test_an_archive_that_is_not_this_sites_is_refused(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my own notes")
    with pytest.raises(FetchError, match="holds files but no manifest"):
        run(standard_site(), tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "my own notes"

    run(Site([]), tmp_path / "other", base="https://democracy.elsewhere.example/")
    with pytest.raises(FetchError, match="another site"):
        run(standard_site(), tmp_path / "other")
    with pytest.raises(FetchError, match=r"ends \(2024-01-01\) before it starts"):
        run(standard_site(), tmp_path / "new", start=TO, end=FROM)
    with pytest.raises(FetchError, match="not an http"):
        run(standard_site(), tmp_path / "new", base="democracy.morrowdale.example")


def test_the_manifest_is_read_back_as_entries(tmp_path):
    run(standard_site(), tmp_path / "archive")
    entries = read_manifest(tmp_path / "archive" / MANIFEST)
    assert {e.kind for e in entries} == set(FetchKind)
    assert all(e.fetched_at.tzinfo is not None for e in entries)


# --------------------------------------------------------------------------------------------------
# the command, on a real socket, and the batch that follows


def test_odr_fetch_then_odr_batch_with_the_manifest(tmp_path):
    site = standard_site()
    archive = tmp_path / "archive"
    with site.serve() as base:
        args = ["fetch", base, "--from", "2024-01-01", "--to", "2024-04-10", "-o", str(archive), "--delay", "0",
                "--timeout", "0.3", "--backoff", "0", "--retries", "1", "--council", COUNCIL]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 1, first.output  # two 404s and a document that never answers
        assert "9 decision pages and 9 documents fetched" in first.stderr
        assert "3 failed (404 2, timeout 1)" in first.stderr
        before = len(site.requests)
        second = CliRunner().invoke(cli, args)
        assert "0 decision pages and 0 documents fetched, 9 pages and 9 documents already" in second.stderr
        assert not [t for t in site.requests[before:] if t.endswith(".pdf") and "s40206" not in t and "s40204" not in t]

    # the batch over the archive: a record for every saved file, and the documents table joining them
    db_path = tmp_path / "decisions.db"
    batch = ["batch", str(archive), "-o", str(db_path), "--workers", "2", "--model", "blank"]
    result = CliRunner().invoke(cli, [*batch, "--manifest", str(archive / MANIFEST)])
    assert result.exit_code == 0, result.output
    fetched = [e for e in manifest(archive).values() if e["kind"] != "list"]
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        decisions = db.execute("select path, council, source_url, source_site_id, source_fetched_at, reference, subject "
                               "from decisions").fetchall()
        assert len(decisions) == 18 and not db.execute("select * from errors").fetchall()  # not the manifest
        assert {council for _, council, *_ in decisions} == {COUNCIL}
        assert all(url.startswith(base) and fetched_at for _, _, url, _, fetched_at, _, _ in decisions)
        gorse = {Path(path).name: (url, reference, subject) for path, _, url, site, _, reference, subject in decisions
                 if site == "1101"}
        assert gorse == {
            "decision.html": (base + "ieDecisionDetails.aspx?ID=1101", None, "Resurfacing of Gorse Lane car park"),
            "Gorse Lane decision record.pdf": (base + "documents/s40101/Gorse%20Lane%20decision%20record.pdf",
                                               "MBC/1101/24", "Resurfacing of Gorse Lane car park"),
            "Gorse Lane officer report.docx": (base + "documents/s40102/Gorse%20Lane%20officer%20report.docx",
                                               "MBC/1101/24", "Resurfacing of Gorse Lane car park")}
        assert ("ai77/decision.html", base + "ieDecisionDetails.aspx?AIId=77") in {
            (Path(path).parent.name + "/" + Path(path).name, url) for path, _, url, *_ in decisions}

        rows = db.execute("select url, site_id, kind, status, path, decision_id from documents").fetchall()
        assert sorted(r[0] for r in rows) == sorted(e["url"] for e in fetched)  # failures included, lists not
        assert all((path is None) == (decision is None) for _, _, _, _, path, decision in rows)
        assert ("1103", "page", 404) in {(site, kind, status) for _, site, kind, status, path, _ in rows if path is None}
        joined = db.execute("select doc.kind, d.subject, d.council from documents doc join decisions d "
                            "on d.id = doc.decision_id where doc.site_id = '1101' order by doc.id").fetchall()
        assert joined == [("page", "Resurfacing of Gorse Lane car park", COUNCIL),
                          ("attachment", "Resurfacing of Gorse Lane car park", COUNCIL),
                          ("attachment", "Resurfacing of Gorse Lane car park", COUNCIL)]
        assert db.execute("select name from councils").fetchall() == [(COUNCIL,)]
    metadata = json.loads((tmp_path / "decisions.metadata.json").read_text(encoding="utf-8"))
    assert "documents" in metadata["databases"]["decisions"]["tables"]

    # a resumed batch without the manifest keeps the table; a replaced one without it has none (the
    # manifest, now an input, is JSON: its one error entry, not_a_record, makes the exit status 1)
    resumed = CliRunner().invoke(cli, [*batch, "--resume"])
    assert resumed.exit_code == 1 and "1 failed (not_a_record 1)" in resumed.output
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        assert db.execute("select count(*), count(decision_id) from documents").fetchone() == (len(rows), 18)
    replaced = CliRunner().invoke(cli, [*batch, "--replace"])
    assert replaced.exit_code == 1 and "1 failed (not_a_record 1)" in replaced.output
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        assert not db.execute("select 1 from sqlite_master where name = 'documents'").fetchall()
