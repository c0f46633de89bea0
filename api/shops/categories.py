"""The trades of downtown Valence, with their French labels."""

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


def label(slug: str) -> str:
    return CATEGORIES[slug]
