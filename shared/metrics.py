"""Prometheus metrics of one service, in a registry of its own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.service = service
        self.http_requests = Counter(
            "lantoa_http_requests_total",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=registry,
        )
        self.http_latency = Histogram(
            "lantoa_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.messages = Counter(
            "lantoa_messages_total",
            "Bus messages handled, by consumer and outcome "
            "(ok, duplicate, retried, dead_lettered, malformed)",
            ["consumer", "subject", "outcome"],
            registry=registry,
        )
        self.handler_latency = Histogram(
            "lantoa_handler_duration_seconds",
            "Time spent in one message handler",
            ["consumer"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.events_published = Counter(
            "lantoa_events_published_total",
            "Events relayed from the outbox to JetStream",
            ["subject"],
            registry=registry,
        )
        self.outbox_pending = Gauge(
            "lantoa_outbox_pending", "Outbox events not yet published", registry=registry
        )
        self.outbox_oldest_age = Gauge(
            "lantoa_outbox_oldest_pending_seconds",
            "Age of the oldest outbox event not yet published",
            registry=registry,
        )
        self.outbox_lag = Histogram(
            "lantoa_outbox_lag_seconds",
            "Time from commit to JetStream acknowledgement",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
