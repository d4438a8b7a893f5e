"""SDI tabs of departures: "Départ" of a Famille and of an Enfant (archive,
with a confirmation naming what it does, or réactiver), and "Départs" of
the Familles folder (the archived families and children, latest first)."""

import math

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from .. import dates
from ..familles.resources import IEnfant, IFamille, IFamilles
from ..i18n import _
from ..security import P
from . import DepartRefuse, archiver, bilan, erreurs, famille_de, reactiver
from . import departs as lister

PAR_PAGE = 50
PAGE_MAX = 100_000
# The tab "Départ", on a family and on a child; each button's view (POST).
DEPART = {"name": "depart", "permission": P.FAMILLE_MODIFIER, "renderer": "templates/depart.pt"}
BOUTON = dict(DEPART, request_method="POST", tab_condition=False)


@mgmt_view(context=IFamille, tab_title=_("Départ"), request_method="GET", **DEPART)
@mgmt_view(context=IEnfant, tab_title=_("Départ"), request_method="GET", **DEPART)
class DepartView:
    """GET: the state, and the form (a date); each button is its own view:
    "preparer" (the confirmation page), "archiver" (done), "reactiver"."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        return self.page(saisie=dates.courte(dates.today()))

    def lire_jour(self):
        """The date typed, checked: (the day, None), or (None, the page
        with its error)."""
        saisie = self.request.POST.get("date", "")
        saisie = saisie if isinstance(saisie, str) else ""
        jour = dates.lire_date(saisie)
        found = erreurs(self.context, jour)
        if found is not None:
            self.request.response.status = 400
            return None, self.page(saisie=saisie[:20], erreur=found)
        return jour, None

    @mgmt_view(context=IFamille, request_param="preparer", **BOUTON)
    @mgmt_view(context=IEnfant, request_param="preparer", **BOUTON)
    def preparer(self):
        jour, refus = self.lire_jour()
        if refus is not None:
            return refus
        return self.page(saisie=dates.courte(jour), confirmation=bilan(self.context, jour))

    def _retour(self, message, kind="success"):
        request = self.request
        request.sdiapi.flash(request.localizer.translate(message), kind)
        return HTTPFound(request.sdiapi.mgmt_path(self.context, "@@depart"))

    @mgmt_view(context=IFamille, request_param="archiver", **BOUTON)
    @mgmt_view(context=IEnfant, request_param="archiver", **BOUTON)
    def archiver(self):
        jour, refus = self.lire_jour()
        if refus is not None:
            return refus
        try:
            count = archiver(self.context, jour, self.request)
        except DepartRefuse as e:
            return self._retour(e.args[0], "danger")
        return self._retour(
            _(
                "Archivage fait : partie le ${date} ; ${jours} jour(s) réservé(s) libéré(s).",
                mapping={"date": dates.courte(jour), "jours": count},
            )
        )

    @mgmt_view(context=IFamille, request_param="reactiver", **BOUTON)
    @mgmt_view(context=IEnfant, request_param="reactiver", **BOUTON)
    def reactiver(self):
        try:
            reactiver(self.context)
        except DepartRefuse as e:
            return self._retour(e.args[0], "danger")
        return self._retour(_("Fiche réactivée : elle n'est plus partie."))

    def page(self, saisie="", erreur=None, confirmation=None):
        context = self.context
        famille = famille_de(context)
        return {
            "est_famille": IFamille.providedBy(context),
            "nom": context.title,
            "partie_le": dates.courte(context.partie_le),
            "famille_partie_le": dates.courte(famille.partie_le),
            "saisie": saisie,
            "erreur": erreur,
            "confirmation": confirmation,
            "action": self.request.sdiapi.mgmt_path(context, "@@depart"),
            "csrf_token": self.request.session.get_csrf_token(),
        }


@mgmt_view(
    context=IFamilles,
    name="departs",
    tab_title=_("Départs"),
    request_method="GET",
    permission=P.FAMILLE_VOIR,
    renderer="templates/departs.pt",
)
def departs_view(context, request):
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), PAGE_MAX)
    except ValueError:
        page = 1
    total, rows = lister(context, (page - 1) * PAR_PAGE, PAR_PAGE)
    pages = max(1, math.ceil(total / PAR_PAGE))
    base = request.sdiapi.mgmt_path(context, "@@departs")
    translate = request.localizer.translate
    return {
        "lignes": [
            {
                "numero": famille.numero,
                "famille": famille.nom_complet or famille.title,
                "enfant": enfant.title if enfant is not None else "",
                "date": dates.courte(jour),
                "url": request.sdiapi.mgmt_path(enfant or famille, "@@depart"),
            }
            for famille, enfant, jour in rows
        ],
        "total": translate(_("${total} départ(s)", mapping={"total": total})),
        "precedente": "%s?page=%d" % (base, page - 1) if page > 1 else None,
        "suivante": "%s?page=%d" % (base, page + 1) if page < pages else None,
    }
