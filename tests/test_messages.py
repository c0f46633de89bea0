"""Every `detail` the API can produce is plain French: walked in the source, and sent by the real service.

The source walk finds every sentence given to an error (each `AppError` class, `invalid`, `field_error`,
a model validator's `ValueError`) and the tables of framework messages; f-strings are checked with their
placeholders filled by a neutral word. The conformance run (tests/test_openapi_conformance.py) checks the
`detail` of every problem the running service answers with the same rule (tests/schemathesis_hooks.py).
"""

import ast
import importlib
import pkgutil
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import api
from api import errors
from tests.factories import bearer, make_shop, make_user, sign_in
from tests.french import not_plain_french

API_DIR = Path(api.__file__).parent
MESSAGE_FUNCTIONS = {"invalid": (1,), "field_error": (1,)}
MESSAGE_KEYWORDS = {"detail", "summary"}
PLACEHOLDER = "Valeur"


def _error_classes() -> set[str]:
    for module in pkgutil.walk_packages(api.__path__, "api."):
        importlib.import_module(module.name)
    found: set[str] = set()
    pending: list[type] = [errors.AppError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found


def _text(node: ast.expr, names: dict[str, ast.expr]) -> str | None:
    """The sentence an expression writes, placeholders filled in; None when it is not built from literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
            else PLACEHOLDER.lower()
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, names), _text(node.right, names)
        if left is None and right is None:
            return None
        return (left if left is not None else PLACEHOLDER.lower()) + (
            right if right is not None else PLACEHOLDER.lower()
        )
    if isinstance(node, ast.Name) and node.id in names:
        return _text(names[node.id], {})
    return None


def _string_names(tree: ast.Module) -> dict[str, ast.expr]:
    """Every name the module binds to a sentence (module constants and a function's local `detail`)."""
    names: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = node.value
    return names


def _messages() -> Iterator[tuple[str, str]]:
    classes = _error_classes()
    for path in sorted(API_DIR.rglob("*.py")):
        where = str(path.relative_to(API_DIR.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _string_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            arguments: list[ast.expr] = []
            if name in classes:
                arguments = node.args[:1]
            elif name in MESSAGE_FUNCTIONS:
                arguments = [node.args[i] for i in MESSAGE_FUNCTIONS[name] if i < len(node.args)]
            elif name == "ValueError" and path.name == "models.py":
                arguments = node.args[:1]
            else:
                continue
            arguments += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
            for argument in arguments:
                text = _text(argument, names)
                if text is not None:
                    if text.startswith(PLACEHOLDER.lower()):
                        text = PLACEHOLDER + text[len(PLACEHOLDER) :]
                    yield f"{where}:{node.lineno}", text


def _sources_messages() -> list[tuple[str, str]]:
    found = list(_messages())
    assert len(found) > 60, "the walk should find the service's many messages"
    return found


def _table_messages() -> Iterator[tuple[str, str]]:
    for kind, template in errors._VALIDATION_MESSAGES.items():
        filled = string.Formatter().parse(template)
        yield f"validation:{kind}", "".join(text + ("« 2 »" if name else "") for text, name, _, _ in filled)
    for status, (_slug, _title, detail) in errors._HTTP_PROBLEMS.items():
        yield f"http:{status}", detail


@pytest.mark.parametrize(("where", "message"), [*_sources_messages(), *_table_messages()])
def test_every_message_the_service_writes_is_plain_french(where: str, message: str) -> None:
    assert not_plain_french(message) == [], f"{where}: « {message} »"


def test_the_rule_catches_what_people_complained_about() -> None:
    for bad in (
        "Valeur non reconnue : choisissez parmi 'product' or 'service'.",
        "Ce champ est obligatoire (champ « password »).",
        "Prix : price_cents doit être positif.",
        "Voir /api/v1/shops pour la liste.",
        "kind invalide.",
    ):
        assert not_plain_french(bad), bad
    assert not_plain_french("Colonne « price_cents » : « 12x » n'est pas un nombre entier.") == []


def _merchant(client: TestClient, session: Session) -> tuple[str, dict[str, str]]:
    owner = make_user(session)
    shop = make_shop(session, owner=owner)
    return str(shop.id), bearer(sign_in(client, owner.email))


def test_a_choice_among_fixed_values_is_written_in_french_words(client: TestClient, session: Session) -> None:
    # The item's kind comes from a list; the message names the choices in French, never the API's keys.
    shop_id, headers = _merchant(client, session)
    response = client.post(
        f"/api/v1/shops/{shop_id}/items",
        json={"kind": "gadget", "name": "Pain", "category": "Pains"},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == "Type : choisissez parmi « produit », « service »."
    assert all(not_plain_french(e["detail"]) == [] for e in body["errors"])


def test_a_yes_or_no_field_is_asked_in_french(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    response = client.post(
        f"/api/v1/shops/{shop_id}/items",
        json={"kind": "product", "name": "Pain", "category": "Pains", "in_stock": "peut-être"},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "Disponibilité : indiquez oui ou non."
