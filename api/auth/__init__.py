"""Accounts: passwords, tokens, roles and the dependencies that guard every route."""
