"""The processes behind `WorkerPool`: a fork server, and the workers it forks.

Workers are forked by a small "fork server" (`python -m answers.workers`):
a clean, single-threaded process that imported the `preload` modules once, so
a replacement starts in milliseconds and never inherits the bot's threads or
locks. (multiprocessing's own `forkserver` would do, but in Python 3.11 it
imports the main script again in every worker.) One fork server serves the
whole process; it and its workers exit when this process goes away.

A worker runs calls sent down its pipe until the pipe closes; the function
and its arguments cross the pipe, so the function must be defined at the top
level of a module and its arguments and result must pickle.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from answers.workers.errors import WorkerCrashed, WorkerError

__all__ = ["WorkerProcess", "serve_forks"]

_START_SECONDS = 30.0  # a worker that cannot start in this long is reported as crashed
_STOP_SECONDS = 1.0  # a worker told to stop that is still there after this is killed


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """A worker's life: run calls until the pipe closes."""
    if memory_limit:
        # A document that would need more memory raises MemoryError here, not OOM on the host.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            fn, args = conn.recv()
            conn.send(("started", None))  # from here on, a death is this call's doing
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or error
            conn.send(("error", WorkerError(f"{type(exc).__name__}: {exc}")))


def serve_forks(sock: socket.socket, modules: Sequence[str]) -> None:
    """`python -m answers.workers FD MODULE...`: import the modules (and call
    `module:function` entries, to warm up what they set up lazily), then fork one worker per
    request. A request carries the worker's end of its pipe and its memory limit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the bot, which stops us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they exit
    for entry in modules:
        name, _, function = entry.partition(":")
        module = importlib.import_module(name)
        if function:
            getattr(module, function)()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 64, 1)
        except OSError:
            return
        if not message:
            return  # the bot is gone
        pid = os.fork()
        if pid == 0:
            sock.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            limit = int(message.decode())
            try:
                _serve(Connection(fds[0]), limit or None)
            finally:
                os._exit(0)
        os.close(fds[0])
        sock.sendall(pid.to_bytes(8, "big"))


class ForkServer:
    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.pathsep.join(p for p in sys.path if p)  # import what this process imports
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "answers.workers",
                str(theirs.fileno()),
                *sorted(self.modules),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()

    def fork(self, memory_limit: int | None) -> tuple[int, Connection]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.sock, [str(memory_limit or 0).encode()], [theirs.fileno()])
                reply = b""
                while len(reply) < 8:
                    chunk = self.sock.recv(8 - len(reply))
                    if not chunk:
                        raise OSError("the fork server is gone")
                    reply += chunk
        finally:
            theirs.close()
        return int.from_bytes(reply, "big"), Connection(ours.detach())

    def close(self) -> None:
        self.sock.close()  # it exits when it reads the end of its socket
        try:
            self.process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_servers_lock = threading.Lock()
_server: ForkServer | None = None


def fork_server_with(modules: Sequence[str]) -> ForkServer:
    """The process's fork server, started again (with more modules) when a pool needs more."""
    global _server
    with _servers_lock:
        if _server is not None and _server.process.poll() is None:
            if _server.modules >= set(modules):
                return _server
            modules = sorted(_server.modules | set(modules))
            _server.close()  # its workers live on: they need nothing from it
        _server = ForkServer(modules)
        return _server


@atexit.register
def _stop_fork_server() -> None:
    with _servers_lock:
        if _server is not None:
            _server.close()


class WorkerProcess:
    def __init__(self, preload: Sequence[str], memory_limit: int | None) -> None:
        try:
            self.pid, self.conn = fork_server_with(preload).fork(memory_limit)
        except OSError as exc:
            raise WorkerCrashed(f"a worker could not be started ({exc})") from exc
        try:  # started means ready: its start-up must not count against its first call
            if not self.conn.poll(_START_SECONDS):
                raise WorkerCrashed(f"a worker did not start in {_START_SECONDS:g} s")
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise WorkerCrashed("a worker died while starting") from exc
        except WorkerCrashed:
            self.kill()
            raise

    def is_idle_and_alive(self) -> bool:
        """False when the worker died while idle (its pipe then reads as ended)."""
        try:
            return not self.conn.poll(0)
        except OSError:
            return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()

    def stop(self) -> None:
        """Close the pipe (the worker exits on its own); kill it if it lingers."""
        self.conn.close()
        deadline = time.monotonic() + _STOP_SECONDS
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
