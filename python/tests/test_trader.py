"""The trading bot's loop: a plain state_fn() -> (state, signals)."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from fleet_heartbeat import trader_heartbeat_loop
from support import wait_for_beat


async def test_the_trader_loop_writes_state_and_signals(async_redis: aioredis.Redis) -> None:
    bot = {"state": "market_closed", "signals": 0}
    task = asyncio.create_task(trader_heartbeat_loop(
        async_redis, lambda: (bot["state"], bot["signals"]), interval=60, ttl=120, check_interval=0.1))
    beat = await wait_for_beat(async_redis, "ai_trade")
    assert (beat["kind"], beat["state"], beat["jobs_done"], beat["last_job_at"]) == ("trader", "market_closed", 0, None)
    assert 119_000 < await async_redis.pttl("worker:ai_trade:heartbeat") <= 120_000
    bot.update(state="market_open", signals=3)
    beat = await wait_for_beat(async_redis, "ai_trade", lambda b: b["state"] == "market_open", timeout=5)
    assert beat["jobs_done"] == 3 and beat["last_job_at"] is not None and beat["jobs_failed"] == 0
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await async_redis.exists("worker:ai_trade:heartbeat") == 1


async def test_the_trader_loop_takes_an_async_state_fn_and_another_name(async_redis: aioredis.Redis) -> None:
    async def state() -> tuple[str, int]:
        return "market_open", 1

    task = asyncio.create_task(trader_heartbeat_loop(async_redis, state, name="bot-2", interval=0.2, ttl=2))
    beat = await wait_for_beat(async_redis, "bot-2")
    assert (beat["name"], beat["state"], beat["jobs_done"]) == ("bot-2", "market_open", 1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
