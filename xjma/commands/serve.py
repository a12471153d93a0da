"""`xjma serve`: the roster check as a web page for the clerks of a prefecture's network (issue 22).

The server is waitress (the optional extra `xjma[web]`): pure Python, no C extension, Windows and Linux
alike, a pool of threads, request bodies spooled to a temporary file with a size cap. It binds to
127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import typer

from xjma.commands.common import RulesOpt, debug_enabled, err, handled, out
from xjma.errors import XjmaError

THREADS = 8  # requests served at once (polls and downloads); checks run in their own two workers
_BODY_SLACK = 1 << 20  # over the file limit: refused by waitress itself, before the body is read


def register(app: typer.Typer) -> None:
    app.command(
        "serve",
        help="启动名册检查网页：基层工会的经办人在浏览器中上传名册、查看问题、下载检查结果和模板。"
        "默认只允许本机访问（127.0.0.1）。",
    )(serve)


@handled
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

    from xjma.web import actions
    from xjma.web.app import ServeApp

    gc.enable()  # main() pauses the collector for a short run; a server runs for days
    setup = actions.load_setup(rules, db)
    app = ServeApp(setup, debug=debug_enabled())
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
        raise XjmaError(
            f"无法在 {host}:{number} 上启动网页服务（{exc.strerror or exc.__class__.__name__}）："
            "端口可能已被占用，请用 --port 换一个端口，或检查 --host 地址"
        ) from None
    _announce(host, server.effective_port, setup.ledger_note)
    try:
        server.run()
    except KeyboardInterrupt:
        out.print("网页服务已停止。")
    finally:
        app.checks.close()


def parse_port(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise XjmaError(f"端口“{text}”无效，请写 1 到 65535 之间的整数，如 --port 8080")
    return int(value)


def _announce(host: str, port: int, ledger_note: str) -> None:
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    if host in ("127.0.0.1", "localhost", "::1"):
        reach = "只有本机可以访问；要让局域网内的电脑访问，请加 --host 0.0.0.0"
    elif host in ("0.0.0.0", "::"):
        address = f"http://本机IP地址:{port}/"
        reach = "局域网内的电脑可以访问（请把本机的IP地址告诉经办人）"
    else:
        reach = "能连到这个地址的电脑都可以访问"
    out.print(
        f"名册检查网页已启动：{address}（监听 {shown}:{port}；{reach}）。按 Ctrl+C 停止。",
        markup=False,
        soft_wrap=True,
    )
    err.print(ledger_note, style="dim", markup=False)
