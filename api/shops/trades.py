"""The words people use for each trade: what they type to find a shop of that category.

A shopper names the trade (« cordonnier », « fleurs », « clé minute »), not the category's label
(« Cordonnerie », « Fleuriste »). Search indexes these words as the category's own, beside its label, through
the same French text chain as everything else; tests/search/test_trades.py checks that every category has
some and that each gives index terms. Keep to words that name the trade or what people come for: an item's
name (« croissant », « picodon ») belongs to the items.
"""

TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "boulangerie": (
        "boulanger",
        "boulangère",
        "boulangerie",
        "pâtissier",
        "pâtisserie",
        "pain",
        "viennoiserie",
    ),
    "boucherie": ("boucher", "bouchère", "charcutier", "charcuterie", "viande", "volaille", "traiteur"),
    "fromagerie": ("fromager", "fromagère", "fromage", "crèmerie", "crémier"),
    "primeur": ("primeur", "fruits et légumes", "marchand de légumes", "maraîcher"),
    "epicerie": ("épicier", "épicerie", "alimentation générale", "supérette"),
    "epicerie-fine": ("épicerie fine", "produits fins", "produits régionaux", "spécialités", "terroir"),
    "bio": ("bio", "biologique", "vrac", "épicerie bio", "produits bio"),
    "caviste": ("caviste", "cave", "cave à vin", "vin", "spiritueux"),
    "chocolatier": ("chocolatier", "chocolaterie", "chocolat", "confiseur", "confiserie", "bonbons"),
    "cafe": ("café", "bar", "bistrot", "salon de thé", "terrasse"),
    "restaurant": ("restaurant", "resto", "brasserie", "bistrot", "pizzeria", "crêperie"),
    "librairie": ("libraire", "librairie", "livres", "bande dessinée", "bd"),
    "papeterie": ("papeterie", "papetier", "fournitures scolaires", "fournitures de bureau"),
    "tabac-presse": ("tabac", "buraliste", "presse", "journaux", "magazines", "loto"),
    "fleuriste": ("fleuriste", "fleurs", "bouquet", "plantes", "compositions florales"),
    "pharmacie": ("pharmacie", "pharmacien", "médicaments", "parapharmacie"),
    "opticien": ("opticien", "optique", "lunettes", "lunetier", "lentilles"),
    "pret-a-porter": ("vêtements", "habits", "mode", "boutique de vêtements"),
    "chaussures": ("chaussures", "chausseur", "souliers", "baskets"),
    "bijouterie": ("bijoutier", "bijouterie", "bijoux", "joaillier", "horloger", "horlogerie"),
    "parfumerie": ("parfumerie", "parfums", "parfumeur", "cosmétiques", "maquillage"),
    "jouets": ("jouets", "magasin de jouets", "jeux de société"),
    "sport": ("sport", "articles de sport", "équipement sportif"),
    "decoration": ("décoration", "déco", "art de la table", "idées cadeaux"),
    "quincaillerie": ("quincaillier", "quincaillerie", "droguerie", "bricolage", "outillage"),
    "informatique": ("informatique", "ordinateur", "téléphone", "smartphone", "réparation de téléphone"),
    "cordonnerie": ("cordonnier", "cordonnerie", "ressemelage", "clé minute", "double de clé", "talons"),
    "serrurerie": ("serrurier", "serrurerie", "serrure", "clé minute", "double de clé", "ouverture de porte"),
    "reparation-velos": ("vélo", "vélociste", "cycles", "réparation vélo", "atelier vélo", "bicyclette"),
    "coiffeur": ("coiffeur", "coiffeuse", "coiffure", "salon de coiffure", "barbier"),
    "institut-beaute": ("esthéticienne", "esthétique", "institut de beauté", "soins du visage", "manucure"),
    "pressing": ("pressing", "teinturerie", "nettoyage à sec", "blanchisserie", "retouches"),
}
