"""The SDI's "Ajouter une fermeture" (Calendrier): a closure of days that
children booked shows what it cancels ("N réservations de M familles
seront annulées", family by family, the days already billed among them:
they are regularised), then asks for a confirmation; a closure of days a
child was pointed present is refused beside its dates
(``planning.fermeture``)."""

import colander
import deform
import deform.widget
from substanced.sdi import mgmt_view

from ...calendrier import schemas
from ...calendrier.interfaces import ICalendrier
from ...i18n import _
from ...sdi.forms import AddView
from ...security import P, login
from ...util import nom_libre
from .. import fermeture

APERCU_MAX = 100  # families listed in the preview


class AddFermetureSchema(schemas.FermetureSchema):
    # What the preview showed (``Bilan.signature``): set by the preview,
    # checked at the confirmation.
    confirmation = colander.SchemaNode(
        colander.String(), missing="", widget=deform.widget.HiddenWidget()
    )


@mgmt_view(
    context=ICalendrier,
    name="add_fermeture",
    permission=P.SDI_ADD,
    renderer="portail_famille.planning:templates/fermeture.pt",
    tab_condition=False,
)
class AddFermetureView(AddView):
    title = _("Ajouter une fermeture")
    schema = AddFermetureSchema()

    def before(self, form):
        self.form = form

    def show(self, form):
        return {"form": form.render(), "apercu": None}

    def failure(self, e):
        return {"form": e.render(), "apercu": None}

    def ajouter_success(self, appstruct):
        confirmation = appstruct.pop("confirmation")
        debut, fin, motif = appstruct["debut"], appstruct["fin"], appstruct["motif"]
        bilan = fermeture.bilan(self.context, debut, fin, appstruct["structure"])
        refus = bilan.refus()
        if refus is not None:
            error = colander.Invalid(self.form.schema)
            error["debut"] = refus
            self.form.widget.handle_error(self.form, error)
            return self.failure(deform.ValidationFailure(self.form, self.form.cstruct, error))
        signature = bilan.signature(motif)
        if bilan.annulations and confirmation != signature:
            return self.apercu(appstruct, bilan, signature)
        return self.ajouter(appstruct, bilan)

    def apercu(self, appstruct, bilan, signature):
        """The form again, filled, with what it cancels and the button
        "Confirmer la fermeture"."""
        values = {k: v for k, v in appstruct.items() if v is not None}
        values["confirmation"] = signature
        form = self.form_class(
            self.form.schema,
            buttons=(deform.Button("ajouter", _("Confirmer la fermeture")),),
            formid="deform",
        )
        familles = bilan.familles()
        translate = self.request.localizer.translate
        facturees = len(bilan.facturees())
        return {
            "form": form.render(values),
            "apercu": {
                "annonce": translate(
                    _(
                        "${reservations} réservation(s) de ${familles} famille(s) seront "
                        "annulées. Chaque famille recevra un message et un courriel. "
                        "Vérifiez, puis confirmez la fermeture.",
                        mapping={
                            "reservations": len(bilan.annulations),
                            "familles": len(familles),
                        },
                    )
                ),
                "facturees": translate(
                    _(
                        "Dont ${jours} journée(s) déjà facturée(s) : elles seront "
                        "régularisées par la régie (avoir ou ligne sur la prochaine "
                        "facture), listées dans son onglet Régularisations.",
                        mapping={"jours": facturees},
                    )
                )
                if facturees
                else None,
                "familles": [
                    {
                        "numero": famille.numero,
                        "nom": famille.nom_complet or famille.title,
                        "details": fermeture.details(annulations).splitlines(),
                    }
                    for famille, annulations in familles[:APERCU_MAX]
                ],
                "autres": max(len(familles) - APERCU_MAX, 0),
            },
        }

    def ajouter(self, appstruct, bilan):
        request = self.request
        registry = request.registry
        obj = registry.content.create("Fermeture", **appstruct)
        name = nom_libre(self.context, "fermeture-%s" % appstruct["debut"].isoformat(), "fermeture")
        self.context.add(name, obj, registry=registry)
        par = login(request)
        annulees = fermeture.annuler(bilan, par, obj.motif, registry)
        familles = fermeture.prevenir(request, bilan, obj)
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    "Fermeture ajoutée : ${reservations} réservation(s) annulée(s), "
                    "${familles} famille(s) prévenue(s).",
                    mapping={"reservations": annulees, "familles": familles},
                )
            ),
            "success",
        )
        return self.added(obj)
