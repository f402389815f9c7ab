"""The heartbeat for synchronous code: a daemon thread beside the worker."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import redis as syncredis

from .clients import private_client
from .failures import BeatFailures
from .payload import STATES, HeartbeatConfigError, build_payload, heartbeat_key, heartbeat_timing
from .stats import WorkerStats, track_job


class Heartbeat:
    """Beats from a daemon thread: now, then every ``interval_s`` (default ``HEARTBEAT_INTERVAL``,
    else 15) with ``EX ttl_s`` (``HEARTBEAT_TTL``, else 45), and at once when the state changes.

    ``client`` is a synchronous ``redis.Redis``; beats use a connection of their own with
    ``timeout`` as its socket timeout, so a job never waits on Redis and :meth:`stop` is prompt.
    ``mode`` is the watcher's, and required for it. Failures are logged once per outage and
    retried with backoff; the key is never deleted.

        beat = Heartbeat(redis.Redis.from_url(url), "image-render", "render", "idle")
        beat.start()
        with beat.track_job():
            render(job)
        beat.stop()
    """

    def __init__(
        self,
        client: Any,
        name: str,
        kind: str,
        state: str,
        mode: str | None = None,
        interval_s: float | None = None,
        ttl_s: float | None = None,
        *,
        timeout: float = 5.0,
    ) -> None:
        if kind not in STATES:
            raise HeartbeatConfigError(f"kind {kind!r} is not one of {', '.join(STATES)}")
        if (kind == "watcher") != (mode is not None):
            raise HeartbeatConfigError("mode is required for the watcher, and only for it")
        self.interval_s, self.ttl_s = heartbeat_timing(interval_s, ttl_s)
        self.name, self.kind = name, kind
        self.stats = WorkerStats()
        self._client, self._owned = private_client(
            client, syncredis.Redis, syncredis.ConnectionPool, timeout
        )
        self._timeout = timeout
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()  # a state change: beat now, not at the next tick
        self._thread: threading.Thread | None = None
        self._state = ""
        self._mode = mode
        self.set_state(state, mode)

    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str, mode: str | None = None) -> None:
        """Changes the state (and the watcher's ``mode``); the thread writes it at once."""
        if state not in STATES[self.kind]:
            raise HeartbeatConfigError(
                f"state {state!r} is not one of {', '.join(STATES[self.kind])} for kind {self.kind}"
            )
        if mode is not None and self.kind != "watcher":
            raise HeartbeatConfigError("mode is the watcher's field")
        with self._lock:
            changed = state != self._state or (mode is not None and mode != self._mode)
            self._state = state
            if mode is not None:
                self._mode = mode
        if changed:
            self._wake.set()

    def record_job(self, ok: bool) -> None:
        """Counts a finished job as done or failed and stamps ``last_job_at``."""
        self.stats.job_started()
        self.stats.job_finished(ok)

    @contextlib.contextmanager
    def track_job(self) -> Iterator[WorkerStats]:
        """``with beat.track_job():`` — ``busy`` while the block runs (render workers), then the
        job counted as done, or failed if it raised; the state before it comes back after."""
        before = self._state
        if self.kind == "render":
            self.set_state("busy")
        try:
            with track_job(self.stats) as stats:
                yield stats
        finally:
            if self.kind == "render":
                self.set_state(before if before != "busy" else "idle")

    def payload(self) -> dict[str, Any]:
        """The heartbeat as it would be written now."""
        payload: dict[str, Any] = json.loads(self._payload_json())
        return payload

    def _payload_json(self) -> str:
        with self._lock:
            state, mode = self._state, self._mode
        return build_payload(
            self.name, self.kind, state, self.stats, {"mode": mode} if mode is not None else None
        )

    def beat(self) -> None:
        """Writes one beat now, in the calling thread (raises what Redis raises)."""
        self._client.set(heartbeat_key(self.name), self._payload_json(), ex=self.ttl_s)

    def start(self) -> None:
        """Starts the beat thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"heartbeat-{self.name}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stops beating; the key is left to expire, exactly as after a crash. Safe twice."""
        self._stop.set()
        self._wake.set()
        if self._owned:
            self._interrupt_beat()
        if self._thread is not None:
            self._thread.join(self._timeout * 2 + 1)
        if self._owned:
            with contextlib.suppress(syncredis.RedisError, OSError):
                self._client.connection_pool.disconnect()

    def _interrupt_beat(self) -> None:
        """Shuts down the socket of a beat in flight, so a read blocked on a frozen Redis ends now
        rather than at its timeout. Only shut down: the beat thread, failing, closes it itself
        (redis-py's disconnect must not run in two threads at once)."""
        pool = self._client.connection_pool
        for connection in list(getattr(pool, "_in_use_connections", ())):
            sock = getattr(connection, "_sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Heartbeat:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        failures = BeatFailures(self.name, self.interval_s)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.beat()
                failures.succeeded()
                wait = self.interval_s
            except Exception as error:  # noqa: BLE001 - the thread must outlive any failure
                if self._stop.is_set():
                    break  # stop() closed the connection under this beat: not an outage
                wait = failures.failed(error)
                self._stop.wait(wait)  # state changes wait for the retry
                continue
            self._wake.wait(wait)
