"""What the demo shops are made of: real downtown streets of Valence, fictitious names, trades and hours.

Street segments were placed by hand from a few landmarks (the cathedral and place des Clercs, the Maison
des Têtes at 57 Grande Rue, place Saint-Jean, the town hall on place de la Liberté, the Kiosque Peynet, the
station): close enough for a map of the centre, not a survey.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Street:
    name: str
    # « de la Grande Rue », « du boulevard Bancel »: for shop names.
    of_name: str
    start: tuple[float, float]  # (lat, lon)
    end: tuple[float, float]
    max_number: int
    weight: int


STREETS: tuple[Street, ...] = (
    Street("Grande Rue", "de la Grande Rue", (44.93200, 4.89035), (44.93430, 4.89150), 90, 10),
    Street("place des Clercs", "de la place des Clercs", (44.93190, 4.88980), (44.93225, 4.89025), 30, 4),
    Street(
        "rue Madier de Montjau",
        "de la rue Madier de Montjau",
        (44.93335, 4.89070),
        (44.93365, 4.89330),
        70,
        8,
    ),
    Street(
        "place de la Liberté", "de la place de la Liberté", (44.93280, 4.89150), (44.93300, 4.89235), 20, 4
    ),
    Street("rue Émile Augier", "de la rue Émile Augier", (44.93295, 4.89250), (44.93420, 4.89285), 50, 6),
    Street("avenue Victor Hugo", "de l'avenue Victor Hugo", (44.92890, 4.88960), (44.92450, 4.89010), 120, 7),
    Street("boulevard Bancel", "du boulevard Bancel", (44.92880, 4.89300), (44.93180, 4.89370), 60, 5),
    Street("place de la République", "de la République", (44.93170, 4.89350), (44.93215, 4.89425), 20, 3),
    Street("rue Saunière", "de la rue Saunière", (44.93250, 4.89020), (44.93290, 4.89140), 40, 4),
    Street("place Saint-Jean", "de la place Saint-Jean", (44.93440, 4.89140), (44.93480, 4.89215), 20, 3),
    Street("rue de l'Université", "de l'Université", (44.93120, 4.89050), (44.93160, 4.89200), 30, 2),
    Street("rue Pêcherie", "de la rue Pêcherie", (44.93330, 4.88960), (44.93370, 4.89060), 40, 3),
    Street("rue Bouffier", "de la rue Bouffier", (44.93380, 4.89190), (44.93400, 4.89300), 30, 2),
    Street(
        "place Aristide Briand",
        "de la place Aristide Briand",
        (44.92920, 4.88950),
        (44.92960, 4.89050),
        15,
        3,
    ),
    Street("rue Paul Bert", "de la rue Paul Bert", (44.93040, 4.89280), (44.93210, 4.89250), 40, 2),
    Street("rue des Alpes", "de la rue des Alpes", (44.93390, 4.89420), (44.93450, 4.89600), 50, 2),
    Street("avenue Félix Faure", "de l'avenue Félix Faure", (44.93220, 4.89450), (44.93150, 4.89800), 100, 3),
)

SURNAMES = (
    "Reynaud", "Chabert", "Faure", "Roux", "Blanc", "Garnier", "Bonnet", "Giraud", "Arnaud", "Vial",
    "Mounier", "Fabre", "Bouvier", "Chapuis", "Perrin", "Brun", "Gauthier", "Durand", "Moulin", "Chauvin",
    "Jullien", "Bérard", "Rey", "Clément", "Lambert", "Boyer", "Morel", "Guillot", "Rousset", "Barbier",
    "Vincent", "Mathieu", "Dumas", "Charrier", "Peyrard", "Revol", "Veyrier", "Bouchet", "Marcel", "Teyssier",
)  # fmt: skip
FIRST_NAMES = (
    "Camille", "Léa", "Louise", "Jeanne", "Manon", "Chloé", "Inès", "Julie", "Margaux", "Élise",
    "Lucas", "Hugo", "Louis", "Jules", "Arthur", "Théo", "Paul", "Antoine", "Mathis", "Nathan",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Trade:
    """How the demo builds shops of one category."""

    weight: int
    nouns: tuple[str, ...]
    # Extra names; {of_first} (« de Léa », « d'Hugo »), {surname} and {street} (« de la Grande Rue »).
    names: tuple[str, ...]
    hours: str
    blurb: str


TRADES: dict[str, Trade] = {
    "boulangerie": Trade(
        12,
        ("Boulangerie", "Boulangerie-pâtisserie"),
        (
            "Au Bon Levain",
            "Le Fournil {street}",
            "La Mie {of_first}",
            "Aux Délices {street}",
            "Maison {surname}",
        ),
        "bakery",
        "Pains au levain, viennoiseries pur beurre et spécialités drômoises.",
    ),
    "boucherie": Trade(
        5,
        ("Boucherie", "Boucherie-charcuterie"),
        ("La Boucherie {street}", "Maison {surname}", "Au Bœuf Drômois"),
        "food",
        "Viandes de la région, charcuterie maison et plats à emporter.",
    ),
    "fromagerie": Trade(
        3,
        ("Fromagerie", "Crèmerie"),
        ("La Cave à Fromages", "Les Fromages {of_first}", "Au Picodon"),
        "food",
        "Fromages fermiers affinés sur place, picodons et tommes des Alpes.",
    ),
    "primeur": Trade(
        4,
        ("Primeur", "Fruits et légumes"),
        ("Le Panier {street}", "Les Vergers de la Drôme", "Au Jardin {of_first}"),
        "food",
        "Fruits et légumes de saison, en direct des producteurs de la vallée du Rhône.",
    ),
    "epicerie": Trade(
        5,
        ("Épicerie", "Alimentation générale"),
        ("L'Épicerie {street}", "Chez {surname}", "Le Comptoir du Quotidien"),
        "grocery",
        "Tout pour le quotidien, à deux pas de chez vous.",
    ),
    "epicerie-fine": Trade(
        4,
        ("Épicerie fine",),
        ("Le Comptoir des Saveurs", "Les Délices {of_first}", "Saveurs {street}", "Maison {surname}"),
        "food",
        "Produits fins de Provence et de la Drôme, coffrets cadeaux.",
    ),
    "bio": Trade(
        4,
        ("Biocoop de quartier", "Épicerie bio"),
        ("La Graine", "Le Grenier Bio", "Bio {street}", "Nature et Vrac"),
        "food",
        "Produits biologiques, vrac et rayon sans gluten.",
    ),
    "caviste": Trade(
        4,
        ("Cave", "Caviste"),
        ("La Cave {street}", "Les Vins {of_first}", "Le Cellier Valentinois", "Cave {surname}"),
        "retail",
        "Vins des Côtes du Rhône septentrionales, spiritueux et bières artisanales.",
    ),
    "chocolatier": Trade(
        4,
        ("Chocolaterie", "Confiserie"),
        ("Chocolats {surname}", "La Fève d'Or", "Les Douceurs {of_first}"),
        "retail",
        "Chocolats fabriqués sur place et confiseries de tradition.",
    ),
    "cafe": Trade(
        12,
        ("Café", "Bar"),
        ("Café {street}", "Le Petit Zinc", "Chez {surname}", "Le Comptoir", "Café des Arts", "L'Escale"),
        "cafe",
        "Café torréfié dans la région, terrasse et petite restauration.",
    ),
    "restaurant": Trade(
        16,
        ("Restaurant", "Bistrot", "Brasserie"),
        (
            "La Table {street}",
            "Le Bistrot {of_first}",
            "L'Assiette Drômoise",
            "Chez {surname}",
            "La Petite Cuisine",
            "Le Jardin {street}",
        ),
        "restaurant",
        "Cuisine de saison faite maison, produits de la Drôme.",
    ),
    "librairie": Trade(
        4,
        ("Librairie",),
        ("La Page {street}", "Les Mots {of_first}", "Librairie {surname}", "Le Chat qui Lit"),
        "retail",
        "Romans, bandes dessinées, jeunesse et rencontres avec des auteurs.",
    ),
    "papeterie": Trade(
        3,
        ("Papeterie",),
        ("Papeterie {street}", "L'Encrier", "Le Carnet {of_first}"),
        "retail",
        "Fournitures scolaires et de bureau, beaux-arts, impressions.",
    ),
    "tabac-presse": Trade(
        5,
        ("Tabac-presse", "Maison de la presse"),
        ("Le Balto", "Presse {street}", "Le Khédive"),
        "tabac",
        "Presse, jeux, relais colis et services de proximité.",
    ),
    "fleuriste": Trade(
        5,
        ("Fleuriste", "Artisan fleuriste"),
        ("Les Fleurs {of_first}", "L'Atelier Floral", "Pétales {street}", "Au Bouquet Valentinois"),
        "florist",
        "Bouquets de saison, plantes et compositions pour les grands moments.",
    ),
    "pharmacie": Trade(
        6,
        ("Pharmacie",),
        ("Pharmacie {street}", "Pharmacie {surname}", "Grande Pharmacie {street}", "Pharmacie du Centre"),
        "pharmacy",
        "Conseil, parapharmacie, vaccination et matériel médical.",
    ),
    "opticien": Trade(
        6,
        ("Opticien", "Optique"),
        ("Optique {surname}", "Les Lunettes {of_first}", "Vision {street}", "L'Œil Valentinois"),
        "retail",
        "Lunettes de vue et de soleil, lentilles, examen de vue.",
    ),
    "pret-a-porter": Trade(
        14,
        ("Boutique", "Prêt-à-porter"),
        (
            "Atelier {surname}",
            "Maison Lune",
            "Les Filles {street}",
            "Comptoir du Lin",
            "L'Essentiel {of_first}",
            "Dressing {street}",
        ),
        "retail",
        "Mode femme et homme, créateurs français et accessoires.",
    ),
    "chaussures": Trade(
        5,
        ("Chaussures",),
        ("Chaussures {surname}", "Le Pas {street}", "La Bottine {of_first}"),
        "retail",
        "Chaussures de ville, de sport et pour enfants.",
    ),
    "bijouterie": Trade(
        4,
        ("Bijouterie", "Bijouterie-horlogerie"),
        ("Bijouterie {surname}", "L'Écrin {street}", "Or et Argent"),
        "retail",
        "Bijoux, montres, gravure et réparations en atelier.",
    ),
    "parfumerie": Trade(
        3,
        ("Parfumerie",),
        ("Parfumerie {street}", "L'Heure Bleue", "Les Senteurs {of_first}"),
        "retail",
        "Parfums, soins et maquillage, conseils personnalisés.",
    ),
    "jouets": Trade(
        3,
        ("Magasin de jouets",),
        ("La Boîte à Jeux", "Le Coffre à Jouets", "Jouets {street}"),
        "retail",
        "Jouets en bois, jeux de société et loisirs créatifs.",
    ),
    "sport": Trade(
        3,
        ("Sports",),
        ("Sport {street}", "Vercors Outdoor", "L'Échappée"),
        "retail",
        "Running, randonnée, vélo et sports collectifs.",
    ),
    "decoration": Trade(
        4,
        ("Décoration",),
        ("La Maison {of_first}", "Déco {street}", "L'Atelier du Rhône", "Comptoir {surname}"),
        "retail",
        "Décoration, art de la table et idées cadeaux.",
    ),
    "quincaillerie": Trade(
        2,
        ("Quincaillerie", "Droguerie-quincaillerie"),
        ("Quincaillerie {surname}", "Au Clou Valentinois"),
        "retail",
        "Outillage, visserie, clés minute et conseils de bricolage.",
    ),
    "informatique": Trade(
        4,
        ("Informatique", "Téléphonie"),
        ("Répar'Phone {street}", "Info Service {surname}", "Le Labo Numérique"),
        "retail",
        "Réparation de téléphones et d'ordinateurs, accessoires et reconditionné.",
    ),
    "cordonnerie": Trade(
        4,
        ("Cordonnerie", "Cordonnerie-clés minute"),
        ("Cordonnerie {street}", "L'Atelier du Cuir", "Cordonnerie {surname}"),
        "services",
        "Ressemelage, clés minute, maroquinerie et gravure.",
    ),
    "serrurerie": Trade(
        2,
        ("Serrurerie",),
        ("Serrurerie {surname}", "Clés et Sécurité {street}"),
        "services",
        "Clés minute, ouverture de porte et serrures de sécurité.",
    ),
    "reparation-velos": Trade(
        3,
        ("Atelier vélo", "Vélociste"),
        ("Cycles {surname}", "Le Rayon Vert", "La Roue Libre", "Vélo {street}"),
        "services",
        "Réparation et entretien de vélos, vélos électriques et accessoires.",
    ),
    "coiffeur": Trade(
        8,
        ("Coiffure", "Salon de coiffure"),
        (
            "L'Atelier {of_first}",
            "Coiffure {surname}",
            "Barbier {street}",
            "Ciseaux d'Or",
            "Studio {surname}",
        ),
        "services",
        "Coupes, couleurs et soins, avec ou sans rendez-vous.",
    ),
    "institut-beaute": Trade(
        4,
        ("Institut de beauté",),
        ("Institut {surname}", "L'Instant Beauté", "Bulle de Soin {street}"),
        "services",
        "Soins du visage et du corps, épilation, beauté des mains et des pieds.",
    ),
    "pressing": Trade(
        3,
        ("Pressing",),
        ("Pressing {street}", "Pressing {surname}", "Net et Net"),
        "services",
        "Nettoyage à sec, blanchisserie, repassage et retouches.",
    ),
}

# Opening hours by kind of trade, in OpenStreetMap syntax; a shop takes one at random.
HOURS: dict[str, tuple[str, ...]] = {
    "bakery": (
        "Tu-Sa 06:30-13:00,15:30-19:30; Su 07:00-12:30; PH off",
        "Mo-Sa 06:45-19:30; Su 07:00-13:00",
        "We-Mo 07:00-13:00,15:30-19:00",
        "Mo-Fr 06:30-19:30; Sa 07:00-19:00; Su,PH 07:00-12:30",
    ),
    "food": (
        "Tu-Sa 08:30-12:30,15:00-19:30; Su 09:00-12:30; PH off",
        "Tu-Sa 08:00-12:30,15:30-19:00; PH off",
        "Mo 15:00-19:00; Tu-Sa 09:00-19:00; Su 09:00-12:30",
    ),
    "grocery": (
        "Mo-Sa 08:00-20:30; Su 09:00-13:00",
        "Mo-Su 07:30-22:00",
        "Mo-Sa 08:30-13:00,15:00-20:00; PH off",
    ),
    "retail": (
        "Tu-Sa 10:00-12:30,14:00-19:00; PH off",
        "Mo 14:00-19:00; Tu-Sa 10:00-19:00; PH off",
        "Mo-Sa 09:30-19:00; PH off",
        "Tu-Sa 09:30-12:00,14:00-19:00; Aug 01-Aug 20 off; PH off",
        "Mo-Sa 10:00-19:00; Su[1] 10:00-18:00; PH off",
    ),
    "cafe": (
        "Mo-Sa 07:00-20:00; Su 08:00-13:00",
        "Mo-Fr 07:30-19:00; Sa 08:30-19:00; PH off",
        "Tu-Su 08:00-23:00",
        "Mo-Sa 07:00-01:00",
    ),
    "restaurant": (
        "Tu-Sa 12:00-14:00,19:00-22:00; PH off",
        "Mo-Fr 11:45-14:30; Th-Sa 19:00-22:30",
        "We-Su 12:00-14:00,19:30-22:30",
        "Mo-Sa 12:00-14:30,19:00-23:00",
    ),
    "tabac": (
        "Mo-Sa 06:30-19:30; Su 07:00-12:30",
        "Mo-Sa 07:00-19:00; PH off",
    ),
    "florist": (
        "Tu-Sa 09:00-12:30,14:30-19:00; Su 09:00-12:30",
        "Mo-Sa 09:00-19:00; Su 09:00-13:00",
    ),
    "pharmacy": (
        "Mo-Fr 08:30-12:30,14:00-19:30; Sa 08:30-12:30,14:00-19:00; PH off",
        "Mo-Sa 08:30-19:30",
        "Mo-Fr 08:00-20:00; Sa 08:30-19:00",
    ),
    "services": (
        "Tu-Fr 09:00-12:00,14:00-19:00; Sa 09:00-17:00; PH off",
        "Tu-Sa 09:00-19:00; PH off",
        "Mo-Fr 09:00-12:30,14:00-18:30; Sa 09:00-12:00",
    ),
}
ROUND_THE_CLOCK = "24/7"
