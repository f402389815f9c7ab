"""The heartbeat's own connection, cloned from the worker's client."""

from __future__ import annotations

from typing import Any, TypeVar

Client = TypeVar("Client")


def private_client(redis: Client, client_class: type, pool_class: type, timeout: float) -> tuple[Client, bool]:
    """A client to the same server (URL, password, TLS, db, ``decode_responses``) with its own
    connection and ``timeout`` as its socket and connect timeouts; ``(client, True)``.

    Why not the worker's client: with redis-py's default ``socket_timeout=None`` a frozen Redis
    would stall the heartbeat forever; a worker's pool may be exhausted by its own blocking
    commands; and cancelling a command on a shared connection (before redis-py 4.5.3) could hand
    its reply to the worker's next command. Clients without a connection pool (a cluster client,
    a stand-in) are used as they are: ``(redis, False)``.
    """
    pool = getattr(redis, "connection_pool", None)
    kwargs: dict[str, Any] | None = getattr(pool, "connection_kwargs", None)
    connection_class = getattr(pool, "connection_class", None)
    if kwargs is None or connection_class is None:
        return redis, False
    own_pool = pool_class(
        connection_class=connection_class,
        max_connections=2,
        **{**kwargs, "socket_timeout": timeout, "socket_connect_timeout": timeout},
    )
    return client_class(connection_pool=own_pool), True
