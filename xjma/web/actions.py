"""The page's one door into the actions the CLI uses: validate, the templates, the plans in force.

Every call `xjma serve` makes into jobs/, io/ and commands/ is in this module, so that a change of
those interfaces is met here alone. Nothing here decides a rule: it calls the action and shapes its
outcome for the page (masked, labelled in Chinese).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHOWN_PROBLEMS = 1000  # the page lists the first problems; the workbook holds every one
SEVERITY = {"error": "错误", "warning": "提示"}
FORMATS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

# A stage of a check as the page shows it; `counted` stages report rows done.
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Setup:
    """What a server loads once at start: the rules, the prefectures, the ledger (or None) and its note."""

    rules: Any
    prefectures: Any
    ledger: Any
    ledger_note: str


def load_setup(rules: Path | None, db: str | None) -> Setup:
    """Rules, prefectures and the ledger, as `xjma validate` loads them; a bad rules file or an
    unreachable ledger is an XjmaError (exit 2 before the server starts)."""
    from xjma.commands.common import ledger_target
    from xjma.io.ledger import default_target
    from xjma.io.prefectures import load_prefectures
    from xjma.io.rules_file import load_rules
    from xjma.jobs.validate import open_ledger_view

    loaded = load_rules(rules)
    ledger, note = open_ledger_view(ledger_target(db, writes=False) or default_target())
    return Setup(loaded, load_prefectures(), ledger, note)


def today() -> dt.date:
    from xjma.commands.common import today as clock

    return clock()


def default_start() -> dt.date:
    from xjma.commands.common import start_date

    return start_date(None)


def parse_start(value: str | None) -> dt.date:
    """The page's 保障起始日, parsed as --start is (same sentence when it is not a date)."""
    from xjma.commands.common import parse_date_option

    return parse_date_option(value, "保障起始日") if value else default_start()


def max_file_bytes() -> int:
    from xjma.io.limits import current

    return current().max_file_bytes


def check_size(name: str, size: int) -> None:
    """The limit of io/limits on a file's size, asked before the upload is read."""
    from xjma.io.limits import check_size as refuse_over_limit

    refuse_over_limit(name, size)


def debug_on() -> bool:
    """--debug, read where the command runs (a context variable: worker threads do not see it)."""
    from xjma.errors import DEBUG

    return DEBUG.get()


def error_text(exc: BaseException) -> str:
    from xjma.commands.common import error_text as sentence

    return sentence(exc)


def mask(text: str) -> str:
    from xjma.core.privacy import mask_text

    return mask_text(text)


def check_roster(
    setup: Setup, roster: Path, start: dt.date, progress: Progress, sheet: str | None = None
) -> dict[str, Any]:
    """Validate `roster` (a file in a private folder) with the CLI's action, write the 检查结果 workbook
    beside it, and return the page's document with the workbook inline (base64): nothing stays on disk
    once the caller removes the folder."""
    from xjma.commands.documents import validation_document
    from xjma.jobs.validate import validate_file, write_validation_report

    progress("读取名册", 0)
    outcome = validate_file(
        roster,
        start=start,
        sheet=sheet,
        rules=setup.rules,
        ledger=setup.ledger,
        prefectures=setup.prefectures,
        progress=_counting(progress),
    )
    progress("写入检查结果", len(outcome.check.rows))
    report = write_validation_report(outcome, roster, None, today())
    doc = validation_document(outcome, report)
    contacts = outcome.prefectures.contact_lines(outcome.prefectures_seen())
    page = page_document(doc, outcome.counts(), contacts, outcome.ledger_used, roster.name)
    page["report_name"] = report.name
    page["report"] = base64.b64encode(report.read_bytes()).decode("ascii")
    return page


def _counting(progress: Progress) -> Callable[[Iterable[Any], int], Iterable[Any]]:
    def wrap(rows: Iterable[Any], total: int) -> Iterator[Any]:
        done = 0
        for done, row in enumerate(rows, start=1):  # noqa: B007 - `done` is read after the loop
            if done % 500 == 0:
                progress("检查中", done)
            yield row
        progress("核对中", done)

    return wrap


def page_document(
    doc: dict[str, Any], counts: dict[str, int], contacts: list[str], ledger_used: bool, name: str
) -> dict[str, Any]:
    """The validate document as the page shows it: the verdict, counts by problem in Chinese, the
    first problems with ID and phone numbers masked (as on the terminal), and the contacts."""
    from xjma.core.messages import TITLES

    problems = doc["problems"]
    severity = {p["code"]: p["severity"] for p in problems}
    by_code = sorted(counts.items(), key=lambda kv: (severity[kv[0]] != "error", -kv[1], kv[0]))
    return {
        "file": name,
        "sheet": doc["sheet"],
        "start": doc["start"],
        "rows": doc["rows"],
        "valid_rows": doc["valid_rows"],
        "errors": doc["errors"],
        "warnings": doc["warnings"],
        "verdict": verdict(doc["errors"], doc["warnings"]),
        "counts": [
            {"code": c, "title": TITLES.get(c, c), "severity": SEVERITY[severity[c]], "count": n}
            for c, n in by_code
        ],
        "problems": [
            {
                "row": p["row"],
                "column": mask(p["column"]),
                "title": TITLES.get(p["code"], p["code"]),
                "severity": SEVERITY[p["severity"]],
                "message": mask(p["message"]),
                "code": p["code"],
            }
            for p in problems[:SHOWN_PROBLEMS]
        ],
        "problems_total": len(problems),
        "contacts": contacts,
        "ledger_used": ledger_used,
    }


def verdict(errors: int, warnings: int) -> str:
    """The verdict line of documents.md 检查结果."""
    if errors == 0:
        return "可以提交"
    return f"有 {errors} 个错误需要改正，{warnings} 个提示"


def roster_template(setup: Setup, target: Path) -> None:
    """`xjma template roster`, written to `target`."""
    from xjma.io.template_xlsx import write_roster_template
    from xjma.jobs.plans import plans_document

    on = today()
    doc = plans_document(setup.rules, on)
    version = setup.rules.version_on(on)
    write_roster_template(target, setup.rules, version, setup.prefectures, doc)


def claims_template(setup: Setup, target: Path) -> None:
    """`xjma template claims`, written to `target`."""
    from xjma.io.template_xlsx import write_claims_template
    from xjma.jobs.plans import plans_document

    write_claims_template(target, setup.rules, plans_document(setup.rules, today()))


def plans_in_force(setup: Setup) -> dict[str, Any]:
    """`xjma plans` for today, with the benefits labelled in Chinese for the page."""
    from xjma.jobs.plans import benefit_label, plans_document

    doc = plans_document(setup.rules, today())
    for plan in doc["plans"]:
        plan["benefits"] = [{"name": benefit_label(b), "amount": v} for b, v in plan["benefits"].items()]
    return doc


def check_error(exc: BaseException, folder: Path, debug: bool = False) -> str:
    """The CLI's sentence for a check that could not run, without the server's private folder in it."""
    from xjma.errors import XjmaError

    if not isinstance(
        exc, XjmaError
    ):  # a bug: its class on the server's console, the trace only with --debug
        import sys
        import traceback

        print(f"xjma serve 检查时内部错误：{exc.__class__.__name__}", file=sys.stderr)
        if debug:
            traceback.print_exception(exc)
    text = error_text(exc)
    return mask(text.replace(f"{folder}/", "").replace(f"{folder}\\", "").replace(str(folder), ""))
