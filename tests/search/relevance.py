"""A small downtown catalogue and a labelled set of queries (relevance.json) to measure recall@5.

The catalogue is built through the ORM, so the index under test is the one kept in step incrementally.
Each query lists the shops a person typing it expects to see among the first five results.
"""

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from api.catalog.models import Item
from api.shops.models import Shop

QUERIES_FILE = Path(__file__).with_name("relevance.json")
CENTRE = (44.9334, 4.8924)

# name, category, status, (north m, east m) from the centre, items as (kind, name, description, in_stock)
Catalogue = list[tuple[str, str, str, tuple[int, int], list[tuple[str, str, str | None, bool]]]]
P, S = "product", "service"
CATALOGUE: Catalogue = [
    (
        "Boulangerie Pain d'Antan",
        "boulangerie",
        "active",
        (100, 50),
        [
            (P, "Baguette tradition", "Farine de la Drôme, levain naturel", True),
            (P, "Croissant au beurre", "Beurre AOP Charentes-Poitou", True),
            (P, "Pain au chocolat", None, True),
            (P, "Pogne de Romans", "Brioche à la fleur d'oranger", True),
            (P, "Suisse de Valence", "Biscuit sablé en forme de pantin", False),
            (S, "Gâteau d'anniversaire sur commande", "Fraisier, forêt-noire, entremets", True),
        ],
    ),
    (
        "Cycles Rhône Vélo",
        "reparation-velos",
        "active",
        (-300, 200),
        [
            (S, "Réparation crevaison", "Changement de chambre à air en 30 minutes", True),
            (S, "Révision complète", "Freins, dérailleur, chaîne graissée", True),
            (P, "Antivol en U", "Acier trempé", True),
            (P, "Vélo électrique urbain", "Batterie 500 Wh", False),
            (S, "Location de vélos", "À la journée ou à la semaine", True),
        ],
    ),
    (
        "La Fromagerie du Marché",
        "fromagerie",
        "active",
        (50, -150),
        [
            (P, "Picodon AOP", "Fromage de chèvre de la Drôme", True),
            (P, "Saint-Marcellin", "Au lait de vache", True),
            (P, "Comté 18 mois", "Fruité", True),
            (P, "Fromage à raclette", "Tranché à la demande", False),
        ],
    ),
    (
        "Le Cellier des Clercs",
        "caviste",
        "active",
        (20, 20),
        [
            (P, "Crozes-Hermitage rouge", "Syrah, vallée du Rhône", True),
            (P, "Clairette de Die", "Méthode ancestrale", True),
            (P, "Whisky japonais", None, True),
            (P, "Bière artisanale IPA", "Brasserie drômoise", True),
        ],
    ),
    (
        "Librairie Notre Temps",
        "librairie",
        "active",
        (250, -50),
        [
            (P, "Bandes dessinées", "Nouveautés et classiques", True),
            (P, "Mangas", "Shonen, seinen, shojo", True),
            (P, "Romans policiers", None, True),
            (P, "Guide de randonnée", "Sentiers de la Drôme et du Vercors", True),
        ],
    ),
    (
        "Optique Victor Hugo",
        "opticien",
        "active",
        (-120, -80),
        [
            (P, "Lunettes de vue", "Montures légères", True),
            (P, "Lunettes de soleil", "Verres polarisés", True),
            (P, "Lentilles de contact", "Mensuelles", True),
            (S, "Examen de la vue", "Contrôle gratuit", True),
        ],
    ),
    (
        "Pharmacie des Clercs",
        "pharmacie",
        "active",
        (30, 60),
        [
            (P, "Crème solaire", "Indice 50", True),
            (P, "Paracétamol", None, True),
            (P, "Thermomètre", "Infrarouge", True),
            (S, "Location de béquilles", None, True),
        ],
    ),
    (
        "Cordonnerie Saint-Jean",
        "cordonnerie",
        "active",
        (400, 300),
        [
            (S, "Ressemelage", "Semelles cuir ou gomme", True),
            (S, "Double de clés", "Clés plates et clés de sécurité", True),
            (P, "Cirage", "Noir, brun, incolore", True),
            (S, "Réparation de sacs", "Coutures et fermetures éclair", True),
        ],
    ),
    (
        "Salon Coupe & Couleur",
        "coiffeur",
        "active",
        (-60, 140),
        [
            (S, "Coupe femme", "Shampoing et brushing", True),
            (S, "Coupe homme", None, True),
            (S, "Coloration", "Sans ammoniaque", True),
            (S, "Taille de barbe", None, True),
        ],
    ),
    (
        "Fleurs de Valence",
        "fleuriste",
        "active",
        (180, 180),
        [
            (P, "Bouquet de roses", None, True),
            (P, "Orchidée", "En pot", True),
            (S, "Composition florale de mariage", "Sur devis", True),
            (P, "Plantes vertes", None, True),
        ],
    ),
    (
        "Informatique Services 26",
        "informatique",
        "active",
        (-200, -250),
        [
            (S, "Réparation d'écran de smartphone", "iPhone, Samsung, Xiaomi", True),
            (S, "Changement de batterie", "Téléphones et tablettes", True),
            (P, "Chargeur USB-C", None, True),
            (P, "Ordinateur portable reconditionné", "Garantie un an", True),
        ],
    ),
    (
        "Chocolaterie Cœur de Valence",
        "chocolatier",
        "active",
        (80, -40),
        [
            (P, "Tablette de chocolat noir", "70 % cacao", True),
            (P, "Pralinés", "Amandes et noisettes", True),
            (P, "Truffes", None, True),
            (P, "Orangettes", None, False),
        ],
    ),
    (
        "Boucherie Madier",
        "boucherie",
        "active",
        (-20, -30),
        [
            (P, "Côte de bœuf", "Race charolaise", True),
            (P, "Caillette", "Spécialité drômoise", True),
            (P, "Saucisson sec", None, True),
            (P, "Poulet fermier", "Label rouge", True),
        ],
    ),
    (
        "Primeur Le Jardin",
        "primeur",
        "active",
        (300, -200),
        [
            (P, "Abricots de la Drôme", None, True),
            (P, "Pêches", None, True),
            (P, "Noix de Grenoble", "AOP", True),
            (P, "Pommes de terre", None, True),
        ],
    ),
    (
        "Épicerie Vrac & Bio",
        "bio",
        "active",
        (-350, -100),
        [
            (P, "Lentilles vertes en vrac", None, True),
            (P, "Huile d'olive", "Première pression à froid", True),
            (P, "Miel de lavande", None, True),
            (P, "Savon de Marseille", None, True),
            (P, "Miel de fleurs", "Toutes fleurs de la Drôme", True),
        ],
    ),
    (
        "Papeterie des Écoles",
        "papeterie",
        "active",
        (150, -300),
        [
            (P, "Cahiers", "Grands carreaux", True),
            (P, "Stylo plume", None, True),
            (P, "Crayons de couleur", None, True),
            (S, "Photocopies", "Noir et blanc ou couleur", True),
        ],
    ),
    (
        "Pressing Bancel",
        "pressing",
        "active",
        (-250, 350),
        [
            (S, "Nettoyage à sec", None, True),
            (S, "Repassage", "Chemises", True),
            (S, "Retouches", "Ourlets et ajustements", True),
            (S, "Nettoyage de couette", None, True),
            (S, "Dépôt pour ressemelage", "Chez un cordonnier partenaire", True),
        ],
    ),
    (
        "Quincaillerie Pêcherie",
        "quincaillerie",
        "active",
        (60, 260),
        [
            (P, "Perceuse", "Sans fil", True),
            (P, "Vis inox", None, True),
            (P, "Ampoule LED", None, True),
            (S, "Double de clés", None, True),
            (P, "Cadenas", None, True),
            (S, "Clé minute", "Reproduction de clés plates", True),
        ],
    ),
    (
        "Sport 2000 Valence",
        "sport",
        "active",
        (-500, 0),
        [
            (P, "Chaussures de running", None, True),
            (P, "Raquette de tennis", None, True),
            (P, "Tapis de yoga", None, True),
            (P, "Casque de vélo", None, True),
        ],
    ),
    (
        "Jouets Malins",
        "jouets",
        "active",
        (200, 400),
        [
            (P, "Jeu de société", None, True),
            (P, "Puzzle 1000 pièces", None, True),
            (P, "Peluche", None, True),
            (P, "Trottinette enfant", None, True),
        ],
    ),
    (
        "Café des Négociants",
        "cafe",
        "active",
        (10, -10),
        [
            (P, "Espresso", None, True),
            (P, "Chocolat chaud", None, True),
            (P, "Croque-monsieur", None, True),
            (P, "Thé glacé", None, True),
        ],
    ),
    (
        "Restaurant La Cachette",
        "restaurant",
        "active",
        (-150, 300),
        [
            (P, "Ravioles du Dauphiné", None, True),
            (P, "Gratin dauphinois", None, True),
            (P, "Menu du jour", None, True),
            (S, "Plats à emporter", None, True),
        ],
    ),
    (
        "Parfumerie Élégance",
        "parfumerie",
        "active",
        (120, 120),
        [
            (P, "Eau de parfum", None, True),
            (P, "Rouge à lèvres", None, True),
            (P, "Crème hydratante", None, True),
        ],
    ),
    (
        "Bijouterie Augier",
        "bijouterie",
        "active",
        (-80, 60),
        [
            (P, "Bague en or", None, True),
            (P, "Montre automatique", None, True),
            (S, "Changement de pile", "Toutes montres", True),
            (S, "Gravure", None, True),
        ],
    ),
    (
        "Serrurerie Express 26",
        "serrurerie",
        "active",
        (600, -400),
        [
            (S, "Ouverture de porte", "Urgence 7 jours sur 7", True),
            (S, "Changement de serrure", None, True),
            (S, "Double de clés", None, True),
            (P, "Porte blindée", None, True),
        ],
    ),
    (
        "Institut Belle Peau",
        "institut-beaute",
        "active",
        (-400, 250),
        [
            (S, "Soin du visage", None, True),
            (S, "Épilation", None, True),
            (S, "Manucure", None, True),
            (S, "Massage relaxant", None, True),
        ],
    ),
    (
        "Tabac Presse du Centre",
        "tabac-presse",
        "active",
        (0, 100),
        [
            (P, "Journaux", None, True),
            (P, "Timbres", None, True),
            (P, "Magazines", None, True),
            (P, "Jeux à gratter", None, True),
        ],
    ),
    (
        "Maison Déco Lin",
        "decoration",
        "active",
        (350, 50),
        [
            (P, "Coussin en lin", None, True),
            (P, "Bougie parfumée", None, True),
            (P, "Vase", None, True),
            (P, "Miroir", None, True),
            (P, "Bouquet de fleurs séchées", "Lavande et blé", True),
        ],
    ),
    (
        "Chaussures Émile",
        "chaussures",
        "active",
        (-300, -300),
        [
            (P, "Baskets", None, True),
            (P, "Bottes en cuir", None, True),
            (P, "Sandales", None, True),
            (P, "Chaussons", None, True),
            (S, "Dépôt pour ressemelage", "Chez un cordonnier partenaire", True),
        ],
    ),
    # Shops whose name does not say their trade, and one whose name begins like a trade word (« vin »).
    (
        "L'Atelier du Cuir",
        "cordonnerie",
        "active",
        (-450, 150),
        [
            (S, "Talons minute", None, True),
            (S, "Clé minute", "Clés plates, clés de voiture", True),
            (P, "Ceinture en cuir", None, True),
        ],
    ),
    (
        "Pétales & Tiges",
        "fleuriste",
        "active",
        (-180, -220),
        [
            (P, "Bouquet du marché", "Fleurs de saison", True),
            (P, "Tournesols", "La botte", True),
        ],
    ),
    (
        "Chez Vincent",
        "primeur",
        "active",
        (5, 5),
        [
            (P, "Pommes de Savoie", None, True),
            (P, "Carottes des sables", None, True),
        ],
    ),
    (
        "Maison Roux",
        "boucherie",
        "active",
        (-100, 400),
        [
            (P, "Saucisson sec", None, True),
            (P, "Rôti de porc", None, True),
        ],
    ),
    (
        "Boutique Lune",
        "pret-a-porter",
        "active",
        (90, -90),
        [
            (P, "Lunettes de soleil", "Verres polarisés", True),
            (P, "Robe en lin", None, True),
            (P, "Bottines", None, True),
        ],
    ),
    (
        "Vélo Futur",
        "reparation-velos",
        "pending",
        (10, 10),
        [
            (S, "Réparation crevaison", None, True),
        ],
    ),
    (
        "Pizzeria Fermée",
        "restaurant",
        "suspended",
        (15, 15),
        [
            (P, "Pizza", "Au feu de bois", True),
        ],
    ),
]


