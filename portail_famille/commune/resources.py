"""The town's data (``Commune``): its name, logo, the service's contacts
and opening hours, and the texts of the pages "Mentions légales",
"Accessibilité" and "Données personnelles".  One object on the root
(``ATTRIBUT``), made by the tab's first save that changes something (never
by a GET); a database without it shows the defaults, so no evolve step is
needed."""

from persistent import Persistent

from ..i18n import _

ATTRIBUT = "_portail_commune"  # on the root

# field -> (label, maximum length, lines: 1 an input, more a textarea)
CHAMPS = {
    "nom": (_("Nom de la commune"), 100, 1),
    "service": (_("Nom du service"), 100, 1),
    "adresse": (_("Adresse du service"), 300, 4),
    "telephone": (_("Téléphone"), 30, 1),
    "courriel": (_("Adresse électronique"), 200, 1),
    "horaires": (_("Horaires d'ouverture"), 600, 6),
    "dpo": (_("Contact du délégué à la protection des données (DPO)"), 400, 4),
}
TEXTES = {
    "mentions": _("Mentions légales"),
    "accessibilite": _("Accessibilité"),
    "donnees": _("Données personnelles"),
}
TEXTE_MAX = 20_000
CONFORMITES = {
    "non": _("non conforme"),
    "partielle": _("partiellement conforme"),
    "totale": _("totalement conforme"),
}
# The page of each text (its view name on the root).
PAGES = {
    "mentions": "mentions-legales",
    "accessibilite": "accessibilite",
    "donnees": "donnees-personnelles",
}


class Commune(Persistent):
    """What administrators set (SDI tab "Commune"); a text left to None
    shows its default (``defauts``)."""

    logo = None  # a fichiers.Fichier (PNG or JPEG, checked by content)
    conformite = "partielle"

    def __init__(self):
        for name in CHAMPS:
            setattr(self, name, "")
        for name in TEXTES:
            setattr(self, name, None)


def commune(root):
    """The root's Commune, or None (a database before step40)."""
    return getattr(root, ATTRIBUT, None)


def assurer(root):
    """The root's Commune, made when missing (never on a GET)."""
    found = commune(root)
    if found is None:
        found = Commune()
        setattr(root, ATTRIBUT, found)
    return found


def paragraphes(texte):
    """A plain text as paragraphs (cut at blank lines), each a list of its
    lines: the template writes them escaped, never as markup."""
    found = []
    for bloc in (texte or "").replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        lignes = [ligne.strip() for ligne in bloc.split("\n") if ligne.strip()]
        if lignes:
            found.append(lignes)
    return found


def lignes(texte):
    return [ligne.strip() for ligne in (texte or "").splitlines() if ligne.strip()]
