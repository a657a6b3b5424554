"""Where a webhook's host name leads, checked before registering it and before every POST (a
name may be pointed elsewhere after it was registered)."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from ..domain.webhooks import INTERNAL_ADDRESS, is_internal


class InternalAddress(ValueError):
    pass


async def refuse_internal(url: str) -> None:
    """InternalAddress when the URL's host is, or resolves to, an address of our own network.
    A name that does not resolve now is not refused here (the send will fail and retry)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return
    for info in infos:
        address = str(info[4][0])
        if is_internal(address):
            raise InternalAddress(INTERNAL_ADDRESS.format(address=address))
