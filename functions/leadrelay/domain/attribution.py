"""First- and last-touch attribution: where a person's history began and what brought them to the hand-off.

The seeds' model: the first touch (the activity that first brought the person in) and the last touch
(the activity just before the hand-off) each give a source and a campaign, written on the lead when it
becomes an MQL so both teams read one answer. An activity's source is its ``utm_source`` (or
``channel``) when it carries one, else the system it came from (``hubspot``, ``marketo``,
``salesforce``); its campaign is ``campaign`` or ``utm_campaign``. Pure: the history comes in, oldest
first or not (it is sorted here), with ``occurred_at`` as an aware datetime or an ISO string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from leadrelay.engine.values import as_timestamp

SOURCE_KEYS = ("utm_source", "channel", "source")
CAMPAIGN_KEYS = ("campaign", "utm_campaign")


class Touch(Struct, frozen=True):
    """One touch: its source and campaign (None when the activity names none)."""

    source: str | None
    campaign: str | None


class Attribution(Struct, frozen=True):
    """The first and the last touch of a history."""

    first: Touch
    last: Touch


def attribution(activities: Iterable[Mapping[str, Any]]) -> Attribution | None:
    """The first and last touch of ``activities`` (None for an empty history)."""
    dated = [
        (moment, activity)
        for activity in activities
        if (moment := as_timestamp(activity.get("occurred_at"))) is not None
    ]
    if not dated:
        return None
    dated.sort(key=lambda pair: pair[0])
    return Attribution(_touch(dated[0][1]), _touch(dated[-1][1]))


def _touch(activity: Mapping[str, Any]) -> Touch:
    return Touch(_first_text(activity, SOURCE_KEYS), _first_text(activity, CAMPAIGN_KEYS))


def _first_text(activity: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = activity.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:255]
    return None
