"""Failed beats: logged once per outage, retried with a backoff that never exceeds the interval."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("fleet_heartbeat")

#: The first retry after a failed beat comes this soon (or at the interval, if shorter).
FIRST_RETRY_S = 0.5


def retry_delay(failures: int, interval: float) -> float:
    """Seconds to wait after the ``failures``-th failed beat in a row: 0.5, 1, 2, 4 … up to the
    interval, so a short outage is noticed quickly and a long one costs one attempt a beat."""
    return min(interval, FIRST_RETRY_S * float(2 ** max(0, failures - 1)))


class BeatFailures:
    """Counts failed beats of one worker; logs the first of a run and the recovery, nothing between."""

    def __init__(self, name: str, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._name = name
        self._interval = interval
        self._clock = clock
        self.count = 0
        self._since = 0.0

    def failed(self, error: BaseException) -> float:
        """Records a failed beat; returns how long to wait before the next attempt."""
        self.count += 1
        reason = f"{type(error).__name__}: {error}"
        if self.count == 1:
            self._since = self._clock()
            log.warning(
                "heartbeat of %s failed (%s); retrying with backoff, up to every %g s",
                self._name,
                reason,
                self._interval,
                extra={"worker": self._name, "event": "beat_failed"},
                exc_info=not _is_connection_error(error),
            )
        else:
            log.debug(
                "heartbeat of %s failed again (%d in a row: %s)",
                self._name,
                self.count,
                reason,
                extra={"worker": self._name, "event": "beat_failed_again"},
            )
        return retry_delay(self.count, self._interval)

    def succeeded(self) -> None:
        """Records a written beat; logs the recovery when beats had been failing."""
        if self.count:
            log.info(
                "heartbeat of %s written again after %d failed beats (%.1f s)",
                self._name,
                self.count,
                self._clock() - self._since,
                extra={"worker": self._name, "event": "beat_recovered"},
            )
        self.count = 0


def _is_connection_error(error: BaseException) -> bool:
    # An outage needs no traceback; a bug (say, in a state_fn) does.
    return isinstance(
        error, (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)
    )
