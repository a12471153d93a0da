"""`xjma serve` timings (issue 22): a roster checked and shown in headless Chromium, and how fast the
server answers the page while a big roster is checked.

    .venv/bin/python benchmarks/bench_serve.py [ROWS ...]     # default 10000 100000

Needs Debian's chromium + chromium-driver and the dev extra (selenium, waitress). Prints one line per size:
seconds from 开始检查 to the verdict on the page, and the slowest answer to /api/info during the check.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from gen import make_roster  # noqa: E402
from serve_support import request, running_server  # noqa: E402


def browser(downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def slowest_answer(url: str, stop: threading.Event, worst: list[float]) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        request(url + "/api/info")
        worst[0] = max(worst[0], time.perf_counter() - began)
        time.sleep(0.2)


def measure(rows: int, tmp: Path) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    roster = tmp / f"roster_{rows}.xlsx"
    make_roster(roster, rows)
    with running_server(tmp / f"server_{rows}") as server:
        driver = browser(tmp)
        try:
            driver.get(server.url + "/")
            driver.find_element(By.ID, "file").send_keys(str(roster))
            driver.execute_script("document.getElementById('start').value = '2026-12-01'")
            stop, worst = threading.Event(), [0.0]
            watcher = threading.Thread(target=slowest_answer, args=(server.url, stop, worst))
            watcher.start()
            began = time.perf_counter()
            driver.find_element(By.ID, "check").click()
            WebDriverWait(driver, 900, poll_frequency=0.05).until(
                lambda d: d.find_element(By.ID, "verdict").is_displayed()
            )
            took = time.perf_counter() - began
            stop.set()
            watcher.join()
            verdict = driver.find_element(By.ID, "verdict").text
        finally:
            driver.quit()
    size = roster.stat().st_size / 2**20
    return (
        f"{rows:>7,} rows ({size:.1f} MB): verdict on the page after {took:.2f} s ({verdict}); "
        f"slowest /api/info meanwhile {worst[0] * 1000:.0f} ms"
    )


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            print(measure(rows, Path(folder)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
