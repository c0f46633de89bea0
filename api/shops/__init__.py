"""Shops: their details, opening hours, approval by the city and claims of imported shops."""
