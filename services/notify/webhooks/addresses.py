"""Where a webhook's host name leads, checked before registering it and before every POST (a
name may be pointed elsewhere after it was registered)."""

from __future__ import annotations

from shared.addresses import internal_address_of

from ..domain.webhooks import INTERNAL_ADDRESS


class InternalAddress(ValueError):
    pass


async def refuse_internal(url: str) -> None:
    """InternalAddress when the URL's host is, or resolves to, an address of our own network.
    A name that does not resolve now is not refused here (the send will fail and retry)."""
    address = await internal_address_of(url)
    if address is not None:
        raise InternalAddress(INTERNAL_ADDRESS.format(address=address))
