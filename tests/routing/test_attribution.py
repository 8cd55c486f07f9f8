"""First- and last-touch attribution from a person's history."""

from __future__ import annotations

from leadrelay.domain.attribution import Touch, attribution


def test_the_oldest_and_the_newest_activity_are_the_first_and_last_touch() -> None:
    history = [
        {
            "occurred_at": "2026-11-19T10:00:00+09:00",
            "source": "hubspot",
            "utm_source": "google",
            "utm_campaign": "brand",
        },
        {"occurred_at": "2026-10-01T15:00:00+09:00", "source": "salesforce", "campaign": "展示会 2026秋"},
        {"occurred_at": "2026-11-01T09:00:00+09:00", "source": "marketo"},
    ]
    touches = attribution(history)
    assert touches is not None
    assert touches.first == Touch("salesforce", "展示会 2026秋")
    assert touches.last == Touch("google", "brand")


def test_an_activity_naming_no_campaign_gives_only_its_source() -> None:
    touches = attribution([{"occurred_at": "2026-11-19T10:00:00Z", "source": "marketo"}])
    assert touches is not None
    assert touches.first == Touch("marketo", None) == touches.last


def test_an_empty_or_undated_history_has_no_attribution() -> None:
    assert attribution([]) is None
    assert attribution([{"source": "hubspot", "occurred_at": "いつか"}]) is None
