"""Mon compte > "Mes rappels": the reminders the family chooses, by mail
and by SMS, and the last ones sent.

``/familles/<n>/mes-rappels``: staff read it (``FAMILLE_VOIR``), only the
family changes it (``RAPPELS_MODIFIER``).  A channel the family may not use
(SMS without "Autorisation SMS" or a mobile number) is refused with a
French message next to the kind.
"""

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from .. import dates
from ..familles.resources import IFamille
from ..i18n import _, traduire
from ..security import P
from ..skin import sans_sous_chemin
from . import service
from .resources import ENVOYE, rappels
from .schemas import DEJA_PAR_COURRIEL, RappelsSchema, refus

PAGE = "mes-rappels"
HISTORIQUE = 10
ETATS = {
    "a_envoyer": _("À envoyer"),
    "en_cours": _("En cours d'envoi"),
    ENVOYE: _("Envoyé"),
    "echec": _("Échec de l'envoi"),
    "caduc": _("Plus d'actualité"),
    "incertain": _("Envoi interrompu"),
}


def _schema(context):
    return RappelsSchema().bind(
        possibles=service.canaux_possibles(context), sms_actif=service.sms_actif()
    )


def _valeurs(famille):
    found = {sorte: set() for sorte in service.SORTES}
    for sorte, canal in service.choix(famille):
        found.setdefault(sorte, set()).add(canal)
    return found


def _historique(request, famille):
    found = rappels(famille)
    if found is None:
        return []
    envois = sorted(found.envois.values(), key=lambda e: e.cree_le, reverse=True)[:HISTORIQUE]
    return [
        {
            "date": dates.courte(dates.local(e.envoye_le or e.cree_le)),
            "sorte": traduire(request, service.SORTES[e.sorte]),
            "canaux": ", ".join(traduire(request, service.CANAUX[c]) for c in e.canaux),
            "etat": traduire(request, ETATS[e.etat]),
        }
        for e in envois
    ]


def _page(context, request, valeurs=None, erreurs=None):
    sans_sous_chemin(request)
    possibles = service.canaux_possibles(context)
    peut_modifier = bool(request.has_permission(P.RAPPELS_MODIFIER, context))
    if valeurs is None:
        valeurs = _valeurs(context)
    erreurs = erreurs or {}
    lignes = [
        {
            "sorte": sorte,
            "titre": traduire(request, titre),
            "canaux": [
                {
                    "canal": canal,
                    "titre": traduire(request, libelle),
                    "coche": canal in valeurs.get(sorte, ()),
                    "possible": possibles[canal],
                }
                for canal, libelle in service.CANAUX.items()
                if canal in service.CANAUX_DE[sorte]
            ],
            "note": (
                traduire(request, DEJA_PAR_COURRIEL)
                if service.COURRIEL not in service.CANAUX_DE[sorte]
                else None
            ),
            "erreur": erreurs.get(sorte),
        }
        for sorte, titre in service.SORTES.items()
    ]
    return {
        "famille": context,
        "action": request.resource_path(context, PAGE),
        "canaux": [traduire(request, libelle) for libelle in service.CANAUX.values()],
        "lignes": lignes,
        "erreur": bool(erreurs),
        "peut_modifier": peut_modifier,
        "refus": [
            traduire(request, refus(canal, possibles, service.sms_actif()))
            for canal, ok in possibles.items()
            if not ok
        ],
        "historique": _historique(request, context),
        "retour": request.resource_path(context, "mon-compte"),
        "echeance_jours": service.echeance_jours(request.registry.settings),
    }


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/rappels.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def mes_rappels(context, request):
    return _page(context, request)


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/rappels.pt",
    permission=P.RAPPELS_MODIFIER,
    request_method="POST",
)
def enregistrer(context, request):
    """The form sent (its CSRF token checked by Pyramid): the channels
    checked, each allowed, recorded."""
    sans_sous_chemin(request)
    envoyees = {sorte: request.POST.getall(sorte) for sorte in service.SORTES}
    try:
        appstruct = _schema(context).deserialize(envoyees)
    except colander.Invalid as invalid:
        erreurs = {
            name.split(".")[-1]: message
            for name, message in invalid.asdict(request.localizer.translate).items()
        }
        valeurs = {sorte: set(canaux) for sorte, canaux in envoyees.items()}
        return _page(context, request, valeurs=valeurs, erreurs=erreurs)
    choix = {(sorte, canal) for sorte in service.SORTES for canal in appstruct.get(sorte, ())}
    service.choisir(context, choix, request.user.__name__)
    request.session.flash(
        request.localizer.translate(_("Vos choix de rappels sont enregistrés.")), "portail"
    )
    return HTTPFound(request.resource_path(context, PAGE))
