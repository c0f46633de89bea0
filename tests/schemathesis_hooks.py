"""Schemathesis checks of our own, loaded by tests/test_openapi_conformance.py (SCHEMATHESIS_HOOKS)."""

import json
from typing import Any

import schemathesis

from tests.french import not_plain_french


@schemathesis.check
def problem_detail_is_plain_french(ctx: Any, response: Any, case: Any) -> None:
    """Every problem the service answers speaks plain French: its `detail` and each field's `detail`."""
    del ctx, case
    content_type = next((v[0] for k, v in response.headers.items() if k.lower() == "content-type" and v), "")
    if not content_type.startswith("application/problem+json"):
        return
    body = json.loads(response.content)
    messages = [body.get("detail", "")] + [e.get("detail", "") for e in body.get("errors") or []]
    for message in messages:
        reasons = not_plain_french(message)
        if reasons:
            raise AssertionError(f"« {message} » n’est pas du français simple : {', '.join(reasons)}")
