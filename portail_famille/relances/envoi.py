""" "Confirmer l'envoi des relances" by the workers (``travaux``): the
régisseur's request queues the reminders due today (the invoices, by
oid) and lands on the job's progress page; each chunk sends its
invoices' reminders, each one checked again when it is sent
(``service.rang_du``: an invoice paid meanwhile, or reminded already that
day by the daily script or another régisseur, is passed over), so a job
taken over after a worker was killed sends nothing twice."""

from pyramid.traversal import find_root
from substanced.util import get_oid

from ..facturation.resources import Facture
from ..i18n import _
from ..security import P
from ..travaux.service import Genre, mettre_en_file
from ..util import objet
from . import service

GENRE = "relances"
LOT = 50  # invoices per chunk


def mettre_en_file_dues(request, root, jour, par):
    """Queue the reminders due on ``jour`` (in the request's transaction);
    (the Travail, the number of reminders due)."""
    dues = service.dues(root, jour, request.registry.settings)
    titre = request.localizer.translate(
        _("Relances des factures impayées du ${jour}", mapping={"jour": jour.strftime("%d/%m/%Y")})
    )
    # (oid, number): the number names the invoice in the job's log
    unites = [(get_oid(facture), facture.numero) for facture, _rang in dues]
    travail = mettre_en_file(request, root, GENRE, unites, {"jour": jour, "par": par}, titre)
    return travail, len(unites)


def traiter(request, root, travail, unites):
    """Send the reminders of one chunk's invoices (still due)."""
    jour, par = travail.parametres["jour"], travail.parametres["par"]
    delais = service.delais(request.registry.settings)
    envoyees = 0
    for oid, _numero in unites:
        facture = objet(root, oid)
        if not isinstance(facture, Facture):
            continue
        rang = service.rang_du(facture, jour, delais)
        if rang is None:
            continue  # paid, or reminded today already
        service.envoyer(request, facture, rang, jour, par)
        envoyees += 1
    travail.resultat = dict(
        travail.resultat, envoyees=travail.resultat.get("envoyees", 0) + envoyees
    )


def unite(valeur):
    return _("Facture ${numero}", mapping={"numero": valeur[1]})


def retour(request, travail):
    return request.sdiapi.mgmt_path(find_root(request.context)["regies"], "@@impayes")


GENRE_TRAVAIL = Genre(
    GENRE,
    _("Relances des factures impayées"),
    traiter,
    P.RELANCES_ENVOYER,
    lot=LOT,
    unite=unite,
    retour=retour,
    lieu=lambda root: root["regies"],
)
