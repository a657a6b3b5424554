"""Outbox, relay, inbox and consumers on the real broker and real databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import time

import nats
import pytest
import sqlalchemy as sa

from shared.bus.consumer import DLQ_ATTEMPTS, DLQ_CONSUMER, DLQ_REASON, DLQ_SUBJECT
from shared.contracts.streams import DEAD_LETTER_STREAM, dead_letter_subject, service_stream
from tests.support.infra import start_nats
from tests.support.probe import (
    Echo,
    Ping,
    PingPayload,
    count_effects,
    create_tables,
    effects,
    probe_runtime,
    probe_settings,
    wait_for,
)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
async def _fresh_probe_subjects(infra) -> None:  # type: ignore[no-untyped-def]
    """Each test's new durable consumer starts from the stream's beginning: clear the probe's
    subjects so that no test sees another's messages."""
    nc = await nats.connect(infra.nats.url)
    try:
        js = nc.jetstream()
        stream = service_stream("publish").name
        try:
            for subject in (Ping.SUBJECT, Echo.SUBJECT):
                await js.purge_stream(stream, subject=subject)
        except nats.js.errors.NotFoundError:
            pass
    finally:
        await nc.close()


def ping(marker: str, **kwargs: object) -> Ping:
    return Ping(payload=PingPayload(marker=marker, **kwargs))  # type: ignore[arg-type]


async def started(settings, **kwargs):  # type: ignore[no-untyped-def]
    runtime, attempts = probe_runtime(settings, **kwargs)
    await create_tables(runtime)
    await runtime.start()
    await asyncio.wait_for(runtime.bus_ready.wait(), 20)
    return runtime, attempts


async def stage(runtime, *events) -> None:  # type: ignore[no-untyped-def]
    async with runtime.db.transaction() as session:
        await runtime.outbox.stage(session, *events)


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


async def test_committed_event_is_relayed_with_its_id_and_handled_once(infra, database) -> None:
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    runtime, _ = await started(settings, consumer=durable)
    try:
        event = ping(unique("relay"))
        await stage(runtime, event)
        marker = event.payload.marker
        await wait_for(lambda: _has(runtime, marker, 1))
        assert await runtime.relay.pending() == 0
        msg = await runtime.bus.js.get_last_msg(service_stream("publish").name, Ping.SUBJECT)
        assert msg.headers is not None
        assert msg.headers["Nats-Msg-Id"] == event.event_id
        assert msg.headers["X-Correlation-ID"] == event.correlation_id
    finally:
        await runtime.stop()


async def _has(runtime, marker: str, expected: int) -> bool:  # type: ignore[no-untyped-def]
    return (await count_effects(runtime, marker)).get(marker, 0) == expected


async def test_event_committed_before_a_crash_is_delivered_after_restart(infra, database) -> None:
    """(a) The process dies between commit and publish: the next process relays the event."""
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    dying, _ = probe_runtime(settings, consumer=durable)
    await create_tables(dying)
    event = ping(unique("crash"))
    async with dying.db.transaction() as session:  # committed; the relay never runs
        await dying.outbox.stage(session, event)
    await dying.db.dispose()  # the process is gone without publishing

    runtime, _ = await started(settings, consumer=durable)
    try:
        await wait_for(lambda: _has(runtime, event.payload.marker, 1))
        assert await runtime.relay.pending() == 0
    finally:
        await runtime.stop()


async def test_same_event_delivered_twice_has_one_effect(infra, database) -> None:
    """(b) The same event, re-published past the stream's de-duplication, is handled once."""
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    runtime, attempts = await started(settings, consumer=durable)
    try:
        event = ping(unique("dup"))
        body = event.to_bytes()
        js = runtime.bus.js
        await js.publish(Ping.SUBJECT, body, headers={"Nats-Msg-Id": event.event_id})
        ack = await js.publish(Ping.SUBJECT, body, headers={"Nats-Msg-Id": event.event_id})
        assert ack.duplicate  # the stream's duplicate window caught the same id
        await js.publish(Ping.SUBJECT, body, headers={"Nats-Msg-Id": f"{event.event_id}-again"})
        await js.publish(Ping.SUBJECT, body)  # and once with no id at all
        marker = event.payload.marker
        await wait_for(lambda: _consumer_idle(runtime, durable))
        assert await count_effects(runtime, marker) == {marker: 1}
        assert attempts[marker] == 1
        duplicates = runtime.metrics.messages.labels(durable, Ping.SUBJECT, "duplicate")
        assert duplicates._value.get() == 2
    finally:
        await runtime.stop()


