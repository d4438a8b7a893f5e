"""SDI tab "Inscriptions" of an Enfant: its inscriptions, the form that adds
one and the button that removes one, after a confirmation naming it
(agents: ``P.FAMILLE_MODIFIER``)."""

import colander
import deform
import deform.widget
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view

from ... import dates
from ...calendrier.schemas import Date
from ...familles.resources import IEnfant
from ...i18n import _
from ...inscriptions import annees as annees_scolaires
from ...inscriptions import desinscrire, erreurs, inscrire, lignes
from ...inscriptions import prestations as toutes_prestations
from ...security import P
from ...structures.schemas import JOURS, OBLIGATOIRE, Entier
from ..service import liberer_contrat, reserver_contrat


@colander.deferred
def _prestations_widget(node, kw):
    values = [(str(oid), titre) for oid, titre in toutes_prestations(kw["context"])]
    return deform.widget.SelectWidget(values=[("", "")] + values)


@colander.deferred
def _annees_widget(node, kw):
    values = [(a.libelle, a.title) for a in annees_scolaires(kw["context"])]
    return deform.widget.SelectWidget(values=[("", "")] + values)


def _jours_connus(node, value):
    if not set(value) <= {j for j, _nom in JOURS}:
        raise colander.Invalid(node, _("Choix invalide."))


class InscriptionSchema(Schema):
    prestation = colander.SchemaNode(
        Entier(),
        title=_("Prestation"),
        missing_msg=OBLIGATOIRE,
        widget=_prestations_widget,
    )
    annee = colander.SchemaNode(
        colander.String(),
        title=_("Année scolaire"),
        missing_msg=OBLIGATOIRE,
        widget=_annees_widget,
    )
    debut = colander.SchemaNode(Date(), title=_("Date de début"), missing_msg=OBLIGATOIRE)
    jours = colander.SchemaNode(
        colander.Set(),
        title=_("Contrat régulier (jours réservés chaque semaine)"),
        missing=frozenset(),
        validator=_jours_connus,
        widget=deform.widget.CheckboxChoiceWidget(values=list(JOURS), inline=True),
    )

    def after_bind(self, node, kw):
        enfant = kw["context"]

        def validator(form, value):
            found = erreurs(
                enfant, value["prestation"], value["annee"], value["debut"], value["jours"]
            )
            if found:
                error = colander.Invalid(form)
                for name, message in found.items():
                    error[name] = message
                raise error

        node.validator = validator


# The two steps of "Supprimer" (POST), beside deform's form.
SUPPRESSION = {
    "context": IEnfant,
    "name": "inscriptions",
    "permission": P.FAMILLE_MODIFIER,
    "renderer": "portail_famille.planning:templates/inscriptions.pt",
    "request_method": "POST",
    "tab_condition": False,
}


@mgmt_view(
    context=IEnfant,
    name="inscriptions",
    tab_title=_("Inscriptions"),
    permission=P.FAMILLE_MODIFIER,
    renderer="portail_famille.planning:templates/inscriptions.pt",
)
class InscriptionsView(FormView):
    title = _("Ajouter une inscription")
    schema = InscriptionSchema()
    buttons = (deform.Button("ajouter", _("Ajouter")),)
    formid = "inscription"

    def __call__(self):
        """The inscriptions and deform's form ("Ajouter")."""
        return self.page()

    def page(self, a_supprimer=None):
        result = super().__call__()
        if isinstance(result, dict):
            result["lignes"] = lignes(self.context)
            result["csrf_token"] = self.request.session.get_csrf_token()
            found = [row for row in result["lignes"] if row["cle"] == a_supprimer]
            result["a_supprimer"] = found[0] if found else None
        return result

    @mgmt_view(request_param="supprimer", **SUPPRESSION)
    def demander_suppression(self):
        """ "Supprimer": first a confirmation naming the inscription."""
        return self.page(a_supprimer=self.request.POST.get("supprimer"))

    def _retour(self):
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@inscriptions"))

    def ajouter_success(self, appstruct):
        inscription = inscrire(
            self.context,
            appstruct["prestation"],
            appstruct["annee"],
            appstruct["debut"],
            appstruct["jours"],
        )
        jours = reserver_contrat(self.context, inscription, self.request.registry.settings)
        self.request.sdiapi.flash(
            _(
                "Inscription ajoutée : ${jours} journée(s) réservée(s) par le contrat régulier.",
                mapping={"jours": jours},
            ),
            "success",
        )
        return self._retour()

    @mgmt_view(request_param="confirmer_suppression", **SUPPRESSION)
    def supprimer(self):
        key = self.request.POST["confirmer_suppression"]
        inscription = self.context.inscriptions.get(key)
        if inscription is not None:
            # The contract's days to come are given back (the past stays).
            liberer_contrat(self.context, inscription, dates.today())
        if desinscrire(self.context, key):
            self.request.sdiapi.flash(_("Inscription supprimée."), "success")
        else:
            self.request.sdiapi.flash(_("Cette inscription n'existe plus."), "warning")
        return self._retour()
