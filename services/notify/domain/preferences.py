"""Which messages a person may turn off, and the signed links that turn them off."""

from __future__ import annotations

import base64
import hashlib
import hmac

CHANNELS = ("email", "zalo")

# Messages a contest cannot run without: they go whatever the preferences say.
ESSENTIAL_TEMPLATES = frozenset(
    {
        "account_verify_email",
        "account_reset_password",
        "account_staff_invitation",
        "entry_receipt",
        "entry_screening_accepted",
        "entry_screening_revision",
        "entry_screening_rejected",
        "entry_withdrawn",
        "juror_assigned",
        "results_winner",
        "results_thanks",
    }
)


class BadUnsubscribeToken(ValueError):
    pass


def is_essential(template: str) -> bool:
    return template in ESSENTIAL_TEMPLATES


def _mac(key: bytes, body: bytes) -> str:
    digest = hmac.new(key, b"unsubscribe:" + body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def unsubscribe_token(key: bytes, recipient: str, channel: str) -> str:
    """A link token naming the recipient and channel, signed so nobody can unsubscribe others."""
    body = f"{channel}\n{recipient}".encode()
    encoded = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{encoded}.{_mac(key, body)}"


def read_unsubscribe_token(key: bytes, token: str) -> tuple[str, str]:
    """(recipient, channel) of a token this service signed; BadUnsubscribeToken otherwise."""
    encoded, _, mac = token.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        channel, recipient = body.decode().split("\n", 1)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadUnsubscribeToken("malformed") from error
    if channel not in CHANNELS or not hmac.compare_digest(mac, _mac(key, body)):
        raise BadUnsubscribeToken("not signed by us")
    return recipient, channel
