"""Shop permissions as chained dependencies: valid shop id → visible shop.

A shop to manage is looked up inside the write that changes it (`service.managed_shop`), not here.
"""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import OptionalPrincipal
from api.db import ReadSessionDep
from api.shops import service
from api.shops.models import Shop


def get_visible_shop(shop_id: uuid.UUID, session: ReadSessionDep, principal: OptionalPrincipal) -> Shop:
    return service.visible_shop(session=session, shop_id=shop_id, principal=principal)


VisibleShop = Annotated[Shop, Depends(get_visible_shop)]
