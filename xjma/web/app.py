"""The WSGI application behind `xjma serve`: one page, a few JSON routes, the downloads.

Routes:
  GET  /                          the page (page.html: Chinese, no external script, font or style)
  GET  /api/info                  default 保障起始日, the size limit, the ledger note
  GET  /api/plans                 the plans in force (`xjma plans`)
  GET  /api/limit?name=&size=     the sentence refusing a file over the size limit (asked before upload)
  POST /api/check?name=&start=&sheet=  the roster as the request body → {"job": id} (202)
  GET  /api/jobs/<id>             progress, then once the result (with the 检查结果 workbook inline)
  GET  /download/roster-template  the blank roster; /download/claims-template the blank claims file

Every answer a person reads is Chinese; a failure is a JSON {"message": …}, never a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from xjma.errors import XjmaError
from xjma.web import actions
from xjma.web.checks import Checks

Start = Callable[[str, list[tuple[str, str]]], Any]
Answer = tuple[str, list[tuple[str, str]], bytes]  # status, headers, body
_CHUNK = 1 << 20
_JOB = re.compile(r"^/api/jobs/([A-Za-z0-9_-]{10,64})$")
_SAFE_NAME = re.compile(r"[\x00-\x1f\\/:*?\"<>|]")
_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
]
# The page works offline: nothing may load from elsewhere, even by mistake.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
TEMPLATES = {
    "/download/roster-template": ("参保人员名册模板.xlsx", actions.roster_template),
    "/download/claims-template": ("理赔明细模板.xlsx", actions.claims_template),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WAITING = 20  # checks running or queued at once; more uploads are asked to come back later


class Reply(Exception):
    """An answer decided early (a refusal): status and message."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class ServeApp:
    def __init__(self, setup: actions.Setup, workers: int = 2, debug: bool = False) -> None:
        self.setup = setup
        self.checks = Checks(lambda exc, folder: actions.check_error(exc, folder, debug), workers=workers)
        self.debug = debug
        self.page = resources.files("xjma.web").joinpath("page.html").read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        try:
            status, headers, body = self.route(environ)
        except Reply as reply:
            status, headers, body = _json(reply.status, {"message": reply.message})
        except XjmaError as exc:
            status, headers, body = _json("400 Bad Request", {"message": actions.error_text(exc)})
        except Exception as exc:  # a bug: a short notice to the page, the class name only on the console
            if self.debug:
                raise
            print(f"xjma serve 内部错误：{exc.__class__.__name__}", file=sys.stderr)
            status, headers, body = _json("500 Internal Server Error", {"message": actions.error_text(exc)})
        start_response(status, [*headers, ("Content-Length", str(len(body))), *_HEADERS])
        return [body]

    def route(self, environ: dict[str, Any]) -> Answer:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/api/check":
            if method != "POST":
                raise Reply("405 Method Not Allowed", "请用页面上的“开始检查”按钮上传名册")
            return _json("202 Accepted", {"job": self.start_check(environ, query)})
        if method not in ("GET", "HEAD"):
            raise Reply("405 Method Not Allowed", "不支持这种请求")
        if path == "/":
            return (
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Security-Policy", _CSP)],
                self.page,
            )
        if path == "/api/info":
            return _json("200 OK", self.info())
        if path == "/api/plans":
            return _json("200 OK", actions.plans_in_force(self.setup))
        if path == "/api/limit":
            return _json("200 OK", {"message": _limit_sentence(query)})
        if path in TEMPLATES:
            return self.template(*TEMPLATES[path])
        found = _JOB.match(path)
        if found:
            status = self.checks.poll(found.group(1))
            if status is None:
                raise Reply("404 Not Found", "这次检查的结果已经取走或已过期，请重新上传名册")
            return _json("200 OK", status)
        raise Reply("404 Not Found", "没有这个页面，请打开首页")

    def info(self) -> dict[str, Any]:
        return {
            "start": actions.default_start().isoformat(),
            "max_bytes": actions.max_file_bytes(),
            "formats": list(actions.FORMATS),
            "ledger_used": self.setup.ledger is not None,
        }

    def start_check(self, environ: dict[str, Any], query: dict[str, str]) -> str:
        """Refuse early what can be refused (date, size), then stream the body into a private folder."""
        start = actions.parse_start(query.get("start"))
        sheet = query.get("sheet", "").strip() or None
        name = upload_name(query.get("name", ""))
        size = _content_length(environ)
        try:
            actions.check_size(name, size)
        except XjmaError as exc:
            raise Reply("413 Payload Too Large", exc.message) from None
        if self.checks.running() >= MAX_WAITING:
            raise Reply("503 Service Unavailable", "现在检查的名册太多，请过一两分钟再点“开始检查”")
        folder = Path(tempfile.mkdtemp(prefix="xjma-serve-"))
        try:
            _save(environ["wsgi.input"], folder / name, size)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        setup = self.setup

        def work(where: Path, progress: Callable[[str, int], None]) -> dict[str, Any]:
            return actions.check_roster(setup, where / name, start, progress, sheet=sheet)

        return self.checks.submit(folder, work)

    def template(self, filename: str, write: Callable[[actions.Setup, Path], None]) -> Answer:
        with tempfile.TemporaryDirectory(prefix="xjma-serve-") as folder:
            target = Path(folder) / filename
            write(self.setup, target)
            body = target.read_bytes()
        disposition = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
        return "200 OK", [("Content-Type", XLSX), ("Content-Disposition", disposition)], body


def upload_name(raw: str) -> str:
    """The roster's own file name (its suffix tells the format), without any folder or odd character."""
    name = _SAFE_NAME.sub("", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    if not name:
        return "名册"
    stem, dot, suffix = name.rpartition(".")
    return (stem[:80] + dot + suffix[:10]) if dot else name[:90]


def _content_length(environ: dict[str, Any]) -> int:
    text = environ.get("CONTENT_LENGTH") or ""
    if not text.isdigit():
        raise Reply("411 Length Required", "请选择名册文件后再点“开始检查”")
    if int(text) == 0:
        raise Reply("400 Bad Request", "上传的文件是空的，请重新选择名册文件")
    return int(text)


def _save(stream: Any, target: Path, size: int) -> None:
    """Copy the body to disk in pieces, never more than the declared size (the limit was checked)."""
    left = size
    with target.open("wb") as out:
        while left > 0:
            piece = stream.read(min(_CHUNK, left))
            if not piece:
                raise Reply("400 Bad Request", "文件没有上传完整，请重新上传")
            out.write(piece)
            left -= len(piece)


def _limit_sentence(query: dict[str, str]) -> str | None:
    size = query.get("size", "")
    if not size.isdigit():
        return None
    try:
        actions.check_size(upload_name(query.get("name", "")), int(size))
    except XjmaError as exc:
        return exc.message
    return None


def _json(status: str, doc: Any) -> Answer:
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return status, [("Content-Type", "application/json; charset=utf-8")], body
