"""The OpenAPI document says what the service does: errors, who may call, and the shapes of what is served."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import openapi
from api.auth.models import PASSWORD_MIN_LENGTH
from api.errors import PROBLEM_MEDIA_TYPE
from api.main import create_app
from api.shops.categories import CATEGORIES
from api.shops.models import CLOCK_TIME_PATTERN
from tests.factories import bearer, make_shop, make_user, sign_in

PREFIX = "/api/v1"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app().openapi()


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][PREFIX + path][method]
    return operation


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    resolved: dict[str, Any] = node
    return resolved


def test_a_shop_and_its_items_are_public_and_a_token_is_optional(document: dict[str, Any]) -> None:
    for path in ("/shops/{shop_id}", "/shops/{shop_id}/items"):
        operation = _operation(document, "get", path)
        assert operation["security"] == [{}, {"HTTPBearer": []}]
        assert {"401", "404", "422"} <= set(operation["responses"])
        assert "403" not in operation["responses"]
    assert "security" not in _operation(document, "get", "/search")
    assert _operation(document, "get", "/me")["security"] == [{"HTTPBearer": []}]


def test_every_error_is_a_declared_problem_document(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                content = _resolve(document, response["$ref"])["content"]
                assert list(content) == [PROBLEM_MEDIA_TYPE], (method, path, status)
            if operation.get("security") == [{"HTTPBearer": []}]:
                assert "401" in operation["responses"], (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    validation = document["components"]["schemas"]["ValidationProblem"]
    assert "errors" in validation["required"]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("post", "/auth/token", {"401", "413", "422", "429"}),
        ("post", "/auth/register", {"409", "413", "422", "429"}),
        ("get", "/admin/shops", {"401", "403", "422"}),
        ("patch", "/items/{item_id}", {"401", "403", "404", "409", "413", "422", "503"}),
        ("post", "/shops/{shop_id}/items/import", {"401", "403", "404", "413", "415", "422", "503"}),
        ("get", "/health", {"503"}),
    ],
)
def test_errors_are_declared_where_they_can_happen(
    document: dict[str, Any], method: str, path: str, expected: set[str]
) -> None:
    assert expected <= set(_operation(document, method, path)["responses"])


def test_limits_and_write_lock_answers_declare_their_headers(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    assert responses["RateLimited"]["headers"]["Retry-After"]["required"] is True
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} <= set(
        responses["RateLimited"]["headers"]
    )
    assert responses["Unauthorized"]["headers"]["WWW-Authenticate"]["required"] is True
    written = _operation(document, "post", "/shops")["responses"]["503"]["$ref"]
    assert "Retry-After" in _resolve(document, written)["headers"]
    assert "503" not in _operation(document, "post", "/opening-hours/preview")["responses"]


def test_the_csv_import_declares_its_body(document: dict[str, Any]) -> None:
    body = _operation(document, "post", "/shops/{shop_id}/items/import")["requestBody"]
    assert body["required"] is True
    assert "text/csv" in body["content"]


def test_password_length_and_categories_are_in_the_schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["RegisterIn"]["properties"]["password"]["minLength"] == PASSWORD_MIN_LENGTH
    assert schemas["ShopCreate"]["properties"]["category"]["enum"] == list(CATEGORIES)
    search_category = next(
        p for p in _operation(document, "get", "/search")["parameters"] if p["name"] == "category"
    )
    assert search_category["schema"]["enum"] == list(CATEGORIES)


def test_served_opening_times_match_their_declared_pattern(
    document: dict[str, Any], client: TestClient, session: Session
) -> None:
    day = document["components"]["schemas"]["DayHoursPublic"]["properties"]["intervals"]["items"]
    declared = day["prefixItems"][0]
    assert declared == {**declared, "type": "string", "pattern": CLOCK_TIME_PATTERN}
    assert "format" not in declared
    shop = make_shop(session, status="active", opening_hours="Mo-Su 09:30-12:30,14:00-24:00")
    week = client.get(f"{PREFIX}/shops/{shop.id}").json()["week"]
    served = [time for day in week for interval in day["intervals"] for time in interval]
    assert "09:30:00" in served and "23:59:59.999999" in served
    assert all(re.fullmatch(CLOCK_TIME_PATTERN, time) for time in served)


@pytest.mark.parametrize(
    "fields",
    [{"in_stock": 0}, {"in_stock": 1}, {"in_stock": "yes"}, {"price_cents": "120"}, {"price_cents": False}],
)
def test_item_fields_take_json_types_only(
    client: TestClient, session: Session, fields: dict[str, Any]
) -> None:
    owner = make_user(session)
    shop = make_shop(session, owner=owner)
    headers = bearer(sign_in(client, owner.email))
    refused = client.post(
        f"{PREFIX}/shops/{shop.id}/items", json={"kind": "product", "name": "Pain", **fields}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert [error["field"] for error in refused.json()["errors"]] == list(fields)
    accepted = client.post(
        f"{PREFIX}/shops/{shop.id}/items",
        json={"kind": "product", "name": "Pain", "in_stock": False, "price_cents": 120},
        headers=headers,
    )
    assert accepted.status_code == 201
    item_id = accepted.json()["id"]
    patched = client.patch(f"{PREFIX}/items/{item_id}", json=fields, headers=headers)
    assert patched.status_code == 422


def test_a_shop_position_is_a_json_number(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    shop = make_shop(session, owner=owner)
    headers = bearer(sign_in(client, owner.email))
    refused = client.patch(f"{PREFIX}/shops/{shop.id}", json={"lat": "44.93"}, headers=headers)
    assert refused.status_code == 422
    assert client.patch(f"{PREFIX}/shops/{shop.id}", json={"lat": 44.93}, headers=headers).status_code == 200


def test_every_rule_of_the_document_names_an_existing_operation(document: dict[str, Any]) -> None:
    operations = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert set(openapi._RULE_STATUSES) <= operations, "a rule names an operation that no longer exists"
    for method, path, name in openapi._PARAMETER_SCHEMAS:
        assert (method, path) in operations
        parameters = document["paths"][path][method.lower()]["parameters"]
        assert name in {parameter["name"] for parameter in parameters}
