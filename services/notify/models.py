"""Notify's tables: deliveries and their attempts, what notify knows of contests and people,
preferences, announcements, webhooks and the Zalo account's tokens and templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.contracts.base import new_event_id
from shared.db import UTCDateTime, new_metadata
from shared.messaging.tables import inbox_table, outbox_table
from shared.zalo.tokens import zalo_tokens_table


class Base(DeclarativeBase):
    metadata = new_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class Delivery(Base):
    """One message to one recipient over one channel, for one event: unique on those three, so
    a redelivered event finds its delivery already there."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("source_event_id", "recipient", "channel"),
        sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_deliveries_created_at", "created_at"),
    )

    delivery_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    source_event_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    event_type: Mapped[str] = mapped_column(sa.String(64), default="")
    contest_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    channel: Mapped[str] = mapped_column(sa.String(16))  # email | zalo | webhook
    # An e-mail address, a phone number as 84xxxxxxxxx, or a webhook id.
    recipient: Mapped[str] = mapped_column(sa.String(320), index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(200), default="")
    template: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8))
    essential: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    subject: Mapped[str] = mapped_column(sa.Text)
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # The channel's own request: ZNS template id and data, or the webhook's JSON body.
    payload: Mapped[str] = mapped_column(sa.Text, default="")
    # The id the recipient's side sees: the e-mail Message-ID, the ZNS tracking_id.
    message_id: Mapped[str] = mapped_column(sa.String(255))
    provider_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True, index=True)
    # queued | sending | sent | delivered | failed | bounced | skipped
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeliveryAttempt(Base):
    """The delivery log: every try, deferral, bounce and resend, with what the other side said."""

    __tablename__ = "delivery_attempts"

    attempt_id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_id: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("deliveries.delivery_id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # sent | delivered | temporary | permanent | deferred | bounced | resend | skipped
    outcome: Mapped[str] = mapped_column(sa.String(16))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    actor: Mapped[str] = mapped_column(sa.String(64), default="")  # who asked for a resend


class Contest(Base):
    """What notify needs of a contest, from ContestPublished."""

    __tablename__ = "contests"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.Text)
    organizer: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    categories: Mapped[str] = mapped_column(sa.Text, default="[]")  # JSON [{id, code, name}]


class Contestant(Base):
    """An entry and the person who submitted it, from EntrySubmitted / Screened / Withdrawn."""

    __tablename__ = "contestants"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.Text)
    category_id: Mapped[str] = mapped_column(sa.String(64))
    category_name: Mapped[str] = mapped_column(sa.Text, default="")
    account_id: Mapped[str] = mapped_column(sa.String(64))
    email: Mapped[str] = mapped_column(sa.String(320))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(8), default="vi")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="submitted")  # + withdrawn, ...
    version: Mapped[int] = mapped_column(default=1)


class Juror(Base):
    """A juror of a contest, from JurorAssigned."""

    __tablename__ = "jurors"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    juror_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(8), default="vi")


class Preference(Base):
    """A recipient's choice for one channel; no row means the channel is on."""

    __tablename__ = "preferences"

    recipient: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(sa.String(32), default="")  # unsubscribe link, page


class Announcement(Base):
    """An organizer's message to a group of a contest's people."""

    __tablename__ = "announcements"

    announcement_id: Mapped[str] = mapped_column(
        sa.String(64), primary_key=True, default=new_event_id
    )
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    audience: Mapped[str] = mapped_column(sa.String(16))  # contestants | category | jurors
    category_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    channels: Mapped[str] = mapped_column(sa.String(64))  # comma separated
    recipients: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Webhook(Base):
    """A URL the organizer wants told of a contest's events, signed with its own secret."""

    __tablename__ = "webhooks"

    webhook_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    contest_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    url: Mapped[str] = mapped_column(sa.Text)
    secret: Mapped[str] = mapped_column(sa.String(128))
    topics: Mapped[str] = mapped_column(sa.Text, default="")  # comma separated; empty = all
    description: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    created_by: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ZaloToken(Base):
    """The Zalo official account's tokens. The refresh token is single use: every refresh
    replaces both, in one row update guarded by ``version``. The table is the shared one
    (shared/zalo/tokens.py), which reads and refreshes it."""

    __table__ = zalo_tokens_table(Base.metadata)

    account: Mapped[str]  # "oa"
    access_token: Mapped[str]
    refresh_token: Mapped[str]
    access_expires_at: Mapped[datetime]
    version: Mapped[int]
    updated_at: Mapped[datetime]


class ZnsTemplate(Base):
    """One of our templates mapped to a ZNS template Zalo approved, with its parameters."""

    __tablename__ = "zns_templates"

    template: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    zns_template_id: Mapped[str] = mapped_column(sa.String(32))
    tag: Mapped[str] = mapped_column(sa.String(16))  # transaction | customer_care | promotion
    params: Mapped[str] = mapped_column(sa.Text)  # JSON [{name, source, max_length, required}]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ZnsQuotaDay(Base):
    """ZNS messages sent on one Vietnam calendar day, against the daily quota."""

    __tablename__ = "zns_quota"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    used: Mapped[int] = mapped_column(default=0)
    # What Zalo last said remains today (it knows better than our count).
    remaining: Mapped[int | None] = mapped_column(nullable=True)


class ServiceKey(Base):
    """A random key made on first use (e.g. to sign unsubscribe links), kept with the data."""

    __tablename__ = "service_keys"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(128))


# The tables themselves, for Core statements that write many rows at once.
DELIVERIES = cast(sa.Table, Delivery.__table__)
DELIVERY_ATTEMPTS = cast(sa.Table, DeliveryAttempt.__table__)
