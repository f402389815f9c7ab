"""heartbeat_loop against a real private redis-server, with both decode_responses modes."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis.asyncio as aioredis
from fleet_heartbeat import (
    HeartbeatConfigError,
    WorkerStats,
    heartbeat_loop,
    is_paused,
    render_state,
    track_job,
)
from support import RedisServer, wait_for_beat

KEY = "worker:image-render:heartbeat"


async def start(coro) -> asyncio.Task:
    task = asyncio.create_task(coro)
    await asyncio.sleep(0)
    return task


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_beats_the_contract_payload_with_a_ttl_on_every_write(async_redis: aioredis.Redis) -> None:
    stats = WorkerStats(jobs_done=3, jobs_failed=1, last_job_at="2026-12-01T06:00:00Z")
    task = await start(heartbeat_loop(async_redis, "image-render", "render", stats, interval=0.2, ttl=2))
    beat = await wait_for_beat(async_redis, "image-render")
    assert beat == {**beat, "name": "image-render", "kind": "render", "state": "idle",
                    "last_job_at": "2026-12-01T06:00:00Z", "jobs_done": 3, "jobs_failed": 1}
    # Sampled across ~7 beats: a single SET without EX would leave the key without a TTL (-1).
    samples = []
    for _ in range(30):
        samples.append(await async_redis.pttl(KEY))
        await asyncio.sleep(0.05)
    assert all(0 < ttl <= 2000 for ttl in samples), samples
    first_ts = beat["ts"]
    await wait_for_beat(async_redis, "image-render", lambda b: b["ts"] != first_ts, timeout=3)
    await stop(task)


async def test_the_interval_and_ttl_default_to_the_environment(async_redis, monkeypatch) -> None:
    monkeypatch.setenv("HEARTBEAT_INTERVAL", "0.2")
    monkeypatch.setenv("HEARTBEAT_TTL", "3")
    task = await start(heartbeat_loop(async_redis, "image-render", "render", WorkerStats()))
    await wait_for_beat(async_redis, "image-render")
    assert 2000 < await async_redis.pttl(KEY) <= 3000
    await stop(task)


@pytest.mark.parametrize(
    ("value", "paused"),
    [("1", True), ("0", False), (None, False), ("yes", False), (["1"], False)],
    ids=["one", "zero", "missing", "other", "wrong-type"],
)
async def test_pause_is_seen_with_either_reply_mode(async_redis, value, paused: bool) -> None:
    if isinstance(value, list):
        await async_redis.rpush("queue:paused", *value)
    elif value is not None:
        await async_redis.set("queue:paused", value, ex=60)
    assert await is_paused(async_redis) is paused
    stats = WorkerStats(busy=True)
    assert await render_state(async_redis, stats) == ("paused" if paused else "busy")
    stats.busy = False
    assert await render_state(async_redis, stats) == ("paused" if paused else "idle")


async def test_a_pause_set_by_the_watcher_shows_within_the_check_interval(async_redis) -> None:
    task = await start(heartbeat_loop(async_redis, "image-render", "render", WorkerStats(),
                                      interval=60, ttl=120, check_interval=0.1))
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "idle")
    await async_redis.set("queue:paused", "1", ex=30)
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "paused", timeout=5)
    await async_redis.delete("queue:paused")
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "idle", timeout=5)
    await async_redis.set("other:paused", "1")
    other = await start(heartbeat_loop(async_redis, "video-render", "render", WorkerStats(),
                                       interval=60, ttl=120, paused_key="other:paused"))
    await wait_for_beat(async_redis, "video-render", lambda b: b["state"] == "paused")
    await stop(task)
    await stop(other)


async def test_a_state_change_is_written_at_once_not_at_the_next_tick(async_redis) -> None:
    stats = WorkerStats()
    # check_interval 60 too: only the change itself can explain a write well inside the
    # 60 s interval (5 s allows for a loaded machine).
    task = await start(heartbeat_loop(async_redis, "image-render", "render", stats,
                                      interval=60, ttl=120, check_interval=60))
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "idle")
    release = asyncio.Event()

    async def job() -> None:
        async with track_job(stats):
            await release.wait()

    running = asyncio.create_task(job())
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "busy", timeout=5)
    release.set()
    await running
    beat = await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "idle", timeout=5)
    assert beat["jobs_done"] == 1 and beat["last_job_at"] is not None

    # A job counted in a worker thread wakes the loop too.
    def blocking_job() -> None:
        with track_job(stats):
            time.sleep(0.5)

    thread_job = asyncio.create_task(asyncio.to_thread(blocking_job))
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "busy", timeout=5)
    await thread_job
    await wait_for_beat(async_redis, "image-render", lambda b: b["state"] == "idle" and b["jobs_done"] == 2, timeout=5)
    await stop(task)


async def test_an_unchanged_state_is_not_rewritten_before_the_interval(async_redis, redis_server) -> None:
    stats = WorkerStats()
    task = await start(heartbeat_loop(async_redis, "image-render", "render", stats,
                                      interval=60, ttl=120, check_interval=0.05))
    await wait_for_beat(async_redis, "image-render")
    await async_redis.config_resetstat()
    stats.jobs_done = 5  # a counter alone is not a state change
    await asyncio.sleep(0.5)
    commands = await async_redis.info("commandstats")
    assert "cmdstat_set" not in commands
    assert commands["cmdstat_get"]["calls"] >= 2  # but the pause key was checked
    await stop(task)


async def test_a_state_fn_gives_state_and_extra_sync_or_async(async_redis) -> None:
    mode = {"state": "free", "mode": "free"}

    def watcher_state(redis, stats):
        return mode["state"], {"mode": mode["mode"]}

    async def async_watcher_state(redis, stats):
        assert await redis.ping()
        return watcher_state(redis, stats)

    tasks = [
        await start(heartbeat_loop(async_redis, "task-watcher", "watcher", WorkerStats(),
                                   interval=60, ttl=120, state_fn=watcher_state, check_interval=0.1)),
        await start(heartbeat_loop(async_redis, "watcher-2", "watcher", WorkerStats(),
                                   interval=60, ttl=120, state_fn=async_watcher_state, check_interval=0.1)),
    ]
    for name in ("task-watcher", "watcher-2"):
        beat = await wait_for_beat(async_redis, name)
        assert (beat["kind"], beat["state"], beat["mode"]) == ("watcher", "free", "free")
    mode.update(state="trading", mode="trading")
    for name in ("task-watcher", "watcher-2"):
        await wait_for_beat(async_redis, name, lambda b: (b["state"], b["mode"]) == ("trading", "trading"), timeout=5)
    mode.update(mode="holiday")  # extra alone changing is a change too
    await wait_for_beat(async_redis, "task-watcher", lambda b: b["mode"] == "holiday", timeout=5)
    for task in tasks:
        await stop(task)


async def test_cancellation_is_clean_and_the_key_is_left_to_expire(async_redis, redis_server) -> None:
    stats = WorkerStats()
    before = asyncio.all_tasks()
    connections = len(await async_redis.client_list())
    task = await start(heartbeat_loop(async_redis, "image-render", "render", stats, interval=0.2, ttl=1))
    await wait_for_beat(async_redis, "image-render")
    assert len(stats._listeners) == 1
    started = time.monotonic()
    await stop(task)
    assert time.monotonic() - started < 2.5  # prompt, even on a loaded machine
    assert stats._listeners == []
    assert asyncio.all_tasks() == before
    # The loop's own connection is closed (the server notices within moments).
    for _ in range(100):
        if len(await async_redis.client_list()) == connections:
            break
        await asyncio.sleep(0.02)
    assert len(await async_redis.client_list()) == connections
    assert await async_redis.exists(KEY) == 1  # never deleted: a stopped worker looks dead only after the TTL
    await asyncio.sleep(1.2)
    assert await async_redis.exists(KEY) == 0


async def test_settings_that_cannot_work_are_refused_before_any_beat(async_redis) -> None:
    with pytest.raises(HeartbeatConfigError, match="needs a state_fn"):
        await heartbeat_loop(async_redis, "task-watcher", "watcher", WorkerStats())
    with pytest.raises(HeartbeatConfigError, match="must be longer"):
        await heartbeat_loop(async_redis, "w", "render", WorkerStats(), interval=15, ttl=15)
    with pytest.raises(HeartbeatConfigError, match="kind"):
        await heartbeat_loop(async_redis, "w", "gpu", WorkerStats())
    assert await async_redis.keys("*") == []


async def test_a_failing_state_fn_is_logged_once_and_the_loop_survives(async_redis, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="fleet_heartbeat")
    broken = {"on": True}

    def state_fn(redis, stats):
        if broken["on"]:
            raise KeyError("market calendar")
        return "market_open", None

    task = await start(heartbeat_loop(async_redis, "ai_trade", "trader", WorkerStats(),
                                      interval=0.2, ttl=2, state_fn=state_fn))
    await asyncio.sleep(0.8)
    assert not task.done()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "KeyError" in warnings[0].getMessage() and warnings[0].exc_info
    broken["on"] = False
    await wait_for_beat(async_redis, "ai_trade", lambda b: b["state"] == "market_open")
    await stop(task)


async def test_a_client_without_a_pool_is_used_as_it_is(redis_server: RedisServer) -> None:
    real = aioredis.Redis(port=redis_server.port)

    class StandIn:
        async def get(self, key):
            return await real.get(key)

        async def set(self, key, value, ex=None):
            return await real.set(key, value, ex=ex)

    task = await start(heartbeat_loop(StandIn(), "image-render", "render", WorkerStats(), interval=0.2, ttl=2))
    await wait_for_beat(real, "image-render")
    await stop(task)
    await real.connection_pool.disconnect()
