"""Catalogue rules: items of a shop, edited by its merchant one by one or from a spreadsheet."""

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.auth.tokens import Principal
from api.catalog.models import MAX_PRICE_CENTS, ImportResult, Item, ItemCreate, ItemUpdate
from api.db import utcnow
from api.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
    field_error,
    invalid,
    validation_errors,
)
from api.pagination import created_order_page
from api.shops import service as shop_service
from api.shops.models import Shop

CSV_COLUMNS = ("kind", "name", "description", "category", "price_cents", "in_stock")
CSV_OPTIONAL_COLUMNS = ("external_ref",)
# The French headers a spreadsheet made by hand is likely to carry (compared without case, accents or
# spaces), beside the contract's English ones. « prix » is in euros (1,20), « price_cents » in cents (120).
CSV_FRENCH_COLUMNS = {
    "type": "kind",
    "nom": "name",
    "categorie": "category",
    "prix": "price_euros",
    "en_stock": "in_stock",
    "reference": "external_ref",
}
# How a message names a column the file does not spell out itself (its French header).
_COLUMN_NAMES = {
    "kind": "type",
    "name": "nom",
    "description": "description",
    "category": "catégorie",
    "price_cents": "prix",
    "price_euros": "prix",
    "in_stock": "en_stock",
    "external_ref": "référence",
}
_KINDS = {"product": "product", "produit": "product", "service": "service", "prestation": "service"}
_EUROS = re.compile(r"([0-9]{1,13})(?:[.,]([0-9]{1,2}))?")
# Cells that are one line by nature: a line break there is a quote opened too early.
_ONE_LINE_COLUMNS = ("kind", "name", "category", "price_cents", "price_euros", "in_stock", "external_ref")
CSV_MAX_ROWS = 50_000
_TRUE = {"true", "1", "oui", "vrai", "yes", "o"}
_FALSE = {"false", "0", "non", "faux", "no", "n"}
ITEM_NOT_FOUND = "Cet article n'existe pas ou n'est pas visible."
# ASCII digits only: str.isdigit() also accepts « ² » or « ① », which int() refuses.
_PRICE = re.compile(r"-?[0-9]+")
# More digits than this is beyond MAX_PRICE_CENTS anyway; int() is not asked (it refuses 4,301 and more).
_PRICE_MAX_DIGITS = 15
_SHOWN_MAX_CHARS = 40
# The csv module refuses a cell over csv.field_size_limit() (131,072 characters), far beyond any item field
# (a description holds 2,000): such a line is reported like any other bad line, and the process-wide limit
# stays as it is. The usual cause is a quote opened and never closed, which swallows the lines after it.
_UNREADABLE_LINE = (
    f"Une cellule de cette ligne dépasse {csv.field_size_limit():_} caractères".replace("_", "\u202f")
    + " (une description en compte au plus 2 000) : vérifiez qu'aucun guillemet n'a été ouvert sans être "
    "refermé."
)


def _check_ref_free(
    *, session: Session, shop_id: uuid.UUID, external_ref: str | None, item_id: uuid.UUID | None
) -> None:
    if external_ref is None:
        return
    taken = session.exec(
        select(Item.id).where(Item.shop_id == shop_id, Item.external_ref == external_ref, Item.id != item_id)
    ).first()
    if taken is not None:
        raise Conflict(
            f"La référence « {external_ref} » est déjà utilisée par un autre article de ce commerce."
        )


def create_item(*, session: Session, shop: Shop, data: ItemCreate) -> Item:
    _check_ref_free(session=session, shop_id=shop.id, external_ref=data.external_ref, item_id=None)
    item = Item(**data.model_dump(), shop_id=shop.id)
    session.add(item)
    session.flush()
    return item


