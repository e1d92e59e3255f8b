"""Where factbot keeps shared state: the `Store` interface, and Redis behind it.

Without Redis, a bounded in-process map (`answers.memory_store.MemoryStore`)
speaks the same small interface. Keys are relative to one
namespace (`factbot:v1:` by default); each key family has one owner module
that builds its keys (`answers.cache`, `answers.dedupe`, `answers.ratelimit`,
`answers.feedback`).

`RedisStore` never lets a dead Redis stall a question: connection failures
raise `StoreUnavailable` at once, one warning is logged when Redis goes away
and one when it is back, and while Redis is down calls fail fast for
`retry_interval` seconds before it is tried again. Its connections are
bounded and calls block for them: under a burst a call waits for a free
connection (a busy Redis is not an outage), and a call that waited while
Redis went away fails fast instead of trying it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar, cast

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from answers.errors import StoreUnavailable

__all__ = [
    "DEFAULT_NAMESPACE",
    "DEFAULT_POOL_SIZE",
    "RedisStore",
    "Store",
    "StoreUnavailable",
    "connect_redis",
]

log = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "factbot:v1:"
DEFAULT_POOL_SIZE = 50  # connections per process; more rarely helps one event loop
# Failures that mean Redis cannot be reached (these open the breaker); any other RedisError is
# one refused command (out of memory, a wrong type) and says nothing about the next.
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

T = TypeVar("T")


class Store(Protocol):
    """The operations factbot needs; TTLs are seconds."""

    @property
    def is_shared(self) -> bool:
        """True when other processes see the same data (Redis)."""
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, *, ttl: float, only_new: bool = False) -> bool:
        """Store `value`; with `only_new`, only if the key is absent. True if stored."""
        ...

    async def set_new(self, keys: Sequence[str], value: bytes, *, ttl: float) -> list[bool]:
        """`set(key, value, only_new=True)` for each key, in one round trip; True where stored."""
        ...

    async def get_via(self, key: str, *, prefix: str) -> tuple[bytes, bytes | None] | None:
        """The pointer at `key` and the value at `prefix + pointer` (None if that is gone), in
        one round trip; None when `key` is absent."""
        ...

    async def delete(self, key: str, *, if_value: bytes | None = None) -> bool: ...

    async def extend(self, key: str, *, ttl: float, if_value: bytes) -> bool:
        """Reset the TTL of `key` if it still holds `if_value` (a lock heartbeat)."""
        ...

    async def incr(self, key: str, *, ttl: float) -> int:
        """Add one; the TTL is set when the key is created."""
        ...

    async def hset(self, key: str, field: str, value: str, *, ttl: float) -> None: ...

    async def hgetall(self, key: str) -> dict[str, str]: ...

    async def ping(self) -> bool: ...

    async def aclose(self) -> None: ...


_GET_VIA = """
local target = redis.call('GET', KEYS[1])
if not target then return false end
return {target, redis.call('GET', ARGV[1] .. target)}
"""
_COMPARE_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_COMPARE_EXPIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_INCR_WITH_TTL = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def connect_redis(
    url: str, *, timeout: float = 1.0, pool_size: int = DEFAULT_POOL_SIZE
) -> aioredis.Redis:
    """A client that fails fast when Redis is gone, with a pool of at most `pool_size`
    connections. `RedisStore` makes the pool blocking: a call waits for one of `pool_size`
    slots (a busy Redis is not an outage), so the pool itself never runs out (and needs no
    lock of its own to wait on, which costs under a burst).

    Short connect and read timeouts. One retry, on a new connection, only for a connection
    error: a connection the pool kept from before a Redis restart fails once and is replaced,
    rather than reporting an outage that is not there.
    """
    pool = aioredis.ConnectionPool.from_url(
        url,
        max_connections=pool_size,
        socket_connect_timeout=timeout,
        socket_timeout=timeout * 2,
        retry=Retry(NoBackoff(), 1),
        retry_on_error=[RedisConnectionError],
        decode_responses=False,
    )
    return aioredis.Redis.from_pool(pool)  # the client owns the pool: aclose() closes it


def pool_size_of(client: aioredis.Redis) -> int:
    """How many commands may run at once on `client` (its pool's size, capped)."""
    size = getattr(client.connection_pool, "max_connections", DEFAULT_POOL_SIZE)
    return max(1, min(int(size), 10_000))


def _ms(ttl: float) -> int:
    return max(1, int(ttl * 1000))


class RedisStore:
    def __init__(
        self,
        client: aioredis.Redis,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        retry_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.retry_interval = retry_interval
        self._clock = clock
        self._down_since: float | None = None
        self._last_try = 0.0
        # One slot per pooled connection: a call waits here, where it can still fail fast if
        # Redis goes away meanwhile, and never inside the pool.
        self._slots = asyncio.Semaphore(pool_size_of(client))
        # Registered scripts run by EVALSHA: the script text crosses the wire once, not per call.
        self._get_via = client.register_script(_GET_VIA)
        self._compare_delete = client.register_script(_COMPARE_DELETE)
        self._compare_expire = client.register_script(_COMPARE_EXPIRE)
        self._incr_with_ttl = client.register_script(_INCR_WITH_TTL)

    @property
    def is_shared(self) -> bool:
        return True

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def _k(self, key: str) -> str:
        return self.namespace + key

    def _fail_fast(self) -> None:
        """Raise while Redis is known to be down and it is not yet time to try it again."""
        if self._down_since is not None and self._clock() - self._last_try < self.retry_interval:
            raise StoreUnavailable("Redis is unreachable (retrying shortly)")

    def _before(self) -> None:
        self._fail_fast()
        self._last_try = self._clock()

    def _failed(self, exc: BaseException) -> StoreUnavailable:
        if isinstance(exc, MaxConnectionsError):  # a full pool is not an outage
            return StoreUnavailable(f"no free Redis connection ({exc})")
        if not isinstance(exc, _UNREACHABLE):  # one refused command, not an outage
            log.warning("Redis refused a command: %s", exc)
            return StoreUnavailable(str(exc))
        if self._down_since is None:
            self._down_since = self._clock()
            log.warning("Redis is unreachable (%s); answering without the shared cache", exc)
        return StoreUnavailable(str(exc))

    def _succeeded(self) -> None:
        if self._down_since is not None:
            log.warning("Redis is reachable again after %.1f s", self._clock() - self._down_since)
            self._down_since = None

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        self._fail_fast()
        async with self._slots:
            self._before()  # Redis may have gone away while this call waited for a connection
            try:
                result = await make()
            except (RedisError, OSError) as exc:
                raise self._failed(exc) from exc
        self._succeeded()
        return result

    async def get(self, key: str) -> bytes | None:
        value = await self._call(lambda: self.client.get(self._k(key)))
        return cast("bytes | None", value)

    async def get_via(self, key: str, *, prefix: str) -> tuple[bytes, bytes | None] | None:
        found = await self._call(lambda: self._get_via(keys=[self._k(key)], args=[self._k(prefix)]))
        if not found:
            return None
        pointer, *value = cast("list[bytes | None]", found)
        assert pointer is not None
        return pointer, (value[0] or None) if value else None

    async def set(self, key: str, value: bytes, *, ttl: float, only_new: bool = False) -> bool:
        done = await self._call(
            lambda: self.client.set(self._k(key), value, px=_ms(ttl), nx=only_new)
        )
        return bool(done)

    async def set_new(self, keys: Sequence[str], value: bytes, *, ttl: float) -> list[bool]:
        async def write() -> list[bool]:
            async with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(self._k(key), value, px=_ms(ttl), nx=True)
                return [bool(done) for done in await pipe.execute()]

        return await self._call(write)

    async def delete(self, key: str, *, if_value: bytes | None = None) -> bool:
        if if_value is None:
            n = await self._call(lambda: self.client.delete(self._k(key)))
        else:
            n = await self._call(lambda: self._compare_delete(keys=[self._k(key)], args=[if_value]))
        return bool(n)

    async def extend(self, key: str, *, ttl: float, if_value: bytes) -> bool:
        n = await self._call(
            lambda: self._compare_expire(keys=[self._k(key)], args=[if_value, _ms(ttl)])
        )
        return bool(n)

    async def incr(self, key: str, *, ttl: float) -> int:
        n = await self._call(lambda: self._incr_with_ttl(keys=[self._k(key)], args=[_ms(ttl)]))
        return int(n)

    async def hset(self, key: str, field: str, value: str, *, ttl: float) -> None:
        async def write() -> None:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(self._k(key), field, value)
                pipe.pexpire(self._k(key), _ms(ttl))
                await pipe.execute()

        await self._call(write)

    async def hgetall(self, key: str) -> dict[str, str]:
        raw = cast(
            "dict[bytes, bytes]", await self._call(lambda: self.client.hgetall(self._k(key)))
        )
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def ping(self) -> bool:
        """Ask Redis now (health checks), whatever the breaker says."""
        try:
            async with self._slots:
                await self.client.ping()
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return False
        self._succeeded()
        return True

    async def aclose(self) -> None:
        await self.client.aclose()
