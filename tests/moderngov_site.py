"""A ModernGov-shaped council site for the fetch tests and benchmark, written here: a fictional council,
fictional people, and the faults real sites have.

`Site.respond(target)` answers one request target ("/mgDelegatedDecisions.aspx?DR=..."); two adapters
put it on the wire: `Site.transport()` (an httpx.MockTransport, in process) and `Site.serve()` (a real
HTTP server on 127.0.0.1). Both record every request in `Site.requests`.

The pages follow ModernGov's markup: a list is a `table.mgTabTable` whose rows link to
ieDecisionDetails.aspx with the title HTML-encoded and a hidden `span.mgHide` " ref: N"; some rows
link to an issue's history instead; an empty range is a paragraph. A decision page has its title in
`h2.mgSubTitleTxt`, `span.mgLabel` labels, `h3` headings and "Accompanying Documents" as a
`ul.mgBulletList` of links to documents/sNNNN/Name.pdf. The documents are real PDFs (fpdf2) and Word
files (python-docx) holding a record of the decision, so a batch over the archive gives records.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

COUNCIL = "Morrowdale Borough Council"
TIMEOUT = object()  # respond() returns this for a request the site never answers in time

PEOPLE = [("Imogen Thwaite", "Director of Place"), ("Callum Ordway", "Head of Environmental Services"),
          ("Priya Hallam", "Director of Resources"), ("Tobias Wrenfield", "Head of Housing")]


@dataclass
class Document:
    sid: int
    name: str       # the file name in its URL
    title: str      # the link text
    kind: str = "pdf"  # "pdf" or "docx"
    council_as_printed: str = COUNCIL
    pages: int = 1     # a PDF's pages: the record, then background


@dataclass
class Decision:
    id: int
    title: str            # as it reads; the list page encodes it
    published: dt.date
    documents: list[Document] = field(default_factory=list)
    at_meeting: bool = False  # a decision taken at a meeting: ieDecisionDetails.aspx?AIId=N
    title_html: str | None = None  # the list's markup of the title when it is encoded oddly

    @property
    def query(self) -> str:
        return f"AIId={self.id}" if self.at_meeting else f"ID={self.id}"

    @property
    def site_id(self) -> str:
        return f"ai{self.id}" if self.at_meeting else str(self.id)

    @property
    def person(self) -> tuple[str, str]:
        return PEOPLE[self.id % len(PEOPLE)]


@dataclass
class Site:
    decisions: list[Decision]
    issue_rows: dict[dt.date, str] = field(default_factory=dict)  # published -> title of a row linking to an issue
    busy: int = 1000               # a list range holding more decisions than this never answers in time
    missing_pages: set[int] = field(default_factory=set)
    missing_documents: set[int] = field(default_factory=set)
    slow_documents: set[int] = field(default_factory=set)
    failing_once: set[str] = field(default_factory=set)  # targets that answer 500 the first time asked
    redirected: set[int] = field(default_factory=set)     # decision pages that redirect (to the same page, Opt=0)
    prefix: str = "/"
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    _failed: set[str] = field(default_factory=set)

    # -- answering -------------------------------------------------------------------------------
    def respond(self, target: str, user_agent: str = "") -> tuple[int, dict[str, str], bytes] | object:
        self.requests.append(target)
        self.user_agents.add(user_agent)
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        if not path.startswith(self.prefix):
            return 404, {}, b"not found"
        page = path[len(self.prefix):]
        if target in self.failing_once and target not in self._failed:
            self._failed.add(target)
            return 500, {"content-type": "text/html"}, b"<html><body>Server Error in '/' Application.</body></html>"
        if page.lower() == "mgdelegateddecisions.aspx":
            return self.list_page(query)
        if page.lower() == "iedecisiondetails.aspx":
            return self.decision_page(query, target)
        match = re.fullmatch(r"documents/s(\d+)/([^/]+)", page)
        if match:
            return self.document(int(match.group(1)))
        return 404, {"content-type": "text/html"}, b"<html><body>The page cannot be found</body></html>"

    def list_page(self, query: dict[str, str]):
        first, last = (dt.datetime.strptime(d, "%d/%m/%Y").date() for d in query["dr"].split("-"))
        listed = [d for d in self.decisions if first <= d.published <= last]
        if len(listed) > self.busy:
            return TIMEOUT
        issues = {day: title for day, title in self.issue_rows.items() if first <= day <= last}
        return 200, {"content-type": "text/html; charset=utf-8"}, _list_html(listed, issues, first, last).encode()

    def decision_page(self, query: dict[str, str], target: str):
        key, prefix = ("aiid", True) if "aiid" in query else ("id", False)
        decision = next((d for d in self.decisions if str(d.id) == query.get(key) and d.at_meeting == prefix), None)
        if decision is None or decision.id in self.missing_pages:
            return 404, {"content-type": "text/html"}, b"<html><body>The page cannot be found</body></html>"
        if decision.id in self.redirected and "opt" not in query:
            return 302, {"location": f"{self.prefix}ieDecisionDetails.aspx?{decision.query}&Opt=0"}, b""
        return 200, {"content-type": "text/html; charset=utf-8"}, _decision_html(decision).encode()

    def document(self, sid: int):
        found = next(((d, doc) for d in self.decisions for doc in d.documents if doc.sid == sid), None)
        if found is None or sid in self.missing_documents:
            return 404, {"content-type": "text/html"}, b"<html><body>The page cannot be found</body></html>"
        if sid in self.slow_documents:
            return TIMEOUT
        decision, doc = found
        content_type = "application/pdf" if doc.kind == "pdf" else (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return 200, {"content-type": content_type}, _body(decision, doc)

    def prepare(self) -> None:
        """Make every document now, so that no answer is slow on the first asking."""
        for decision in self.decisions:
            for doc in decision.documents:
                _body(decision, doc)

    # -- on the wire -----------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            answer = self.respond(request.url.raw_path.decode("ascii"), request.headers.get("user-agent", ""))
            if answer is TIMEOUT:
                raise httpx.ReadTimeout("timed out", request=request)
            status, headers, body = answer  # type: ignore[misc]
            return httpx.Response(status, headers=headers, content=body)

        return httpx.MockTransport(handle)

    @contextlib.contextmanager
    def serve(self, hang: float = 5.0) -> Iterator[str]:
        """A real server on 127.0.0.1; yields the site's base URL. A TIMEOUT answer holds the
        connection for `hang` seconds (or until the server closes) without a response."""
        site, closing = self, threading.Event()
        self.prepare()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = site.respond(self.path, self.headers.get("user-agent", ""))
                if answer is TIMEOUT:
                    closing.wait(hang)
                    return
                status, headers, body = answer  # type: ignore[misc]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # a client that gave up on a slow answer: what a timeout test wants

        server = Server(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}{self.prefix}"
        finally:
            closing.set()
            server.shutdown()
            server.server_close()


# --------------------------------------------------------------------------------------------------
# the pages


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _list_html(listed: list[Decision], issues: dict[dt.date, str], first: dt.date, last: dt.date) -> str:
    head = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Delegated decisions | '
            f'{COUNCIL}</title></head><body><div id="modgov"><div class="mgHeader"><h1 class="mgMainTitleTxt">'
            'Delegated decisions</h1></div><div class="mgContent">')
    if not listed and not issues:
        return head + '<p class="mgEmptyTxt">There are no published decisions for this date range.</p></div></div></body></html>'
    rows = []
    for decision in listed:
        title = decision.title_html or html.escape(decision.title, quote=False)
        role = decision.person[1]
        rows.append(f'<tr><td class="mgTabCell"><a href="ieDecisionDetails.aspx?{decision.query}">{title}'
                    f'<span class="mgHide"> ref: {decision.id}</span></a></td><td>{_dmy(decision.published)}</td>'
                    f'<td><a href="mgUserInfo.aspx?UID={decision.id % 7}">{role}</a></td></tr>')
    for number, (day, title) in enumerate(sorted(issues.items()), 1):
        rows.append(f'<tr><td class="mgTabCell"><a href="mgIssueHistoryHome.aspx?IId={9000 + number}">'
                    f'{html.escape(title)}</a></td><td>{_dmy(day)}</td><td>Cabinet</td></tr>')
    return (head + '<table class="mgTabTable" summary="Decisions"><caption class="mgSectionTitle">Decisions published '
            f'between {_dmy(first)} and {_dmy(last)}</caption><thead><tr><th scope="col">Decision</th>'
            '<th scope="col">Date</th><th scope="col">Decision maker</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div></div></body></html>")


def _decision_html(decision: Decision) -> str:
    name, role = decision.person
    documents = ""
    if decision.documents:
        items = "".join(f'<li><a href="documents/s{doc.sid}/{doc.name.replace(" ", "%20")}">{html.escape(doc.title)} '
                        f'<span class="mgFileSize">{doc.kind.upper()} 84 KB</span></a></li>' for doc in decision.documents)
        documents = f'<h3 class="mgSubSubTitleTxt">Accompanying Documents: </h3><ul class="mgBulletList">{items}</ul>'
    taken = decision.published - dt.timedelta(days=2)
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Decision - {html.escape(decision.title)} | {COUNCIL}</title></head><body>
<header class="site-header"><a href="/">{COUNCIL}</a></header>
<div id="modgov"><div class="mgHeader"><h1 class="mgMainTitleTxt">Decision details</h1></div>
<div class="mgSubTitle"><h2 class="mgSubTitleTxt">{html.escape(decision.title)}</h2></div>
<div class="mgContent">
<p><span class="mgLabel">Decision Maker: </span>{role}</p>
<p><span class="mgLabel">Decision status: </span>Approved</p>
<p><span class="mgLabel">Is Key decision?: </span>{"Yes" if decision.id % 2 else "No"}</p>
<h3 class="mgSubSubTitleTxt">Purpose:</h3><p>To decide on the {html.escape(decision.title.lower())}.</p>
<h3 class="mgSubSubTitleTxt">Decision:</h3><p>That the {html.escape(decision.title.lower())} be approved as set out
in the report of the {role}.</p>
<h3 class="mgSubSubTitleTxt">Reasons for the decision:</h3><p>The work is needed and the budget is available.</p>
<h3 class="mgSubSubTitleTxt">Alternative options considered:</h3><ul><li>Do nothing. Rejected because the need would remain.</li></ul>
<p><span class="mgLabel">Publication date: </span>{_dmy(decision.published)}</p>
<p><span class="mgLabel">Date of decision: </span>{_dmy(taken)}</p>
{documents}
<p><span class="mgLabel">Contact: </span>{name}, {role}</p>
</div></div>
<footer class="site-footer"><p>&copy; {COUNCIL}</p></footer></body></html>"""