def managed_item(*, session: Session, item_id: uuid.UUID, principal: Principal) -> Item:
    """The item if the caller manages its shop; 404 when it is not visible to them, 403 when only visible."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(ITEM_NOT_FOUND)
    try:
        shop_service.managed_shop(session=session, shop_id=item.shop_id, principal=principal)
    except NotFound:
        raise NotFound(ITEM_NOT_FOUND) from None
    return item


def update_item(*, session: Session, item: Item, data: ItemUpdate) -> Item:
    changes = data.model_dump(exclude_unset=True)
    for required in ("kind", "name", "in_stock"):
        if required in changes and changes[required] is None:
            raise invalid(required, "Ce champ est obligatoire.")
    if "external_ref" in changes:
        _check_ref_free(
            session=session, shop_id=item.shop_id, external_ref=changes["external_ref"], item_id=item.id
        )
    for field, value in changes.items():
        setattr(item, field, value)
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    return item


def delete_item(*, session: Session, item: Item) -> None:
    session.delete(item)
    session.flush()


def list_items(
    *, session: Session, shop: Shop, cursor: str | None, limit: int
) -> tuple[list[Item], str | None]:
    return created_order_page(
        session,
        select(Item).where(Item.shop_id == shop.id),
        created_at=col(Item.created_at),
        row_id=col(Item.id),
        position_of=lambda item: (item.created_at, item.id),
        cursor=cursor,
        limit=limit,
        params={"shop": str(shop.id)},
    )


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid(
            "line 1",
            "Encodage non reconnu (UTF-8 attendu).",
            summary="Le fichier n'est pas en UTF-8 : dans votre tableur, "
            "enregistrez-le au format « CSV UTF-8 ».",
        ) from None


def _parse_bool(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value == "":
        return True
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _shown(value: str) -> str:
    """A cell quoted in an error message, cut short: a message never echoes a whole oversized cell."""
    return value if len(value) <= _SHOWN_MAX_CHARS else value[:_SHOWN_MAX_CHARS] + "…"


def _row_to_payload(row: dict[str, str], labels: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    kind = row["kind"].strip().lower()
    payload: dict[str, Any] = {
        "kind": _KINDS.get(kind, kind),
        "name": row["name"],
        "description": row.get("description") or None,
        "category": row.get("category") or None,
        "external_ref": row.get("external_ref") or None,
    }
    price = (row.get("price_cents") or "").strip().replace(" ", "")
    if price:
        if _PRICE.fullmatch(price):
            if len(price.lstrip("-")) <= _PRICE_MAX_DIGITS:
                payload["price_cents"] = int(price)
            else:
                # Out of bounds either way: any value past the bound lets the model name it.
                payload["price_cents"] = -1 if price.startswith("-") else MAX_PRICE_CENTS + 1
        else:
            problems.append(
                f"Colonne « {labels['price_cents']} » : « {_shown(price)} » n'est pas un nombre entier de "
                "centimes (ex. 120 pour 1,20 €)."
            )
    euros = (row.get("price_euros") or "").strip().replace(" ", "").replace("\u202f", "").removesuffix("€")
    if euros:
        match = _EUROS.fullmatch(euros)
        if match:
            payload["price_cents"] = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
        else:
            problems.append(
                f"Colonne « {labels['price_euros']} » : « {_shown(euros)} » n'est pas un prix en euros "
                "(ex. 1,20)."
            )
    in_stock = _parse_bool(row.get("in_stock") or "")
    if in_stock is None:
        problems.append(
            f"Colonne « {labels['in_stock']} » : « {_shown(row['in_stock'])} » n'est pas reconnu "
            "(oui ou non, vrai ou faux, 1 ou 0)."
        )
    else:
        payload["in_stock"] = in_stock
    return payload, problems


def parse_csv(body: bytes) -> list[ItemCreate]:
    """Every row of the file as an item, or a 422 listing every bad line (needs no database)."""
    reader, labels = _csv_reader(_decode(body))
    return _valid_rows(reader, labels)


def import_rows(*, session: Session, shop: Shop, rows: list[ItemCreate]) -> ImportResult:
    """All or nothing: the parsed rows are created or update the items with the same external_ref."""
    return _upsert_items(session=session, shop=shop, rows=rows)


def preview_rows(*, session: Session, shop: Shop, rows: list[ItemCreate]) -> ImportResult:
    """What import_rows would do, writing nothing: how many items it would create and update."""
    updated = len(_existing_by_ref(session=session, shop=shop, rows=rows))
    return ImportResult(created=len(rows) - updated, updated=updated)


def _existing_by_ref(*, session: Session, shop: Shop, rows: list[ItemCreate]) -> dict[str, Item]:
    refs = [row.external_ref for row in rows if row.external_ref is not None]
    if not refs:
        return {}
    known = select(Item).where(Item.shop_id == shop.id, col(Item.external_ref).in_(refs))
    return {item.external_ref: item for item in session.exec(known) if item.external_ref is not None}


def _header_key(name: str) -> str:
    """« Catégorie », « en stock », « EN-STOCK » → categorie, en_stock, en_stock."""
    plain = unicodedata.normalize("NFKD", name.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", "_", plain)


def _column(name: str) -> str | None:
    key = _header_key(name)
    if key in CSV_COLUMNS or key in CSV_OPTIONAL_COLUMNS:
        return key
    return CSV_FRENCH_COLUMNS.get(key)


def _csv_reader(text: str) -> tuple["csv.DictReader[str]", dict[str, str]]:
    """A strict reader of the rows, by column, once the header is known to be ours (English or French),
    and each column's name as the file writes it, for the messages."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # strict: a quote that is never closed, or text after a closing quote, is an error, not a cell.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error:
        raise invalid("line 1", _UNREADABLE_LINE) from None
    header = [_column(name) for name in fieldnames]
    known = [c for c in header if c is not None]
    unknown = [name.strip() for name, c in zip(fieldnames, header, strict=True) if c is None]
    doubled = sorted(
        {c for c in known if known.count(c) > 1}
        | ({"price_cents"} if "price_euros" in known and "price_cents" in known else set())
    )
    missing = [
        c for c in CSV_COLUMNS if c not in known and not (c == "price_cents" and "price_euros" in known)
    ]
    if missing or unknown or doubled:
        parts = []
        if missing:
            parts.append("colonnes manquantes : " + _quoted(_COLUMN_NAMES[c] for c in missing))
        if unknown:
            parts.append("colonnes inconnues : " + _quoted(unknown))
        if doubled:
            parts.append("colonnes en double : " + _quoted(_COLUMN_NAMES[c] for c in doubled))
        french = ("type", "nom", "description", "catégorie", "prix", "en_stock")
        detail = (
            f"En-tête invalide ({' ; '.join(parts)}). Attendu en première ligne : {_quoted(french)} "
            f"(ou les noms anglais du modèle : {_quoted(CSV_COLUMNS)})."
        )
        raise invalid("line 1", detail)
    reader.fieldnames = [c or "" for c in header]
    labels = dict(_COLUMN_NAMES)
    labels.update({c: name.strip() for name, c in zip(fieldnames, header, strict=True) if c is not None})
    return reader, labels


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"« {name} »" for name in names)


