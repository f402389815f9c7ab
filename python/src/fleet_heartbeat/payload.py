"""Contract 1 of the fleet monitor (docs/spec.md §1): what a worker writes, and how often."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

from .stats import WorkerStats, utc_now_iso

#: Every state a worker of each kind may report (docs/spec.md §1).
STATES: Mapping[str, tuple[str, ...]] = {
    "render": ("idle", "busy", "paused"),
    "watcher": ("trading", "free"),
    "trader": ("market_open", "market_closed"),
}

#: Seconds between beats when neither the argument nor ``HEARTBEAT_INTERVAL`` says otherwise.
DEFAULT_INTERVAL = 15.0
#: Seconds the key lives after a beat when neither the argument nor ``HEARTBEAT_TTL`` says otherwise.
DEFAULT_TTL = 45

#: The fields the monitor reads; ``extra`` may add fields but never replace these.
CONTRACT_FIELDS = ("name", "kind", "state", "ts", "last_job_at", "jobs_done", "jobs_failed")


class HeartbeatConfigError(ValueError):
    """A bad name, kind, state, payload field or timing, named in the message."""


def heartbeat_key(name: str) -> str:
    """The key a worker's heartbeat lives in: ``worker:<name>:heartbeat``."""
    return f"worker:{name}:heartbeat"


def build_payload(
    name: str,
    kind: str,
    state: str,
    stats: WorkerStats,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The heartbeat JSON (contract 1), ``ts`` now; ``extra`` is merged (e.g. ``{"mode": ...}``).

    Raises :class:`HeartbeatConfigError` for anything the monitor would reject: an unknown kind,
    a state of another kind, negative counters, or ``extra`` replacing a contract field.
    """
    if not isinstance(name, str) or not name:
        raise HeartbeatConfigError(f"name must be a non-empty string, not {name!r}")
    if kind not in STATES:
        raise HeartbeatConfigError(f"kind {kind!r} is not one of {', '.join(STATES)}")
    if state not in STATES[kind]:
        raise HeartbeatConfigError(
            f"state {state!r} is not one of {', '.join(STATES[kind])} for kind {kind}"
        )
    for counter in ("jobs_done", "jobs_failed"):
        value = getattr(stats, counter)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise HeartbeatConfigError(f"{counter} must be an integer >= 0, not {value!r}")
    if stats.last_job_at is not None and not isinstance(stats.last_job_at, str):
        raise HeartbeatConfigError(f"last_job_at must be a string or None, not {stats.last_job_at!r}")
    payload: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "state": state,
        "ts": utc_now_iso(),
        "last_job_at": stats.last_job_at,
        "jobs_done": stats.jobs_done,
        "jobs_failed": stats.jobs_failed,
    }
    for key, value in (extra or {}).items():
        if key in CONTRACT_FIELDS:
            raise HeartbeatConfigError(f"extra may add fields, not replace {key!r}")
        if key == "mode" and (kind != "watcher" or not isinstance(value, str)):
            raise HeartbeatConfigError("mode is the watcher's field, and a string")
        payload[key] = value
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def build_trader_payload(
    state: str,
    signals: int = 0,
    name: str = "ai_trade",
    *,
    last_job_at: str | None = None,
) -> str:
    """The trading bot's heartbeat JSON: kind ``trader``, ``jobs_done`` = signals since start."""
    return build_payload(
        name, "trader", state, WorkerStats(jobs_done=signals, last_job_at=last_job_at)
    )


def _setting(value: float | None, variable: str, default: float, environ: Mapping[str, str]) -> tuple[float, str]:
    if value is not None:
        return value, variable.lower().removeprefix("heartbeat_")
    raw = environ.get(variable)
    if raw is None or raw.strip() == "":
        return default, variable
    try:
        return float(raw), variable
    except ValueError:
        raise HeartbeatConfigError(f"{variable}={raw!r} is not a number of seconds") from None


def heartbeat_timing(
    interval: float | None = None,
    ttl: float | None = None,
    environ: Mapping[str, str] = os.environ,
) -> tuple[float, int]:
    """``(interval, ttl)`` in seconds: the arguments, else ``HEARTBEAT_INTERVAL`` /
    ``HEARTBEAT_TTL``, else 15 and 45. The TTL is whole seconds (``SET ... EX``) and must outlast
    the interval, or the key would vanish between two beats of a healthy worker.
    """
    interval_s, interval_source = _setting(interval, "HEARTBEAT_INTERVAL", DEFAULT_INTERVAL, environ)
    ttl_s, ttl_source = _setting(ttl, "HEARTBEAT_TTL", DEFAULT_TTL, environ)
    if not math.isfinite(interval_s) or interval_s <= 0:
        raise HeartbeatConfigError(f"{interval_source} must be a number of seconds > 0, not {interval_s}")
    if not math.isfinite(ttl_s) or ttl_s < 1 or ttl_s != int(ttl_s):
        raise HeartbeatConfigError(f"{ttl_source} must be a whole number of seconds >= 1, not {ttl_s}")
    if ttl_s <= interval_s:
        raise HeartbeatConfigError(
            f"{ttl_source} ({ttl_s:g} s) must be longer than {interval_source} ({interval_s:g} s):"
            " the key would expire between two beats"
        )
    return interval_s, int(ttl_s)
