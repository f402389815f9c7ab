"""The asyncio heartbeat: one task beside the worker's own loop."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, Union, cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from .clients import private_client
from .failures import BeatFailures
from .payload import STATES, HeartbeatConfigError, build_payload, heartbeat_key, heartbeat_timing
from .stats import WorkerStats, utc_now_iso

log = logging.getLogger("fleet_heartbeat")
T = TypeVar("T")

#: ``state_fn(redis, stats)`` returns ``(state, extra)``, directly or awaited.
StateResult = tuple[str, Union[Mapping[str, Any], None]]
StateFn = Callable[[Any, WorkerStats], Union[StateResult, Awaitable[StateResult]]]

#: The longest one beat may take (connect, GET, SET, state_fn) before it counts as failed.
DEFAULT_TIMEOUT = 5.0
#: How often the state is re-checked between beats, so a pause shows within this long.
DEFAULT_CHECK_INTERVAL = 1.0


async def is_paused(redis: Any, paused_key: str = "queue:paused") -> bool:
    """Whether the watcher paused render work: ``paused_key`` holds ``"1"``, whichever
    ``decode_responses`` the client was made with. A key of another type is not a pause."""
    try:
        value = await redis.get(paused_key)
    except ResponseError:  # WRONGTYPE: something else wrote it; the monitor reports it
        return False
    return bool(value == b"1" or value == "1")


async def render_state(redis: Any, stats: WorkerStats, paused_key: str = "queue:paused") -> str:
    """A render worker's state: ``paused`` while ``paused_key`` is ``"1"``, else ``busy`` or ``idle``."""
    if await is_paused(redis, paused_key):
        return "paused"
    return "busy" if stats.busy else "idle"


async def heartbeat_loop(
    redis: Any,
    name: str,
    kind: str,
    stats: WorkerStats,
    *,
    interval: float | None = None,
    ttl: float | None = None,
    paused_key: str = "queue:paused",
    state_fn: StateFn | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check_interval: float = DEFAULT_CHECK_INTERVAL,
) -> None:
    """Beats until cancelled: ``SET worker:<name>:heartbeat <json> EX <ttl>`` every ``interval``
    seconds (default ``HEARTBEAT_INTERVAL``, else 15; ``ttl``: ``HEARTBEAT_TTL``, else 45), and
    at once when the state changes.

    The state is ``state_fn(redis, stats)`` (awaited if it returns an awaitable) giving
    ``(state, extra)``, or for render workers without one :func:`render_state`. It is checked on
    every change to ``stats`` and every ``check_interval`` seconds; only a change (or the
    interval) writes. Beats go through a connection of their own with ``timeout`` as its socket
    timeout, so a dead or frozen Redis costs at most ``timeout`` per attempt and never blocks the
    event loop. Failures are logged once per outage and retried with backoff; the loop only ends
    by cancellation, and never deletes the key: a stopped worker expires like a dead one.
    """
    interval_s, ttl_s = heartbeat_timing(interval, ttl)
    if kind not in STATES:
        raise HeartbeatConfigError(f"kind {kind!r} is not one of {', '.join(STATES)}")
    if state_fn is None and kind != "render":
        raise HeartbeatConfigError(f"a {kind} needs a state_fn: only render workers have a default")
    if timeout <= 0 or check_interval <= 0:
        raise HeartbeatConfigError("timeout and check_interval must be > 0")

    async def current_state(client: Any) -> StateResult:
        if state_fn is None:
            return await render_state(client, stats, paused_key), None
        return await _resolved(state_fn(redis, stats))

    client, owned = private_client(redis, aioredis.Redis, aioredis.ConnectionPool, timeout)
    key = heartbeat_key(name)
    changed = asyncio.Event()
    loop = asyncio.get_running_loop()

    def wake() -> None:
        # Stats may change in a worker thread; the event belongs to this loop.
        if not loop.is_closed():
            loop.call_soon_threadsafe(changed.set)

    unsubscribe = stats.subscribe(wake)
    failures = BeatFailures(name, interval_s)
    written: tuple[str, str] | None = None  # (state, extra as JSON) of the last beat written
    next_beat = 0.0
    try:
        while True:
            changed.clear()
            try:
                state, extra = await _bounded(current_state(client), timeout)
                now = time.monotonic()
                fingerprint = (state, repr(sorted((extra or {}).items())))
                if fingerprint != written or now >= next_beat:
                    payload = build_payload(name, kind, state, stats, extra)
                    await _bounded(client.set(key, payload, ex=ttl_s), timeout)
                    written, next_beat = fingerprint, now + interval_s
                    failures.succeeded()
                delay = min(check_interval, max(0.0, next_beat - time.monotonic()))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - nothing may end the loop but cancellation
                if isinstance(error, asyncio.TimeoutError) and owned:
                    # The timed-out command's reply may still arrive: drop that connection.
                    await _disconnect(client)
                written = None  # whatever comes back first is written at once
                await asyncio.sleep(failures.failed(error))  # state changes wait for the retry
                continue
            timer = loop.call_later(delay, changed.set)
            try:
                await changed.wait()
            finally:
                timer.cancel()
    finally:
        unsubscribe()
        if owned:
            await _disconnect(client)


async def _resolved(value: T | Awaitable[T]) -> T:
    """A state_fn's result, awaited when it is awaitable (state_fns may be plain or async)."""
    if inspect.isawaitable(value):
        return cast(T, await value)
    return cast(T, value)


async def _bounded(awaitable: Awaitable[Any], timeout: float) -> Any:
    """``awaitable``'s result, or ``asyncio.TimeoutError`` after ``timeout`` seconds.

    Not ``asyncio.wait_for``: before Python 3.12 it can swallow a cancellation that arrives as the
    inner call completes, and a heartbeat loop must always stop when its worker cancels it.
    """
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task})  # leaves no task behind the cancelled loop
        raise
    if not done:
        task.cancel()
        await asyncio.wait({task})
        raise asyncio.TimeoutError(f"no answer within {timeout:g} s")
    return task.result()


async def _disconnect(client: Any) -> None:
    try:
        await client.connection_pool.disconnect()
    except (RedisError, OSError, asyncio.TimeoutError):
        pass  # closing a dead connection: nothing left to do


TraderStateFn = Callable[[], Union[tuple[str, int], Awaitable[tuple[str, int]]]]


async def trader_heartbeat_loop(
    redis: Any,
    state_fn: TraderStateFn,
    *,
    name: str = "ai_trade",
    interval: float | None = None,
    ttl: float | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check_interval: float = DEFAULT_CHECK_INTERVAL,
) -> None:
    """The trading bot's heartbeat, for its own runtime: ``state_fn()`` (plain, or returning an
    awaitable) gives ``(state, signals)`` — ``market_open``/``market_closed`` and the signals
    sent since start, written as ``jobs_done``; ``last_job_at`` is stamped when that count grows.
    Otherwise exactly :func:`heartbeat_loop` with kind ``trader``.
    """
    stats = WorkerStats()

    async def trader_state(_redis: Any, _stats: WorkerStats) -> StateResult:
        state, signals = await _resolved(state_fn())
        if signals > stats.jobs_done:
            stats.last_job_at = utc_now_iso()
        stats.jobs_done = signals
        return state, None

    await heartbeat_loop(
        redis,
        name,
        "trader",
        stats,
        interval=interval,
        ttl=ttl,
        state_fn=trader_state,
        timeout=timeout,
        check_interval=check_interval,
    )

