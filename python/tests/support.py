"""Test support: a private redis-server, the heartbeat schema, waiting on Redis."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_SCHEMA = json.loads((REPO_ROOT / "core/schema/heartbeat.schema.json").read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """redis-server on a free loopback port with a temp dir; killable, freezable, restartable."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed; install it with: apt-get install -y redis-server")
        self.binary = binary
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fleet-py-redis-")
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        probe = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            while True:
                try:
                    if probe.ping():
                        return
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                    time.sleep(0.02)
        finally:
            probe.connection_pool.disconnect()

    def kill(self) -> None:
        """Stops abruptly, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        """Starts again on the same port, empty."""
        self.kill()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP: connections stay open, nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.thaw()
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def assert_contract(raw: str | bytes) -> dict[str, Any]:
    """Parses a heartbeat and validates it against core/schema/heartbeat.schema.json."""
    beat = json.loads(raw)
    jsonschema.validate(beat, HEARTBEAT_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return beat


async def wait_for_beat(
    client: Any, name: str, predicate: Callable[[dict[str, Any]], bool] = lambda beat: True, timeout: float = 5.0
) -> dict[str, Any]:
    """The first heartbeat of ``name`` in Redis that satisfies ``predicate`` (schema-checked)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        raw = await client.get(f"worker:{name}:heartbeat")
        if raw is not None:
            last = assert_contract(raw)
            if predicate(last):
                return last
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching heartbeat of {name} within {timeout} s; last: {last}")


def wait_until(check: Callable[[], bool], timeout: float = 5.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