def position(north_m: int, east_m: int) -> tuple[float, float]:
    return CENTRE[0] + north_m / 111_195, CENTRE[1] + east_m / 78_710


def build_catalogue(session: Session) -> dict[str, Shop]:
    shops: dict[str, Shop] = {}
    for name, category, status, (north, east), _items in CATALOGUE:
        lat, lon = position(north, east)
        shops[name] = Shop(
            name=name,
            category=category,
            address="Valence",
            lat=lat,
            lon=lon,
            status=status,
            opening_hours="24/7",
        )
    session.add_all(shops.values())
    session.flush()
    session.add_all(
        Item(
            id=uuid.uuid4(),
            shop_id=shops[name].id,
            kind=kind,
            name=item_name,
            description=description,
            in_stock=in_stock,
        )
        for name, _category, _status, _position, items in CATALOGUE
        for kind, item_name, description, in_stock in items
    )
    session.flush()
    return shops


@dataclass(frozen=True)
class Judgement:
    query: str
    expected: list[str]
    kind: str
    # For a trade query (kind "trade"): the categories its first result must belong to.
    trades: tuple[str, ...] = ()


def judgements() -> list[Judgement]:
    raw: list[dict[str, Any]] = json.loads(QUERIES_FILE.read_text(encoding="utf-8"))
    return [
        Judgement(query=r["q"], expected=r["expect"], kind=r["kind"], trades=tuple(r.get("trade", ())))
        for r in raw
    ]