_BAD_QUOTES = (
    "Guillemets mal placés : un guillemet ouvert doit être refermé avant la fin de la cellule, et un "
    "guillemet à l'intérieur d'une cellule s'écrit deux fois (\"\")."
)


def _records(reader: "csv.DictReader[str]") -> Iterator[tuple[int, dict[str | Any, str | Any] | str]]:
    """Each record with the line it starts on, or what is wrong with a record the csv module cannot read."""
    while True:
        start = reader.reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader starts afresh on the next line.
            yield start, _UNREADABLE_LINE if "field limit" in str(exc) else _BAD_QUOTES
            continue
        yield start, row


def _valid_rows(reader: "csv.DictReader[str]", labels: Mapping[str, str]) -> list[ItemCreate]:
    """Every row as an item, or a 422 naming each bad line."""
    errors: list[dict[str, str]] = []
    valid: list[ItemCreate] = []
    seen_refs: dict[str, int] = {}
    for index, (line, row) in enumerate(_records(reader)):
        if index >= CSV_MAX_ROWS:
            raise PayloadTooLarge(
                f"Le fichier dépasse {CSV_MAX_ROWS} lignes : découpez-le en plusieurs fichiers."
            )
        if isinstance(row, str):
            errors.append(field_error(f"line {line}", row))
            continue
        if None in row:
            errors.append(field_error(f"line {line}", "Cette ligne a plus de colonnes que l'en-tête."))
            continue
        if all(not (value or "").strip() for value in row.values()):
            continue
        if any(value is None for value in row.values()):
            errors.append(field_error(f"line {line}", "Cette ligne a moins de colonnes que l'en-tête."))
            continue
        broken = [c for c in _ONE_LINE_COLUMNS if "\n" in (row.get(c) or "") or "\r" in (row.get(c) or "")]
        if broken:
            errors.append(
                field_error(
                    f"line {line}",
                    f"La colonne « {labels[broken[0]]} » s'étend sur plusieurs lignes : un guillemet a été "
                    "ouvert sans être refermé à temps.",
                )
            )
            continue
        item, problems = _row_item({k: v or "" for k, v in row.items()}, line, seen_refs, labels)
        if problems:
            errors.append(field_error(f"line {line}", " ".join(problems)))
        elif item is not None:
            valid.append(item)
    if errors:
        lines = "1 ligne est invalide" if len(errors) == 1 else f"{len(errors)} lignes sont invalides"
        raise ValidationFailed(
            f"{lines} : rien n'a été importé. Corrigez le fichier puis envoyez-le à nouveau.",
            errors=errors,
        )
    if not valid:
        raise invalid("line 2", "Aucune ligne d'article.", summary="Le fichier ne contient aucun article.")
    return valid


def _row_item(
    cells: dict[str, str], line: int, seen_refs: dict[str, int], labels: Mapping[str, str]
) -> tuple[ItemCreate | None, list[str]]:
    """One row as an item, and what is wrong with it; `seen_refs` remembers each reference's first line."""
    payload, problems = _row_to_payload(cells, labels)
    try:
        item = ItemCreate.model_validate(payload)
    except ValidationError as exc:
        return None, problems + [
            f"Colonne « {labels.get(e['field'], e['field'])} » : {e['detail'][0].lower()}{e['detail'][1:]}"
            for e in validation_errors(exc.errors())
        ]
    if item.external_ref is not None:
        if item.external_ref in seen_refs:
            first = seen_refs[item.external_ref]
            problems.append(
                f"Colonne « {labels['external_ref']} » : « {item.external_ref} » figure déjà ligne {first}."
            )
        seen_refs.setdefault(item.external_ref, line)
    return item, problems


def _upsert_items(*, session: Session, shop: Shop, rows: list[ItemCreate]) -> ImportResult:
    """Rows with a reference already known in the shop update that item; the others are created."""
    existing = _existing_by_ref(session=session, shop=shop, rows=rows)
    created = updated = 0
    now = utcnow()
    new_items: list[Item] = []
    for data in rows:
        current = existing.get(data.external_ref) if data.external_ref else None
        if current is None:
            new_items.append(Item(**data.model_dump(), shop_id=shop.id, created_at=now, updated_at=now))
            created += 1
        else:
            for field, value in data.model_dump().items():
                setattr(current, field, value)
            current.updated_at = now
            session.add(current)
            updated += 1
    session.add_all(new_items)
    session.flush()
    return ImportResult(created=created, updated=updated)
