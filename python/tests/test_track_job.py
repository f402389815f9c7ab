"""track_job: busy while a job runs, then done or failed, sync and async."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from fleet_heartbeat import WorkerStats, track_job

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_a_job_that_returns_counts_as_done() -> None:
    stats = WorkerStats()
    with track_job(stats) as inside:
        assert inside is stats and stats.busy
    assert (stats.busy, stats.jobs_done, stats.jobs_failed) == (False, 1, 0)
    assert TS.match(stats.last_job_at or "")


def test_a_job_that_raises_counts_as_failed_and_the_error_goes_on() -> None:
    stats = WorkerStats()
    with pytest.raises(ValueError, match="bad frame"), track_job(stats):
        raise ValueError("bad frame")
    assert (stats.busy, stats.jobs_done, stats.jobs_failed) == (False, 0, 1)
    assert stats.last_job_at is not None


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit, asyncio.CancelledError])
def test_an_interrupted_job_counts_as_neither(interruption: type[BaseException]) -> None:
    stats = WorkerStats()
    with pytest.raises(interruption), track_job(stats):
        raise interruption()
    assert (stats.busy, stats.jobs_done, stats.jobs_failed, stats.last_job_at) == (False, 0, 0, None)


async def test_async_with_counts_the_same_and_a_cancelled_job_is_not_counted() -> None:
    stats = WorkerStats()
    async with track_job(stats):
        assert stats.busy
    with pytest.raises(RuntimeError):
        async with track_job(stats):
            raise RuntimeError("gpu lost")
    started = asyncio.Event()

    async def long_job() -> None:
        async with track_job(stats):
            started.set()
            await asyncio.sleep(60)

    job = asyncio.create_task(long_job())
    await started.wait()
    assert stats.busy
    job.cancel()
    await asyncio.gather(job, return_exceptions=True)
    assert (stats.busy, stats.jobs_done, stats.jobs_failed) == (False, 1, 1)


async def test_busy_holds_until_the_last_of_concurrent_jobs_finishes() -> None:
    stats = WorkerStats()
    first, second = asyncio.Event(), asyncio.Event()

    async def job(release: asyncio.Event) -> None:
        async with track_job(stats):
            await release.wait()

    jobs = [asyncio.create_task(job(first)), asyncio.create_task(job(second))]
    await asyncio.sleep(0)
    first.set()
    await jobs[0]
    assert stats.busy and stats.jobs_done == 1
    second.set()
    await jobs[1]
    assert not stats.busy and stats.jobs_done == 2


def test_counts_are_exact_across_threads() -> None:
    stats = WorkerStats()

    def work(fail: bool) -> None:
        for _ in range(200):
            try:
                with track_job(stats):
                    if fail:
                        raise OSError("disk full")
            except OSError:
                pass

    threads = [threading.Thread(target=work, args=(i % 2 == 1,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (stats.busy, stats.jobs_done, stats.jobs_failed) == (False, 800, 800)


def test_listeners_hear_each_change_of_value_once() -> None:
    stats = WorkerStats()
    heard = []
    unsubscribe = stats.subscribe(lambda: heard.append((stats.busy, stats.jobs_done)))
    stats.jobs_done = 0  # the same value: no change
    with track_job(stats):
        pass
    unsubscribe()
    unsubscribe()  # safe twice
    stats.busy = True
    assert heard[0] == (True, 0) and heard[-1] == (False, 1)