async def _consumer_idle(runtime, durable: str) -> bool:  # type: ignore[no-untyped-def]
    info = await runtime.bus.js.consumer_info(service_stream("publish").name, durable)
    return info.num_pending == 0 and info.num_ack_pending == 0


async def test_failing_handler_is_retried_with_backoff(infra, database) -> None:
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    runtime, attempts = await started(settings, consumer=durable)
    try:
        event = ping(unique("retry"), fail_times=2)
        started_at = time.monotonic()
        await stage(runtime, event)
        marker = event.payload.marker
        await wait_for(lambda: _has(runtime, marker, 1))
        elapsed = time.monotonic() - started_at
        assert attempts[marker] == 3
        # Backoff 0.2 s then 0.4 s between the three attempts.
        assert elapsed >= 0.6
        retried = runtime.metrics.messages.labels(durable, Ping.SUBJECT, "retried")
        assert retried._value.get() == 2
    finally:
        await runtime.stop()


async def test_poison_message_is_dead_lettered_and_the_consumer_goes_on(infra, database) -> None:
    """(c) After max_deliver the message lands on the dead-letter subject with its reason,
    while the next messages are handled meanwhile."""
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema, consumer_max_deliver=3)
    runtime, attempts = await started(settings, consumer=durable)
    nc = await nats.connect(infra.nats.url)
    try:
        dlq = await nc.subscribe(dead_letter_subject(durable))
        poison = ping(unique("poison"), fail_times=1000)
        good = [ping(unique(f"good{i}")) for i in range(5)]
        await stage(runtime, poison)
        await stage(runtime, *good)
        for event in good:
            await wait_for(lambda e=event: _has(runtime, e.payload.marker, 1))
        assert attempts[poison.payload.marker] < 3  # the good ones did not wait for it

        message = await dlq.next_msg(timeout=20)
        assert message.headers is not None
        assert message.headers[DLQ_CONSUMER] == durable
        assert message.headers[DLQ_SUBJECT] == Ping.SUBJECT
        assert message.headers[DLQ_ATTEMPTS] == "3"
        assert "planned failure 3 of 1000" in message.headers[DLQ_REASON]
        assert Ping.model_validate_json(message.data).event_id == poison.event_id
        assert attempts[poison.payload.marker] == 3
        assert await count_effects(runtime, poison.payload.marker) == {}
        await wait_for(lambda: _consumer_idle(runtime, durable))
        stored = await runtime.bus.js.get_last_msg(
            DEAD_LETTER_STREAM.name, dead_letter_subject(durable)
        )
        assert stored.data == message.data  # kept in the dead-letter stream for operators
    finally:
        await nc.close()
        await runtime.stop()


async def test_malformed_body_goes_straight_to_dead_letters(infra, database, caplog) -> None:
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    runtime, attempts = await started(settings, consumer=durable)
    nc = await nats.connect(infra.nats.url)
    try:
        dlq = await nc.subscribe(dead_letter_subject(durable))
        with caplog.at_level(logging.ERROR):
            await runtime.bus.js.publish(
                Ping.SUBJECT, b'{"payload": {"marker": 42}, "not": "an event"'
            )
            after = ping(unique("after-malformed"))
            await stage(runtime, after)
            message = await dlq.next_msg(timeout=10)
            await wait_for(lambda: _has(runtime, after.payload.marker, 1))
        assert message.headers is not None
        assert message.headers[DLQ_ATTEMPTS] == "1"
        assert message.headers[DLQ_REASON].startswith("malformed event:")
        assert not attempts.get("42")
        logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
        assert any(
            entry.get("event") == "message dead-lettered"
            and str(entry.get("reason", "")).startswith("malformed event")
            for entry in logged
        )
    finally:
        await nc.close()
        await runtime.stop()


