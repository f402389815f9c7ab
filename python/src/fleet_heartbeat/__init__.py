"""Heartbeats for workers watched by the fleet monitor (its docs/spec.md §1).

Every ``interval`` seconds, and at once when the state changes, a worker runs
``SET worker:<name>:heartbeat <json> EX <ttl>``; the key's existence is its liveness.
Use :func:`heartbeat_loop` beside an asyncio worker, :func:`trader_heartbeat_loop` for the
trading bot, or :class:`Heartbeat` (a thread) in synchronous code. See README.md.
"""

from .aio import heartbeat_loop, is_paused, render_state, trader_heartbeat_loop
from .failures import retry_delay
from .payload import (
    DEFAULT_INTERVAL,
    DEFAULT_TTL,
    STATES,
    HeartbeatConfigError,
    build_payload,
    build_trader_payload,
    heartbeat_key,
    heartbeat_timing,
)
from .stats import WorkerStats, track_job, utc_now_iso
from .thread import Heartbeat

__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_TTL",
    "STATES",
    "Heartbeat",
    "HeartbeatConfigError",
    "WorkerStats",
    "build_payload",
    "build_trader_payload",
    "heartbeat_key",
    "heartbeat_loop",
    "heartbeat_timing",
    "is_paused",
    "render_state",
    "retry_delay",
    "trader_heartbeat_loop",
    "track_job",
    "utc_now_iso",
]
