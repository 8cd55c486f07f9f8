"""The cost model's arithmetic (bench.cost.model) on fixed counts: list prices × counts, nothing timed."""

from __future__ import annotations

import pytest

from bench.cost.model import (
    PRICES,
    Calls,
    Configuration,
    Counts,
    FunctionLoad,
    billed_seconds,
    cost_per_million,
    counts_at,
    events_per_batch,
    interpolate,
)

LOGS = {"INFO": 1024.0, "WARNING": 512.0}
# A Marketo shape, by hand: one request per event, a processor batch of 100 events.
WEBHOOK = FunctionLoad(
    invocations=1.0,
    cpu_seconds=0.002,
    calls=Calls(dynamodb_puts=1, dynamodb_other=1, sqs=1),
    log_bytes=LOGS,
)
PROCESSOR = FunctionLoad(
    invocations=0.01,
    cpu_seconds=0.1,
    calls=Calls(dynamodb_puts=200, dynamodb_other=50, s3_puts=1, salesforce_queries=3, salesforce_writes=1),
    log_bytes=LOGS,
)
COUNTS = Counts(
    http_api_requests=1.0,
    partner_events=0.0,
    sqs_requests=1.2,
    dynamodb_write_units=4.0,
    dynamodb_read_units=0.5,
    s3_puts=0.01,
    salesforce_calls=0.04,
    functions={"webhook": WEBHOOK, "processor": PROCESSOR},
)
CONFIG = Configuration(name="test", memory_mb={"webhook": 512, "processor": 1024})


def test_each_request_priced_component_is_count_times_list_price() -> None:
    cost = cost_per_million(COUNTS, CONFIG)
    assert cost["api gateway (HTTP API)"] == pytest.approx(1.00)
    assert cost["eventbridge (partner events)"] == 0
    assert cost["sqs"] == pytest.approx(1.2 * 0.40)
    assert cost["dynamodb writes"] == pytest.approx(4 * 0.625)
    assert cost["dynamodb reads"] == pytest.approx(0.5 * 0.125)
    assert cost["s3 (decision log)"] == pytest.approx(10_000 * 0.005 / 1000)
    assert cost["x-ray"] == 0


def test_lambda_is_requests_plus_gb_seconds_of_cpu_stretched_below_a_vcpu_and_waits() -> None:
    # webhook: 2 ms CPU × 1769/512, + DynamoDB put 5 ms + update 5 ms + SQS 20 ms → 36.91 → 37 ms billed
    assert billed_seconds(WEBHOOK, 512) == pytest.approx(0.037)
    # processor: 100 ms × 1769/1024, + 200 puts on 8 threads (125 ms) + 50 reads (250 ms) + S3 100 ms
    # + 3 queries × 200 ms + 1 collection × 400 ms → 1647.75 → 1648 ms
    assert billed_seconds(PROCESSOR, 1024) == pytest.approx(1.648)
    cost = cost_per_million(COUNTS, CONFIG)
    arm = PRICES.lambda_gb_second["arm64"]
    assert cost["lambda webhook"] == pytest.approx(1e6 * (0.20e-6 + 0.5 * 0.037 * arm))
    assert cost["lambda processor"] == pytest.approx(1e4 * (0.20e-6 + 1.0 * 1.648 * arm))


def test_above_one_vcpu_cpu_time_is_not_shortened() -> None:
    assert billed_seconds(WEBHOOK, 3538) == billed_seconds(WEBHOOK, 1769)


def test_x86_costs_more_per_gb_second_than_arm64() -> None:
    x86 = Configuration(name="x86", memory_mb=CONFIG.memory_mb, architecture="x86_64")
    arm, intel = cost_per_million(COUNTS, CONFIG), cost_per_million(COUNTS, x86)
    assert intel["lambda webhook"] > arm["lambda webhook"]
    assert intel["sqs"] == arm["sqs"]


def test_logs_are_bytes_per_invocation_at_the_configured_level_at_50_cents_a_gib() -> None:
    info = cost_per_million(COUNTS, CONFIG)["cloudwatch logs"]
    warning = cost_per_million(
        COUNTS, Configuration(name="w", memory_mb=CONFIG.memory_mb, log_level="WARNING")
    )
    assert info == pytest.approx((1e6 + 1e4) * 1024 / 1024**3 * 0.50)
    assert warning["cloudwatch logs"] == pytest.approx(info / 2)


def test_tracing_prices_every_traced_entry_request() -> None:
    traced = Configuration(name="t", memory_mb=CONFIG.memory_mb, traced_share=0.05)
    assert cost_per_million(COUNTS, traced)["x-ray"] == pytest.approx(1e6 * 0.05 * 5.00 / 1e6)


def test_trickling_batches_hold_what_arrives_in_the_window_and_never_less_than_a_request() -> None:
    rate = 1_000_000 / (30 * 86_400)
    assert events_per_batch(
        full=False, batch_size=1000, window_seconds=5, events_per_request=1, events_per_second=rate
    ) == pytest.approx(1.929, abs=1e-3)
    assert (
        events_per_batch(
            full=False, batch_size=1000, window_seconds=5, events_per_request=10, events_per_second=rate
        )
        == 10
    )
    assert (
        events_per_batch(
            full=True, batch_size=1000, window_seconds=5, events_per_request=1, events_per_second=rate
        )
        == 1000
    )


def test_interpolation_shares_a_per_batch_cost_out_over_the_batch() -> None:
    # one S3 put per batch: 1 per event at 1, 0.01 at 100 → 0.5 at 2 and 0.001 at 1000 (extrapolated)
    points = {1.0: 1.0, 100.0: 0.01}
    assert interpolate(points, 2) == pytest.approx(0.5)
    assert interpolate(points, 1000) == pytest.approx(0.001)
    assert interpolate(points, 100) == 0.01


def test_a_figure_that_does_not_fall_with_batch_size_is_not_extrapolated_below_the_last_measured() -> None:
    noisy = {10.0: 0.0002, 200.0: 0.0003}  # per-event CPU measured a little higher at the larger batch

    assert interpolate(noisy, 1000) == 0.0003


def test_a_steep_fall_is_not_extrapolated_below_the_figure_shared_out_over_the_larger_batch() -> None:
    steep = {10.0: 0.01, 200.0: 0.0001}  # noise makes the per-event part look negative

    assert interpolate(steep, 1000) == pytest.approx(0.0001 * 200 / 1000)


def test_counts_at_a_batch_size_between_two_measured_ones() -> None:
    one = Counts(
        0, 0, 2.0, 4.0, 1.0, 1.0, 4.0, {"processor": FunctionLoad(1.0, 0.01, Calls(s3_puts=1), LOGS)}
    )
    hundred = Counts(
        0, 0, 1.1, 4.0, 0.1, 0.01, 0.04, {"processor": FunctionLoad(0.01, 0.1, Calls(s3_puts=1), LOGS)}
    )
    at_two = counts_at({1.0: one, 100.0: hundred}, 2.0)
    assert at_two.s3_puts == pytest.approx(0.5)
    assert at_two.dynamodb_write_units == pytest.approx(4.0)
    processor = at_two.functions["processor"]
    assert processor.invocations == pytest.approx(0.5)
    assert processor.calls.s3_puts == pytest.approx(1.0)  # still one put per invocation
    assert processor.log_bytes["INFO"] == pytest.approx(1024.0)