def _record_lines(decision: Decision, doc: Document) -> list[str]:
    name, role = decision.person
    taken = decision.published - dt.timedelta(days=2)
    return [
        doc.council_as_printed,
        "Record of Officer Decision",
        f"Subject: {decision.title}",
        f"Reference: MBC/{decision.id}/{taken:%y}",
        f"Decision Maker: {name}, {role}",
        f"Key decision: {'Yes' if decision.id % 2 else 'No'}",
        f"Date of decision: {taken.day} {taken:%B %Y}",
        "",
        "Decision:",
        f"To approve the {decision.title.lower()}.",
        "",
        "Reasons for the decision:",
        "The work is needed and the budget is available.",
        "",
        "Alternative options considered and rejected:",
        "Do nothing - rejected because the need would remain.",
    ]


_BODIES: dict[tuple, bytes] = {}  # made once per test session: fpdf2 takes a few ms a page


def _body(decision: Decision, doc: Document) -> bytes:
    key = (decision.id, decision.title, decision.published, decision.at_meeting, doc.sid, doc.kind,
           doc.council_as_printed, doc.pages)
    if key not in _BODIES:
        _BODIES[key] = _pdf(decision, doc) if doc.kind == "pdf" else _docx(decision, doc)
    return _BODIES[key]


def _pdf(decision: Decision, doc: Document) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "\n".join(_record_lines(decision, doc)))
    for page in range(2, doc.pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Background ({page})\n\n" + f"The {decision.title.lower()} was considered in full. " * 40)
    return bytes(pdf.output())


def _docx(decision: Decision, doc: Document) -> bytes:
    import docx

    document = docx.Document()
    for line in _record_lines(decision, doc):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# the site the tests fetch


def standard_site() -> Site:
    """Four months of Morrowdale's decisions, January to 10 April 2024, with every fault odr fetch meets:

    * January: a decision with a PDF and a Word record (the Word one names the council differently),
      one with no documents, one whose page is gone (404), and a row linking to an issue's history;
    * February: nothing published (an empty range);
    * March: six decisions, more than the site lists in one go (the month times out; its halves do
      not): titles encoded twice and with "&", a page that fails with a 500 once, a page that
      redirects, a decision taken at a meeting (AIId), a document that is gone (404) and one that
      never answers in time;
    * April: two decisions, one after the 10th (outside the range asked for)."""
    d = dt.date
    decisions = [
        Decision(1101, "Resurfacing of Gorse Lane car park", d(2024, 1, 9), [
            Document(40101, "Gorse Lane decision record.pdf", "Record of decision"),
            Document(40102, "Gorse Lane officer report.docx", "Officer report", "docx", "Morrowdale Council")]),
        Decision(1102, "Street lighting renewal, Hobb End", d(2024, 1, 17)),
        Decision(1103, "Withdrawn: sale of the old depot", d(2024, 1, 24), [Document(40103, "Depot.pdf", "Depot")]),
        Decision(1201, "Parks & Open Spaces grounds maintenance contract", d(2024, 3, 4),
                 [Document(40201, "Grounds maintenance.pdf", "Grounds maintenance record")],
                 title_html="Parks &amp; Open Spaces grounds maintenance contract"),
        Decision(1202, "Children's Centre opening hours", d(2024, 3, 6),
                 [Document(40202, "Childrens Centre hours.pdf", "Record of decision")],
                 title_html="Children&amp;#39;s Centre opening hours"),
        Decision(1203, "Allotment rents 2024/25", d(2024, 3, 12),
                 [Document(40203, "Allotment rents.pdf", "Record of decision"),
                  Document(40204, "Allotment rents appendix.pdf", "Appendix A")]),
        Decision(1204, "Grant to Morrowdale Food Bank", d(2024, 3, 19),
                 [Document(40205, "Food bank grant.pdf", "Record of decision"),
                  Document(40206, "Food bank grant letter.pdf", "Grant letter")]),
        Decision(77, "Leisure centre roof repairs", d(2024, 3, 21),
                 [Document(40207, "Leisure centre roof.pdf", "Record of decision")], at_meeting=True),
        Decision(1206, "Bus shelter renewals", d(2024, 3, 28),
                 [Document(40208, "Bus shelters.pdf", "Record of decision")]),
        Decision(1301, "Library opening hours", d(2024, 4, 2), [Document(40301, "Library hours.pdf", "Record")]),
        Decision(1302, "Town hall boiler replacement", d(2024, 4, 22), [Document(40302, "Boiler.pdf", "Record")]),
    ]
    return Site(
        decisions,
        issue_rows={d(2024, 1, 12): "Local Plan review (issue history)"},
        busy=4,
        missing_pages={1103},
        missing_documents={40204},
        slow_documents={40206},
        failing_once={"/ieDecisionDetails.aspx?ID=1203"},
        redirected={1206},
    )
