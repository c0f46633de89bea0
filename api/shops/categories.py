"""The trades of downtown Valence, with their French labels."""

from typing import Annotated, Any

from pydantic import WithJsonSchema

CATEGORIES: dict[str, str] = {
    "boulangerie": "Boulangerie-pâtisserie",
    "boucherie": "Boucherie-charcuterie",
    "fromagerie": "Fromagerie",
    "primeur": "Primeur",
    "epicerie": "Épicerie",
    "epicerie-fine": "Épicerie fine",
    "bio": "Magasin bio",
    "caviste": "Caviste",
    "chocolatier": "Chocolatier-confiseur",
    "cafe": "Café",
    "restaurant": "Restaurant",
    "librairie": "Librairie",
    "papeterie": "Papeterie",
    "tabac-presse": "Tabac-presse",
    "fleuriste": "Fleuriste",
    "pharmacie": "Pharmacie",
    "opticien": "Opticien",
    "pret-a-porter": "Prêt-à-porter",
    "chaussures": "Chaussures",
    "bijouterie": "Bijouterie",
    "parfumerie": "Parfumerie",
    "jouets": "Jouets",
    "sport": "Articles de sport",
    "decoration": "Décoration",
    "quincaillerie": "Quincaillerie",
    "informatique": "Informatique et téléphonie",
    "cordonnerie": "Cordonnerie",
    "serrurerie": "Serrurerie",
    "reparation-velos": "Réparation de vélos",
    "coiffeur": "Coiffeur",
    "institut-beaute": "Institut de beauté",
    "pressing": "Pressing",
}

# A category as the OpenAPI document declares it: one of the slugs above (validators say so in French).
CATEGORY_JSON_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": list(CATEGORIES),
    "description": "Une catégorie de GET /api/v1/categories (son slug).",
}
CategorySlug = Annotated[str, WithJsonSchema(CATEGORY_JSON_SCHEMA)]
