"""HTTP requests to addresses that users chose (webhook URLs, push endpoints), kept away from the machines around
FinCloud.

A URL's host is resolved once; every address it resolves to must be public (not private, loopback, link-local,
multicast, reserved or unspecified, IPv4 or IPv6, IPv4-mapped and NAT64/6to4/Teredo-embedded IPv4 included), and the
request then goes to that checked address, with the original name in the ``Host`` header and as the TLS server
name (SNI and certificate check). There is no second lookup between the check and the connection, so a name that
answers a public address to the check and a private one to the connection (DNS rebinding) gets nowhere.

Redirects are never followed (a ``3xx`` is the receiver's answer), proxies from the environment are not used (they
would do their own lookup), and each send gets a client of its own so that no pooled connection to one address is
reused for another name.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl

import httpx

__all__ = ["AddressRefused", "PinnedTransport", "checked_addresses", "pinned_client", "refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_RESOLVE_TIMEOUT = 10.0


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address FinCloud does not send to (or the URL is not ``http(s)``)."""


def refusal(address: IPAddress) -> str | None:
    """Why FinCloud refuses to connect to ``address`` (``"loopback"``, ``"private"``, ...), or ``None`` when it is
    a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = refusal(embedded)
            if reason is not None:
                return f"{reason} (embedded in {address})"
            if address.ipv4_mapped is not None or address in _NAT64:
                return None
    for reason, flagged in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flagged:
            return reason
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if not address.is_global:
        return "not public"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


async def _resolve(host: str, port: int, *, within: float | None) -> list[IPAddress]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP),
            timeout=within or _DEFAULT_RESOLVE_TIMEOUT,
        )
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(f"resolving {host} timed out") from exc
    except OSError as exc:
        raise httpx.ConnectError(f"{host} does not resolve: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise httpx.ConnectError(f"{host} does not resolve")
    return addresses


async def checked_addresses(
    url: str | httpx.URL, *, allow_private: bool, within: float | None = None
) -> list[IPAddress]:
    """The addresses ``url`` may be sent to: every address its host resolves to, when all of them are allowed.
    Raises ``AddressRefused`` for a URL that is not ``http(s)`` or whose host has any refused address (unless
    ``allow_private``), and ``httpx.ConnectError`` when the host does not resolve."""
    url = httpx.URL(url)
    if url.scheme not in ("http", "https") or not url.host:
        raise AddressRefused(f"only http and https URLs are allowed, not {url.scheme or 'a relative'} URL")
    if url.userinfo:
        raise AddressRefused("URLs with a user name or password are not allowed")
    addresses = await _resolve(url.host, url.port or (443 if url.scheme == "https" else 80), within=within)
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise AddressRefused(f"{url.host} is a {reason} address ({address}); FinCloud does not send there")
    return addresses


class PinnedTransport(httpx.AsyncBaseTransport):
    """Sends each request to the checked addresses of its URL's host, in the resolver's order (the next one when a
    connection cannot be made), never to a fresh lookup."""

    def __init__(self, *, allow_private: bool, verify: ssl.SSLContext | bool = True) -> None:
        self._allow_private = allow_private
        self._inner = httpx.AsyncHTTPTransport(verify=verify, trust_env=False, retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        addresses = await checked_addresses(
            request.url, allow_private=self._allow_private, within=timeouts.get("connect")
        )
        host = request.url.host
        failure: Exception | None = None
        for address in addresses:
            extensions = dict(request.extensions)
            if request.url.scheme == "https":
                extensions["sni_hostname"] = host
            pinned = httpx.Request(
                request.method,
                request.url.copy_with(host=str(address)),
                headers=request.headers,  # carries ``Host: <original name>``
                stream=request.stream,
                extensions=extensions,
            )
            try:
                return await self._inner.handle_async_request(pinned)
            except httpx.ConnectError as exc:  # nothing was sent: the next address may answer
                failure = exc
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        await self._inner.aclose()


@functools.cache
def default_tls() -> ssl.SSLContext:
    """The certificate check of every send, built once per process: building one reads the CA bundle from disk
    (~40 ms), which once per webhook made the TLS set-up most of a worker's time. A context may serve many
    connections at once."""
    return httpx.create_ssl_context()


def pinned_client(*, allow_private: bool, timeout: float, verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """A client for one send to a user's URL: pinned addresses, no redirects, no proxies from the environment.
    ``verify``: the certificate check (a context with a test CA in tests; never off in FinCloud)."""
    return httpx.AsyncClient(
        transport=PinnedTransport(allow_private=allow_private, verify=default_tls() if verify is True else verify),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )
