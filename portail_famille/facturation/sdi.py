"""The régisseurs' SDI tabs of the money domain:

- "Facturation" on a Régie (``P.FACTURATION_GERER``): the period of a run
  ("Période du … au …"), its preview (families, lines, totals), then
  "Valider la facturation" (POST) issues the invoices; the régie's past runs;
- "Tarifs" on a Prestation: its billing settings, the régie that bills it
  (chosen among the régies), its unit and its quotient familial brackets,
  shown to the staff who see the prestation, changed by
  ``P.FACTURATION_GERER`` only (régisseurs, administrators): agents set
  the rest of the prestation (its property sheet) and not these.
"""

import datetime

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from .. import dates
from ..i18n import _
from ..security import P
from ..structures.resources import IPrestation
from ..structures.schemas import UNITES
from . import campagne, regies, schemas, tarifs
from .montants import euros, nombre
from .regies import IRegie
from .service import FacturationError

APERCU_FAMILLES = 50  # the families shown in a preview (the totals count all)


def mois_precedent(today):
    fin = today.replace(day=1) - datetime.timedelta(days=1)
    return fin.replace(day=1), fin


def _ligne_campagne(run):
    return {
        "periode": "%s - %s" % (dates.courte(run.debut), dates.courte(run.fin)),
        "date": dates.courte(run.date),
        "lancee_le": dates.local(run.lancee_le).strftime("%d/%m/%Y %H:%M"),
        "par": run.par,
        "factures": run.factures,
        "total": euros(run.total),
        "numeros": "%s – %s" % (run.premier, run.dernier) if run.premier else "",
        "terminee": run.terminee,
    }


@mgmt_view(
    context=IRegie,
    name="facturation",
    tab_title=_("Facturation"),
    permission=P.FACTURATION_GERER,
    renderer="templates/campagne.pt",
)
class FacturationView:
    """A run of the régie: the period, the preview, the validation."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def url(self, **query):
        path = self.request.sdiapi.mgmt_path(self.context, "@@facturation")
        return path + ("?" + "&".join("%s=%s" % item for item in query.items()) if query else "")

    def __call__(self):
        request = self.request
        params = request.POST if request.method == "POST" else request.GET
        if "debut" in params or "fin" in params:
            saisie = {k: params.get(k, "").strip() for k in ("debut", "fin")}
        else:
            debut, fin = mois_precedent(dates.today())
            saisie = {"debut": debut.isoformat(), "fin": fin.isoformat()}
        debut, fin = dates.lire_date(saisie["debut"]), dates.lire_date(saisie["fin"])
        erreurs = {}
        if "debut" in params or "fin" in params:
            erreurs = campagne.erreurs_periode(debut, fin)
        values = {
            "saisie": saisie,
            "erreurs": {k: request.localizer.translate(v) for k, v in erreurs.items()},
            "apercu": None,
            "refus": None,
            "action": self.url(),
            "csrf_token": request.session.get_csrf_token(),
            "campagnes": [_ligne_campagne(r) for r in campagne.campagnes(self.context)],
            "euros": euros,
            "nombre": nombre,
            "limite": APERCU_FAMILLES,
        }
        if erreurs:
            return values
        if request.method == "POST" and "valider" in request.POST:
            return self.valider(debut, fin, values)
        if "apercu" in params:
            values["apercu"] = self.apercu(debut, fin)
            values["debut"], values["fin"] = debut.isoformat(), fin.isoformat()
        return values

    def apercu(self, debut, fin):
        root = self.request.root
        found = campagne.apercu(root, self.context, debut, fin, limite=APERCU_FAMILLES)
        translate = self.request.localizer.translate
        found["avertissements"] = [translate(a) for a in found["avertissements"]]
        found["periode"] = "%s - %s" % (dates.courte(debut), dates.courte(fin))
        return found

    def valider(self, debut, fin, values):
        request = self.request
        user = request.user
        par = getattr(user, "__name__", "") or ""
        try:
            run = campagne.valider(
                request.root,
                self.context,
                debut,
                fin,
                dates.today(),
                par=par,
                lot=int(request.registry.settings.get("portail.facturation_lot") or campagne.LOT),
                tm=request.tm,
                registry=request.registry,
                request=request,
            )
        except FacturationError as e:
            values["refus"] = request.localizer.translate(
                _(
                    "Facturation refusée. ${motif} Fixez d'abord ses tarifs "
                    "(onglet Tarifs de la prestation).",
                    mapping={"motif": e.args[0] if isinstance(e.args[0], str) else ""},
                )
            )
            values["apercu"] = self.apercu(debut, fin)
            values["debut"], values["fin"] = debut.isoformat(), fin.isoformat()
            return values
        if run.factures:
            message = _(
                "Facturation validée : ${nombre} facture(s), du n° ${premier} au n° ${dernier}, "
                "total ${total}.",
                mapping={
                    "nombre": run.factures,
                    "premier": run.premier,
                    "dernier": run.dernier,
                    "total": euros(run.total),
                },
            )
        else:
            message = _("Rien à facturer sur cette période : aucune facture émise.")
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(self.url())


class FormulaireTarifs(schemas.TarifsSchema):
    def after_bind(self, node, kw):
        """The régie: one of the existing régies."""
        valeurs = regies.choix(kw["request"].root)
        regie = node["regie_oid"]
        regie.widget = deform.widget.SelectWidget(
            values=[("", _("— Choisissez la régie —"))] + valeurs
        )
        regie.validator = colander.OneOf(
            [oid for oid, _title in valeurs], msg_err=_("Choisissez une régie de la liste.")
        )


@mgmt_view(
    context=IPrestation,
    name="tarifs",
    tab_title=_("Tarifs"),
    permission=P.SDI_VIEW,
    renderer="templates/tarifs.pt",
)
class TarifsView(FormView):
    """The prestation's régie, unit and tariff brackets; changed by the
    régie."""

    schema = FormulaireTarifs()
    buttons = (deform.Button("enregistrer", _("Enregistrer")),)
    formid = "tarifs"

    def peut_modifier(self):
        return bool(self.request.has_permission(P.FACTURATION_GERER, self.context))

    def __call__(self):
        modifiable = self.peut_modifier()
        if self.request.method == "POST" and not modifiable:
            raise HTTPForbidden()
        result = super().__call__() if modifiable else {"form": None}
        if isinstance(result, dict):
            unites = dict(UNITES)
            translate = self.request.localizer.translate
            unite = unites.get(self.context.unite)
            regie = regies.regie_de(self.context)
            result.update(
                {
                    "modifiable": modifiable,
                    "regie": regie.title if regie is not None else None,
                    "unite": translate(unite) if unite else self.context.unite,
                    "tranches": [(nombre(q), euros(p)) for q, p in tarifs.tranches(self.context)],
                }
            )
        return result

    def before(self, form):
        form.set_appstruct(
            {
                "regie_oid": str(self.context.regie_oid)
                if regies.regie_de(self.context) is not None
                else colander.null,
                "unite": self.context.unite,
                "tarifs": [{"quotient": q, "prix": p} for q, p in tarifs.tranches(self.context)]
                or [{"quotient": 0, "prix": None}],
            }
        )

    def enregistrer_success(self, appstruct):
        regie_oid = int(appstruct["regie_oid"])  # one of the régies' (validated)
        if self.context.regie_oid != regie_oid:
            self.context.regie_oid = regie_oid
        self.context.unite = appstruct["unite"]
        tarifs.definir(self.context, [(t["quotient"], t["prix"]) for t in appstruct["tarifs"]])
        self.request.sdiapi.flash(
            self.request.localizer.translate(_("Tarifs enregistrés.")), "success"
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@tarifs"))
