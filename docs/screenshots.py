"""Make the README's screenshots from the samples: the report page and the decisions table in Datasette.

    .venv/bin/python docs/screenshots.py      # needs Debian's chromium and odr[datasette]

Builds decisions.db from samples/ in a temporary folder, writes the report, serves the database with
Datasette on 127.0.0.1 and photographs both with headless Chromium into docs/.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractor.batch import ExtractorSpec, run_batch  # noqa: E402
from extractor.report import build_report  # noqa: E402


def shoot(url: str, png: Path, height: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size=1280,{height}", f"--screenshot={png}", url], check=True, capture_output=True)
    print(f"wrote {png.relative_to(REPO)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "decisions.db"
        run_batch([REPO / "samples"], database, factory=ExtractorSpec(model="blank"), workers=2,
                  extensions=("txt", "pdf", "html", "docx"))
        report = Path(folder) / "report.html"
        report.write_text(build_report(database), encoding="utf-8")
        shoot(report.as_uri(), REPO / "docs" / "report.png", 1900)

        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(database), "-m",
                                   str(database.with_name("decisions.metadata.json")), "-h", "127.0.0.1", "-p", str(port),
                                   "--setting", "truncate_cells_html", "120"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/decisions/decisions"
            for _ in range(100):
                try:
                    urllib.request.urlopen(url, timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            shoot(url, REPO / "docs" / "datasette-decisions.png", 2000)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
