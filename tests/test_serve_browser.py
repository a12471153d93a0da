"""`xjma serve` as a clerk uses it: headless Chromium (Debian's package) driven by Selenium (issue 22).

The real server runs in a subprocess on a free loopback port; the browser picks or drops the sample
rosters, the test reads the verdict and the problems off the page, downloads the 检查结果 workbook and the
templates and opens them with openpyxl. A screenshot of each result page is kept in test-artifacts/
(or $XJMA_TEST_ARTIFACTS). Without Chromium the tests skip on a developer machine and fail in CI.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import in_ci
from serve_support import ROOT, SAMPLES, running_server

CHROMIUM = os.environ.get("XJMA_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("XJMA_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("XJMA_TEST_ARTIFACTS", ROOT / "test-artifacts"))
WAIT = 60


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
        import waitress  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed: pip install -e '.[dev]'"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing: apt-get install chromium chromium-driver"
    return None


@pytest.fixture(scope="module")
def browser_setup() -> None:
    missing = _missing()
    if missing:
        if in_ci():
            pytest.fail(f"CI=true but the browser test cannot run: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def server(browser_setup: None, tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("serve-browser")) as running:
        yield running


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def _chromium(downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800"):
        options.add_argument(arg)
    options.add_argument("--lang=zh-CN")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser(server, downloads: Path) -> Iterator[object]:
    driver = _chromium(downloads)
    try:
        driver.get(server.url + "/")
        yield driver
    finally:
        driver.quit()


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def wait_until(driver, condition, timeout: float = WAIT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def pick_and_check(driver, roster: Path, start: str = "2026-12-01") -> None:
    """Choose the file, set 保障起始日, press 开始检查 and wait for the verdict."""
    by_id(driver, "file").send_keys(str(roster))
    set_start(driver, start)
    by_id(driver, "check").click()
    wait_for_verdict(driver)


def set_start(driver, start: str) -> None:
    driver.execute_script("document.getElementById('start').value = arguments[0]", start)


def wait_for_verdict(driver, timeout: float = WAIT) -> None:
    wait_until(
        driver, lambda d: by_id(d, "result").is_displayed() or by_id(d, "failure").is_displayed(), timeout
    )


def problem_rows(driver) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    return [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def downloaded(folder: Path, name: str) -> Path:
    target = folder / name
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if target.exists() and not list(folder.glob("*.crdownload")):
            return target
        time.sleep(0.1)
    raise AssertionError(
        f"{name} was not downloaded; the folder holds {sorted(p.name for p in folder.iterdir())}"
    )


def keep_screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, max(900, min(int(height) + 100, 8000)))
    assert driver.save_screenshot(str(target))
    return target


def test_a_clean_roster_shows_that_it_can_be_submitted(browser) -> None:
    pick_and_check(browser, SAMPLES / "roster_clean.xlsx")
    assert by_id(browser, "verdict").text == "可以提交"
    assert "共 40 行，可参保 40 行；错误 0 个" in by_id(browser, "summary").text
    assert not by_id(browser, "problems-box").is_displayed()
    assert "乌鲁木齐市" in by_id(browser, "contacts").text
    keep_screenshot(browser, "serve_clean_roster.png")


def test_a_roster_with_mistakes_shows_each_problem_and_the_report_downloads(browser, downloads: Path) -> None:
    from openpyxl import load_workbook

    pick_and_check(browser, SAMPLES / "roster_mistakes.xlsx")
    assert by_id(browser, "verdict").text.startswith("有 27 个错误需要改正")
    rows = problem_rows(browser)
    assert len(rows) == 32  # 27 errors and 5 warnings (samples/README.md)
    assert "共 32 个问题" in by_id(browser, "problems-note").text
    checksum = next(r for r in rows if r[0] == "11")
    assert checksum[2] == "身份证号码校验码不对"
    assert "请对照身份证原件逐位核对" in checksum[4]
    assert "赵春梅" in by_id(browser, "contacts").text
    keep_screenshot(browser, "serve_roster_mistakes.png")
    by_id(browser, "download-report").click()
    book = load_workbook(downloaded(downloads, "roster_mistakes_检查结果.xlsx"))
    assert {"问题行", "问题清单", "汇总"} <= set(book.sheetnames)
    listed = book["问题清单"]
    assert listed.max_row > 30


def test_a_roster_dropped_on_the_box_is_checked(browser) -> None:
    """Drag and drop: the file arrives through the drop event, not the file picker."""
    by_id(browser, "file").send_keys(str(SAMPLES / "roster_mistakes.xlsx"))
    browser.execute_script(
        """const input = document.getElementById('file'), file = input.files[0];
           input.value = '';
           document.getElementById('chosen').textContent = '';
           const data = new DataTransfer(); data.items.add(file);
           document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true}));"""
    )
    assert "roster_mistakes.xlsx" in by_id(browser, "chosen").text
    set_start(browser, "2026-12-01")
    by_id(browser, "check").click()
    wait_for_verdict(browser)
    assert by_id(browser, "verdict").text.startswith("有 27 个错误需要改正")


def test_a_file_that_is_not_a_roster_gets_one_sentence(browser, tmp_path: Path) -> None:
    bad = tmp_path / "名册.pdf"
    bad.write_bytes(b"%PDF-1.4 not a roster")
    pick_and_check(browser, bad)
    failure = by_id(browser, "failure")
    assert failure.is_displayed()
    assert failure.text.startswith("不支持的文件类型“.pdf”")
    assert "Traceback" not in browser.page_source


def test_the_templates_download_and_the_plans_are_listed(browser, downloads: Path) -> None:
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    wait_until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#plans tbody tr")) == 5)
    plans = by_id(browser, "plans").text
    assert "¥110.00" in plans and "住院 ¥8000.00" in plans
    by_id(browser, "roster-template").click()
    roster = load_workbook(downloaded(downloads, "参保人员名册模板.xlsx"))
    by_id(browser, "claims-template").click()
    claims = load_workbook(downloaded(downloads, "理赔明细模板.xlsx"))
    assert roster.sheetnames and claims.sheetnames


def test_the_page_answers_and_shows_progress_while_a_big_roster_is_checked(browser, tmp_path: Path) -> None:
    from badfiles import _gen

    big = tmp_path / "big_roster.xlsx"
    _gen().make_roster(big, 20_000)
    by_id(browser, "file").send_keys(str(big))
    set_start(browser, "2026-12-01")
    by_id(browser, "check").click()
    wait_until(browser, lambda d: "已处理" in by_id(d, "progress-text").text)
    # Meanwhile the server still answers the page: the plans are fetched again while the check runs.
    answered = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/plans').then(r => r.json()).then(d => done(d.plans.length))"
    )
    assert answered == 5
    assert by_id(browser, "progress-box").is_displayed()
    wait_for_verdict(browser, timeout=300)
    assert "共 20,000 行" in by_id(browser, "summary").text
    keep_screenshot(browser, "serve_big_roster.png")


def test_a_file_over_the_size_limit_is_refused_on_the_page_with_the_limits_sentence(
    browser_setup: None, tmp_path: Path, downloads: Path
) -> None:
    with running_server(tmp_path, XJMA_MAX_FILE_BYTES="4096") as small:
        driver = _chromium(downloads)
        try:
            driver.get(small.url + "/")
            wait_until(
                driver, lambda d: d.execute_script("return document.getElementById('start').value") != ""
            )
            pick_and_check(driver, SAMPLES / "roster_clean.xlsx")
            failure = by_id(driver, "failure").text
        finally:
            driver.quit()
        assert list(small.temp.rglob("*")) == []
    assert failure.startswith("文件 roster_clean.xlsx 有 ")
    assert "超过上限" in failure
