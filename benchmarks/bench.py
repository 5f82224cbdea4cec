"""Throughput, start-up and memory of odr, against raw pypdfium2, pdftotext and pdfplumber on the same files.

    .venv/bin/python benchmarks/bench.py [--text 2000] [--pdf 300] [--rounds 3] [--workers N] [--keep DIR]

Generates realistic decision records into a temporary folder (four templates: a "Label: value"
decision-details page, a two-column header table as Word exports it, a first-person officer
decision, a numbered committee-style report; text files and 2-6 page PDFs made with fpdf2) and one
large text record, then measures in `--rounds` interleaved rounds (every measurement once per round,
in a shuffled order, so a machine that is busy for a while slows all of them alike), printing the
min / median / max of each:

* `odr batch` end to end (the real CLI in a subprocess: start-up, workers, writing OUT) on the text
  and the PDF set, with 1 worker, with `--workers` local workers and on a Dask LocalCluster of as
  many (`--engine dask --scheduler local:N`, when the odr[dask] extra is installed). Each also runs
  on a fifth of the files: the slope between the two sizes is the rate once started, and its
  intercept the fixed start-up, measured in the same round;
* start-up alone: `odr batch` on one record that needs no spaCy, and `odr extract` cold on it;
* odr in one process, warm (Extractor.extract_file in a loop): text records/s, PDF pages/s, and MB/s
  on the large text record; resident memory after each pass (growth over repeated passes);
* baselines on the same PDFs, in one process: raw pypdfium2 page text, pdftotext (poppler-utils,
  one process per file as a user runs it; skipped when it is not installed), pdfplumber
  `extract_text` (on the first `--plumber` PDFs: it is slow), each as a ratio to odr;
* peak resident memory (VmHWM) of every worker process, polled from /proc.

odr's bytecode is compiled first, as an installed odr has it (a machine that sets
PYTHONDONTWRITEBYTECODE would otherwise compile odr's sources at every start). It ends with each
target of issue 12 and PASS or MISS. Needs the test extra (fpdf2); the Dask rows
need `pip install 'odr[dask]'`.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COUNCILS = ["Ashby Moor District Council", "Brackenford Borough Council", "Fenwick County Council",
            "Granta City Council", "Hartwell Metropolitan Borough Council", "Kestrel Vale Council"]
FIRST = ["Jane", "Omar", "Ruth", "Peter", "Aisha", "Gareth", "Mei", "Tom", "Niamh", "Samuel"]
LAST = ["Smith", "Patel", "Evans", "Connor", "Khan", "Williams", "Chen", "Hughes", "O'Brien", "Adeyemi"]
TITLES = ["Director of Place", "Head of Highways", "Executive Director of Resources",
          "Assistant Director of Housing", "Chief Executive", "Service Director for Adult Care"]
PORTFOLIOS = ["Housing", "Environment and Transport", "Finance and Resources", "Adult Social Care",
              "Children's Services", "Leisure and Culture"]
TOPICS = ["resurfacing of {} Road", "award of a contract for {} street lighting", "grant to {} Food Bank",
          "lease of the {} Park cafe", "closure of {} Library on Mondays", "fees for {} allotments",
          "renewal of {} bus shelters", "repairs to the {} Leisure Centre roof"]
PLACES = ["Mill Lane", "Westgate", "Northfield", "Cobden", "Harbour", "Elm Grove", "Station", "Abbey"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
FILLER = ("The report sets out the background, the options considered and the financial, legal and "
          "equality implications. Officers have reviewed the proposal against the council plan and the "
          "medium term financial strategy, and the costs can be met from the approved budget. ")


def _person(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _date(rng):
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2025)}"


def _facts(rng, i):
    topic = rng.choice(TOPICS).format(rng.choice(PLACES))
    return {
        "council": rng.choice(COUNCILS), "ref": f"{rng.choice('ABCDEK')}{i:04d}/{rng.randint(19, 25)}",
        "subject": topic[0].upper() + topic[1:], "topic": topic, "maker": _person(rng),
        "title": rng.choice(TITLES), "member": _person(rng), "portfolio": rng.choice(PORTFOLIOS),
        "key": rng.choice(["Yes", "No"]), "date": _date(rng), "published": _date(rng),
        "amount": f"{rng.randint(10, 900) * 1000:,}", "contact": _person(rng),
        "phone": f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
    }


def _details(f, extra):  # modern.gov "Decision details"
    return (f"{f['council']}\nDecision details\n\n{f['subject']}\n\nDecision Maker: {f['title']}\n\n"
            f"Decision status: Recommendations Approved\n\nIs Key decision?: {f['key']}\n\n"
            f"Is subject to call in?: Yes\n\nPurpose:\n\n{FILLER * extra}\n\nDecision:\n\n"
            f"To approve the {f['topic']} at a cost of GBP {f['amount']}.\n\nReasons for the decision:\n\n"
            f"{FILLER}\n\nAlternative options considered and rejected:\n\n1. Do nothing - rejected.\n"
            f"2. Defer for a year - rejected as costs would rise.\n\nPublication date: {f['published']}\n\n"
            f"Date of decision: {f['date']}\n\nContact: {f['contact']}, {f['phone']}\n")


def _table_rows(f):
    return [("Reference:", f["ref"]), ("Subject:", f["subject"]), ("Decision maker:", f"{f['maker']}, {f['title']}"),
            ("Portfolio holder:", f"Councillor {f['member']}, Cabinet Member for {f['portfolio']}"),
            ("Key decision:", f["key"]), ("Date of decision:", f["date"])]


def _table_text(f, extra):  # the same header table, as a text export
    head = "\n".join(f"{label} {value}" for label, value in _table_rows(f))
    return (f"{f['council']}\nRecord of Executive Decision\n\n{head}\n\n1. Decision\n\nTo approve the "
            f"{f['topic']}.\n\n2. Reasons for the decision\n\n{FILLER * (1 + extra)}\n\n3. Alternative options "
            f"considered and rejected\n\nNone.\n\n4. Declarations of interest\n\nNone declared.\n")


def _officer(f, extra):  # first-person officer decision
    return (f"{f['council']}\nOfficer Decision Record\n\nReference: {f['ref']}\n\nTitle: {f['subject']}\n\n"
            f"I, {f['maker']}, {f['title']}, having considered the report and the advice of officers, "
            f"hereby approve the {f['topic']}.\n\nSigned: {f['maker']}\nDate: {f['date']}\n\n"
            f"Background\n\n{FILLER * (1 + extra)}\n\nConsultation\n\nThe ward members and Councillor "
            f"{f['member']} were consulted and supported the proposal.\n\nExempt information: None\n")


def _report(f, extra):  # numbered committee-style report
    body = "\n\n".join(f"{n}.{k} {FILLER}" for n in range(3, 4 + extra) for k in range(1, 4))
    return (f"{f['council']}\nCabinet Member Decision\n\nSubject: {f['subject']}\nRef: {f['ref']}\n"
            f"Cabinet Member: Councillor {f['member']} ({f['portfolio']})\nKey Decision: {f['key']}\n"
            f"Date: {f['date']}\n\n1. Recommendation\n\n1.1 That the Cabinet Member approves the {f['topic']}.\n\n"
            f"2. Reasons for recommendation\n\n2.1 {FILLER}\n\n{body}\n\nOptions considered and rejected\n\n"
            f"Option A: do nothing - rejected.\n\nContact officer: {f['contact']}, {f['title']}, tel {f['phone']}\n")


TEMPLATES = [_details, _table_text, _officer, _report]


def _pdf(f, template, extra):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    text = template(f, extra).encode("latin-1", "replace").decode("latin-1")
    if template is _table_text:  # a real two-column table, as Word exports header tables
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, f"{f['council']}\nRecord of Executive Decision")
        pdf.ln(3)
        pdf.set_font("Helvetica", size=10)
        with pdf.table(col_widths=(45, 135), text_align="LEFT") as table:
            for label, value in _table_rows(f):
                row = table.row()
                row.cell(label)
                row.cell(value.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(4)
        text = text.split("\n\n", 1)[1].split("\n\n", 1)[1]
    pdf.multi_cell(0, 5, text)
    while pdf.page_no() < 2:  # multi-page: appendices
        pdf.add_page()
        pdf.multi_cell(0, 5, "Appendix A\n\n" + FILLER * 12)
    return bytes(pdf.output())


def generate(root: Path, n_text: int, n_pdf: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    text_dir, pdf_dir = root / "text", root / "pdf"
    text_dir.mkdir(parents=True)
    pdf_dir.mkdir(parents=True)
    for i in range(n_text):
        template = TEMPLATES[i % len(TEMPLATES)]
        (text_dir / f"{i:05d}-{template.__name__[1:]}.txt").write_text(
            template(_facts(rng, i), rng.randint(0, 3)), encoding="utf-8")
    for i in range(n_pdf):
        template = TEMPLATES[i % len(TEMPLATES)]
        (pdf_dir / f"{i:05d}-{template.__name__[1:]}.pdf").write_bytes(
            _pdf(_facts(rng, 10_000 + i), template, rng.randint(2, 12)))
    return text_dir, pdf_dir


def count_pages(files) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in files:
        pdf = pdfium.PdfDocument(str(path))
        total += len(pdf)
        pdf.close()
    return total


# -- measurements ------------------------------------------------------------------------------------


def _vm_kb(pid: int, field: str = "VmHWM:") -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = []
        try:  # each thread's children: Dask's nanny and a Dask worker's reading child fork from other threads
            threads = os.listdir(f"/proc/{parent}/task")
        except OSError:
            threads = []
        for thread in threads:
            try:
                with open(f"/proc/{parent}/task/{thread}/children") as handle:
                    children += [int(p) for p in handle.read().split()]
            except OSError:
                continue
        found.extend(children)
        todo.extend(children)
    return found


def _odr_command() -> list[str]:
    odr = Path(sys.executable).with_name("odr")
    return [str(odr)] if odr.exists() else [sys.executable, "-m", "extractor.cli"]


def run_odr(arguments: list[str], *, watch_memory: bool = True) -> dict:
    """One odr command end to end: wall seconds, and the peak RSS of its worker processes (every
    descendant: local workers, Dask nannies and workers and their reading children). Without
    `watch_memory` nothing polls /proc meanwhile: start-up rows are timed alone, as the poller's
    scans (every 20 ms) would share the two cores with the command they time."""
    start = time.perf_counter()
    if not watch_memory:
        done = subprocess.run([*_odr_command(), *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, check=False)
        if done.returncode not in (0, 1):
            raise SystemExit(f"odr {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr}")
        return {"seconds": time.perf_counter() - start, "worker_peak_mb": 0.0}
    process = subprocess.Popen([*_odr_command(), *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        for child in _descendants(process.pid):
            hwm = _vm_kb(child)
            if hwm:
                peaks[child] = max(peaks.get(child, 0), hwm)
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"odr {' '.join(arguments)} failed ({process.returncode}):\n{stderr}")
    return {"seconds": seconds, "worker_peak_mb": max(peaks.values(), default=0) / 1024}


def odr_batch(files_from: Path, out: Path, engine: tuple[str, ...], *, watch_memory: bool = True) -> dict:
    out.unlink(missing_ok=True)
    return run_odr(["batch", str(files_from), "-o", str(out), "--no-progress", "-q", *engine], watch_memory=watch_memory)


def in_process(extractor, files) -> float:
    """Seconds to extract every file once, warm."""
    start = time.perf_counter()
    for path in files:
        extractor.extract_file(path)
    return time.perf_counter() - start


def large_text_seconds(extractor, text: str) -> float:
    start = time.perf_counter()
    extractor.extract_text(text)
    return time.perf_counter() - start


def pypdfium2_seconds(files) -> float:
    import pypdfium2 as pdfium

    start = time.perf_counter()
    for path in files:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
        pdf.close()
    return time.perf_counter() - start


def pdftotext_seconds(files) -> float:
    start = time.perf_counter()
    for path in files:
        subprocess.run(["pdftotext", "-q", str(path), "-"], stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def pdfplumber_seconds(files) -> float:
    import pdfplumber

    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return time.perf_counter() - start


def resident_mb() -> float:
    return (_vm_kb(os.getpid(), "VmRSS:") or 0) / 1024


def large_text(rng: random.Random, megabytes: float) -> str:
    """One record with a long body: the decision-details template, its purpose paragraphs repeated."""
    return _details(_facts(rng, 99_999), max(1, int(megabytes * 2**20 / len(FILLER))))


def no_spacy_probe(texts: list[Path]) -> Path:
    """A text record whose extraction leaves spaCy unimported (the default model, auto)."""
    for template in TEMPLATES:
        path = next(p for p in texts if template.__name__[1:] in p.name)
        check = (f"import sys; from extractor.pipeline import Extractor; Extractor.create().extract_file({str(path)!r}); "
                 "sys.exit(1 if 'spacy' in sys.modules else 0)")
        if subprocess.run([sys.executable, "-c", check], cwd=REPO, check=False).returncode == 0:
            return path
    return texts[0]


class Series:
    """Measurements of one thing over the rounds."""

    def __init__(self):
        self.values: list[float] = []

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def show(self, unit: str, digits: int = 1) -> str:
        if not self.values:
            return "-"
        return (f"{self.median:,.{digits}f} {unit} (min {min(self.values):,.{digits}f}, "
                f"max {max(self.values):,.{digits}f})")


def _slope(small_n: int, small_s: float, full_n: int, full_s: float) -> tuple[float, float]:
    """(items/s once started, start-up seconds) from two batch sizes."""
    rate = (full_n - small_n) / max(full_s - small_s, 1e-9)
    return rate, max(full_s - full_n / rate, 0.0)


def _same_records(a: Path, b: Path) -> bool:
    def lines(path: Path) -> list[str]:
        return sorted(path.read_text(encoding="utf-8").splitlines())

    return lines(a) == lines(b)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=int, default=2000, help="text records to generate")
    parser.add_argument("--pdf", type=int, default=300, help="PDF records to generate")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local workers and Dask workers [all cores]")
    parser.add_argument("--plumber", type=int, default=60, help="PDFs to time pdfplumber on (it is slow)")
    parser.add_argument("--large-mb", type=float, default=2.0, help="size of the large text record")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="odr-bench-"))
    try:
        return _run(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def _run(args, root: Path) -> int:
    from extractor.pipeline import Extractor

    # odr's bytecode written first, as an installed odr has it: with PYTHONDONTWRITEBYTECODE set (as
    # some machines and containers do) every start-up would otherwise compile odr's sources again.
    compileall.compile_dir(REPO / "extractor", quiet=1)
    compileall.compile_dir(REPO / "models", quiet=1)
    t = time.perf_counter()
    records = root / "records"
    if not (records / "text").exists():
        generate(records, args.text, args.pdf)
    texts = sorted((records / "text").iterdir())[: args.text]
    pdfs = sorted((records / "pdf").iterdir())[: args.pdf]
    pdf_pages = count_pages(pdfs)
    big = large_text(random.Random(11), args.large_mb)
    print(f"{len(texts)} text and {len(pdfs)} PDF records ({pdf_pages} pages, {pdf_pages / len(pdfs):.1f} per PDF), "
          f"a {len(big) / 2**20:.1f} MB text record, in {time.perf_counter() - t:.1f} s; {os.cpu_count()} cores; "
          f"python {sys.version.split()[0]}; {args.rounds} rounds")

    # the inputs of each batch, and a fifth of them, as folders of hard links (regular files, not links out)
    sets = {}
    for label, files, pages in (("text", texts, len(texts)), ("pdf", pdfs, pdf_pages)):
        for size, chosen in (("full", files), ("fifth", files[: max(1, len(files) // 5)])):
            folder = root / f"in-{label}-{size}"
            if not folder.exists():
                folder.mkdir()
                for path in chosen:
                    os.link(path, folder / path.name)
            sets[label, size] = (folder, len(chosen), pages * len(chosen) / len(files))
    probe_file = no_spacy_probe(texts)
    probe = root / "probe"
    probe.mkdir(exist_ok=True)
    shutil.copy(probe_file, probe / probe_file.name)

    have_dask = importlib.util.find_spec("distributed") is not None
    have_pdftotext = shutil.which("pdftotext") is not None
    engines = {"1 worker": ("--workers", "1"), f"{args.workers} workers": ("--workers", str(args.workers))}
    if have_dask:
        engines[f"dask local:{args.workers}"] = ("--engine", "dask", "--scheduler", f"local:{args.workers}")

    series: dict[str, Series] = {}
    worker_peaks: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        series.setdefault(key, Series()).add(value)

    extractor = Extractor.create()
    for path in [*texts[:20], *pdfs[:5]]:  # warm: profile, caches, spaCy if a record needs it
        extractor.extract_file(path)
    rss: list[float] = []

    jobs = []
    for label in ("text", "pdf"):
        for name, engine in engines.items():
            for size in ("full", "fifth"):
                jobs.append(("batch", label, name, engine, size))
    jobs += [("startup", "batch"), ("startup", "extract"), ("warm", "text"), ("warm", "pdf"), ("warm", "large"),
             ("baseline", "pypdfium2"), ("baseline", "pdfplumber")]
    if have_pdftotext:
        jobs.append(("baseline", "pdftotext"))
    rng = random.Random(3)
    for round_no in range(args.rounds):
        rng.shuffle(jobs)
        for job in jobs:
            if job[0] == "batch":
                _, label, name, engine, size = job
                folder = sets[label, size][0]
                result = odr_batch(folder, root / f"out-{label}-{name.replace(' ', '_').replace(':', '')}-{size}.jsonl",
                                   engine)
                note(f"batch {label} {name} {size}", result["seconds"])
                worker_peaks.setdefault(name, []).append(result["worker_peak_mb"])
            elif job == ("startup", "batch"):
                note("startup batch", odr_batch(probe, root / "probe.jsonl", ("--workers", "1"), watch_memory=False)["seconds"])
            elif job == ("startup", "extract"):
                note("startup extract", run_odr(["extract", str(probe / probe_file.name)], watch_memory=False)["seconds"])
            elif job == ("warm", "text"):
                note("warm text docs/s", len(texts) / in_process(extractor, texts))
            elif job == ("warm", "pdf"):
                note("warm pdf pages/s", pdf_pages / in_process(extractor, pdfs))
            elif job == ("warm", "large"):
                note("warm large MB/s", len(big.encode()) / 2**20 / large_text_seconds(extractor, big))
            elif job == ("baseline", "pypdfium2"):
                note("pypdfium2 pages/s", pdf_pages / pypdfium2_seconds(pdfs))
            elif job == ("baseline", "pdftotext"):
                note("pdftotext pages/s", pdf_pages / pdftotext_seconds(pdfs))
            elif job == ("baseline", "pdfplumber"):
                chosen = pdfs[: args.plumber]
                note("pdfplumber pages/s", count_pages(chosen) / pdfplumber_seconds(chosen))
        rss.append(resident_mb())
        print(f"  round {round_no + 1} done; in-process resident memory {rss[-1]:.0f} MB", flush=True)

    # -- rows ---------------------------------------------------------------------------------------
    print("\nodr batch, end to end (wall seconds; rate = docs/s end to end; 'once started' = slope between "
          "a fifth and all of the files, start-up = its intercept)")
    rates: dict[tuple[str, str], dict[str, float]] = {}
    for label in ("text", "pdf"):
        for name in engines:
            full, fifth = series[f"batch {label} {name} full"], series[f"batch {label} {name} fifth"]
            _, n_full, pages_full = sets[label, "full"]
            _, n_fifth, _ = sets[label, "fifth"]
            slope, start = _slope(n_fifth, fifth.median, n_full, full.median)
            pages_per_doc = pages_full / n_full
            rates[label, name] = {"docs_s": n_full / full.median, "pages_s": pages_full / full.median,
                                  "slope": slope, "start": start, "pages_slope": slope * pages_per_doc}
            print(f"  {label:4} {name:14} {full.show('s', 2)}  = {n_full / full.median:7.1f} docs/s "
                  f"{pages_full / full.median:7.1f} pages/s; once started {slope:7.1f} docs/s; start-up {start:.2f} s; "
                  f"peak RSS/worker {max(worker_peaks[name]):.0f} MB")
    print("\nstart-up (a record that needs no spaCy)")
    print(f"  odr batch, one file, 1 worker: {series['startup batch'].show('s', 3)}")
    print(f"  odr extract, cold:             {series['startup extract'].show('s', 3)}")
    warm_pdf = series["warm pdf pages/s"].median
    print("\nin one process, warm")
    print(f"  text:  {series['warm text docs/s'].show('docs/s')}")
    print(f"  large: {series['warm large MB/s'].show('MB/s', 2)}")
    print(f"  pdf:   {series['warm pdf pages/s'].show('pages/s')}")
    print(f"  resident memory after each round: {', '.join(f'{r:.0f}' for r in rss)} MB")
    print("\nbaselines on the same PDFs (one process); odr warm in process as a share of each")
    for name in ("pypdfium2", "pdftotext", "pdfplumber"):
        key = f"{name} pages/s"
        if key in series:
            print(f"  {name:10} {series[key].show('pages/s')}; odr warm = {warm_pdf / series[key].median:.2f}x")
        else:
            print(f"  {name:10} skipped (not installed: apt-get install poppler-utils)")

    raw = series["pypdfium2 pages/s"].median
    one = "1 worker"
    many = f"{args.workers} workers"
    dask = f"dask local:{args.workers}"
    peak = max(max(v) for v in worker_peaks.values())
    checks = [
        ("PDF: warm in-process >= 65% of raw pypdfium2", warm_pdf / raw, 0.65, f"{100 * warm_pdf / raw:.0f}%"),
        ("PDF: odr batch 1 worker end to end >= 45% of raw pypdfium2", rates["pdf", one]["pages_s"] / raw, 0.45,
         f"{100 * rates['pdf', one]['pages_s'] / raw:.0f}% ({rates['pdf', one]['pages_s']:.0f} vs {raw:.0f} pages/s)"),
        ("text: >= 2,500 records/s warm per core", series["warm text docs/s"].median / 2500, 1,
         f"{series['warm text docs/s'].median:,.0f} docs/s"),
        ("text: >= 10 MB/s on large text", series["warm large MB/s"].median / 10, 1,
         f"{series['warm large MB/s'].median:.2f} MB/s"),
        ("odr batch start-up <= 0.35 s (no record needs spaCy)", 0.35 / series["startup batch"].median, 1,
         f"{series['startup batch'].median:.2f} s"),
        ("odr extract cold <= 0.3 s on text", 0.3 / series["startup extract"].median, 1,
         f"{series['startup extract'].median:.2f} s"),
        ("memory <= 300 MB per worker", 300 / max(peak, 1e-9), 1, f"{peak:.0f} MB"),
        ("no memory growth over repeated passes (in process, < 5%)", 1.05 * rss[0] / max(rss[-1], 1e-9), 1,
         f"{rss[0]:.0f} -> {rss[-1]:.0f} MB"),
    ]
    if dask in engines:
        ratio = rates["text", dask]["docs_s"] / rates["text", many]["docs_s"]
        checks.append((f"Dask LocalCluster({args.workers}) within 20% of {args.workers} local workers "
                       f"({len(texts)} text records, end to end)", ratio / 0.8, 1, f"{100 * ratio:.0f}%"))
        same = all(_same_records(root / f"out-{label}-{args.workers}_workers-full.jsonl",
                                 root / f"out-{label}-dask_local{args.workers}-full.jsonl") for label in ("text", "pdf"))
        checks.append(("Dask: the same records as local workers", float(same), 1, "identical" if same else "DIFFERENT"))
    print("\ntargets (issue 12):")
    for name, value, target, shown in checks:
        print(f"  {'PASS' if value >= target else 'MISS'}  {name}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
