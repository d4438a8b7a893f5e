"""SDI tab "Inscription en ligne" of a Prestation: open it for online
enrolment for a school year (dates, places, questions, documents required,
règlement intérieur), see each year's opening and its places left; the
règlement's file as stored (agents: ``P.INSCRIPTION_OUVRIR``)."""

import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from .. import dates, fichiers, journal
from ..demandes.pieces import NATURES
from ..i18n import _
from ..sdi import envoi
from ..security import P
from ..structures.resources import IPrestation
from . import resources, service
from .schemas import OuvertureSchema, lignes

OUVERTURE_ENREGISTREE = "OuvertureInscription"
ACTIONS = {OUVERTURE_ENREGISTREE: _("Inscription en ligne ouverte ou modifiée")}


def _questions(appstruct):
    return [(q, resources.TEXTE) for q in lignes(appstruct["questions_texte"])] + [
        (q, resources.OUI_NON) for q in lignes(appstruct["questions_oui_non"])
    ]


@mgmt_view(
    context=IPrestation,
    name="inscription-en-ligne",
    tab_title=_("Inscription en ligne"),
    permission=P.INSCRIPTION_OUVRIR,
    renderer="templates/ouvertures.pt",
)
class OuverturesView(FormView):
    title = _("Ouvrir ou modifier l'inscription en ligne d'une année scolaire")
    schema = OuvertureSchema()
    buttons = (deform.Button("enregistrer", _("Enregistrer")),)
    formid = "ouverture"

    def __call__(self):
        result = super().__call__()
        if isinstance(result, dict):
            result["ouvertures"] = self.lignes()
        return result

    def show(self, form):
        """Pre-filled with the year given in the query string (``modifier``)."""
        ouverture = resources.ouverture(self.context, self.request.GET.get("annee", ""))
        if ouverture is None:
            return {"form": form.render()}
        appstruct = {
            "annee": ouverture.annee,
            "debut": ouverture.debut,
            "fin": ouverture.fin,
            "places": ouverture.places,
            "questions_texte": "\n".join(
                q for q, kind in ouverture.questions if kind == resources.TEXTE
            ),
            "questions_oui_non": "\n".join(
                q for q, kind in ouverture.questions if kind == resources.OUI_NON
            ),
            "pieces": set(ouverture.pieces),
            "reglement_version": ouverture.reglement_version,
            "reglement_texte": ouverture.reglement_texte,
        }
        return {"form": form.render(appstruct)}

    def lignes(self):
        translate = self.request.localizer.translate
        path = self.request.sdiapi.mgmt_path
        rows = []
        for annee, ouverture in sorted(resources.ouvertures(self.context).items()):
            rows.append(
                {
                    "annee": annee,
                    "periode": ouverture.periode,
                    "places": ouverture.places,
                    "restantes": service.places_restantes(self.context, ouverture),
                    "questions": [q for q, _kind in ouverture.questions],
                    "pieces": [translate(NATURES[n]) for n in ouverture.pieces if n in NATURES],
                    "version": ouverture.reglement_version,
                    "reglement": (
                        path(self.context, "@@reglement-interieur", query={"annee": annee})
                        if ouverture.reglement_fichier is not None
                        else None
                    ),
                    "modifier": path(
                        self.context, "@@inscription-en-ligne", query={"annee": annee}
                    ),
                }
            )
        return rows

    def enregistrer_success(self, appstruct):
        prestation = self.context
        envoye = envoi.lire(appstruct["reglement_fichier"])
        valeurs = (
            appstruct["debut"],
            appstruct["fin"],
            appstruct["places"],
            _questions(appstruct),
            sorted(appstruct["pieces"], key=list(NATURES).index),
            appstruct["reglement_version"],
            appstruct["reglement_texte"],
        )
        ouverture = resources.ouverture(prestation, appstruct["annee"])
        if ouverture is None:
            ouverture = resources.enregistrer(
                prestation, resources.Ouverture(appstruct["annee"], *valeurs)
            )
        else:
            ouverture.modifier(*valeurs)
        if envoye is not None:
            data, mimetype, nom = envoye
            ouverture.reglement_fichier = fichiers.Fichier(data, mimetype, nom)
        envoi.oublier(self.request)
        journal.noter(
            self.request,
            OUVERTURE_ENREGISTREE,
            prestation,
            details={
                "annee": ouverture.annee,
                "debut": ouverture.debut.isoformat(),
                "fin": ouverture.fin.isoformat(),
                "places": ouverture.places,
                "version": ouverture.reglement_version,
            },
        )
        self.request.sdiapi.flash(
            self.request.localizer.translate(
                _(
                    "Inscription en ligne enregistrée pour ${annee} : du ${debut} au ${fin}.",
                    mapping={
                        "annee": ouverture.annee,
                        "debut": dates.courte(ouverture.debut),
                        "fin": dates.courte(ouverture.fin),
                    },
                )
            ),
            "success",
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(prestation, "@@inscription-en-ligne"))


@mgmt_view(
    context=IPrestation,
    name="reglement-interieur",
    permission=P.INSCRIPTION_OUVRIR,
    request_method="GET",
    tab_condition=False,
)
def reglement(context, request):
    ouverture = resources.ouverture(context, request.GET.get("annee", ""))
    if ouverture is None or ouverture.reglement_fichier is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, ouverture.reglement_fichier)
