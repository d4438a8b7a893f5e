"""SDI tab "Garde alternée" of an Enfant: staff share the child with a
second household (``partage``), with a confirmation page naming both
households, the child and each one's planning rights; nothing is linked
before "Confirmer".  Each button is its own view."""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from .. import dates, journal
from ..i18n import _
from ..security import P
from . import partage
from .resources import IEnfant

PARTAGE = {
    "name": "garde",
    "permission": P.FAMILLE_MODIFIER,
    "renderer": "templates/partage.pt",
}
BOUTON = dict(PARTAGE, request_method="POST", tab_condition=False)
ENFANT_PARTAGE = "EnfantPartage"
GARDE_MODIFIEE = "GardeModifiee"
GARDE_ARRETEE = "GardeArretee"  # departs.garde: the share stopped
ARRETER = "arreter-garde"  # its confirmation page (departs.sdi_garde)
ACTIONS = {
    ENFANT_PARTAGE: _("Enfant partagé avec un second foyer (garde alternée)"),
    GARDE_MODIFIEE: _("Semaines de garde alternée modifiées"),
    GARDE_ARRETEE: _("Garde alternée arrêtée"),
}


def _texte(request, name, limite=40):
    value = request.POST.get(name, "")
    return value.strip()[:limite] if isinstance(value, str) else ""


@mgmt_view(context=IEnfant, tab_title=_("Garde alternée"), request_method="GET", **PARTAGE)
class PartageView:
    """GET: the child's households and their rights, or the form (the
    second household's N° famille, its rights); "preparer" shows the
    confirmation, "partager" links."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        return self.page()

    def page(self, erreurs=None, saisie=None, confirmation=None):
        request, enfant = self.request, self.context
        foyers = [
            {
                "nom": famille.sdi_title,
                "numero": famille.numero,
                "garde": partage.libelle(request, partage.garde_de(enfant, famille)),
                "url": request.sdiapi.mgmt_path(famille),
            }
            for famille in partage.foyers(enfant)
        ]
        return {
            "enfant": enfant.title,
            "partage": partage.est_partage(enfant),
            "foyers": foyers,
            "modes": [(v, request.localizer.translate(t)) for v, t in partage.MODES],
            "saisie": saisie or self.saisie_actuelle(),
            "erreurs": {k: request.localizer.translate(v) for k, v in (erreurs or {}).items()},
            "confirmation": confirmation,
            "action": request.sdiapi.mgmt_path(enfant, "@@garde"),
            "arreter": request.sdiapi.mgmt_path(enfant, "@@" + ARRETER),
            "csrf_token": request.session.get_csrf_token(),
        }

    def saisie_actuelle(self):
        """The form's values: the second household's weeks once shared."""
        enfant = self.context
        seconds = partage.seconds_foyers(enfant)
        garde = partage.garde_de(enfant, seconds[0]) if seconds else None
        if garde is None:
            return {"numero": "", "mode": partage.PAIRES, "depuis": ""}
        depuis = dates.courte(garde.depuis) if garde.depuis else ""
        return {"numero": "", "mode": garde.mode, "depuis": depuis}

    def lire(self):
        """(second household, its Garde, the form's values, errors)."""
        request, enfant = self.request, self.context
        saisie = {
            "numero": _texte(request, "numero"),
            "mode": _texte(request, "mode"),
            "depuis": _texte(request, "depuis", 20),
        }
        erreurs = {}
        famille = request.root["familles"].get(saisie["numero"]) if saisie["numero"] else None
        if not saisie["numero"]:
            erreurs["numero"] = _("Saisissez le N° famille du second foyer.")
        elif famille is None:
            erreurs["numero"] = _("Aucune famille n'a ce numéro.")
        garde = self.lire_garde(saisie, erreurs)
        if famille is not None and not erreurs:
            try:
                partage.verifier(enfant, famille)
            except partage.PartageImpossible as refus:
                erreurs["numero"] = refus.args[0]
        if erreurs:
            self.request.response.status = 400
        return famille, garde, saisie, erreurs

    def lire_garde(self, saisie, erreurs):
        """The second household's Garde of the form (None: see ``erreurs``)."""
        garde = None
        if saisie["mode"] not in dict(partage.MODES):
            erreurs["mode"] = _("Choisissez les semaines du second foyer.")
        elif saisie["mode"] == partage.ALTERNEE:
            depuis = dates.lire_date(saisie["depuis"])
            if depuis is None:
                erreurs["depuis"] = _(
                    "Saisissez la date d'un jour de la première semaine du second foyer "
                    "(jj/mm/aaaa)."
                )
            else:
                garde = partage.Garde(partage.ALTERNEE, depuis)
        else:
            garde = partage.Garde(saisie["mode"])
        return garde

    @mgmt_view(context=IEnfant, request_param="preparer", **BOUTON)
    def preparer(self):
        famille, garde, saisie, erreurs = self.lire()
        if erreurs:
            return self.page(erreurs, saisie)
        request, enfant = self.request, self.context
        principal = partage.foyer_principal(enfant)
        confirmation = {
            "second": "%s (N° %s)" % (famille.sdi_title, famille.numero),
            "principal": "%s (N° %s)" % (principal.sdi_title, principal.numero),
            "garde": partage.libelle(request, garde),
            "garde_principal": partage.libelle(request, partage.complement(garde)),
        }
        return self.page(saisie=saisie, confirmation=confirmation)

    @mgmt_view(context=IEnfant, request_param="partager", **BOUTON)
    def partager(self):
        famille, garde, saisie, erreurs = self.lire()
        if erreurs:
            return self.page(erreurs, saisie)
        request, enfant = self.request, self.context
        partage.partager(enfant, famille, garde, partage.complement(garde))
        journal.noter(
            request,
            ENFANT_PARTAGE,
            enfant,
            famille=partage.foyer_principal(enfant),
            enfant=enfant,
            details={"second_foyer": famille.numero, "semaines": garde.mode},
        )
        message = _(
            "${enfant} est partagé avec la famille ${famille} : chaque foyer réserve sur ses "
            "semaines.",
            mapping={"enfant": enfant.title, "famille": famille.sdi_title},
        )
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(request.sdiapi.mgmt_path(enfant, "@@garde"))

    @mgmt_view(context=IEnfant, request_param="modifier", **BOUTON)
    def modifier(self):
        """The second household's weeks changed (the first gets the others):
        from the next request on, the planning's rules follow them."""
        request, enfant = self.request, self.context
        seconds = partage.seconds_foyers(enfant)
        saisie = {
            "numero": "",
            "mode": _texte(request, "mode"),
            "depuis": _texte(request, "depuis", 20),
        }
        erreurs = {}
        if not seconds:
            erreurs["numero"] = _("Cet enfant n'est partagé avec aucun autre foyer.")
        garde = self.lire_garde(saisie, erreurs)
        if erreurs:
            request.response.status = 400
            return self.page(erreurs, saisie)
        second = seconds[0]
        partage.regler(enfant, second, garde, partage.complement(garde))
        journal.noter(
            request,
            GARDE_MODIFIEE,
            enfant,
            famille=partage.foyer_principal(enfant),
            enfant=enfant,
            details={"second_foyer": second.numero, "semaines": garde.mode},
        )
        message = _(
            "Semaines de garde alternée de ${enfant} modifiées.", mapping={"enfant": enfant.title}
        )
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(request.sdiapi.mgmt_path(enfant, "@@garde"))
