"""Throughput and memory of `odr batch`, with plain pdfplumber and pypdfium2 as baselines.

    .venv/bin/python benchmarks/bench.py [--text 600] [--pdf 150] [--workers N] [--keep DIR]

Generates realistic decision records into a temporary folder (four templates: a "Label: value"
decision-details page, a two-column header table as Word exports it, a first-person officer
decision, a numbered committee-style report; text files and 2-6 page PDFs made with fpdf2), then
times, on the same files:

* `odr batch` (the real CLI in a subprocess, end to end: start-up, workers, writing OUT) with 1
  worker and with all workers, for the text set and the PDF set: docs/s and pages/s;
* odr's extraction in one process after warm-up (Extractor.extract_file in a loop): the steady rate;
* plain pypdfium2 page text and plain pdfplumber `extract_text` on the PDFs (one process);
* peak resident memory (VmHWM) of every worker process of `odr batch`, polled from /proc.

and prints each target of issue #4 with the measured value and PASS/MISS. Needs the test extra
(`pip install -e '.[test]'`, for fpdf2).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def run_odr_batch(folder: Path, workers: int, out: Path) -> dict:
    """`odr batch FOLDER -o OUT --workers N` end to end; peak RSS of each worker polled from /proc."""
    odr = Path(sys.executable).with_name("odr")
    command = [str(odr) if odr.exists() else sys.executable, *([] if odr.exists() else ["-m", "extractor.cli"]),
               "batch", str(folder), "-o", str(out), "--workers", str(workers), "--no-progress"]
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    main_peak = 0
    while process.poll() is None:
        for child in _children(process.pid):
            hwm = _vm_hwm_kb(child)
            if hwm:
                peaks[child] = max(peaks.get(child, 0), hwm)
        main_peak = max(main_peak, _vm_hwm_kb(process.pid) or 0)
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read()
    if process.returncode not in (0, 1):
        raise SystemExit(f"odr batch failed ({process.returncode}):\n{stderr}")
    return {"seconds": seconds, "worker_peak_mb": max(peaks.values(), default=0) / 1024,
            "main_peak_mb": main_peak / 1024, "summary": stderr.strip().splitlines()[-1]}


def in_process_rate(files) -> float:
    from extractor.pipeline import Extractor

    extractor = Extractor.create()
    for path in files[:20]:  # warm up: spaCy, profile, caches
        extractor.extract_file(path)
    start = time.perf_counter()
    for path in files:
        extractor.extract_file(path)
    return len(files) / (time.perf_counter() - start)


def pypdfium2_rate(files) -> tuple[float, int]:
    import pypdfium2 as pdfium

    pages = 0
    start = time.perf_counter()
    for path in files:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages / (time.perf_counter() - start), pages


def pdfplumber_rate(files) -> tuple[float, int]:
    import pdfplumber

    pages = 0
    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return pages / (time.perf_counter() - start), pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=int, default=2000, help="text records to generate")
    parser.add_argument("--pdf", type=int, default=300, help="PDF records to generate")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="'all workers' [all cores]")
    parser.add_argument("--plumber", type=int, default=60, help="PDFs to time pdfplumber on (it is slow)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="odr-bench-"))
    try:
        t = time.perf_counter()
        text_dir, pdf_dir = generate(root / "records", args.text, args.pdf)
        pdfs = sorted(pdf_dir.iterdir())
        texts = sorted(text_dir.iterdir())
        pdf_pages = count_pages(pdfs)
        print(f"generated {len(texts)} text and {len(pdfs)} PDF records ({pdf_pages} pages, "
              f"{pdf_pages / len(pdfs):.1f} per PDF) in {time.perf_counter() - t:.1f} s; "
              f"{os.cpu_count()} cores; python {sys.version.split()[0]}")

        # Fixed cost of one `odr batch` run (interpreter, imports, spaCy loaded once before the
        # workers fork, writing OUT): one record that needs spaCy. Subtracted for the "after
        # start-up" rates, which are what a 20,000-file archive sees.
        probe = root / "probe"
        probe.mkdir(exist_ok=True)
        shutil.copy(next(p for p in texts if "officer" in p.name), probe)
        startup = min(run_odr_batch(probe, 1, root / "probe.jsonl")["seconds"] for _ in range(2))
        print(f"odr batch start-up (1 file): {startup:.2f} s")

        rows = {}
        for label, folder, n, pages in (("text", text_dir, len(texts), len(texts)), ("pdf", pdf_dir, len(pdfs), pdf_pages)):
            for workers in sorted({1, args.workers}):
                result = run_odr_batch(folder, workers, root / f"out-{label}-{workers}.jsonl")
                work = max(result["seconds"] - startup, 1e-9)
                result.update(docs_s=n / result["seconds"], pages_s=pages / result["seconds"],
                              docs_s_run=n / work, pages_s_run=pages / work)
                rows[label, workers] = result
                print(f"odr batch {label:4} workers={workers}: end to end {result['docs_s']:7.1f} docs/s "
                      f"{result['pages_s']:7.1f} pages/s ({result['seconds']:5.2f} s); after start-up "
                      f"{result['docs_s_run']:7.1f} docs/s {result['pages_s_run']:7.1f} pages/s; peak RSS/worker "
                      f"{result['worker_peak_mb']:.0f} MB (main {result['main_peak_mb']:.0f} MB)")

        steady_text = in_process_rate(texts)
        steady_pdf = in_process_rate(pdfs)
        print(f"odr in one process, warm: text {steady_text:.1f} docs/s; "
              f"pdf {steady_pdf:.1f} docs/s = {steady_pdf * pdf_pages / len(pdfs):.1f} pages/s")
        steady_pdf_pages = steady_pdf * pdf_pages / len(pdfs)
        raw_rate, _ = pypdfium2_rate(pdfs)
        plumber_rate, plumber_pages = pdfplumber_rate(pdfs[: args.plumber])
        print(f"baseline pypdfium2 page text:     {raw_rate:8.1f} pages/s (one process)")
        print(f"baseline pdfplumber extract_text: {plumber_rate:8.1f} pages/s (one process, {plumber_pages} pages)")

        one_pdf = rows["pdf", 1]["pages_s"]
        one_text = rows["text", 1]["docs_s"]
        one_pdf_run = rows["pdf", 1]["pages_s_run"]
        one_text_run = rows["text", 1]["docs_s_run"]
        all_w = args.workers
        worst_peak = max(r["worker_peak_mb"] for r in rows.values())
        checks = [
            ("text >= 200 docs/s per core (odr batch, 1 worker, end to end)", one_text, 200, f"{one_text:.1f} docs/s"),
            ("text >= 200 docs/s per core (odr batch, 1 worker, after start-up)", one_text_run, 200,
             f"{one_text_run:.1f} docs/s"),
            ("text >= 200 docs/s per core (warm, in process)", steady_text, 200, f"{steady_text:.1f} docs/s"),
            ("PDF >= 25% of raw pypdfium2 rate (odr batch, 1 worker)", one_pdf / raw_rate, 0.25,
             f"{100 * one_pdf / raw_rate:.1f}% ({one_pdf:.1f} vs {raw_rate:.1f} pages/s)"),
            ("PDF >= 25% of raw pypdfium2 rate (odr batch, 1 worker, after start-up)", one_pdf_run / raw_rate, 0.25,
             f"{100 * one_pdf_run / raw_rate:.1f}% ({one_pdf_run:.1f} vs {raw_rate:.1f} pages/s)"),
            ("PDF >= 25% of raw pypdfium2 rate (warm, in process)", steady_pdf_pages / raw_rate, 0.25,
             f"{100 * steady_pdf_pages / raw_rate:.1f}% ({steady_pdf_pages:.1f} vs {raw_rate:.1f} pages/s)"),
            ("PDF >= 5x pdfplumber extract_text (odr batch, 1 worker)", one_pdf / plumber_rate, 5,
             f"{one_pdf / plumber_rate:.1f}x ({one_pdf:.1f} vs {plumber_rate:.1f} pages/s)"),
            ("peak RSS <= 300 MB per worker", 300 / max(worst_peak, 1e-9), 1, f"{worst_peak:.0f} MB"),
        ]
        if all_w >= 2:
            for label in ("text", "pdf"):
                target = 1.7 if all_w == 2 else 0.85 * all_w
                for key, how in (("docs_s", "end to end"), ("docs_s_run", "after start-up")):
                    speedup = rows[label, all_w][key] / rows[label, 1][key]
                    checks.append((f"{label}: {all_w} workers >= {target:.1f}x one worker ({how})", speedup, target,
                                   f"{speedup:.2f}x"))
        print("\ntargets (issue #4):")
        for name, value, target, shown in checks:
            print(f"  {'PASS' if value >= target else 'MISS'}  {name}: {shown}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
