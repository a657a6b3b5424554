"""Durable pull consumers: batched, idempotent, retried with backoff, dead-lettered at the end.

A message is handled inside a database transaction that also records it in the inbox keyed by
(consumer, event_id), so a redelivered or re-published event has one effect. Handlers must only
change the database (side effects leave through the outbox or a dispatcher table).

A batch is first tried in one transaction; if any handler fails, the batch is rolled back and
each message is retried in a transaction of its own, so one bad message costs only itself.
Failed messages are NAKed with a growing delay; on the last attempt they go to the dead-letter
subject with the reason and are acknowledged, so a poison message never stops the consumer.

Slow work (reading a multi-gigabyte object) must not hold a transaction open, so a subscription
may instead give ``prepare``: it runs outside any transaction, one message at a time, with the
message kept alive, and returns what to apply in the short transaction that records the inbox.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import Event, utc_now
from shared.contracts.streams import dead_letter_subject, stream_for_subject
from shared.correlation import CORRELATION_HEADER, correlation_scope
from shared.db import Database
from shared.logs import get_logger
from shared.metrics import ServiceMetrics

from .connection import BusConnection

log = get_logger("lantoa.consumer")

E = TypeVar("E", bound=Event)  # type: ignore[type-arg]
Handler = Callable[[E, AsyncSession], Awaitable[None]]
Apply = Callable[[AsyncSession], Awaitable[None]]

DLQ_REASON = "Lantoa-Dlq-Reason"
DLQ_SUBJECT = "Lantoa-Dlq-Subject"
DLQ_CONSUMER = "Lantoa-Dlq-Consumer"
DLQ_ATTEMPTS = "Lantoa-Dlq-Attempts"


@dataclass(frozen=True)
class Subscription(Generic[E]):
    """One handler of one event type, under a durable consumer name shared by all replicas."""

    event_type: type[E]
    durable: str
    handler: Handler[E] | None = None
    description: str = ""
    prepare: Callable[[E], Awaitable[Apply]] | None = None
    batch_size: int | None = None  # fetched at once; for prepared work, handled side by side

    def __post_init__(self) -> None:
        if (self.handler is None) == (self.prepare is None):
            raise ValueError(f"{self.durable}: give either a handler or a prepare step")


@dataclass(frozen=True)
class RetryPolicy:
    max_deliver: int = 5
    backoff_seconds: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    ack_wait_seconds: float = 60.0

    def delay_after(self, attempt: int) -> float:
        if not self.backoff_seconds:
            return 0.0
        return self.backoff_seconds[min(attempt, len(self.backoff_seconds)) - 1]


class EventConsumer(Generic[E]):
    def __init__(
        self,
        subscription: Subscription[E],
        *,
        bus: BusConnection,
        db: Database,
        inbox: sa.Table,
        metrics: ServiceMetrics,
        retry: RetryPolicy,
        batch_size: int = 64,
        fetch_timeout: float = 5.0,
    ) -> None:
        self.sub = subscription
        self.bus = bus
        self.db = db
        self.inbox = inbox
        self.metrics = metrics
        self.retry = retry
        self.batch_size = subscription.batch_size or batch_size
        self.fetch_timeout = fetch_timeout
        self.stream = stream_for_subject(subscription.event_type.SUBJECT).name
        self._stopping = False
        self._busy = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._psub: Any = None
        self._latency = metrics.handler_latency.labels(subscription.durable)

    @property
    def subject(self) -> str:
        return self.sub.event_type.SUBJECT

    def consumer_config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.sub.durable,
            description=self.sub.description or None,
            filter_subject=self.subject,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.retry.ack_wait_seconds,
            # One delivery more than we try: a message whose handler died with the process on
            # the last attempt comes back once more, and is then dead-lettered.
            max_deliver=self.retry.max_deliver + 1,
            max_ack_pending=max(1000, self.batch_size * 4),
        )

    async def ensure(self) -> None:
        await self.bus.js.add_consumer(self.stream, self.consumer_config())

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"consumer-{self.sub.durable}")

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                if self._psub is None:
                    await self.ensure()
                    self._psub = await self.bus.js.pull_subscribe_bind(
                        durable=self.sub.durable, stream=self.stream
                    )
                try:
                    messages = await self._psub.fetch(self.batch_size, timeout=self.fetch_timeout)
                except NatsTimeoutError:
                    continue
                failures = 0
                async with self._busy:
                    await self.handle_batch(messages)
            except (asyncio.CancelledError, _Stopping):
                return
            except Exception as error:
                failures += 1
                log.warning(
                    "consumer loop error; retrying",
                    consumer=self.sub.durable,
                    error=repr(error),
                    failures=failures,
                )
                if failures % 5 == 0:
                    await self._unsubscribe()  # bind again: the server may have lost our interest
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))

    async def handle_batch(self, messages: Sequence[Msg]) -> None:
        parsed: list[tuple[Msg, E]] = []
        for msg in messages:
            event = await self._parse(msg)
            if event is not None:
                parsed.append((msg, event))
        if self.sub.prepare is not None:
            # Prepared work is slow and independent: the batch in hand runs side by side
            # (the subscription's batch size is its concurrency).
            prepare = self.sub.prepare
            await asyncio.gather(*(self._handle_prepared(m, e, prepare) for m, e in parsed))
            return
        failed: _BatchFailed | None = None
        while parsed:
            try:
                outcomes = await self._handle_together(parsed)
            except _BatchFailed as error:
                if await self._held_while_database_down([m for m, _ in parsed]):
                    continue
                failed = error
                break
            for msg, outcome in outcomes:
                self.metrics.messages.labels(self.sub.durable, self.subject, outcome).inc()
                await msg.ack()
            return
        # One handler failed: its message counts that as its attempt; the others, rolled back
        # with it, are handled again one by one.
        for index, (msg, event) in enumerate(parsed):
            if failed is not None and index == failed.index:
                await self._failed(msg, event, failed.error)
            else:
                await self._handle_alone(msg, event)

    async def _parse(self, msg: Msg) -> E | None:
        attempts = msg.metadata.num_delivered
        if attempts > self.retry.max_deliver:
            await self._dead_letter(
                msg, f"delivered {attempts} times without an answer (the handler never finished)"
            )
            return None
        try:
            return self.sub.event_type.model_validate_json(msg.data)
        except ValidationError as error:
            self.metrics.messages.labels(self.sub.durable, self.subject, "malformed").inc()
            await self._dead_letter(msg, f"malformed event: {_one_line(str(error))}", count=False)
            return None

    async def _handle_together(self, batch: list[tuple[Msg, E]]) -> list[tuple[Msg, str]]:
        outcomes: list[tuple[Msg, str]] = []
        index = -1
        try:
            async with self.db.transaction() as session:
                seen = await self._already_processed(session, [e.event_id for _, e in batch])
                fresh = []
                for index, (msg, event) in enumerate(batch):  # noqa: B007 - index used on error
                    if event.event_id in seen:
                        outcomes.append((msg, "duplicate"))
                        continue
                    seen.add(event.event_id)
                    await self._call(event, session)
                    fresh.append(event)
                    outcomes.append((msg, "ok"))
                index = -1  # past the handlers: a failure now is the transaction's
                await self._record(session, fresh)
        except Exception as error:
            raise _BatchFailed(index, error) from error
        return outcomes

    async def _handle_alone(self, msg: Msg, event: E, handler: Handler[E] | None = None) -> None:
        while True:
            try:
                async with self.db.transaction() as session:
                    if await self._already_processed(session, [event.event_id]):
                        outcome = "duplicate"
                    else:
                        await self._call(event, session, handler)
                        await self._record(session, [event])
                        outcome = "ok"
                break
            except Exception as error:
                if await self._held_while_database_down([msg]):
                    continue
                await self._failed(msg, event, error)
                return
        self.metrics.messages.labels(self.sub.durable, self.subject, outcome).inc()
        await msg.ack()

    async def _handle_prepared(
        self, msg: Msg, event: E, prepare: Callable[[E], Awaitable[Apply]]
    ) -> None:
        keep_alive = asyncio.create_task(self._keep_alive(msg))
        started = time.perf_counter()
        try:
            with correlation_scope(event.correlation_id, event_id=event.event_id):
                apply = await prepare(event)
        except Exception as error:
            await self._failed(msg, event, error)
            return
        finally:
            keep_alive.cancel()
            await asyncio.gather(keep_alive, return_exceptions=True)
        self._latency.observe(time.perf_counter() - started)

        async def apply_and_record(event: E, session: AsyncSession) -> None:
            await apply(session)

        await self._handle_alone(msg, event, apply_and_record)

    async def _keep_alive(self, msg: Msg) -> None:
        """Tell the server the message is still being worked on, so it is not redelivered."""
        while True:
            await asyncio.sleep(max(self.retry.ack_wait_seconds / 3, 0.5))
            await _quietly(msg.in_progress())

    async def _held_while_database_down(self, messages: list[Msg]) -> bool:
        """If the database (not the handler) is what failed, keep the messages in hand, without
        spending their attempts, until it answers again. True when it is back."""
        if await self._database_answers():
            return False
        log.warning("database unreachable; holding messages", consumer=self.sub.durable)
        delay = 0.5
        while not self._stopping:
            for msg in messages:
                await _quietly(msg.in_progress())
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
            if await self._database_answers():
                log.info("database back; retrying held messages", consumer=self.sub.durable)
                return True
        raise _Stopping  # leave them unacknowledged: they come back after ack_wait

    async def _database_answers(self) -> bool:
        try:
            await asyncio.wait_for(self.db.ping(), timeout=5.0)
        except Exception:
            return False
        return True

    async def _call(
        self, event: E, session: AsyncSession, handler: Handler[E] | None = None
    ) -> None:
        handler = handler or self.sub.handler
        assert handler is not None
        started = time.perf_counter()
        with correlation_scope(event.correlation_id, event_id=event.event_id):
            try:
                await handler(event, session)
            finally:
                elapsed = time.perf_counter() - started
                self._latency.observe(elapsed)
            log.info(
                "event handled",
                consumer=self.sub.durable,
                subject=self.subject,
                ms=round(elapsed * 1000, 2),
            )

    async def _failed(self, msg: Msg, event: E, error: Exception) -> None:
        attempt = msg.metadata.num_delivered
        with correlation_scope(event.correlation_id, event_id=event.event_id):
            if attempt >= self.retry.max_deliver:
                log.error(
                    "handler failed on its last attempt",
                    consumer=self.sub.durable,
                    attempt=attempt,
                    error=repr(error),
                )
                await self._dead_letter(msg, f"handler failed {attempt} times: {error!r}")
                return
            delay = self.retry.delay_after(attempt)
            log.warning(
                "handler failed; will retry",
                consumer=self.sub.durable,
                attempt=attempt,
                retry_in=delay,
                error=repr(error),
            )
            self.metrics.messages.labels(self.sub.durable, self.subject, "retried").inc()
            await msg.nak(delay=delay)

    async def _dead_letter(self, msg: Msg, reason: str, *, count: bool = True) -> None:
        reason = _one_line(reason)[:900]
        headers = dict(msg.headers or {})
        headers.update(
            {
                "Nats-Msg-Id": f"dlq:{self.sub.durable}:{msg.metadata.sequence.stream}",
                DLQ_REASON: reason,
                DLQ_SUBJECT: msg.subject,
                DLQ_CONSUMER: self.sub.durable,
                DLQ_ATTEMPTS: str(msg.metadata.num_delivered),
            }
        )
        try:
            await self.bus.js.publish(
                dead_letter_subject(self.sub.durable), msg.data, headers=headers
            )
        except Exception as error:
            log.error("dead-letter publish failed; will retry", error=repr(error))
            await msg.nak(delay=self.retry.delay_after(1))
            return
        log.error(
            "message dead-lettered",
            consumer=self.sub.durable,
            subject=msg.subject,
            reason=reason,
            correlation_id=(msg.headers or {}).get(CORRELATION_HEADER),
        )
        if count:
            self.metrics.messages.labels(self.sub.durable, self.subject, "dead_lettered").inc()
        await msg.ack()

    async def _already_processed(self, session: AsyncSession, event_ids: list[str]) -> set[str]:
        t = self.inbox
        rows = await session.execute(
            sa.select(t.c.event_id).where(
                t.c.consumer == self.sub.durable, t.c.event_id.in_(event_ids)
            )
        )
        return {row[0] for row in rows}

    async def _record(self, session: AsyncSession, events: list[E]) -> None:
        if not events:
            return
        now = utc_now()
        await session.execute(
            sa.insert(self.inbox),
            [
                {
                    "consumer": self.sub.durable,
                    "event_id": e.event_id,
                    "subject": e.SUBJECT,
                    "processed_at": now,
                }
                for e in events
            ],
        )

    async def stop(self, grace_seconds: float) -> None:
        """Stop fetching; let the batch in hand finish (up to the grace period)."""
        self._stopping = True
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._busy.acquire(), timeout=grace_seconds)
            self._busy.release()
        except TimeoutError:
            log.warning("consumer still busy at shutdown", consumer=self.sub.durable)
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._unsubscribe()

    async def _unsubscribe(self) -> None:
        if self._psub is not None:
            psub, self._psub = self._psub, None
            await _quietly(psub.unsubscribe())


class _BatchFailed(Exception):
    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(repr(error))
        self.index = index  # the message whose handler failed, or -1
        self.error = error


class _Stopping(Exception):
    """Raised out of a wait when the consumer is asked to stop."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


async def _quietly(awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except Exception as error:
        log.debug("ignored", error=repr(error))
