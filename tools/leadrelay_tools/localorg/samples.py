"""Sample records for the local org that tests and benchmarks seed (the shipped rules' fit 40 lead)."""

from __future__ import annotations

from typing import Any

from leadrelay_tools.localorg.org import LocalOrg


def seed_fit_40_lead(org: LocalOrg, email: str, **fields: Any) -> str:
    """Insert (as the integration user) a Lead the shipped rules give fit 40 — 営業本部長 at 株式会社サンプル
    商事, 350 employees, 卸売業, 東京都 — with ``fields`` changed; its id."""
    lead = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Email": email,
        "Title": "営業本部長",
        "NumberOfEmployees": 350,
        "Industry": "卸売業",
        "State": "東京都",
        **fields,
    }
    return org.insert("Lead", lead, user_id=org.integration_user_id)
