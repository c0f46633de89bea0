"""Shop permissions as chained dependencies: valid shop id → visible shop → managed shop."""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import CurrentPrincipal, OptionalPrincipal
from api.db import ReadSessionDep, SessionDep
from api.shops import service
from api.shops.models import Shop


def get_visible_shop(shop_id: uuid.UUID, session: ReadSessionDep, principal: OptionalPrincipal) -> Shop:
    return service.visible_shop(session=session, shop_id=shop_id, principal=principal)


def get_managed_shop(shop_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Shop:
    return service.managed_shop(session=session, shop_id=shop_id, principal=principal)


VisibleShop = Annotated[Shop, Depends(get_visible_shop)]
ManagedShop = Annotated[Shop, Depends(get_managed_shop)]