async def test_two_replicas_share_one_durable_consumer(infra, database) -> None:
    """(d) Two replicas of a service: every message handled exactly once, by one of them."""
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema, consumer_batch_size=5)
    first, _ = await started(settings, consumer=durable, replica="r1")
    second, _ = await started(settings, consumer=durable, replica="r2")
    try:
        prefix = unique("replica")
        events = [ping(f"{prefix}-{i:03d}", sleep_seconds=0.01) for i in range(120)]
        for chunk in range(0, len(events), 10):
            await stage(first, *events[chunk : chunk + 10])
        await wait_for(lambda: _count_prefix(first, prefix, 120), timeout=60)
        assert set((await count_effects(first, prefix)).values()) == {1}
        async with first.db.reading() as session:
            rows = await session.execute(
                sa.select(effects.c.replica, sa.func.count())
                .where(effects.c.marker.startswith(prefix))
                .group_by(effects.c.replica)
            )
            by_replica = dict(rows.all())
        assert set(by_replica) == {"r1", "r2"}, by_replica
        assert sum(by_replica.values()) == 120
    finally:
        await first.stop()
        await second.stop()


async def _count_prefix(runtime, prefix: str, expected: int) -> bool:  # type: ignore[no-untyped-def]
    return len(await count_effects(runtime, prefix)) == expected


async def test_graceful_stop_finishes_in_flight_work_and_flushes_the_outbox(
    infra, database
) -> None:
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema)
    runtime, attempts = await started(settings, consumer=durable)
    event = ping(unique("graceful"), sleep_seconds=1.5)
    await stage(runtime, event)
    marker = event.payload.marker
    await wait_for(lambda: _started(attempts, marker), timeout=10, interval=0.02)
    echoes = [Echo(payload=PingPayload(marker=f"{marker}-echo{i}")) for i in range(50)]
    await stage(runtime, *echoes)
    await runtime.stop()  # while the handler is still sleeping

    assert attempts[marker] == 1
    check, _ = probe_runtime(settings, consumer=durable)
    assert await count_effects(check, marker) == {marker: 1}
    assert await check.relay.pending() == 0
    nc = await nats.connect(infra.nats.url)
    try:
        js = nc.jetstream()
        info = await js.consumer_info(service_stream("publish").name, durable)
        assert info.num_ack_pending == 0 and info.num_pending == 0  # acknowledged, not redelivered
        last = await js.get_last_msg(service_stream("publish").name, Echo.SUBJECT)
        assert last.headers is not None
        assert last.headers["Nats-Msg-Id"] == echoes[-1].event_id
    finally:
        await nc.close()
        await check.db.dispose()


async def _started(attempts: dict[str, int], marker: str) -> bool:
    return attempts.get(marker, 0) > 0


async def test_nats_restart_mid_flow_loses_nothing(tmp_path, infra, database) -> None:
    """(e) NATS goes away and comes back: the service reconnects, nothing is lost."""
    private_nats = start_nats(tmp_path, "nats-restart")
    durable = unique("probe")
    settings = probe_settings(infra, database.url, database.schema, nats_url=private_nats.url)
    runtime, _ = await started(settings, consumer=durable)
    try:
        prefix = unique("restart")
        before = [ping(f"{prefix}-a{i}") for i in range(20)]
        await stage(runtime, *before)
        await wait_for(lambda: _count_prefix(runtime, prefix, 20))

        private_nats.kill()
        during = [ping(f"{prefix}-b{i}") for i in range(20)]
        await stage(runtime, *during)  # state changes go on while the bus is down
        await asyncio.sleep(1.0)
        assert await runtime.relay.pending() == 20

        private_nats.start()
        await wait_for(lambda: _count_prefix(runtime, prefix, 40), timeout=60)
        assert set((await count_effects(runtime, prefix)).values()) == {1}
        assert await runtime.relay.pending() == 0
    finally:
        await runtime.stop()
        private_nats.stop()
