"""HTTP routes for a shop's items and their CSV import (contract §4)."""

import uuid
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import Session

from api.auth.deps import CurrentPrincipal
from api.catalog import service
from api.catalog.models import ImportResult, Item, ItemCreate, ItemPublic, ItemUpdate
from api.db import ReaderDep, ReadSessionDep, WriterDep
from api.errors import PayloadTooLarge, UnsupportedMediaType
from api.pagination import Cursor, Limit, Page
from api.shops import service as shops_service
from api.shops.deps import VisibleShop

router = APIRouter(tags=["catalogue"])

CSV_MAX_BYTES = 10 * 1024 * 1024
CSV_MEDIA_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"}


def _public(item: Item) -> ItemPublic:
    # Read inside the transaction: once it is over, the answer needs nothing from the session.
    return ItemPublic.model_validate(item, from_attributes=True)


async def csv_body(request: Request) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType("Envoyez un fichier CSV (Content-Type: text/csv).")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > CSV_MAX_BYTES:
            raise PayloadTooLarge("Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers.")
    return bytes(body)


@router.post("/shops/{shop_id}/items", status_code=status.HTTP_201_CREATED, response_model=ItemPublic)
async def create_item(
    shop_id: uuid.UUID, data: ItemCreate, write: WriterDep, principal: CurrentPrincipal
) -> ItemPublic:
    """Add a product or a service to a shop (its owner), even while the shop awaits approval."""

    def work(session: Session) -> ItemPublic:
        shop = shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)
        return _public(service.create_item(session=session, shop=shop, data=data))

    return await write(work)


@router.get("/shops/{shop_id}/items", response_model=Page[ItemPublic])
def list_items(
    shop: VisibleShop, session: ReadSessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[Item]:
    """A shop's items, oldest first."""
    items, next_cursor = service.list_items(session=session, shop=shop, cursor=cursor, limit=limit)
    return Page[Item](results=items, next_cursor=next_cursor)


@router.post("/shops/{shop_id}/items/import", response_model=ImportResult)
async def import_items(
    shop_id: uuid.UUID,
    read: ReaderDep,
    write: WriterDep,
    principal: CurrentPrincipal,
    body: Annotated[bytes, Depends(csv_body)],
    dry_run: Annotated[
        bool, Query(description="true: say what would be created and updated, write nothing")
    ] = False,
) -> ImportResult:
    """Import items from a CSV file (its owner): all rows or none, every bad line reported.

    With `dry_run=true`, the same checks and the counts the import would give, with nothing written: the
    preview a merchant confirms.
    """

    def ownership(session: Session) -> None:
        shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)

    # Who may import is checked before the file is parsed, and the parse happens outside the write turn:
    # ten megabytes of CSV would keep every other writer waiting.
    await read(ownership)
    rows = await anyio.to_thread.run_sync(service.parse_csv, body)

    def preview(session: Session) -> ImportResult:
        shop = shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)
        return service.preview_rows(session=session, shop=shop, rows=rows)

    if dry_run:
        return await read(preview)

    def work(session: Session) -> ImportResult:
        shop = shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)
        return service.import_rows(session=session, shop=shop, rows=rows)

    return await write(work)


@router.patch("/items/{item_id}", response_model=ItemPublic)
async def update_item(
    item_id: uuid.UUID, data: ItemUpdate, write: WriterDep, principal: CurrentPrincipal
) -> ItemPublic:
    """Edit an item (the owner of its shop)."""

    def work(session: Session) -> ItemPublic:
        item = service.managed_item(session=session, item_id=item_id, principal=principal)
        return _public(service.update_item(session=session, item=item, data=data))

    return await write(work)


@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: uuid.UUID, write: WriterDep, principal: CurrentPrincipal) -> Response:
    """Remove an item (the owner of its shop)."""

    def work(session: Session) -> None:
        item = service.managed_item(session=session, item_id=item_id, principal=principal)
        service.delete_item(session=session, item=item)

    await write(work)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
