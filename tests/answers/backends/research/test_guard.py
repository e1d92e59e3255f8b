"""The SSRF guard's decisions, asked directly: nothing here opens a connection."""

from __future__ import annotations

import ipaddress

import pytest
from yarl import URL

from answers.backends.research.guard import (
    BlockedAddress,
    FetchGuard,
    GuardedResolver,
    is_public_address,
    parse_ip_host,
)
from tests.answers.backends.research.fakes import FixedResolver

GUARD = FetchGuard.allowing(["127.0.0.1", "fake-site.test"])

BLOCKED_URLS = [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://10.0.0.1/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://127.0.0.2/",  # loopback outside the allow-list
    "http://0.0.0.0/",
    "http://224.0.0.251/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://198.18.0.1/",  # benchmarking
    "http://192.0.2.1/",  # documentation
    "http://[::1]/",
    "http://[::]/",
    "http://[fd12:3456::1]/",  # unique local
    "http://[fe80::1]/",  # link-local
    "http://[fe80::1%25eth0]/",
    "http://[ff02::1]/",  # multicast
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:7f00:1]/",  # the same, in hex
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[2002:a00:1::]/",  # 6to4 of 10.0.0.1
    "http://[::ffff:0:7f00:1]/",  # IPv4-translated 127.0.0.1
    "http://2130706433/",  # decimal 127.0.0.1
    "http://3232235777/",  # decimal 192.168.1.1
    "http://2852039166/",  # decimal 169.254.169.254
    "http://0177.0.0.1/",  # octal
    "http://0177.0.0.01/",
    "http://012.0.0.1/",  # octal 10.0.0.1
    "http://0x7f.0.0.1/",  # hex
    "http://0x7f000001/",
    "http://0xa9fea9fe/",
    "http://127.1/",  # short form
    "http://10.1/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://printer.local/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://db.internal/",
    "http://999.1.1.1/",  # not an address at all
    "file:///etc/passwd",
    "ftp://example.com/",
    "gopher://example.com/",
    "http://user:secret@example.com/",
    "http://example.com:6379/",  # a port other than 80/443
    "https://example.com:8443/",
]

ALLOWED_URLS = [
    "http://example.com/",
    "https://example.com/path?q=1",
    "http://93.184.216.34/",
    "http://8.8.8.8/",
    "http://[2606:4700:4700::1111]/",
    "https://sub.example.org:443/",
    "http://127.0.0.1:8123/page",  # allow-listed (how tests reach their fakes)
    "http://fake-site.test:9000/",
]


@pytest.mark.parametrize("url", BLOCKED_URLS)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(BlockedAddress):
        GUARD.check_url(URL(url))


@pytest.mark.parametrize("url", ALLOWED_URLS)
def test_check_url_allows_public_and_allow_listed(url: str) -> None:
    GUARD.check_url(URL(url))


def test_loopback_is_blocked_without_the_allow_list() -> None:
    with pytest.raises(BlockedAddress):
        FetchGuard().check_url(URL("http://127.0.0.1:8123/"))


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0.258", "10.0.1.2"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.com", None),
        ("1e100.net", None),
        ("0x", "0.0.0.0"),
    ],
)
def test_parse_ip_host_reads_every_spelling(spelling: str, address: str | None) -> None:
    parsed = parse_ip_host(spelling)
    assert (str(parsed) if parsed else None) == address


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("169.254.169.254", False),
        ("100.127.255.254", False),
        ("192.168.0.1", False),
        ("::ffff:192.168.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2001:db8::1", False),  # documentation
        ("8.8.8.8", True),
        ("2a00:1450:4001::200e", True),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


RESOLVER_TABLE = {
    "metadata.evil.test": ["169.254.169.254"],
    "intranet.evil.test": ["10.1.2.3"],
    "cgnat.evil.test": ["100.64.1.1"],
    "mixed.evil.test": ["93.184.216.34", "192.168.0.7"],  # one bad answer spoils the name
    "v6.evil.test": ["fd00::7"],
    "mapped.evil.test": ["::ffff:10.0.0.1"],
    "rebind.evil.test": ["127.0.0.1"],  # loopback for a name not on the allow-list
    "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "fake-site.test": ["127.0.0.1"],
}


@pytest.mark.parametrize(
    "host",
    [
        "metadata.evil.test",
        "intranet.evil.test",
        "cgnat.evil.test",
        "mixed.evil.test",
        "v6.evil.test",
        "mapped.evil.test",
        "rebind.evil.test",
    ],
)
async def test_resolver_refuses_names_resolving_to_private_addresses(host: str) -> None:
    resolver = GuardedResolver(GUARD, FixedResolver(RESOLVER_TABLE))
    with pytest.raises(BlockedAddress):
        await resolver.resolve(host, 443)


async def test_resolver_passes_public_names_and_allow_listed_ones() -> None:
    inner = FixedResolver(RESOLVER_TABLE)
    resolver = GuardedResolver(GUARD, inner)
    public = await resolver.resolve("public.example", 443)
    assert [r["host"] for r in public] == RESOLVER_TABLE["public.example"]
    allowed = await resolver.resolve("fake-site.test", 9000)
    assert [r["host"] for r in allowed] == ["127.0.0.1"]


async def test_resolver_refuses_local_names_before_looking_them_up() -> None:
    inner = FixedResolver({"localhost": ["127.0.0.1"]})
    resolver = GuardedResolver(GUARD, inner)
    with pytest.raises(BlockedAddress):
        await resolver.resolve("localhost", 80)
    assert inner.asked == []


def test_check_resolved_refuses_an_empty_answer() -> None:
    with pytest.raises(BlockedAddress):
        GUARD.check_resolved("nothing.example", [])


# Holes the review found: Python 3.11 calls these addresses global, and aiohttp connects to any
# host with a colon as a literal (no resolver), so a malformed one must be refused here.
@pytest.mark.parametrize(
    "url",
    [
        "http://[fec0::1]/",  # site-local (deprecated, still routed by some networks)
        "http://[3fff::1]/",  # documentation (RFC 9637)
        "http://[5f00::1]/",  # SRv6 SIDs, outside global unicast
        "http://[64:ff9b:1::101:101]/",  # local-use NAT64: the site picks where it maps
        "http://[0::1:]/",  # not an address: aiohttp would hand it to getaddrinfo
        "http://[::1%]/",
        "http://[1:2:3:4:5:6:7:8:9]/",
        "http://%31%32%37.0.0.1/",  # percent-escapes in a host name
        "http://127.0.0.1%2e/",
    ],
)
def test_check_url_refuses_non_global_v6_ranges_and_malformed_hosts(url: str) -> None:
    with pytest.raises(BlockedAddress):
        GUARD.check_url(URL(url))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("fec0::1", False),
        ("3fff:0:1::1", False),
        ("5f00::1", False),
        ("64:ff9b:1::808:808", False),
        ("64:ff9b::808:808", True),  # well-known NAT64 of 8.8.8.8
        ("::ffff:1.1.1.1", True),  # in ::/8, which Python calls reserved: the embedding decides
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("2606:4700:4700::1111", True),
    ],
)
def test_is_public_address_for_ranges_python_calls_global(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize("host", ["0::1:", "::1%", "%31%32%37.0.0.1"])
async def test_resolver_refuses_malformed_names_before_looking_them_up(host: str) -> None:
    inner = FixedResolver({host: ["93.184.216.34"]})
    with pytest.raises(BlockedAddress):
        await GuardedResolver(GUARD, inner).resolve(host, 80)
    assert inner.asked == []
