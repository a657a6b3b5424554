"""Where a URL a person typed leads: an organizer's webhook (notify) or outlet (publish) must
not reach our own network. Checked when the URL is saved and again before each call, since a
name may be pointed elsewhere after it was saved."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def is_internal(address: str) -> bool:
    """Loopback, private, link-local (cloud metadata), reserved, multicast or unspecified
    addresses: our own network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


async def internal_address_of(url: str) -> str | None:
    """The first internal address the URL's host is, or resolves to; None when there is none.
    A name that does not resolve now is not refused here (the call will fail and retry)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if is_internal(address):
            return address
    return None
