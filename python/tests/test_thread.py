"""Heartbeat: the thread-based variant for synchronous workers, on a real redis-server."""

from __future__ import annotations

import json
import logging
import time

import pytest
import redis
from fleet_heartbeat import STATES, Heartbeat, HeartbeatConfigError
from support import RedisServer, assert_contract, wait_until

KEY = "worker:video-render:heartbeat"


def beat_of(client: redis.Redis, key: str = KEY) -> dict | None:
    raw = client.get(key)
    return assert_contract(raw) if raw is not None else None


@pytest.mark.parametrize("decode", [False, True], ids=["bytes", "decoded"])
def test_beats_at_once_and_on_each_state_change_with_a_ttl(redis_server: RedisServer, sync_redis, decode) -> None:
    worker_client = redis.Redis(port=redis_server.port, decode_responses=decode)
    beat = Heartbeat(worker_client, "video-render", "render", "idle", interval_s=60, ttl_s=120)
    beat.start()
    wait_until(lambda: (beat_of(sync_redis) or {}).get("state") == "idle", what="the first beat")
    assert 119_000 < sync_redis.pttl(KEY) <= 120_000
    with beat.track_job():
        wait_until(lambda: beat_of(sync_redis)["state"] == "busy", timeout=5, what="busy at once")
    wait_until(lambda: beat_of(sync_redis)["state"] == "idle", timeout=5, what="idle at once")
    assert beat_of(sync_redis)["jobs_done"] == 1
    with pytest.raises(RuntimeError), beat.track_job():
        raise RuntimeError("codec crashed")
    wait_until(lambda: beat_of(sync_redis)["jobs_failed"] == 1, timeout=5, what="the failed job")
    started = time.monotonic()
    beat.stop()
    beat.stop()  # safe twice
    assert time.monotonic() - started < 2.5
    assert sync_redis.exists(KEY) == 1 and sync_redis.pttl(KEY) > 100_000  # never deleted
    worker_client.connection_pool.disconnect()


def test_every_kind_and_state_beats_the_contract(redis_server: RedisServer, sync_redis) -> None:
    client = redis.Redis(port=redis_server.port)
    for kind, states in STATES.items():
        for state in states:
            hb = Heartbeat(client, f"{kind}-worker", kind, state, mode="trading" if kind == "watcher" else None)
            hb.record_job(True)
            hb.record_job(False)
            hb.beat()
            beat = beat_of(sync_redis, f"worker:{kind}-worker:heartbeat")
            assert beat is not None and beat == {**beat, "kind": kind, "state": state, "jobs_done": 1, "jobs_failed": 1}
            assert beat.get("mode") == ("trading" if kind == "watcher" else None)
            assert hb.payload()["state"] == state
    client.connection_pool.disconnect()


def test_the_watcher_says_why_it_pauses(redis_server: RedisServer, sync_redis) -> None:
    with Heartbeat(redis.Redis(port=redis_server.port), "task-watcher", "watcher", "free", mode="free",
                   interval_s=60, ttl_s=120) as watcher:
        wait_until(lambda: (beat_of(sync_redis, "worker:task-watcher:heartbeat") or {}).get("mode") == "free")
        watcher.set_state("trading", mode="trading")
        wait_until(lambda: beat_of(sync_redis, "worker:task-watcher:heartbeat")["mode"] == "trading", timeout=5)


def test_the_interval_and_ttl_default_to_the_environment(redis_server, monkeypatch) -> None:
    monkeypatch.setenv("HEARTBEAT_INTERVAL", "2")
    monkeypatch.setenv("HEARTBEAT_TTL", "6")
    hb = Heartbeat(redis.Redis(port=redis_server.port), "w", "render", "idle")
    assert (hb.interval_s, hb.ttl_s) == (2, 6)
    monkeypatch.delenv("HEARTBEAT_INTERVAL")
    monkeypatch.delenv("HEARTBEAT_TTL")
    assert (Heartbeat(None, "w", "render", "idle").interval_s, Heartbeat(None, "w", "render", "idle").ttl_s) == (15, 45)


@pytest.mark.parametrize(
    "args",
    [("w", "render", "trading"), ("w", "watcher", "free"), ("w", "render", "idle", "x"), ("w", "gpu", "idle")],
)
def test_refuses_a_state_of_another_kind_and_a_mode_anywhere_but_the_watcher(args) -> None:
    with pytest.raises(HeartbeatConfigError):
        Heartbeat(None, *args)


def test_the_thread_survives_a_redis_outage_logging_it_once(outage_server: RedisServer, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="fleet_heartbeat")
    client = redis.Redis(port=outage_server.port, decode_responses=True)
    hb = Heartbeat(client, "video-render", "render", "idle", interval_s=0.3, ttl_s=5, timeout=0.5)
    hb.start()
    try:
        wait_until(lambda: client.exists(KEY) == 1, what="the first beat")
        outage_server.kill()
        time.sleep(1.5)
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "video-render" in warnings[0].getMessage()
        assert hb._thread is not None and hb._thread.is_alive()
        outage_server.start()
        wait_until(lambda: client.exists(KEY) == 1, timeout=5, what="beats after the restart")
        assert json.loads(client.get(KEY))["state"] == "idle"
        wait_until(
            lambda: any("written again" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO),
            what="the recovery logged",
        )
    finally:
        hb.stop()
        client.connection_pool.disconnect()


def test_stop_is_prompt_even_against_a_frozen_redis(outage_server: RedisServer, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="fleet_heartbeat")
    client = redis.Redis(port=outage_server.port)
    # A beat in flight would wait out its 10 s socket timeout: stop() must not.
    hb = Heartbeat(client, "video-render", "render", "idle", interval_s=0.2, ttl_s=5, timeout=10)
    hb.start()
    wait_until(lambda: client.exists(KEY) == 1, what="the first beat")
    outage_server.freeze()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        hb.stop()
        assert time.monotonic() - started < 2.5
        assert hb._thread is not None and not hb._thread.is_alive()
        assert [r.getMessage() for r in caplog.records] == []  # a stop is not an outage
    finally:
        outage_server.thaw()
    client.connection_pool.disconnect()
