"""Redis killed, frozen and restarted under a running heartbeat_loop."""

from __future__ import annotations

import asyncio
import logging
import time

import redis.asyncio as aioredis
from fleet_heartbeat import WorkerStats, heartbeat_loop
from support import RedisServer, wait_for_beat


class LoopWatch:
    """Ticks every 10 ms and records the longest gap: how long the event loop was ever blocked."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            self.longest = max(self.longest, now - last - 0.01)
            last = now

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def records(caplog, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "fleet_heartbeat" and r.levelno == level]


async def test_a_killed_redis_is_logged_once_retried_with_backoff_and_survived(
    outage_server: RedisServer, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="fleet_heartbeat")
    client = aioredis.Redis(port=outage_server.port, decode_responses=True)
    watch = LoopWatch()
    task = asyncio.create_task(heartbeat_loop(client, "image-render", "render", WorkerStats(),
                                              interval=4, ttl=10, check_interval=0.1))
    await wait_for_beat(client, "image-render")

    outage_server.kill()
    await asyncio.sleep(3.2)
    assert not task.done()
    assert len(records(caplog, logging.WARNING)) == 1
    warning = records(caplog, logging.WARNING)[0]
    assert "image-render" in warning.getMessage() and "ConnectionError" in warning.getMessage()
    assert not warning.exc_info  # an outage is not a bug: no traceback
    # Retries after 0.5, 1, 2 s (and 4 s at the interval): at most 4 attempts in 3.2 s, not 32.
    attempts = 1 + len(records(caplog, logging.DEBUG))
    assert 2 <= attempts <= 4, attempts

    outage_server.start()  # empty: the next retry writes the key again
    beat = await wait_for_beat(client, "image-render", timeout=6)
    assert beat["state"] == "idle"
    deadline = time.monotonic() + 5  # the beat is in Redis a moment before its success is logged
    while not records(caplog, logging.INFO) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    recovered = records(caplog, logging.INFO)
    assert len(recovered) == 1 and "written again" in recovered[0].getMessage()
    assert len(records(caplog, logging.WARNING)) == 1
    assert watch.longest < 1.0, f"event loop blocked for {watch.longest:.3f} s"

    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await watch.close()
    await client.connection_pool.disconnect()


async def test_a_frozen_redis_costs_at_most_the_timeout_and_never_blocks_the_event_loop(
    outage_server: RedisServer, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="fleet_heartbeat")
    # The worker's own client has no socket timeout (redis-py's default): the loop must not care.
    client = aioredis.Redis(port=outage_server.port)
    watch = LoopWatch()
    task = asyncio.create_task(heartbeat_loop(client, "image-render", "render", WorkerStats(),
                                              interval=0.3, ttl=10, timeout=2))
    await wait_for_beat(client, "image-render")
    outage_server.freeze()
    try:
        await asyncio.sleep(2.8)
        failed = records(caplog, logging.WARNING) + records(caplog, logging.DEBUG)
        # The first attempt gives up after its 2 s timeout, the next starts 0.3 s later.
        assert len(failed) == 1, [r.getMessage() for r in failed]
        assert "TimeoutError" in failed[0].getMessage()
        # A blocking call would have stalled the event loop for the whole 2 s timeout.
        assert watch.longest < 1.0, f"event loop blocked for {watch.longest:.3f} s"
        # Cancelled mid-attempt against the frozen server: ends at once, not at the timeout.
        started = time.monotonic()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert time.monotonic() - started < 1.0
    finally:
        outage_server.thaw()
    assert task.cancelled()
    await watch.close()
    await client.connection_pool.disconnect()


async def test_beats_resume_when_a_frozen_redis_thaws(outage_server: RedisServer, caplog) -> None:
    caplog.set_level(logging.INFO, logger="fleet_heartbeat")
    client = aioredis.Redis(port=outage_server.port, decode_responses=True, socket_timeout=2)
    stats = WorkerStats()
    task = asyncio.create_task(heartbeat_loop(client, "image-render", "render", stats,
                                              interval=0.3, ttl=5, timeout=0.4))
    await wait_for_beat(client, "image-render")
    outage_server.freeze()
    deadline = time.monotonic() + 5
    while not records(caplog, logging.WARNING) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert len(records(caplog, logging.WARNING)) == 1, "the frozen Redis was never noticed"
    stats.busy = True  # a change during the outage is written once Redis answers
    outage_server.thaw()
    await wait_for_beat(client, "image-render", lambda b: b["state"] == "busy", timeout=5)
    deadline = time.monotonic() + 5
    while not records(caplog, logging.INFO) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert any("written again" in r.getMessage() for r in records(caplog, logging.INFO))
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await client.connection_pool.disconnect()
