"""What the demo shops sell: a fictitious catalogue for each trade.

Catalogue lines read `kind | item category | name | price | description`: kind `P` (product) or `S`
(service), a leading `*` for an item every shop of the trade carries, the price in euros (`—`: on request).
"""

CATALOGUE: dict[str, str] = {
    "boulangerie": """
*P | Pains | Baguette tradition | 1,30 | Farine Label Rouge, pétrie lentement et cuite sur sole
*P | Viennoiseries | Croissant au beurre | 1,20
*P | Viennoiseries | Pain au chocolat | 1,35
P | Pains | Baguette classique | 1,10
P | Pains | Pain de campagne au levain | 3,80
P | Pains | Pain complet | 3,20
P | Pains | Pain aux céréales | 3,60
P | Pains | Pain de seigle | 3,90
P | Pains | Pain aux noix | 4,50
P | Pains | Pain sans gluten | 4,90 | Farines de riz et de sarrasin, cuit à part dans un four dédié
P | Pains | Pain sans gluten aux graines | 5,50 | Sans gluten, graines de lin et de tournesol
P | Pains | Fougasse aux olives | 3,50
P | Pains | Pain de mie maison | 3,40
P | Viennoiseries | Pain aux raisins | 1,60
P | Viennoiseries | Chausson aux pommes | 1,70
P | Viennoiseries | Brioche tressée | 4,80
P | Spécialités | Pogne de Romans | 9,50 | La brioche à la fleur d'oranger de la Drôme
P | Spécialités | Suisse de Valence | 2,80 | Le biscuit à l'orange en forme de petit bonhomme
P | Pâtisseries | Éclair au chocolat | 2,90
P | Pâtisseries | Tarte aux abricots | 3,20
P | Pâtisseries | Flan pâtissier | 2,60
P | Pâtisseries | Mille-feuille | 3,40
P | Pâtisseries | Tarte au citron meringuée | 3,50
P | Pâtisseries | Macaron | 1,50
P | Pâtisseries | Entremets fraisier 6 parts | 24,00
P | Snacking | Sandwich jambon-beurre | 4,50
P | Snacking | Quiche lorraine | 3,90
S | Commandes | Gâteau d'anniversaire sur commande | — | À commander 48 h à l'avance
""",
    "boucherie": """
*P | Bœuf | Entrecôte de bœuf (le kg) | 34,90
P | Bœuf | Bavette d'aloyau (le kg) | 29,90
P | Bœuf | Steaks hachés frais (×2) | 6,40
P | Bœuf | Rôti de bœuf (le kg) | 31,50
P | Bœuf | Bœuf bourguignon (le kg) | 18,90
P | Veau | Escalope de veau (le kg) | 36,00
P | Porc | Côte de porc (le kg) | 12,90
P | Porc | Rôti de porc (le kg) | 14,50
P | Volaille | Poulet fermier de la Drôme | 16,50
P | Volaille | Pintade fermière | 17,90
P | Volaille | Cuisses de canard (×2) | 9,80
P | Agneau | Gigot d'agneau (le kg) | 27,90
P | Charcuterie | Jambon blanc à l'os (la tranche) | 2,40
P | Charcuterie | Saucisson sec | 8,90
P | Charcuterie | Caillette de la Drôme | 3,20 | Porc, blettes et herbes, recette de la maison
P | Charcuterie | Pâté en croûte (la tranche) | 3,60
P | Charcuterie | Saucisses de Toulouse (le kg) | 13,90
P | Charcuterie | Chipolatas (le kg) | 13,50
P | Traiteur | Lasagnes maison (la part) | 6,50
P | Traiteur | Hachis parmentier (la part) | 6,20
S | Services | Plateau barbecue sur commande | —
S | Services | Préparation de rôti ficelé | —
""",
    "fromagerie": """
*P | Fromages | Picodon AOP | 3,20 | Fromage de chèvre de la Drôme et de l'Ardèche
*P | Fromages | Saint-Marcellin | 2,90
P | Fromages | Comté AOP 18 mois (les 100 g) | 3,20
P | Fromages | Beaufort d'été (les 100 g) | 3,80
P | Fromages | Tomme de Savoie (les 100 g) | 2,10
P | Fromages | Bleu du Vercors-Sassenage AOP (les 100 g) | 2,60
P | Fromages | Reblochon fermier | 8,90
P | Fromages | Roquefort (les 100 g) | 3,40
P | Fromages | Brie de Meaux (les 100 g) | 2,70
P | Fromages | Camembert au lait cru | 5,50
P | Fromages | Saint-Félicien | 4,20
P | Fromages | Fromage à raclette (les 100 g) | 2,20
P | Fromages | Fourme d'Ambert (les 100 g) | 2,40
P | Crèmerie | Beurre de baratte doux | 4,60
P | Crèmerie | Crème fraîche épaisse | 3,90
P | Crèmerie | Yaourt fermier nature | 1,10
P | Crèmerie | Œufs fermiers (×6) | 3,60
P | Épicerie | Confiture de figues pour fromages | 5,90
S | Services | Plateau de fromages sur commande | —
S | Services | Découpe et mise sous vide | —
""",
    "primeur": """
*P | Fruits | Abricots de la Drôme (le kg) | 4,90
P | Fruits | Pêches jaunes (le kg) | 4,50
P | Fruits | Cerises (le kg) | 8,90
P | Fruits | Pommes golden (le kg) | 2,60
P | Fruits | Poires williams (le kg) | 3,20
P | Fruits | Fraises (la barquette de 500 g) | 4,50
P | Fruits | Bananes (le kg) | 2,20
P | Fruits | Citrons (le kg) | 3,40
P | Fruits | Noix de Grenoble AOP (le kg) | 9,90
P | Légumes | Tomates anciennes (le kg) | 5,50
P | Légumes | Courgettes (le kg) | 2,90
P | Légumes | Pommes de terre (le kg) | 1,90
P | Légumes | Carottes (le kg) | 1,80
P | Légumes | Salade batavia | 1,40
P | Légumes | Poireaux (la botte) | 2,80
P | Légumes | Ail de la Drôme (la tresse) | 7,50
P | Légumes | Champignons de Paris (la barquette) | 2,40
P | Légumes | Avocat | 1,20
P | Herbes | Persil (la botte) | 1,20
P | Herbes | Basilic en pot | 2,50
S | Services | Panier de fruits livré au bureau | 25,00
S | Services | Corbeille de fruits cadeau | —
""",
    "epicerie": """
*P | Épicerie salée | Pâtes coquillettes 500 g | 1,60
P | Épicerie salée | Riz basmati 1 kg | 3,20
P | Épicerie salée | Huile d'olive 75 cl | 9,50
P | Épicerie salée | Thon au naturel | 2,90
P | Épicerie salée | Sauce tomate | 1,90
P | Épicerie sucrée | Café moulu 250 g | 4,20
P | Épicerie sucrée | Sucre en poudre 1 kg | 1,40
P | Épicerie sucrée | Farine de blé T55 1 kg | 1,30
P | Épicerie sucrée | Biscuits sablés | 2,40
P | Épicerie sucrée | Chocolat noir 70 % | 2,60
P | Frais | Lait demi-écrémé 1 L | 1,25
P | Frais | Œufs (×12) | 4,10
P | Frais | Yaourts nature (×4) | 1,90
P | Frais | Jambon blanc (4 tranches) | 3,90
P | Boissons | Eau minérale (6 × 1,5 L) | 3,30
P | Boissons | Jus d'orange 1 L | 2,40
P | Boissons | Bière blonde (×6) | 6,90
P | Boulangerie | Pain de mie | 2,10
P | Hygiène | Papier toilette (×6) | 3,90
P | Entretien | Liquide vaisselle | 2,20
P | Entretien | Lessive liquide | 8,90
S | Services | Retrait de colis | —
S | Services | Livraison à domicile en centre-ville | 4,90
""",
    "epicerie-fine": """
*P | Huiles | Huile d'olive de Nyons AOP 50 cl | 18,50
P | Apéritif | Tapenade noire | 6,90
P | Apéritif | Olives de Nyons | 7,50
P | Truffes | Truffe noire (les 10 g) | 19,00
P | Sucré | Miel de lavande | 9,80
P | Sucré | Nougat de Montélimar | 6,50
P | Sucré | Confiture d'abricots artisanale | 6,20
P | Sucré | Pâtes de fruits | 7,90
P | Sucré | Biscuits sablés pur beurre | 5,90
P | Sucré | Chocolat noir grand cru | 5,50
P | Boissons | Thé vert au jasmin 100 g | 8,50
P | Boissons | Café de spécialité en grains 250 g | 9,90
P | Salé | Foie gras de canard mi-cuit 180 g | 32,00
P | Salé | Sel de Camargue à la truffe | 8,40
P | Salé | Vinaigre balsamique | 12,90
P | Salé | Ravioles du Dauphiné (la plaque) | 3,90
P | Épices | Piment d'Espelette | 7,80
P | Épices | Poivre de Kampot | 9,90
S | Services | Coffret cadeau composé sur mesure | —
S | Services | Panier garni pour les entreprises | —
""",
    "bio": """
*P | Sans gluten | Pain sans gluten | 5,20 | Pain au sarrasin, sans gluten, livré chaque matin
P | Sans gluten | Pâtes sans gluten | 3,20
P | Sans gluten | Muesli sans gluten | 5,40
P | Sans gluten | Farine de sarrasin bio 1 kg | 4,20
P | Vrac | Flocons d'avoine bio (le kg) | 3,90
P | Vrac | Lentilles vertes bio (le kg) | 5,10
P | Vrac | Quinoa bio (le kg) | 8,90
P | Vrac | Amandes décortiquées (le kg) | 19,90
P | Vrac | Noisettes (le kg) | 16,90
P | Frais | Lait d'avoine bio 1 L | 2,20
P | Frais | Tofu nature bio | 2,90
P | Frais | Œufs bio (×6) | 3,80
P | Fruits et légumes | Carottes bio (le kg) | 2,90
P | Fruits et légumes | Pommes bio (le kg) | 3,90
P | Épicerie | Miel de fleurs bio | 8,90
P | Épicerie | Thé vert bio | 6,50
P | Épicerie | Jus de pomme bio 1 L | 3,40
P | Hygiène | Savon de Marseille | 3,50
P | Hygiène | Shampoing solide | 8,50
S | Services | Panier de légumes bio de la semaine | 18,00
S | Ateliers | Atelier de cuisine végétarienne | 35,00
""",
    "caviste": """
*P | Vins rouges | Crozes-Hermitage rouge | 16,90
P | Vins rouges | Saint-Joseph rouge | 21,50
P | Vins rouges | Cornas | 39,00
P | Vins rouges | Côtes-du-rhône rouge | 8,90
P | Vins rouges | Vinsobres | 14,50
P | Vins rouges | Vin de pays de la Drôme (cubi 5 L) | 24,00
P | Vins blancs | Hermitage blanc | 55,00
P | Vins blancs | Saint-Péray blanc | 17,90
P | Vins blancs | Condrieu | 42,00
P | Rosés | Côtes-du-rhône rosé | 8,50
P | Bulles | Clairette de Die tradition | 11,50
P | Bulles | Champagne brut | 34,00
P | Spiritueux | Chartreuse verte 70 cl | 49,00
P | Spiritueux | Whisky single malt | 45,00
P | Bières | Bière artisanale de la Drôme | 3,90
P | Sans alcool | Jus de raisin pétillant | 5,50
S | Services | Dégustation commentée (par personne) | 15,00
S | Services | Coffret cadeau personnalisé | —
S | Services | Conseil accords mets et vins | —
""",
    "chocolatier": """
*P | Chocolats | Ballotin de chocolats assortis 250 g | 22,00
P | Chocolats | Tablette de chocolat noir 70 % | 6,50
P | Chocolats | Tablette au lait et noisettes | 6,90
P | Chocolats | Truffes au chocolat 200 g | 14,50
P | Chocolats | Orangettes 150 g | 11,90
P | Chocolats | Mendiants | 9,50
P | Chocolats | Pâte à tartiner maison | 8,90
P | Confiserie | Nougat tendre aux amandes | 7,50
P | Confiserie | Calissons | 12,90
P | Confiserie | Pâtes de fruits à l'abricot | 8,90
P | Confiserie | Guimauves artisanales | 6,90
P | Confiserie | Caramels au beurre salé | 7,20
P | Confiserie | Fruits confits | 10,50
P | Pâtisseries | Macarons (boîte de 12) | 18,00
P | Saison | Œufs de Pâques en chocolat | 15,00
P | Boissons | Chocolat chaud à emporter | 3,80
S | Ateliers | Atelier découverte du chocolat | 29,00
S | Services | Coffrets gravés pour les entreprises | —
""",
    "cafe": """
*P | Boissons chaudes | Expresso | 1,80
*P | Petit-déjeuner | Café croissant | 3,20 | Un expresso et un croissant au beurre
P | Boissons chaudes | Café crème | 2,90
P | Boissons chaudes | Cappuccino | 3,80
P | Boissons chaudes | Chocolat chaud | 3,50
P | Boissons chaudes | Thé ou infusion | 3,00
P | Boissons fraîches | Jus d'orange pressé | 4,50
P | Boissons fraîches | Limonade artisanale | 3,80
P | Boissons fraîches | Sirop à l'eau | 2,20
P | Bières et vins | Demi pression | 3,50
P | Bières et vins | Verre de côtes-du-rhône | 4,00
P | Petit-déjeuner | Formule petit-déjeuner | 7,50
P | Petit-déjeuner | Tartines beurre et confiture | 2,80
P | Petit-déjeuner | Croissant | 1,40
P | Snacking | Croque-monsieur | 6,50
P | Snacking | Salade composée | 11,50
P | Douceurs | Part de tarte maison | 4,50
P | Douceurs | Cookie | 2,50
P | Glaces | Coupe deux boules | 4,80
S | Services | Privatisation de la terrasse | —
""",
    "restaurant": """
*P | Formules | Menu du jour (entrée, plat, dessert) | 18,50
P | Formules | Plat du jour | 12,90
P | Entrées | Salade lyonnaise | 9,50
P | Entrées | Ravioles du Dauphiné gratinées | 12,50
P | Entrées | Terrine de campagne | 8,00
P | Plats | Suprême de volaille de la Drôme | 19,50
P | Plats | Entrecôte frites | 22,00
P | Plats | Pavé de saumon | 19,00
P | Plats | Risotto aux champignons | 16,50
P | Plats | Burger maison | 15,90
P | Plats | Pizza margherita | 11,00
P | Plats | Tartare de bœuf | 17,50
P | Plats | Caillettes et purée maison | 15,50
P | Plats | Assiette végétarienne | 14,50
P | Plats | Plat sans gluten du jour | 14,00
P | Desserts | Crème brûlée | 7,00
P | Desserts | Moelleux au chocolat | 7,50
P | Desserts | Tarte aux abricots | 6,50
P | Desserts | Café gourmand | 8,50
P | Enfants | Menu enfant | 9,50
P | Boissons | Pichet de vin rouge 50 cl | 14,00
S | Services | Vente à emporter | —
S | Services | Privatisation de salle | —
S | Services | Repas de groupe sur réservation | —
""",
    "librairie": """
*P | Romans | Roman de la rentrée littéraire | 22,00
P | Poches | Roman policier en poche | 8,90
P | Bandes dessinées | Album de bande dessinée | 15,95
P | Mangas | Manga (volume) | 7,20
P | Jeunesse | Album jeunesse | 13,90
P | Jeunesse | Premières lectures | 6,50
P | Beaux livres | Beau livre sur la Drôme | 35,00
P | Guides | Guide de randonnée du Vercors | 16,00
P | Cuisine | Livre de recettes de saison | 24,90
P | Essais | Essai d'histoire | 21,00
P | Scolaire | Cahier de vacances | 8,50
P | Scolaire | Dictionnaire de français | 19,90
P | Papeterie | Carnet de notes | 9,90
P | Papeterie | Marque-pages | 2,50
S | Services | Commande de livre sous 48 h | —
S | Services | Carte cadeau | —
S | Services | Emballage cadeau | —
S | Rencontres | Rencontre et dédicace avec un auteur | —
""",
    "papeterie": """
*P | Écriture | Stylo plume | 24,90
P | Écriture | Stylos bille (lot de 4) | 3,90
P | Écriture | Crayons de couleur (boîte de 24) | 9,50
P | Écriture | Feutres (pochette de 12) | 6,90
P | Cahiers | Cahier grand format 96 pages | 2,90
P | Cahiers | Agenda scolaire | 11,50
P | Cahiers | Carnet à couverture rigide | 14,90
P | Bureau | Classeur A4 | 4,50
P | Bureau | Ramette de papier A4 | 6,90
P | Bureau | Agrafeuse | 8,90
P | Bureau | Calculatrice scientifique | 22,50
P | Beaux-arts | Bloc aquarelle | 12,90
P | Beaux-arts | Boîte de peinture aquarelle | 18,50
P | Cartes | Carte postale de Valence | 1,20
P | Cartes | Carte d'anniversaire | 3,90
P | Emballage | Papier cadeau (rouleau) | 4,50
P | Scolaire | Cartable | 39,00
S | Impression | Photocopie noir et blanc A4 | 0,15
S | Impression | Photocopie couleur A4 | 0,50
S | Impression | Reliure de mémoire | 4,50
S | Impression | Plastification A4 | 1,50
S | Services | Tampon personnalisé | —
""",
    "tabac-presse": """
*P | Presse | Quotidien régional | 1,60
P | Presse | Magazine d'actualité | 4,50
P | Presse | Magazine de télévision | 2,20
P | Presse | Journal sportif | 1,60
P | Presse | Magazine jeunesse | 6,50
P | Presse | Magazine de mots fléchés | 3,20
P | Papeterie | Carte postale | 1,00
P | Papeterie | Enveloppes (×10) | 2,50
P | Papeterie | Timbres lettre verte | —
P | Confiserie | Chewing-gums | 1,50
P | Confiserie | Sachet de bonbons | 2,00
P | Boissons | Canette de soda | 1,80
P | Loisirs | Jeu de cartes | 4,50
P | Divers | Briquet | 2,00
P | Divers | Carte prépayée de téléphone | 15,00
S | Services | Paiement de proximité (impôts, amendes) | —
S | Services | Relais colis | —
""",
    "fleuriste": """
*P | Bouquets | Bouquet de saison | 29,00
*P | Bouquets | Bouquet de roses rouges | 39,00
P | Bouquets | Petit bouquet champêtre | 19,00
P | Bouquets | Bouquet de pivoines | 35,00
P | Bouquets | Bouquet de tulipes | 24,00
P | Plantes | Orchidée en pot | 29,90
P | Plantes | Plante verte d'intérieur | 24,00
P | Plantes | Cactus | 8,50
P | Plantes | Bonsaï | 45,00
P | Plantes | Lavande en pot | 9,90
P | Fleurs | Rose à l'unité | 3,50
P | Fleurs | Tournesols (la botte) | 15,00
P | Compositions | Composition florale | 45,00
P | Compositions | Couronne de deuil | 90,00
P | Accessoires | Vase en verre | 19,00
S | Services | Livraison de bouquet en centre-ville | 8,00
S | Événements | Bouquet de mariée sur mesure | —
S | Événements | Décoration florale de mariage | —
S | Abonnements | Abonnement bouquet du mois | 59,00
""",
    "pharmacie": """
*P | Parapharmacie | Crème solaire SPF 50 | 16,90
P | Parapharmacie | Crème hydratante visage | 14,50
P | Parapharmacie | Baume à lèvres | 4,90
P | Parapharmacie | Gel hydroalcoolique | 3,50
P | Parapharmacie | Dentifrice | 4,20
P | Parapharmacie | Brosse à dents souple | 3,90
P | Parapharmacie | Shampoing doux | 7,90
P | Parapharmacie | Spray anti-moustiques | 9,90
P | Parapharmacie | Lunettes de lecture | 19,90
P | Bébé | Lait infantile premier âge | 18,50
P | Bébé | Couches (paquet) | 14,90
P | Bébé | Liniment oléo-calcaire | 6,90
P | Santé | Thermomètre digital | 9,90
P | Santé | Pansements (boîte) | 4,50
P | Santé | Sérum physiologique (×30) | 4,20
P | Santé | Masques chirurgicaux (×50) | 6,90
P | Santé | Bas de contention | 35,00
P | Naturel | Tisane sommeil | 6,50
P | Naturel | Huile essentielle de lavande | 7,90
S | Services | Vaccination contre la grippe | —
S | Services | Test antigénique | —
S | Services | Prise de tension | —
S | Services | Location de matériel médical | —
S | Services | Préparation des piluliers | —
""",
    "opticien": """
*P | Solaires | Lunettes de soleil polarisées | 89,00
*P | Solaires | Lunettes de soleil enfant | 39,00
P | Solaires | Lunettes de soleil à la vue | 159,00
P | Montures | Monture en acétate | 129,00
P | Montures | Monture en titane | 189,00
P | Montures | Monture enfant | 59,00
P | Verres | Verres progressifs (la paire) | 390,00
P | Verres | Verres unifocaux (la paire) | 120,00
P | Verres | Verres filtrant la lumière bleue (la paire) | 140,00
P | Lentilles | Lentilles journalières (boîte de 30) | 29,90
P | Lentilles | Solution d'entretien pour lentilles | 12,50
P | Accessoires | Cordon à lunettes | 7,90
P | Accessoires | Étui à lunettes | 12,00
P | Accessoires | Chiffonnette microfibre | 3,50
P | Loupes | Lunettes de lecture | 24,90
S | Services | Examen de vue | —
S | Services | Ajustage de monture | —
S | Services | Réparation de lunettes | 15,00
S | Services | Contrôle de l'audition | —
""",
    "pret-a-porter": """
*P | Femme | Robe d'été en lin | 79,00
P | Femme | Jean coupe droite | 69,00
P | Femme | Blouse fluide | 49,00
P | Femme | Pull en laine mérinos | 89,00
P | Femme | Manteau long | 189,00
P | Femme | Jupe plissée | 55,00
P | Homme | Chemise en coton | 59,00
P | Homme | Pantalon chino | 65,00
P | Homme | Veste en jean | 89,00
P | Homme | Polo piqué | 45,00
P | Homme | Costume deux pièces | 290,00
P | Mixte | T-shirt en coton bio | 29,00
P | Mixte | Sweat à capuche | 59,00
P | Accessoires | Écharpe en laine | 35,00
P | Accessoires | Ceinture en cuir | 39,00
P | Accessoires | Sac cabas en cuir | 129,00
P | Accessoires | Lunettes de soleil | 45,00
P | Accessoires | Chapeau de paille | 32,00
S | Services | Retouche d'ourlet de pantalon | 12,00
S | Services | Conseil en image sur rendez-vous | —
S | Services | Carte cadeau | —
""",
    "chaussures": """
*P | Femme | Escarpins en cuir | 99,00
P | Femme | Bottines | 119,00
P | Femme | Sandales d'été | 59,00
P | Femme | Ballerines | 69,00
P | Homme | Derbies en cuir | 129,00
P | Homme | Mocassins | 109,00
P | Homme | Chaussures bateau | 89,00
P | Mixte | Baskets en toile | 65,00
P | Mixte | Baskets en cuir blanc | 99,00
P | Mixte | Chaussures de randonnée | 139,00
P | Mixte | Pantoufles | 35,00
P | Enfant | Chaussures premiers pas | 59,00
P | Enfant | Bottes de pluie enfant | 25,00
P | Entretien | Cirage | 6,50
P | Entretien | Imperméabilisant | 12,90
P | Entretien | Semelles intérieures | 9,90
P | Entretien | Lacets | 3,50
S | Services | Dépôt pour ressemelage chez un cordonnier partenaire | —
S | Services | Élargissement de chaussures | 15,00
""",
    "bijouterie": """
*P | Bijoux | Bague en argent | 59,00
P | Bijoux | Alliance en or jaune | 390,00
P | Bijoux | Solitaire diamant | 1290,00
P | Bijoux | Boucles d'oreilles créoles | 45,00
P | Bijoux | Collier de perles d'eau douce | 89,00
P | Bijoux | Bracelet jonc en or | 450,00
P | Bijoux | Médaille de baptême | 120,00
P | Bijoux | Chaîne en argent | 39,00
P | Montres | Montre automatique | 590,00
P | Montres | Montre à quartz | 129,00
P | Montres | Montre connectée | 199,00
*S | Atelier | Changement de pile de montre | 12,00
S | Atelier | Gravure sur bijou | 15,00
S | Atelier | Mise à taille d'une bague | 35,00
S | Atelier | Réparation de chaîne | 20,00
S | Atelier | Nettoyage de bijoux | —
S | Services | Estimation et rachat d'or | —
S | Services | Création de bijou sur mesure | —
""",
    "parfumerie": """
*P | Parfums | Eau de parfum femme 50 ml | 89,00
P | Parfums | Eau de toilette homme 100 ml | 75,00
P | Parfums | Eau de Cologne 200 ml | 29,00
P | Parfums | Parfum d'intérieur | 32,00
P | Soins | Crème de jour | 49,00
P | Soins | Sérum éclat | 59,00
P | Soins | Lait démaquillant | 19,00
P | Maquillage | Rouge à lèvres | 29,00
P | Maquillage | Mascara | 27,00
P | Maquillage | Fond de teint | 39,00
P | Maquillage | Palette de fards à paupières | 45,00
P | Maquillage | Vernis à ongles | 14,00
P | Corps | Lait pour le corps à la lavande | 18,00
P | Corps | Savon artisanal | 6,50
P | Solaires | Huile solaire | 24,00
S | Services | Maquillage pour un événement | 45,00
S | Services | Diagnostic de peau | —
S | Services | Emballage cadeau | —
""",
    "jouets": """
*P | Jeux | Jeu de société familial | 34,90
P | Jeux | Puzzle 1000 pièces | 19,90
P | Jeux | Jeu de cartes pour enfants | 12,90
P | Construction | Jeu de construction en bois | 39,00
P | Construction | Briques de construction (boîte) | 49,90
P | Poupées | Poupée de chiffon | 29,00
P | Peluches | Ours en peluche | 24,90
P | Éveil | Hochet en bois | 12,50
P | Éveil | Tapis d'éveil | 59,00
P | Plein air | Trottinette enfant | 49,00
P | Plein air | Ballon de football | 15,00
P | Plein air | Cerf-volant | 19,00
P | Créatif | Pâte à modeler | 14,90
P | Créatif | Kit de perles | 16,90
P | Sciences | Microscope pour enfant | 45,00
P | Véhicules | Circuit de petites voitures | 39,00
S | Services | Liste de naissance | —
S | Services | Emballage cadeau | —
""",
    "sport": """
*P | Running | Chaussures de running | 119,00
P | Running | T-shirt respirant | 25,00
P | Running | Montre GPS | 199,00
P | Randonnée | Sac à dos 30 L | 69,00
P | Randonnée | Bâtons de marche | 45,00
P | Randonnée | Gourde isotherme | 24,00
P | Randonnée | Lunettes de soleil de sport | 49,00
P | Vélo | Casque de vélo | 59,00
P | Vélo | Chambre à air de vélo | 7,90
P | Vélo | Antivol en U | 35,00
P | Natation | Maillot de bain | 39,00
P | Natation | Lunettes de natation | 14,90
P | Sports collectifs | Ballon de basket | 29,00
P | Sports collectifs | Maillot de rugby | 55,00
P | Raquettes | Raquette de tennis | 89,00
P | Raquettes | Balles de tennis (×4) | 8,90
P | Fitness | Tapis de yoga | 29,00
P | Fitness | Haltères (la paire) | 25,00
S | Atelier | Cordage de raquette | 20,00
S | Atelier | Réparation de crevaison de vélo | 12,00
S | Atelier | Analyse de foulée | —
""",
    "decoration": """
*P | Maison | Bougie parfumée | 24,00
P | Maison | Coussin en lin | 35,00
P | Maison | Plaid en laine | 69,00
P | Maison | Vase en céramique | 45,00
P | Maison | Miroir rond en rotin | 79,00
P | Maison | Cadre photo | 19,00
P | Maison | Lampe à poser | 89,00
P | Maison | Suspension en osier | 99,00
P | Art de la table | Assiettes en grès (×4) | 48,00
P | Art de la table | Nappe en lin | 55,00
P | Art de la table | Verres à vin (×6) | 36,00
P | Art de la table | Mug en céramique | 14,00
P | Textile | Rideaux en lin (la paire) | 89,00
P | Textile | Torchons (×3) | 19,00
P | Senteurs | Diffuseur de parfum | 29,00
P | Plantes | Bouquet de fleurs séchées | 32,00
S | Services | Liste de mariage | —
S | Services | Conseil en décoration à domicile | —
S | Services | Emballage cadeau | —
""",
    "quincaillerie": """
*S | Clés | Clé minute (double de clé) | 4,50
P | Outillage | Tournevis (jeu de 6) | 14,90
P | Outillage | Marteau | 12,90
P | Outillage | Perceuse-visseuse sans fil | 89,00
P | Outillage | Mètre ruban 5 m | 8,90
P | Fixations | Vis à bois (boîte de 200) | 6,50
P | Fixations | Chevilles (×50) | 4,90
P | Fixations | Colle forte | 5,90
P | Électricité | Ampoule LED | 4,50
P | Électricité | Rallonge électrique 5 m | 12,90
P | Électricité | Piles AA (×4) | 5,90
P | Plomberie | Joint de robinet | 2,50
P | Plomberie | Ruban téflon | 1,90
P | Peinture | Pinceau | 6,50
P | Peinture | Peinture blanche 2,5 L | 34,90
P | Sécurité | Cadenas | 12,90
P | Sécurité | Serrure de boîte aux lettres | 14,90
P | Entretien | Balai | 12,90
S | Services | Affûtage de couteaux | 5,00
S | Services | Découpe de verre | —
S | Services | Location de petit outillage | —
""",
    "informatique": """
*S | Réparations | Remplacement d'écran de smartphone | 89,00
P | Téléphonie | Smartphone reconditionné | 249,00
P | Téléphonie | Coque de téléphone | 15,00
P | Téléphonie | Verre trempé de protection d'écran | 19,90
P | Téléphonie | Chargeur rapide USB-C | 24,90
P | Téléphonie | Câble USB-C 1 m | 12,90
P | Téléphonie | Écouteurs sans fil | 49,00
P | Informatique | Ordinateur portable 15 pouces | 649,00
P | Informatique | Souris sans fil | 19,90
P | Informatique | Clavier | 29,90
P | Informatique | Clé USB 64 Go | 12,90
P | Informatique | Disque dur externe 1 To | 69,00
P | Informatique | Imprimante jet d'encre | 89,00
P | Informatique | Cartouche d'encre | 24,90
S | Réparations | Remplacement de batterie de téléphone | 59,00
S | Réparations | Diagnostic d'ordinateur | 25,00
S | Réparations | Nettoyage et réinstallation d'ordinateur | 59,00
S | Réparations | Récupération de données | —
S | Services | Transfert de données vers un nouveau téléphone | 20,00
S | Services | Installation à domicile | —
""",
    "cordonnerie": """
*S | Chaussures | Ressemelage complet | 45,00 | Semelles cuir ou gomme, sous huit jours
*S | Clés | Clé minute (double de clé) | 4,50
S | Chaussures | Remplacement de talons | 15,00
S | Chaussures | Patins antidérapants | 18,00
S | Chaussures | Ressemelage de bottes | 55,00
S | Chaussures | Recollage de semelle | 12,00
S | Chaussures | Élargissement de chaussures | 12,00
S | Chaussures | Teinture de chaussures | 25,00
S | Maroquinerie | Réparation de sac | —
S | Maroquinerie | Remplacement de fermeture éclair | 18,00
S | Clés | Double de clé de sécurité | 25,00
S | Clés | Copie de badge d'immeuble | 15,00
S | Gravure | Plaque de boîte aux lettres gravée | 12,00
S | Services | Affûtage de couteaux | 6,00
S | Services | Tampon personnalisé | 25,00
P | Entretien | Cirage | 6,90
P | Entretien | Lacets | 3,00
P | Entretien | Semelles intérieures | 12,00
P | Entretien | Imperméabilisant | 13,50
P | Maroquinerie | Ceinture en cuir | 35,00
""",
    "serrurerie": """
*S | Clés | Clé minute (reproduction de clé) | 5,00
*S | Dépannage | Ouverture de porte claquée | 90,00
S | Dépannage | Dépannage d'urgence | —
S | Installation | Changement de cylindre | 120,00
S | Installation | Pose de serrure multipoints | —
S | Installation | Blindage de porte | —
S | Installation | Pose de judas | 60,00
S | Clés | Reproduction de clé de sécurité sur carte | 45,00
S | Clés | Copie de badge d'immeuble | 15,00
S | Clés | Clé de voiture avec transpondeur | 89,00
S | Services | Devis de sécurisation | —
P | Produits | Cylindre de serrure | 59,00
P | Produits | Cadenas à code | 19,90
P | Produits | Verrou | 29,00
P | Produits | Coffre-fort | 149,00
P | Produits | Boîte à clés sécurisée | 49,00
""",
    "reparation-velos": """
*S | Réparations | Réparation de crevaison | 12,00
*S | Entretien | Révision complète | 69,00
S | Réparations | Changement de chaîne | 25,00
S | Réparations | Réglage des freins | 15,00
S | Réparations | Réglage des vitesses | 15,00
S | Réparations | Changement de pneu | 15,00
S | Réparations | Dévoilage de roue | 20,00
S | Réparations | Remplacement des câbles et gaines | 25,00
S | Entretien | Entretien de vélo électrique | 89,00
S | Entretien | Diagnostic de batterie de vélo électrique | 25,00
S | Services | Marquage antivol | 15,00
S | Services | Location de vélo à la journée | 18,00
P | Pièces | Chambre à air | 7,50
P | Pièces | Pneu de vélo de ville | 29,00
P | Pièces | Chaîne 9 vitesses | 24,00
P | Pièces | Plaquettes de frein | 14,00
P | Accessoires | Antivol en U | 39,00
P | Accessoires | Éclairage LED avant et arrière | 29,00
P | Accessoires | Casque urbain | 59,00
P | Accessoires | Sacoche de porte-bagages | 45,00
P | Vélos | Vélo de ville reconditionné | 290,00
P | Vélos | Vélo à assistance électrique | 1690,00
""",
    "coiffeur": """
*S | Femme | Shampoing, coupe et brushing | 45,00
*S | Homme | Coupe homme | 22,00
S | Femme | Brushing | 25,00
S | Femme | Coloration | 48,00
S | Femme | Mèches | 65,00
S | Femme | Balayage | 75,00
S | Femme | Permanente | 60,00
S | Homme | Taille de barbe | 15,00
S | Homme | Coupe et barbe | 32,00
S | Enfant | Coupe enfant (moins de 12 ans) | 15,00
S | Soins | Soin profond des cheveux | 18,00
S | Mariage | Chignon de mariée | —
S | Mariage | Essai de coiffure de mariage | —
P | Produits | Shampoing professionnel | 16,00
P | Produits | Masque capillaire | 22,00
P | Produits | Cire coiffante | 14,00
P | Produits | Brosse en poils de sanglier | 29,00
""",
    "institut-beaute": """
*S | Visage | Soin du visage hydratant | 55,00
S | Visage | Soin anti-âge | 75,00
S | Épilation | Épilation des sourcils | 10,00
S | Épilation | Épilation demi-jambes | 20,00
S | Épilation | Épilation maillot | 18,00
S | Mains et pieds | Manucure | 25,00
S | Mains et pieds | Pose de vernis semi-permanent | 35,00
S | Mains et pieds | Beauté des pieds | 35,00
S | Corps | Modelage relaxant (1 h) | 65,00
S | Corps | Gommage du corps | 40,00
S | Regard | Rehaussement de cils | 55,00
S | Regard | Teinture de cils | 18,00
S | Maquillage | Maquillage de mariée | —
S | Cartes cadeaux | Bon cadeau soin | —
P | Produits | Crème pour les mains | 12,00
P | Produits | Huile de massage | 19,00
P | Produits | Vernis à ongles | 12,50
""",
    "pressing": """
*S | Nettoyage | Nettoyage d'une chemise | 4,50
*S | Nettoyage | Nettoyage d'un costume | 16,00
S | Nettoyage | Nettoyage d'une robe | 14,00
S | Nettoyage | Nettoyage d'un manteau | 19,00
S | Nettoyage | Nettoyage d'une couette | 25,00
S | Nettoyage | Nettoyage de rideaux (le kg) | 12,00
S | Nettoyage | Nettoyage de robe de mariée | —
S | Nettoyage | Nettoyage du cuir et du daim | —
S | Blanchisserie | Linge au kilo lavé, séché et plié | 9,50
S | Repassage | Repassage d'une chemise | 2,50
S | Retouches | Ourlet de pantalon | 12,00
S | Retouches | Remplacement de fermeture éclair | 18,00
S | Retouches | Retouche de taille | 15,00
S | Services | Détachage | —
S | Services | Service express en 24 h | 5,00
S | Services | Collecte et livraison à domicile | —
S | Dépôt | Dépôt pour ressemelage chez un cordonnier partenaire | —
""",
}

# Turn a template into more items when a shop needs more than its trade's list (benchmarks).
PRODUCT_VARIANTS = (
    "grand format", "petit format", "édition limitée", "lot de 2", "lot de 3", "coffret cadeau",
    "recette maison", "format familial", "modèle d'exposition", "nouvelle collection", "série spéciale",
    "format voyage",
)  # fmt: skip
SERVICE_VARIANTS = (
    "formule express", "formule complète", "sur rendez-vous", "le samedi", "tarif étudiant",
    "tarif senior", "à domicile", "forfait duo",
)  # fmt: skip
