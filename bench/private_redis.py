"""A Redis of the benchmark's own: a private redis-server on a free loopback port when one can be
started, so other users of the shared Redis (test suites running beside) do not skew the figures;
else the shared one on 127.0.0.1:6379 (database 14)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

SHARED_REDIS_URL = "redis://127.0.0.1:6379/14"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def bench_redis() -> Iterator[str]:
    """The URL of the Redis to benchmark against."""
    binary = shutil.which("redis-server")
    if binary is None or os.environ.get("BENCH_REDIS") == "shared":
        print(f"(using the shared {SHARED_REDIS_URL})")
        yield SHARED_REDIS_URL
        return
    port = _free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(250):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.02)
        print(f"(a private redis-server on 127.0.0.1:{port})")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()
