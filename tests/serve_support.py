"""Running the real `xjma serve` for tests: a subprocess on a free loopback port, and a client in urllib."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
START = "2026-12-01"  # the samples' coverage start (samples/README.md)


def xjma_exe() -> str:
    """The installed `xjma` beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("xjma")
    return str(beside) if beside.exists() else (shutil.which("xjma") or "xjma")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    temp: Path  # the server's TMPDIR: every upload and report passes through it

    def output(self) -> str:
        """What the server printed (after it stopped)."""
        out, err = self.process.communicate(timeout=10)
        return out + err


def server_env(temp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XJMA_") or k == "XJMA_TEST_PG_URL"}
    env.update(TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp), XJMA_TODAY="2026-11-30", NO_COLOR="1")
    env["XJMA_DB"] = str(temp.parent / "no-ledger-here.db")  # never the user's default ledger
    env.update(extra)
    return env


@contextlib.contextmanager
def running_server(tmp: Path, *args: str, **env: str) -> Iterator[Server]:
    """`xjma serve --port <free> ARGS` until the block ends; waits until it answers."""
    temp = tmp / "server-tmp"
    temp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [xjma_exe(), "serve", "--port", str(port), *args],
        env=server_env(temp, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    server = Server(f"http://127.0.0.1:{port}", process, temp)
    try:
        _wait_until_up(server)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        if process.poll() is None:
            process.kill()


def _wait_until_up(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"xjma serve stopped: {server.output()}")
        with contextlib.suppress(OSError):
            get_json(server.url + "/api/info")
            return
        time.sleep(0.1)
    raise AssertionError("xjma serve did not answer in time")


def request(
    url: str, data: bytes | None = None, method: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/octet-stream")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get_json(url: str) -> Any:
    status, _, body = request(url)
    return json.loads(body)


def upload(server: Server, file: Path, start: str = START, sheet: str = "") -> tuple[int, Any]:
    """POST a roster as the page does; (status, the JSON answer)."""
    query = urllib.parse.urlencode({"name": file.name, "start": start, "sheet": sheet})
    status, _, body = request(f"{server.url}/api/check?{query}", data=file.read_bytes())
    return status, json.loads(body)


def wait_for(server: Server, job: str, timeout: float = 120) -> dict[str, Any]:
    """Poll a job as the page does until it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = get_json(f"{server.url}/api/jobs/{job}")
        if status.get("state") in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish")


def check(server: Server, file: Path, start: str = START, sheet: str = "") -> dict[str, Any]:
    """Upload and wait: the finished job's status ({"state": "done", "result": …} or failed)."""
    code, answer = upload(server, file, start, sheet)
    assert code == 202, answer
    return wait_for(server, answer["job"])


def report_bytes(result: dict[str, Any]) -> bytes:
    return base64.b64decode(result["report"])
