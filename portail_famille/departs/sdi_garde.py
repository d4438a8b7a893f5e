"""The page "Arrêter la garde alternée" of a shared child (linked from
its tab "Garde alternée"): the date (default tomorrow) and the choice
(cancel the second household's bookings from that date, or move them to
the first household), then a confirmation page listing what happens to
each day; nothing changes before "Confirmer".  Each button is its own
view (``garde``: the rules)."""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from .. import dates
from ..familles import partage
from ..familles.resources import IEnfant
from ..familles.sdi_partage import ARRETER
from ..i18n import _
from ..security import P, login
from . import garde

PAGE = {
    "name": ARRETER,
    "permission": P.FAMILLE_MODIFIER,
    "renderer": "templates/arreter_garde.pt",
    "tab_condition": False,
}
BOUTON = dict(PAGE, request_method="POST")


def _champ(request, name, limite=20):
    value = request.POST.get(name, "")
    return value.strip()[:limite] if isinstance(value, str) else ""


@mgmt_view(context=IEnfant, request_method="GET", **PAGE)
class ArreterGardeView:
    """GET: the form (or why there is nothing to stop); "preparer": the
    confirmation; "arreter": done."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        saisie = {
            "depuis": dates.courte(garde.jour_par_defaut(dates.today())),
            "choix": garde.ANNULER,
        }
        return self.page(saisie)

    def page(self, saisie, erreur=None, bilan=None, change=False):
        request, enfant = self.request, self.context
        translate = request.localizer.translate
        seconds = partage.seconds_foyers(enfant)
        second = seconds[0] if seconds else None
        principal = partage.foyer_principal(enfant)

        def nom(famille):
            return "%s (N° %s)" % (famille.sdi_title, famille.numero)

        confirmation = None
        if bilan is not None:
            confirmation = {
                "depuis": dates.courte(bilan.depuis),
                "choix": translate(dict(garde.CHOIX)[bilan.choix]),
                "annules": [j.libelle for j in bilan.de(garde.ANNULE)],
                "reportes": [j.libelle for j in bilan.de(garde.REPORTE)],
                "conserves": [j.libelle for j in bilan.de(garde.CONSERVE)],
                "signature": bilan.signature(),
                "change": change,
            }
        return {
            "enfant": enfant.title,
            "second": nom(second) if second is not None else None,
            "principal": nom(principal),
            "choix": [(v, translate(t)) for v, t in garde.CHOIX],
            "saisie": saisie,
            "erreur": translate(erreur) if erreur is not None else None,
            "confirmation": confirmation,
            "action": request.sdiapi.mgmt_path(enfant, "@@" + ARRETER),
            "retour": request.sdiapi.mgmt_path(enfant, "@@garde"),
            "csrf_token": request.session.get_csrf_token(),
        }

    def lire(self):
        """(the Bilan, the form's values), or (None, the page with its error)."""
        request = self.request
        saisie = {"depuis": _champ(request, "depuis"), "choix": _champ(request, "choix")}
        try:
            found = garde.bilan(self.context, dates.lire_date(saisie["depuis"]), saisie["choix"])
        except garde.ArretRefuse as refus:
            request.response.status = 400
            return None, self.page(saisie, erreur=refus.args[0])
        return found, saisie

    @mgmt_view(context=IEnfant, request_param="preparer", **BOUTON)
    def preparer(self):
        found, saisie = self.lire()
        if found is None:
            return saisie
        return self.page(saisie, bilan=found)

    @mgmt_view(context=IEnfant, request_param="arreter", **BOUTON)
    def arreter(self):
        found, saisie = self.lire()
        if found is None:
            return saisie
        request = self.request
        if _champ(request, "signature", 40) != found.signature():
            # another booking since the confirmation: shown again, nothing done
            request.response.status = 409
            return self.page(saisie, bilan=found, change=True)
        garde.arreter(found, request, login(request))
        message = _(
            "Garde alternée de ${enfant} arrêtée à partir du ${depuis} : ${annules} journée(s) "
            "annulée(s), ${reportes} reportée(s) sur le premier foyer, ${conserves} "
            "conservée(s).",
            mapping={
                "enfant": self.context.title,
                "depuis": dates.courte(found.depuis),
                "annules": len(found.de(garde.ANNULE)),
                "reportes": len(found.de(garde.REPORTE)),
                "conserves": len(found.de(garde.CONSERVE)),
            },
        )
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(request.sdiapi.mgmt_path(self.context, "@@garde"))
