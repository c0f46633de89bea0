"""Opening hours: what the visual editor writes is accepted, and unreadable hours say how to fix them."""

import pytest
from fastapi.testclient import TestClient

from api.shops import hours

PREVIEW = "/api/v1/opening-hours/preview"

# Strings the PWA's editor writes (pwa/src/ui/hours-model.js, formatHours).
EDITOR_STRINGS = [
    "Mo-Sa 09:00-12:30,14:00-19:00; PH off",
    "Mo,We-Fr 09:00-12:30,14:00-19:00; Tu 10:00-12:30,14:00-19:00; PH off",
    "Mo-Sa 09:00-19:00; Su 09:00-12:00; PH 09:00-12:00",
    "Mo,Fr-Su 10:00-18:00",
    "Sa,Su 10:00-18:00",
    "Mo-Su 00:00-24:00",
    "Fr,Sa 18:00-24:00",
]


@pytest.mark.parametrize("expression", EDITOR_STRINGS)
def test_what_the_editor_writes_is_accepted(client: TestClient, expression: str) -> None:
    response = client.post(PREVIEW, json={"opening_hours": expression})
    assert response.status_code == 200, response.text
    assert response.json()["opening_hours"] == expression


def test_lunch_break_and_closed_days_in_the_week(client: TestClient) -> None:
    week = client.post(PREVIEW, json={"opening_hours": EDITOR_STRINGS[0]}).json()["week"]
    by_intervals = [day["intervals"] for day in week]
    assert by_intervals.count([]) >= 1  # Sunday, and any public holiday in the coming week
    assert [["09:00:00", "12:30:00"], ["14:00:00", "19:00:00"]] in by_intervals


def _detail(client: TestClient, expression: str) -> str:
    response = client.post(PREVIEW, json={"opening_hours": expression})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert errors[0]["field"] == "opening_hours"
    detail: str = errors[0]["detail"]
    return detail


def test_french_hours_get_a_helpful_answer(client: TestClient) -> None:
    detail = _detail(client, "lundi 9h-18h, fermé le dimanche")
    assert detail.startswith("Horaires illisibles : remplissez les jours et les plages avec l'éditeur")
    assert "« Mo-Sa 09:00-19:00 »" in detail
    assert "Mo lundi" in detail and "s'écrit off" in detail
    assert "9h30 devient 09:30" in detail
    # « vers le caractère 1 » said nothing: it is only given further in.
    assert "caractère" not in detail


def test_a_slip_in_the_syntax_says_where(client: TestClient) -> None:
    detail = _detail(client, "Tu-Sa 09:3")
    assert "(vers le caractère 10)" in detail
    assert "Mo lundi" not in detail and "09:30" in detail
    assert "09:30 devient" not in detail


def test_validate_keeps_its_french_for_the_importer() -> None:
    with pytest.raises(hours.InvalidHours, match="^Horaires illisibles"):
        hours.validate("du mardi au samedi 9h-19h")
    assert hours.validate("  Mo-Sa 09:00-19:00 ") == "Mo-Sa 09:00-19:00"
