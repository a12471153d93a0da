"""`xjma serve`: the roster check as a web page for the clerks of a prefecture's network (issue 22).

The server is waitress (the optional extra `xjma[web]`): pure Python, no C extension, Windows and Linux
alike, a pool of threads, request bodies spooled to a temporary file with a size cap. It binds to
127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import typer

from xjma.commands.common import RulesOpt, command, err, out
from xjma.errors import XjmaError

THREADS = 8  # requests served at once (polls and downloads); checks run in their own two workers
_BODY_SLACK = 1 << 20  # over the file limit: refused by waitress itself, before the body is read


def register(app: typer.Typer) -> None:
    app.command(
        "serve",
        help="启动名册检查网页：基层工会的经办人在浏览器中上传名册、查看问题、下载检查结果和模板。"
        "默认只允许本机访问（127.0.0.1）。",
    )(serve)


@command()
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="监听地址（默认 127.0.0.1 只允许本机访问；0.0.0.0 允许局域网访问）"
    ),
    port: str = typer.Option("8080", "--port", help="端口（默认 8080）"),
    db: str = typer.Option(
        None,
        "--db",
        help="台账数据库，只读核对已参保和续保（默认 $XJMA_DB，否则用户数据目录下的 xjma.db；不存在时不核对）",
    ),
    rules: Path = RulesOpt,
) -> None:
    number = parse_port(port)
    try:
        import waitress
    except ImportError:
        # Printed here, not through the handler, whose markup would take "[web]" for a style.
        err.print('错误：网页服务需要额外的组件 waitress，请先安装：pip install "xjma[web]"', markup=False)
        raise typer.Exit(2) from None
    import gc
    import signal

    from xjma.web import actions
    from xjma.web.app import ServeApp

    gc.enable()  # main() pauses the collector for a short run; a server runs for days
    setup = actions.load_setup(rules, db)
    app = ServeApp(setup, debug=actions.debug_on())
    try:
        server = waitress.create_server(
            app,
            host=host,
            port=number,
            threads=THREADS,
            max_request_body_size=actions.max_file_bytes() + _BODY_SLACK,
            ident="xjma",
        )
    except OSError as exc:
        raise XjmaError(_bind_failure(host, number, exc)) from None
    except ValueError:  # waitress: a host name that does not resolve
        raise XjmaError(
            f"找不到地址“{host}”，请检查 --host（本机访问用 127.0.0.1，局域网访问用 0.0.0.0）"
        ) from None
    _announce(host, getattr(server, "effective_port", number), setup.ledger_note)
    signal.signal(signal.SIGTERM, _stop)  # a service manager's stop: the same clean end as Ctrl+C
    try:
        server.run()  # returns on Ctrl+C (waitress takes the KeyboardInterrupt)
    finally:
        app.checks.close()
    out.print("网页服务已停止。")


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    import errno
    import socket

    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被其他程序占用，请用 --port 换一个端口（如 --port 8081）"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"本机没有地址“{host}”，请检查 --host（本机访问用 127.0.0.1，局域网访问用 0.0.0.0）"
    if exc.errno == errno.EACCES:
        return f"没有权限使用端口 {port}，请用 1024 以上的端口（如 --port 8080）"
    return f"无法在 {host}:{port} 上启动网页服务（{exc.strerror or exc.__class__.__name__}），请检查 --host 和 --port"


def parse_port(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise XjmaError(f"端口“{text}”无效，请写 1 到 65535 之间的整数，如 --port 8080")
    return int(value)


def _own_addresses() -> list[str]:
    """This PC's IPv4 addresses other than loopback, as far as its own name tells (best effort)."""
    import socket

    try:
        found = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return []
    return [ip for ip in dict.fromkeys(found) if not ip.startswith("127.")]


def _announce(host: str, port: int, ledger_note: str) -> None:
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    if host in ("127.0.0.1", "localhost", "::1"):
        reach = "只有本机可以访问；要让局域网内的电脑访问，请加 --host 0.0.0.0"
    elif host in ("0.0.0.0", "::"):
        address = "、".join(f"http://{ip}:{port}/" for ip in _own_addresses()) or f"http://本机IP地址:{port}/"
        reach = "局域网内的电脑可以访问，请把网址告诉经办人"
    else:
        reach = "能连到这个地址的电脑都可以访问"
    out.print(
        f"名册检查网页已启动：{address}（监听 {shown}:{port}；{reach}）。按 Ctrl+C 停止。",
        markup=False,
        soft_wrap=True,
    )
    err.print(ledger_note, style="dim", markup=False)
