"""The catalogue: products and services of each shop, CSV import, search, OpenStreetMap import, demo data."""
