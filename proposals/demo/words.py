"""The words of the demo data: names, titles, bodies and comments in French, étiquettes,
and how the statuses and official answers of demo préconisations are spread."""

from proposals.models import ProposalStatus

STATUS_WEIGHTS = {
    ProposalStatus.PUBLISHED: 70,
    ProposalStatus.UNDER_STUDY: 12,
    ProposalStatus.ADOPTED: 8,
    ProposalStatus.REJECTED: 5,
    ProposalStatus.WITHDRAWN: 5,
}
OFFICIAL_ANSWERS = {
    ProposalStatus.UNDER_STUDY: "Les services de la ville étudient cette préconisation ; réponse détaillée à venir.",
    ProposalStatus.ADOPTED: "Préconisation retenue : elle sera intégrée au prochain programme de coopération.",
    ProposalStatus.REJECTED: "Préconisation écartée : elle recoupe une action déjà engagée par la métropole.",
}

BENCHMARK_TITLE = "Grand débat : ouvrir une maison de l’Europe dans chaque quartier"
HIDDEN_PROPOSAL_REASON = "Masquée après plusieurs signalements."
HIDDEN_COMMENT_REASON = "Propos injurieux (signalements)."

# fmt: off
TAG_POOL = [
    # The étiquettes of the official préconisations (fixtures/06_proposals.json) come first:
    # demo proposals share them, as citizens' proposals would.
    "partenariats", "jumelage", "innovation", "économie", "recherche", "réciprocité",
    "solidarité internationale", "associations", "évaluation", "transparence", "fonds européens",
    "porteurs de projets", "réseaux de villes", "Europe", "Eurorégion", "coopération transfrontalière",
    "culture", "emploi", "climat", "coopération décentralisée", "Hanoï",
    "jeunesse", "Erasmus+", "mobilité", "éducation", "langues", "sport", "santé", "eau", "énergie",
    "alimentation", "agriculture urbaine", "mobilités douces", "biodiversité", "déchets", "logement",
    "urbanisme", "numérique", "aéronautique", "espace", "universités", "apprentissage",
    "économie sociale et solidaire", "tourisme durable", "patrimoine", "musique", "cinéma",
    "festival", "diaspora", "accueil des réfugiés", "égalité femmes-hommes", "démocratie locale",
    "budget participatif", "conseil de quartier", "Méditerranée", "Afrique de l’Ouest",
    "Amérique latine", "Asie", "aide d’urgence", "ODD",
]

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Inès", "Chloé", "Sarah", "Jade", "Louise", "Emma", "Yasmine", "Fatou",
    "Lucie", "Anaïs", "Clara", "Nour", "Mathilde", "Hugo", "Lucas", "Théo", "Nathan", "Karim", "Mamadou",
    "Antoine", "Julien", "Thomas", "Mehdi", "Pierre", "Paul", "Louis", "Arthur", "Jordi", "Ana", "Mei",
    "Linh", "Sofia", "Giulia", "Matteo", "Jonas", "Alejandro", "Dominique", "Claude", "Sacha",
]
SURNAME_INITIALS = "ABCDEFGHIJKLMNOPRSTVZ"

TITLE_VERBS = [
    "Créer", "Développer", "Soutenir", "Ouvrir", "Renforcer", "Financer", "Lancer", "Organiser",
    "Encourager", "Multiplier", "Faciliter", "Relancer",
]
TITLE_OBJECTS = [
    "un jumelage scolaire", "des échanges d’apprentis", "une maison de l’Europe",
    "un fonds pour les associations de solidarité internationale", "des résidences d’artistes",
    "un budget participatif international", "des ateliers sur les fonds européens",
    "un observatoire de la coopération", "des visites d’étude sur l’adaptation au climat",
    "un festival des villes jumelles", "des chantiers de jeunes bénévoles",
    "un réseau de fermes urbaines", "des bourses de mobilité", "un partenariat sur l’eau potable",
    "l’accueil des réfugiés", "des cours de langues gratuits", "des échanges entre conseils de quartier",
    "un guichet unique pour les projets européens", "des jumelages entre universités",
    "des coopérations sur les transports publics", "des échanges entre clubs sportifs",
    "un programme de reboisement partagé", "des marchés de producteurs européens",
    "des rencontres entre collectifs d’habitants",
]
TITLE_PLACES = [
    "avec Barcelone", "avec Hanoï", "avec Saint-Louis du Sénégal", "avec Düsseldorf", "avec Casablanca",
    "avec Ramallah", "avec Saragosse", "avec Bologne", "avec Elche", "avec Atlanta", "avec Chongqing",
    "avec Kiev", "avec Tel-Aviv", "dans chaque quartier", "pour les jeunes", "au sein de l’Eurorégion",
    "avec nos villes jumelles", "pour les petites associations", "à l’échelle de la métropole",
    "avec les réseaux de villes européennes",
]
BODY_SENTENCES = [
    "Toulouse a des partenaires dans le monde entier, mais les habitants en profitent trop peu.",
    "Le projet serait construit avec les associations qui travaillent déjà à l’international.",
    "Un premier bilan serait présenté publiquement au bout d’un an.",
    "Les financements européens existants couvriraient une grande partie du coût.",
    "Les jeunes des quartiers populaires seraient les premiers concernés.",
    "Nos villes partenaires ont déjà essayé des dispositifs semblables, avec de bons résultats.",
    "Il faudrait associer les universités et les laboratoires de recherche de la ville.",
    "La transition écologique doit être au cœur de chaque échange.",
    "Chaque action ferait l’objet d’une évaluation indépendante.",
    "Les petites structures manquent de temps pour monter des dossiers : il faut les aider.",
    "Ce serait aussi l’occasion de mieux faire connaître l’Eurorégion Pyrénées-Méditerranée.",
    "Les échanges se feraient dans les deux sens, pour que chacun y gagne.",
    "Un comité d’habitants suivrait la mise en œuvre.",
    "Le coût resterait modeste au regard du budget des relations internationales.",
    "Les entreprises locales de l’économie sociale et solidaire pourraient y participer.",
    "La culture est un formidable moyen de rapprocher les villes.",
]
COMMENT_SENTENCES = [
    "Très bonne idée, je soutiens.",
    "Je ne suis pas convaincu que ce soit une priorité pour la ville.",
    "Qui financerait concrètement ce projet ?",
    "C’est déjà ce que fait Barcelone depuis des années, avec succès.",
    "Il faudrait commencer par évaluer ce qui existe.",
    "Les associations de mon quartier seraient prêtes à s’impliquer.",
    "Attention à ne pas en faire une opération de communication.",
    "On pourrait s’appuyer sur les programmes Erasmus+.",
    "Je l’ai vécu comme étudiant : ces échanges changent une vie.",
    "Pourquoi pas, mais avec un vrai suivi des résultats.",
    "Le bilan carbone des déplacements doit être pris en compte.",
    "Il faut associer les jeunes dès la conception du projet.",
    "Bonne proposition, à étendre à toute la métropole.",
    "Je préférerais que cet argent aille aux associations locales.",
    "Les villes jumelles devraient être consultées aussi.",
    "Quel calendrier est envisagé ?",
]
REPLY_OPENINGS = [
    "Je suis d’accord.", "Pas tout à fait d’accord.", "Bonne question.", "Merci pour ce retour.",
    "Je complète :", "Justement,", "Au contraire,",
]

# fmt: on
