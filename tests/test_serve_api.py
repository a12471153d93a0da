"""`xjma serve` through its HTTP routes, as the page uses them (issue 22): the real server in a subprocess."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from badfiles import _gen
from serve_support import (
    SAMPLES,
    START,
    check,
    get_json,
    report_bytes,
    request,
    running_server,
    upload,
    wait_for,
    xjma_exe,
)
from typer.testing import CliRunner

pytest.importorskip("waitress")

FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def cli_validate(file: Path, tmp: Path, *args: str) -> dict:
    """The CLI's own `validate --json` on the same file: the page must agree with it."""
    proc = subprocess.run(
        [xjma_exe(), "validate", str(file), "--start", START, "-o", str(tmp / "cli.xlsx"), "--json", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={
            "XJMA_TODAY": "2026-11-30",
            "XJMA_DB": str(tmp / "none.db"),
            "PATH": str(Path(sys.executable).parent),
        },
    )
    return json.loads(proc.stdout)


def leftovers(temp: Path) -> list[Path]:
    return sorted(temp.rglob("*"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


def test_a_clean_roster_can_be_submitted(server) -> None:
    status = check(server, SAMPLES / "roster_clean.xlsx")
    result = status["result"]
    assert status["state"] == "done"
    assert result["verdict"] == "可以提交"
    assert (result["rows"], result["errors"], result["problems"]) == (40, 0, [])
    assert any("乌鲁木齐市" in line for line in result["contacts"])


def test_the_page_lists_the_same_problems_as_the_command_line(server, tmp_path: Path) -> None:
    roster = SAMPLES / "roster_mistakes.xlsx"
    result = check(server, roster)["result"]
    cli = cli_validate(roster, tmp_path)
    assert [(p["row"], p["code"]) for p in result["problems"]] == [
        (p["row"], p["code"]) for p in cli["problems"]
    ]
    assert (result["errors"], result["warnings"], result["valid_rows"]) == (
        cli["errors"],
        cli["warnings"],
        cli["valid_rows"],
    )
    assert result["verdict"] == f"有 {cli['errors']} 个错误需要改正，{cli['warnings']} 个提示"
    assert any(line.startswith("巴州：") and "赵春梅" in line for line in result["contacts"])


def test_the_report_is_the_check_result_workbook(server) -> None:
    from openpyxl import load_workbook

    result = check(server, SAMPLES / "roster_mistakes.xlsx")["result"]
    assert result["report_name"] == "roster_mistakes_检查结果.xlsx"
    book = load_workbook(io.BytesIO(report_bytes(result)))
    assert {"问题行", "问题清单", "汇总"} <= set(book.sheetnames)


def test_id_numbers_on_the_page_are_masked(server, tmp_path: Path) -> None:
    roster = SAMPLES / "roster_mistakes.xlsx"
    cli_messages = json.dumps(cli_validate(roster, tmp_path)["problems"], ensure_ascii=False)
    assert FULL_ID.search(cli_messages), (
        "the sample must quote a full ID number for this test to mean anything"
    )
    result = check(server, roster)["result"]
    result.pop("report")
    shown = json.dumps(result, ensure_ascii=False)
    assert not FULL_ID.search(shown)
    assert "********" in shown


def test_two_uploads_at_once_each_see_only_their_own_roster(server, tmp_path: Path) -> None:
    big = tmp_path / "big_roster.xlsx"
    planted = _gen().make_roster(big, 3000)
    results: dict[str, dict] = {}

    def run(file: Path) -> None:
        results[file.name] = check(server, file)["result"]

    threads = [threading.Thread(target=run, args=(f,)) for f in (big, SAMPLES / "roster_clean.xlsx")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine, clean = results["big_roster.xlsx"], results["roster_clean.xlsx"]
    assert (clean["file"], clean["rows"], clean["problems"]) == ("roster_clean.xlsx", 40, [])
    assert (mine["file"], mine["rows"]) == ("big_roster.xlsx", 3000)
    assert planted.planted <= {(p["row"], p["code"]) for p in mine["problems"]}


def test_nothing_is_kept_once_the_answers_are_given(server) -> None:
    check(server, SAMPLES / "roster_mistakes.xlsx")
    bad = server.temp.parent / "not_a_roster.xlsx"
    bad.write_bytes(b"this is not a workbook")
    assert check(server, bad)["state"] == "failed"
    assert request(server.url + "/download/roster-template")[0] == 200
    assert leftovers(server.temp) == []


def test_a_result_is_handed_over_once(server) -> None:
    code, answer = upload(server, SAMPLES / "roster_clean.xlsx")
    assert wait_for(server, answer["job"])["state"] == "done"
    status, _, body = request(f"{server.url}/api/jobs/{answer['job']}")
    assert status == 404
    assert "已经取走或已过期" in json.loads(body)["message"]


def test_a_file_that_is_not_a_roster_gets_the_command_lines_sentence(server, tmp_path: Path) -> None:
    bad = tmp_path / "名册.txt"
    bad.write_text("姓名,身份证号码\n", encoding="utf-8")
    status = check(server, bad)
    proc = subprocess.run(
        [xjma_exe(), "validate", bad.name, "--start", START],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={"XJMA_TODAY": "2026-11-30", "XJMA_DB": str(tmp_path / "none.db"), "COLUMNS": "500"},
    )
    assert proc.returncode == 2
    assert status == {"state": "failed", "message": proc.stderr.strip().removeprefix("错误：")}
    assert "Traceback" not in status["message"]


def test_a_sheet_that_is_not_in_the_file_is_named_without_the_servers_folder(server) -> None:
    status = check(server, SAMPLES / "roster_clean.xlsx", sheet="名单")
    assert status["state"] == "failed"
    assert status["message"].startswith("roster_clean.xlsx 中没有名为“名单”的工作表，现有工作表：")
    assert str(server.temp) not in status["message"]


def test_the_sheet_named_on_the_page_is_the_one_checked(server) -> None:
    result = check(server, SAMPLES / "roster_clean.xlsx", sheet="参保人员名册")["result"]
    assert (result["sheet"], result["rows"]) == ("参保人员名册", 40)


def test_a_start_date_that_is_not_a_date_is_refused_in_chinese(server) -> None:
    code, answer = upload(server, SAMPLES / "roster_clean.xlsx", start="明天")
    assert code == 400
    assert answer["message"] == "保障起始日 不是有效日期：'明天'，请写成 2026-12-01 的形式"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    roster = SAMPLES / "roster_clean.xlsx"
    with running_server(tmp_path, XJMA_MAX_FILE_BYTES="4096") as small:
        code, answer = upload(small, roster)
        asked = get_json(f"{small.url}/api/limit?name=roster_clean.xlsx&size={roster.stat().st_size}")
        assert leftovers(small.temp) == []
    assert code == 413
    assert answer["message"].startswith("文件 roster_clean.xlsx 有 ")
    assert "超过上限" in answer["message"]
    assert asked == answer


def ledger_snapshot(target: str) -> object:
    """Everything the ledger holds: a SQLite file's bytes, or every row of every table in PostgreSQL."""
    if "://" not in target:
        return Path(target).read_bytes()
    import psycopg

    with psycopg.connect(target) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def test_the_ledger_is_read_and_never_written(ledger_target: str, tmp_path: Path) -> None:
    env = {"XJMA_TODAY": "2026-11-30", "PATH": str(Path(sys.executable).parent)}
    enrolled = subprocess.run(
        [xjma_exe(), "enroll", str(SAMPLES / "roster_clean.xlsx"), "--start", START, "--db", ledger_target]
        + ["-o", str(tmp_path / "enrolled.xlsx"), "--json"],
        capture_output=True,
        env=env,
    )
    assert enrolled.returncode == 0, enrolled.stderr
    before = ledger_snapshot(ledger_target)
    with running_server(tmp_path, "--db", ledger_target) as server:
        result = check(server, SAMPLES / "roster_clean.xlsx", start="2027-01-01")["result"]
    assert result["ledger_used"] is True
    assert "already-enrolled" in {p["code"] for p in result["problems"]}
    assert ledger_snapshot(ledger_target) == before


def test_the_server_says_where_it_listens(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        port = server.url.rsplit(":", 1)[1]
        server.process.terminate()
        said = server.output()
    assert f"名册检查网页已启动：http://127.0.0.1:{port}/" in said
    assert "只有本机可以访问" in said
    assert "网页服务已停止" in said  # a service manager's stop (SIGTERM) ends it cleanly


def test_a_port_that_is_not_a_number_is_told_in_chinese() -> None:
    from xjma.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", "abc"])
    assert result.exit_code == 2
    assert "端口“abc”无效，请写 1 到 65535 之间的整数" in result.output


def test_without_the_web_extra_serve_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from xjma.cli import app

    monkeypatch.setitem(sys.modules, "waitress", None)  # `import waitress` now fails as if not installed
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert 'pip install "xjma[web]"' in result.output


def test_the_page_loads_nothing_from_elsewhere(server) -> None:
    """No external script, font or style: the page works without internet, and the browser is told so."""
    status, headers, body = request(server.url + "/")
    page = body.decode("utf-8")
    assert status == 200
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_uploads_beyond_the_queue_are_asked_to_come_back_later(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In process, without a server: the WSGI application itself, with a queue of one."""
    from xjma.web import app as web
    from xjma.web.actions import load_setup

    release = threading.Event()
    monkeypatch.setattr(web, "MAX_WAITING", 1)
    monkeypatch.setattr(web.actions, "check_roster", lambda *args, **kwargs: release.wait(30) and {})
    application = web.ServeApp(load_setup(None, str(tmp_path / "none.db")))
    body = (SAMPLES / "roster_clean.xlsx").read_bytes()
    answers = []

    def post() -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/check",
            "QUERY_STRING": f"name=roster_clean.xlsx&start={START}",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        application(environ, lambda status, headers: answers.append(status))

    try:
        post()
        post()  # the first is still running
    finally:
        release.set()
        application.checks.close()
    assert answers == ["202 Accepted", "503 Service Unavailable"]
