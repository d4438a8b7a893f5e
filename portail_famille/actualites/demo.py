"""Demo news: two published items and a draft (idempotent: an item whose
title exists is left as it is)."""

from .publication import BROUILLON, PUBLIEE, WORKFLOW, etat

ACTUALITES = (
    (
        "Nouveaux menus du restaurant scolaire",
        "Les menus du restaurant scolaire changent à la rentrée : davantage de produits "
        "<strong>locaux et de saison</strong>, un repas végétarien par semaine.\n\n"
        "Retrouvez les menus du mois dans <em>Infos/Documents - Formulaires</em>.",
        PUBLIEE,
    ),
    (
        "Inscriptions aux vacances d'été",
        "<p>Les inscriptions à l'accueil de loisirs pour les <strong>vacances d'été</strong> "
        "sont ouvertes sur le portail.</p>"
        "<ul><li>Accueil à la journée ou à la demi-journée ;</li>"
        "<li>sorties et mini-séjours selon l'âge.</li></ul>"
        '<p>Renseignements : <a href="mailto:enfance@mairie-biviers.fr">'
        "enfance@mairie-biviers.fr</a>.</p>",
        PUBLIEE,
    ),
    (
        "Fête de fin d'année de l'accueil de loisirs",
        "Brouillon : la date et le programme restent à confirmer.",
        BROUILLON,
    ),
)


class _Demo:
    """The loader acts for the service: it may make every transition."""

    def __init__(self, registry):
        self.registry = registry

    def has_permission(self, permission, context=None):
        return True


def load(root, registry):
    """Add the demo items missing from ``actualites/``, published in the
    order above (the last published shows first)."""
    from ..util import nom_libre

    folder = root["actualites"]
    titres = {getattr(item, "titre", None) for item in folder.values()}
    for titre, texte, cible in ACTUALITES:
        if titre in titres:
            continue
        item = registry.content.create("Actualite", titre=titre, texte=texte)
        folder.add(nom_libre(folder, titre, "actualite"), item, registry=registry)
        if cible == PUBLIEE and etat(item) != PUBLIEE:
            WORKFLOW.transition(item, _Demo(registry), "publier")
