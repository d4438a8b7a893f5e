"""The demo's activity open for online enrolment: "Mercredi journée" of the
ALSH for the current school year (the DUPONT child is not enrolled in it),
open from a fortnight before the demo was built to the end of the year,
with a question of each kind, two documents required and a règlement
intérieur."""

import datetime

from .. import dates
from . import resources

STRUCTURE = "accueil-de-loisirs-alsh"
PRESTATION = "mercredi-journee"
QUESTIONS = (
    ("Votre enfant sait-il nager ?", resources.OUI_NON),
    ("Personne à prévenir en cas d'urgence (nom et téléphone)", resources.TEXTE),
)
PIECES = ("ressources", "vaccinations")
VERSION = "2026-1"
REGLEMENT = (
    "L'accueil de loisirs reçoit les enfants de 3 à 11 ans le mercredi de 8 h 30 à 17 h 30.\n"
    "Les réservations et les absences se font sur le Portail Famille dans les délais affichés.\n"
    "Toute absence non déclarée dans les délais est facturée, sauf sur certificat médical."
)


def load(root, registry, annee):
    """Open the activity for ``annee`` (an AnneeScolaire) when it is not yet."""
    prestation = root["structures"][STRUCTURE][PRESTATION]
    if resources.ouverture(prestation, annee.libelle) is not None:
        return
    debut = min(dates.today() - datetime.timedelta(days=15), annee.fin)
    resources.enregistrer(
        prestation,
        resources.Ouverture(
            annee.libelle,
            debut,
            annee.fin,
            24,
            QUESTIONS,
            PIECES,
            VERSION,
            REGLEMENT,
        ),
    )
