"""Prometheus metrics of one service. Each app has its own registry, so several apps can live in one process."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.service = service
        self.http_requests = Counter(
            "redress_http_requests_total", "HTTP requests served.", ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "redress_http_request_duration_seconds", "HTTP request latency.", ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.events_out = Counter(
            "redress_events_published_total", "Events the outbox relay published.", ["type"],
            registry=self.registry,
        )
        self.events_in = Counter(
            "redress_events_consumed_total", "Events the consumer took off the broker, by outcome.",
            ["type", "outcome"], registry=self.registry,
        )
        self.dead_letters = Counter(
            "redress_dead_letters_total", "Events sent to a dead-letter topic.", ["topic", "error"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "redress_outbox_backlog", "Outbox events not yet published.", registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "redress_consumer_lag", "Messages behind the partition end, summed over assigned partitions.",
            registry=self.registry,
        )
