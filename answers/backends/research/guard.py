"""The SSRF guard: which URLs and addresses the page fetcher may reach.

Two checks, both needed:

- `FetchGuard.check_url` runs before every request and every redirect hop. It
  refuses non-http(s) schemes, credentials in URLs, odd ports, and IP literals
  that are not public, whatever their spelling (`2130706433`, `0177.0.0.1`,
  `0x7f.1`, `[::ffff:127.0.0.1]`). aiohttp never calls a resolver for an IP
  literal, so this is the only check those get.
- `GuardedResolver` runs at connect time, inside aiohttp's connector: every
  address a name resolves to must be public, or the connection is refused.
  Checking the addresses actually connected to closes the DNS-rebinding gap a
  check-then-fetch guard leaves open.

Hosts named in the allow-list (`FACTBOT_FETCH_ALLOW_HOSTS`) skip the address
checks; that is how tests reach their fake sites on loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

__all__ = [
    "BlockedAddress",
    "FetchGuard",
    "GuardedResolver",
    "is_public_address",
    "parse_ip_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOWED_PORTS = frozenset({80, 443})
# Names that are never public, whatever a resolver says about them.
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "metadata.google.internal"})
# NAT64 and IPv4-translated (SIIT) prefixes embed an IPv4 address in the low 32 bits.
_NAT64 = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
)
# Python counts this benchmarking range as global (RFC 6890 says not globally reachable).
_EXTRA_BLOCKED = (ipaddress.IPv4Network("198.18.0.0/15"),)
# Python 3.11 counts these as global too: local-use NAT64 (RFC 8215, maps into whatever the site
# chooses, private ranges included) and the IPv6 documentation range (RFC 9637).
_EXTRA_BLOCKED_V6 = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("3fff::/20"),
)


class BlockedAddress(OSError):
    """The guard refused a URL or an address; the message says why."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, Teredo, NAT64, SIIT), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # IPv4-compatible (::a.b.c.d, deprecated) still reaches IPv4 hosts on some stacks.
    if int(address) >> 32 == 0:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses.

    Refuses loopback, private (RFC 1918, ULA), link-local (169.254.169.254),
    carrier-grade NAT (100.64/10), multicast, reserved and unspecified ranges,
    IPv6 site-local and documentation ranges, local-use NAT64, and IPv6 forms
    that embed any of those.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id or any(address in net for net in _EXTRA_BLOCKED_V6):
            return False
        inner = _embedded_ipv4(address)
        if inner is not None:
            return is_public_address(inner)
        # Site-local (fec0::/10, deprecated but still routed by some networks) and the ranges
        # outside 2000::/3 that are not assigned for unicast (e.g. 5f00::/16 SRv6) are not public.
        if address.is_site_local or address.is_reserved:
            return False
    elif any(address in net for net in _EXTRA_BLOCKED):
        return False
    return address.is_global and not address.is_multicast


def _parse_ipv4_part(part: str) -> int | None:
    """One inet_aton component: decimal, 0-prefixed octal or 0x-prefixed hex."""
    if not part:
        return None
    try:
        if part.lower().startswith("0x"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _parse_legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """inet_aton's spellings: `2130706433`, `127.1`, `0177.0.0.1`, `0x7f.0.0.1`."""
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = [_parse_ipv4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    numbers = [v for v in values if v is not None]
    *head, last = numbers
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = value * 256 ** (5 - len(numbers)) + last
    return ipaddress.IPv4Address(value)


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host spells, in any form a resolver would accept, or None for a name."""
    name = _normal_host(host)
    if ":" not in name:
        return _parse_legacy_ipv4(name)
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


@dataclass(frozen=True)
class FetchGuard:
    """The URL policy; `allow_hosts` (lower-case names or IP literals) skip the address checks
    and may use any port; other hosts are reached on `ports` only."""

    allow_hosts: frozenset[str] = frozenset()
    ports: frozenset[int] = ALLOWED_PORTS

    @classmethod
    def allowing(cls, hosts: Iterable[str], *, ports: Iterable[int] = ALLOWED_PORTS) -> FetchGuard:
        return cls(frozenset(_normal_host(h) for h in hosts if h.strip()), frozenset(ports))

    def is_allowed_host(self, host: str) -> bool:
        return _normal_host(host) in self.allow_hosts

    def check_url(self, url: URL) -> None:
        """Raise `BlockedAddress` unless the fetcher may request `url`."""
        if url.scheme not in ALLOWED_SCHEMES:
            raise BlockedAddress(f"scheme {url.scheme!r} is not fetched")
        if url.user is not None or url.password is not None:
            raise BlockedAddress("URLs with credentials are not fetched")
        host = url.raw_host
        if not host:
            raise BlockedAddress("the URL has no host")
        if self.is_allowed_host(host):
            return
        self.check_host(host)
        if url.port not in self.ports:
            raise BlockedAddress(f"port {url.port} is not fetched")

    def check_host(self, host: str) -> None:
        """Refuse local names and IP literals (any spelling) that are not public."""
        name = _normal_host(host)
        if name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES):
            raise BlockedAddress(f"{name} is a local name")
        address = parse_ip_host(name)
        if address is not None and not is_public_address(address):
            raise BlockedAddress(f"{name} is not a public address")
        if address is None and (name.replace(".", "").isdigit() or any(c in name for c in ":%")):
            # aiohttp connects to a host with a colon as a literal, past the resolver check;
            # no DNS name holds a colon or a percent-escape.
            raise BlockedAddress(f"{name} is not a valid address")

    def check_resolved(self, host: str, addresses: Iterable[str]) -> None:
        """Refuse a name if any address it resolved to is not public (or none came back)."""
        if self.is_allowed_host(host):
            return
        seen = False
        for raw in addresses:
            seen = True
            address = parse_ip_host(raw)
            if address is None or not is_public_address(address):
                raise BlockedAddress(f"{_normal_host(host)} resolves to a non-public address")
        if not seen:
            raise BlockedAddress(f"{_normal_host(host)} did not resolve")


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


class GuardedResolver(AbstractResolver):
    """A resolver that refuses, at connect time, names resolving to non-public addresses."""

    def __init__(self, guard: FetchGuard, inner: AbstractResolver | None = None) -> None:
        self.guard = guard
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not self.guard.is_allowed_host(host):
            self.guard.check_host(host)
        if self._inner is None:
            self._inner = ThreadedResolver()
        results = await self._inner.resolve(host, port, family)
        self.guard.check_resolved(host, (r["host"] for r in results))
        return results

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()
