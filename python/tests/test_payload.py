"""Contract 1, pure: payload fields and types, timing settings, backoff."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import fleet_heartbeat
import pytest
from fleet_heartbeat import (
    STATES,
    HeartbeatConfigError,
    WorkerStats,
    build_payload,
    build_trader_payload,
    heartbeat_timing,
    retry_delay,
    utc_now_iso,
)
from support import assert_contract

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EVERY_KIND_AND_STATE = [(kind, state) for kind, states in STATES.items() for state in states]


def test_the_planned_api_is_importable_from_the_top() -> None:
    planned = ["WorkerStats", "utc_now_iso", "build_payload", "render_state", "heartbeat_loop",
               "build_trader_payload", "trader_heartbeat_loop", "track_job", "Heartbeat"]
    for name in planned:
        assert name in fleet_heartbeat.__all__ and hasattr(fleet_heartbeat, name)
    assert sorted(fleet_heartbeat.__all__) == sorted(set(fleet_heartbeat.__all__))


def test_utc_now_iso_is_utc_to_the_second_ending_in_z() -> None:
    now = utc_now_iso()
    assert TS.match(now)
    parsed = datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - parsed).total_seconds()) < 2


@pytest.mark.parametrize(("kind", "state"), EVERY_KIND_AND_STATE)
def test_every_state_of_every_kind_is_a_valid_contract_payload(kind: str, state: str) -> None:
    stats = WorkerStats(jobs_done=2, jobs_failed=1, last_job_at="2026-12-01T06:00:00Z")
    extra = {"mode": "trading"} if kind == "watcher" else None
    beat = assert_contract(build_payload(f"{kind}-worker", kind, state, stats, extra))
    assert list(beat)[:7] == ["name", "kind", "state", "ts", "last_job_at", "jobs_done", "jobs_failed"]
    assert beat["name"] == f"{kind}-worker" and beat["kind"] == kind and beat["state"] == state
    assert TS.match(beat["ts"])
    assert beat["last_job_at"] == "2026-12-01T06:00:00Z"
    assert type(beat["jobs_done"]) is int and beat["jobs_done"] == 2
    assert type(beat["jobs_failed"]) is int and beat["jobs_failed"] == 1
    if kind == "watcher":
        assert beat["mode"] == "trading"
    else:
        assert "mode" not in beat


def test_a_fresh_worker_reports_null_last_job_and_zero_counters() -> None:
    beat = json.loads(build_payload("image-render", "render", "idle", WorkerStats()))
    assert beat["last_job_at"] is None and beat["jobs_done"] == 0 and beat["jobs_failed"] == 0


def test_extra_adds_fields_alongside_the_contract() -> None:
    beat = assert_contract(build_payload("w", "render", "busy", WorkerStats(), {"version": "1.2"}))
    assert beat["version"] == "1.2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "render", "idle", WorkerStats()), "name"),
        (("w", "gpu", "idle", WorkerStats()), "kind 'gpu'"),
        (("w", "render", "trading", WorkerStats()), "state 'trading'"),
        (("w", "watcher", "idle", WorkerStats()), "state 'idle'"),
        (("w", "render", "idle", WorkerStats(jobs_done=-1)), "jobs_done"),
        (("w", "render", "idle", WorkerStats(jobs_failed=True)), "jobs_failed"),
        (("w", "render", "idle", WorkerStats(), {"state": "busy"}), "replace 'state'"),
        (("w", "render", "idle", WorkerStats(), {"ts": "x"}), "replace 'ts'"),
        (("w", "render", "idle", WorkerStats(), {"mode": "trading"}), "mode"),
        (("w", "watcher", "free", WorkerStats(), {"mode": 1}), "mode"),
    ],
)
def test_payloads_the_monitor_would_reject_are_refused(args: tuple, message: str) -> None:
    with pytest.raises(HeartbeatConfigError, match=re.escape(message)):
        build_payload(*args)


def test_trader_payload_counts_signals_as_jobs_done() -> None:
    beat = assert_contract(build_trader_payload("market_open", 7))
    assert beat["name"] == "ai_trade" and beat["kind"] == "trader" and beat["state"] == "market_open"
    assert beat["jobs_done"] == 7 and beat["jobs_failed"] == 0 and beat["last_job_at"] is None
    assert json.loads(build_trader_payload("market_closed", name="bot-2"))["name"] == "bot-2"
    with pytest.raises(HeartbeatConfigError):
        build_trader_payload("idle")


@pytest.mark.parametrize(
    ("interval", "ttl", "environ", "expected"),
    [
        (None, None, {}, (15.0, 45)),
        (None, None, {"HEARTBEAT_INTERVAL": "0.5", "HEARTBEAT_TTL": "2"}, (0.5, 2)),
        (None, None, {"HEARTBEAT_INTERVAL": " ", "HEARTBEAT_TTL": ""}, (15.0, 45)),
        (5, 20, {"HEARTBEAT_INTERVAL": "1", "HEARTBEAT_TTL": "3"}, (5, 20)),
        (None, 60.0, {}, (15.0, 60)),
    ],
)
def test_timing_comes_from_arguments_then_environment_then_defaults(interval, ttl, environ, expected) -> None:
    assert heartbeat_timing(interval, ttl, environ) == expected


@pytest.mark.parametrize(
    ("interval", "ttl", "environ", "message"),
    [
        (None, None, {"HEARTBEAT_INTERVAL": "soon"}, "HEARTBEAT_INTERVAL='soon'"),
        (None, None, {"HEARTBEAT_TTL": "2.5"}, "HEARTBEAT_TTL must be a whole number"),
        (None, None, {"HEARTBEAT_TTL": "10"}, "HEARTBEAT_TTL (10 s) must be longer than HEARTBEAT_INTERVAL (15 s)"),
        (0, None, {}, "interval must be a number of seconds > 0"),
        (10, 10, {}, "ttl (10 s) must be longer than interval (10 s)"),
        (None, 0, {}, "ttl must be a whole number"),
    ],
)
def test_bad_timing_is_refused_naming_the_setting(interval, ttl, environ, message) -> None:
    with pytest.raises(HeartbeatConfigError, match=re.escape(message)):
        heartbeat_timing(interval, ttl, environ)


@pytest.mark.parametrize(
    ("failures", "interval", "delay"),
    [(1, 15, 0.5), (2, 15, 1), (3, 15, 2), (5, 15, 8), (6, 15, 15), (40, 15, 15), (1, 0.2, 0.2), (3, 1.5, 1.5)],
)
def test_retry_delay_backs_off_up_to_the_interval(failures: int, interval: float, delay: float) -> None:
    assert retry_delay(failures, interval) == delay
