"""Fixtures: a private redis-server per test (never the one on 6379), clients of both reply modes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio as aioredis
from support import RedisServer


@pytest.fixture(scope="session")
def shared_redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.close()


@pytest.fixture
def redis_server(shared_redis_server: RedisServer) -> RedisServer:
    """The session's server, emptied: for tests that leave the server running."""
    client = redis.Redis(port=shared_redis_server.port)
    client.flushall()
    client.config_resetstat()
    client.connection_pool.disconnect()
    return shared_redis_server


@pytest.fixture
def outage_server() -> Iterator[RedisServer]:
    """A server of the test's own, to kill, freeze and restart."""
    server = RedisServer()
    yield server
    server.close()


@pytest.fixture
def sync_redis(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """The test's own synchronous client, replies decoded."""
    client = redis.Redis(port=redis_server.port, decode_responses=True, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture(params=[False, True], ids=["bytes", "decoded"])
async def async_redis(request: pytest.FixtureRequest, redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """A worker's asyncio client, made with ``decode_responses`` False and True."""
    client = aioredis.Redis(port=redis_server.port, decode_responses=request.param)
    yield client
    await client.connection_pool.disconnect()
