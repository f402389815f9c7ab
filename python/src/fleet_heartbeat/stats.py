"""What a worker counts about its jobs, and the context manager that counts them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import TracebackType
from typing import Any


def utc_now_iso() -> str:
    """Now in UTC, ISO-8601 to the second, ending in ``Z`` (e.g. ``2026-12-01T06:00:00Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class WorkerStats:
    """What a worker reports about its jobs, counted since the process started.

    Mutable on purpose: the worker's code (or :func:`track_job`) updates it and the heartbeat
    reads it. Every change of a field's value wakes the heartbeat loops watching it, so a new state is
    written at once instead of at the next tick.
    """

    busy: bool = False
    jobs_done: int = 0
    jobs_failed: int = 0
    last_job_at: str | None = None
    _listeners: list[Callable[[], None]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )
    _in_flight: int = field(default=0, init=False, repr=False, compare=False)

    def __setattr__(self, name: str, value: Any) -> None:
        missing = object()
        before = getattr(self, name, missing)
        object.__setattr__(self, name, value)
        if not name.startswith("_") and before is not missing and before != value:
            # getattr: fields are set by __init__ before the listener list exists.
            for listener in list(getattr(self, "_listeners", ())):
                listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Calls ``listener()`` after every field change; returns the function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def job_started(self) -> None:
        """One more job in flight: ``busy`` until the last one finishes."""
        with self._lock:
            self._in_flight += 1
            self.busy = True

    def job_finished(self, ok: bool | None) -> None:
        """A job ended: counted as done (``True``), failed (``False``) or neither (``None``, cancelled)."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            if ok is not None:
                if ok:
                    self.jobs_done += 1
                else:
                    self.jobs_failed += 1
                self.last_job_at = utc_now_iso()
            self.busy = self._in_flight > 0


class track_job:  # noqa: N801 - used like a function: `with track_job(stats):`
    """Counts one job on ``stats``: ``busy`` while it runs, then ``jobs_done`` (or
    ``jobs_failed`` if it raised) and ``last_job_at``. Works as ``with`` and ``async with``.

    A job interrupted by cancellation or ``KeyboardInterrupt`` counts as neither: it did not
    finish. The exception itself is never swallowed.
    """

    def __init__(self, stats: WorkerStats) -> None:
        self._stats = stats

    def __enter__(self) -> WorkerStats:
        self._stats.job_started()
        return self._stats

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._stats.job_finished(True)
        else:
            self._stats.job_finished(False if issubclass(exc_type, Exception) else None)

    async def __aenter__(self) -> WorkerStats:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)
