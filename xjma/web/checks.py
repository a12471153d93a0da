"""Checks running for the page: one job per upload, in worker threads, polled by the page.

A job is known by an unguessable id (only the browser that uploaded the roster holds it), keeps its
upload in a private temporary folder that is removed as soon as the check ends, and hands its result
over once: the poll that receives it forgets the job. A result nobody collects is dropped after
`KEEP_SECONDS`. At most `workers` checks run at once (a 100k-row roster takes memory); the others wait.
"""

from __future__ import annotations

import gc
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEEP_SECONDS = 600

# (folder, progress) -> the page's result; an exception is turned into a sentence by `explain`.
Work = Callable[[Path, Callable[[str, int], None]], dict[str, Any]]
Explain = Callable[[BaseException, Path], str]


@dataclass
class Job:
    folder: Path
    state: str = "queued"  # queued → running → done | failed
    stage: str = "排队等待"
    rows_done: int = 0
    result: dict[str, Any] | None = None
    message: str = ""
    finished: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self) -> dict[str, Any]:
        with self.lock:
            if self.state == "done":
                return {"state": "done", "result": self.result}
            if self.state == "failed":
                return {"state": "failed", "message": self.message}
            return {"state": self.state, "stage": self.stage, "rows_done": self.rows_done}


class Checks:
    def __init__(self, explain: Explain, workers: int = 2) -> None:
        self._explain = explain
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xjma-check")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, folder: Path, work: Work) -> str:
        """Start checking the upload in `folder` (which the job now owns and removes)."""
        job_id = secrets.token_urlsafe(18)
        job = Job(folder)
        with self._lock:
            self._sweep()
            self._jobs[job_id] = job
        self._pool.submit(self._run, job, work)
        return job_id

    def poll(self, job_id: str) -> dict[str, Any] | None:
        """The job's status; a finished job is handed over and forgotten. None: unknown or collected."""
        with self._lock:
            self._sweep()
            job = self._jobs.get(job_id)
            if job is None:
                return None
            status = job.status()
            if status["state"] in ("done", "failed"):
                del self._jobs[job_id]
        return status

    def running(self) -> int:
        with self._lock:
            return sum(1 for job in self._jobs.values() if job.finished is None)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                remove(job.folder)
            self._jobs.clear()

    def _run(self, job: Job, work: Work) -> None:
        def progress(stage: str, rows: int) -> None:
            with job.lock:
                job.state, job.stage, job.rows_done = "running", stage, rows

        result: dict[str, Any] | None = None
        message = ""
        try:
            progress("读取名册", 0)
            result = work(job.folder, progress)
        except Exception as exc:  # a user mistake is a sentence; a bug is "内部错误" (no traceback, no data)
            message = self._explain(exc, job.folder)
        finally:
            remove(job.folder)  # the upload and the report are personal data: gone before the result is out
        with job.lock:
            job.state = "done" if result is not None else "failed"
            job.result, job.message, job.finished = result, message, time.monotonic()

    def _sweep(self) -> None:
        """Drop results nobody collected (the page was closed): caller holds the lock."""
        now = time.monotonic()
        stale = [
            k for k, j in self._jobs.items() if j.finished is not None and now - j.finished > KEEP_SECONDS
        ]
        for key in stale:
            del self._jobs[key]


def remove(folder: Path) -> None:
    """Delete a job's folder. On Windows a file still open cannot be deleted: a reader's handle that only
    the garbage collector closes is let go first, and a folder that still stays is said on the console."""
    for attempt in range(4):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        gc.collect()
        time.sleep(0.1 * attempt)
    print(f"xjma serve：临时文件夹 {folder} 未能删除，请手工删除", file=sys.stderr)
