"""Imports every table module so that the metadata (migrations, tests) knows them all."""

from api import idempotency as idempotency_models
from api import keystore as keystore_models
from api.auth import models as auth_models
from api.catalog import models as catalog_models
from api.loyalty import models as loyalty_models
from api.search import models as search_models
from api.shops import models as shop_models
from api.student_card import models as student_card_models

__all__ = [
    "auth_models",
    "catalog_models",
    "idempotency_models",
    "keystore_models",
    "loyalty_models",
    "search_models",
    "shop_models",
    "student_card_models",
]
