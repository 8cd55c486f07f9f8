"""Fixtures of the local org tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def yamada() -> dict[str, Any]:
    """A lead as a form fill creates it."""
    return {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Email": "taro.yamada@sample-shoji.co.jp",
        "Title": "情報システム部 部長",
    }
