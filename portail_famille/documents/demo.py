"""Demo documents: the canteen's menus of the last, this and next month,
the registration form, and a programme seen only by the families with a
child enrolled at the "Accueil de Loisirs ALSH" (DUPONT's child is; the
MARTIN family has no inscription).  Idempotent: what exists is kept.

The PDFs in ``demo/`` were made once with wkhtmltopdf from small HTML
pages (one menu per month of the year).
"""

import datetime
import os

from substanced.util import get_oid

from .. import dates, fichiers

DEMO = os.path.join(os.path.dirname(__file__), "demo")
MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MENUS = ("menus-du-restaurant-scolaire", "Menus du restaurant scolaire")
FORMULAIRES = ("formulaires", "Formulaires")
ALSH = "accueil-de-loisirs-alsh"


def _fichier(nom, affiche):
    with open(os.path.join(DEMO, nom), "rb") as fp:
        data = fp.read()
    return fichiers.Fichier(data, fichiers.PDF, affiche)


def _dossier(root, registry, name, title):
    documents = root["documents"]
    if name not in documents:
        dossier = registry.content.create("DossierDocuments", title=title)
        documents.add(name, dossier, registry=registry)
    return documents[name]


def _document(dossier, registry, name, fichier, **values):
    if name in dossier:
        return
    document = registry.content.create("Document", fichier=_fichier(*fichier), **values)
    dossier.add(name, document, registry=registry)
    document.appliquer_cible(registry=registry)


def _mois(jour, decalage):
    """The first and last days of the month ``decalage`` months from ``jour``'s."""
    index = jour.year * 12 + jour.month - 1 + decalage
    premier = datetime.date(index // 12, index % 12 + 1, 1)
    suivant = index + 1
    dernier = datetime.date(suivant // 12, suivant % 12 + 1, 1) - datetime.timedelta(days=1)
    return premier, dernier


def load(root, registry, today=None):
    today = today or dates.today()
    menus = _dossier(root, registry, *MENUS)
    debut_courant, _fin = _mois(today, 0)
    # Last month's menu is over (staff still see it); this month's and the
    # next one's are published.
    for decalage in (-1, 0, 1):
        premier, dernier = _mois(today, decalage)
        mois = "%s %d" % (MOIS[premier.month - 1], premier.year)
        _document(
            menus,
            registry,
            "menus-%s" % premier.strftime("%Y-%m"),
            ("menu-%02d.pdf" % premier.month, "menus-%s.pdf" % premier.strftime("%Y-%m")),
            title="Menus de %s" % mois,
            description="Les menus du restaurant scolaire pour le mois de %s." % mois,
            visible_du=min(premier, debut_courant),
            visible_au=dernier,
        )
    formulaires = _dossier(root, registry, *FORMULAIRES)
    _document(
        formulaires,
        registry,
        "dossier-d-inscription",
        ("dossier-inscription.pdf", "dossier-inscription.pdf"),
        title="Dossier d'inscription",
        description="À compléter pour chaque enfant avant sa première inscription.",
    )
    structure = root["structures"].get(ALSH)
    if structure is not None:
        _document(
            formulaires,
            registry,
            "programme-des-mercredis-alsh",
            ("programme-alsh.pdf", "programme-alsh.pdf"),
            title="Programme des mercredis de l'ALSH",
            description="Pour les familles dont un enfant est inscrit à l'accueil de loisirs.",
            cible="structure:%s" % get_oid(structure),
        )
