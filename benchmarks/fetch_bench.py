"""How long `odr fetch` takes over a year of a council's decisions, measured against the ModernGov-shaped
test site (tests/moderngov_site.py) on 127.0.0.1, and what that means at the default delay.

    .venv/bin/python benchmarks/fetch_bench.py [--decisions 450] [--busy 60] [--check-delay 1 --check-days 31]

1. A year (2023) of N decisions published on working days, each with 0-3 documents (about 1.4 on
   average: 1-4 page PDFs, one in seven a Word file), plus an issue-history row a fortnight; the site
   lists at most `--busy` decisions at a time and a wider range times out, so busy months are split.
2. The year fetched with --delay 0: wall time, requests, and so odr's (and the local site's) time per
   request.
3. A shorter range fetched with --check-delay: the measured time against the model below, to check it.
4. The estimate for a year at the default delay of 1 s: requests x (delay + time per request), with
   a real site's own response time (0.3 s and 1 s per request are typical of council sites) added.

Needs the test extra (fpdf2, python-docx). Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from moderngov_site import Decision, Document, Site  # noqa: E402

from extractor.fetch import DEFAULT_DELAY, FetchOptions, fetch_site  # noqa: E402

TOPICS = ["Resurfacing of {} Road", "Street lighting contract, {}", "Grant to {} Food Bank", "Lease of {} Park cafe",
          "Opening hours of {} Library", "Allotment fees, {}", "Bus shelter renewals, {}", "Roof repairs at {} Leisure Centre",
          "Traffic regulation order, {}", "Disposal of land at {}", "Play area refurbishment, {}", "Parking charges, {}"]
PLACES = ["Gorse Lane", "Hobb End", "Northcote", "Wyeford", "Sallow Green", "Crane Street", "Ebbsfleet Row", "Mossbank"]


def year_of_decisions(count: int, year: int = 2023, seed: int = 11) -> Site:
    rng = random.Random(seed)
    days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    working = [d for d in days if d.weekday() < 5]
    decisions, sid = [], 60000
    for number in range(count):
        documents = []
        for _ in range(rng.choices([0, 1, 2, 3], weights=[15, 40, 30, 15])[0]):
            sid += 1
            kind = "docx" if rng.random() < 1 / 7 else "pdf"
            documents.append(Document(sid, f"Decision record {sid}.{kind}", "Record of decision", kind,
                                      pages=rng.randint(1, 4)))
        title = rng.choice(TOPICS).format(rng.choice(PLACES)) + f" ({number + 1})"
        decisions.append(Decision(5000 + number, title, rng.choice(working), documents))
    issues = {working[i]: f"Forward plan item {i}" for i in range(0, len(working), 10)}
    return Site(decisions, issue_rows=issues)


def fetch(site: Site, base: str, start: dt.date, end: dt.date, delay: float) -> tuple[float, object]:
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        summary = fetch_site(base, start, end, Path(folder) / "archive", council="Morrowdale Borough Council",
                             options=FetchOptions(delay=delay), progress=False)
        return time.monotonic() - started, summary


def clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {rest:02d} s"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=450, help="decisions published in the year")
    parser.add_argument("--busy", type=int, default=60, help="most decisions the site lists in one answer")
    parser.add_argument("--check-delay", type=float, default=1.0, help="delay for the check run (0: skip it)")
    parser.add_argument("--check-days", type=int, default=31, help="days the check run covers")
    args = parser.parse_args(argv)

    site = year_of_decisions(args.decisions)
    site.busy = args.busy
    documents = sum(len(d.documents) for d in site.decisions)
    print(f"site: {len(site.decisions)} decisions, {documents} documents in 2023; lists answer up to {site.busy} rows")
    with site.serve() as base:
        seconds, summary = fetch(site, base, dt.date(2023, 1, 1), dt.date(2023, 12, 31), 0.0)
        print(f"delay 0: {summary.line()}")
        per_request = seconds / summary.requests
        print(f"  {summary.requests} requests in {seconds:.1f} s: {per_request * 1000:.1f} ms a request "
              "(odr, and a local site that answers at once)")
        if args.check_delay > 0:
            end = dt.date(2023, 1, 1) + dt.timedelta(days=args.check_days - 1)
            site.requests.clear()
            checked, check = fetch(site, base, dt.date(2023, 1, 1), end, args.check_delay)
            predicted = check.requests * (args.check_delay + per_request)
            print(f"check, delay {args.check_delay:g} over {args.check_days} days: {check.requests} requests in "
                  f"{checked:.1f} s; predicted {predicted:.1f} s ({(checked - predicted) / predicted:+.1%})")
    print(f"\na year of {len(site.decisions)} decisions at the default --delay {DEFAULT_DELAY:g}:")
    for response in (0.0, 0.3, 1.0):
        estimate = summary.requests * (DEFAULT_DELAY + per_request + response)
        print(f"  site answering in {response:g} s: {summary.requests} requests x {DEFAULT_DELAY + per_request + response:.2f} s"
              f" = {clock(estimate)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
