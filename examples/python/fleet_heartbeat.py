"""Heartbeat for a fleet-monitor worker: docs/spec.md §1, exactly.

Every 15 s, and at once when the state changes: SET worker:<name>:heartbeat <json> EX 45.
The key's existence is the liveness signal, so a crashed process simply stops beating and its
key expires.
Validate payloads against core/schema/heartbeat.schema.json.

    beat = Heartbeat(redis.Redis.from_url(REDIS_URL), "image-render", "render", "idle")
    beat.start()
    beat.set_state("busy"); ...; beat.record_job(ok=True); beat.set_state("idle")
    beat.stop()  # on shutdown; the key expires by itself
"""

import json
import logging
import threading
from datetime import datetime, timezone

import redis

HEARTBEAT_INTERVAL_S = 15
HEARTBEAT_TTL_S = 45
STATES = {
    "render": ("idle", "busy", "paused"),
    "watcher": ("trading", "free"),
    "trader": ("market_open", "market_closed"),
}

log = logging.getLogger(__name__)


def utc_now_iso() -> str:
    """UTC ISO-8601 ending in Z, e.g. 2026-11-26T06:00:00.123Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Heartbeat:
    def __init__(self, client, name, kind, state, mode=None,
                 interval_s=HEARTBEAT_INTERVAL_S, ttl_s=HEARTBEAT_TTL_S):
        if (kind == "watcher") != (mode is not None):
            raise ValueError("mode is required for the watcher and only for it")
        self._client, self.name, self.kind = client, name, kind
        self.interval_s, self.ttl_s = interval_s, ttl_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()  # a state change: beat now, not at the next tick
        self._thread = None
        self._jobs_done = self._jobs_failed = 0  # since this process started
        self._last_job_at = None
        self._mode = mode
        self.set_state(state, mode)

    def set_state(self, state, mode=None):
        if state not in STATES[self.kind]:
            raise ValueError(f"state {state!r} is not one of {STATES[self.kind]}")
        with self._lock:
            changed = state != getattr(self, "_state", None) or (
                mode is not None and mode != self._mode)
            self._state = state
            if mode is not None:
                self._mode = mode
        if changed:
            # The beat thread writes it, so a job never waits on (or fails with) Redis.
            self._wake.set()

    def record_job(self, ok: bool):
        with self._lock:
            if ok:
                self._jobs_done += 1
            else:
                self._jobs_failed += 1
            self._last_job_at = utc_now_iso()

    def payload(self) -> dict:
        with self._lock:
            beat = {
                "name": self.name, "kind": self.kind, "state": self._state,
                "ts": utc_now_iso(), "last_job_at": self._last_job_at,
                "jobs_done": self._jobs_done, "jobs_failed": self._jobs_failed,
            }
            if self.kind == "watcher":
                beat["mode"] = self._mode
            return beat

    def beat(self):
        self._client.set(f"worker:{self.name}:heartbeat", json.dumps(self.payload()), ex=self.ttl_s)

    def start(self):
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.name}", daemon=True)
        self._thread.start()

    def stop(self):
        """Stops beating; the key is left to expire, exactly as after a crash."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.beat()
            except redis.RedisError:
                # The monitor shows this worker as down if beats keep failing; keep trying.
                log.warning("heartbeat of %s failed", self.name, exc_info=True)
            self._wake.wait(self.interval_s)
