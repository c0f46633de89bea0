"""Imports every table module so that the metadata (migrations, tests) knows them all."""

from api.auth import models as auth_models

__all__ = ["auth_models"]
