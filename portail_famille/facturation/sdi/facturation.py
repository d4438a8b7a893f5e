"""The régisseurs' SDI tabs of the money domain:

- "Facturation" on a Régie (``P.FACTURATION_GERER``): the period of a run
  ("Période du … au …"), its preview (families, lines, totals), the
  invoice date and due date (defaults: today, and the régie's delay),
  then "Valider la facturation" shows what will be issued ("Période du …
  au …, N factures, total …, date de facture …, échéance …") and only
  "Confirmer la facturation" issues it: that POST carries the preview's
  digest, refused (and the new preview shown) when the planning changed
  in between; it records the run and queues it for the workers
  (``travail``, one run at a time per régie) and leads to the job's
  progress; the régie's past runs (a queued one "En cours").  A régie à terme échu bills days
  passed only (``campagne.erreurs_periode``, beside the field);
- "Régularisations" on a Régie: ``regularisations_sdi``;
- "Tarifs" on a Prestation: its billing settings, the régie that bills it
  (chosen among the régies), its unit and its quotient familial brackets,
  shown to the staff who see the prestation, changed by
  ``P.FACTURATION_GERER`` only (régisseurs, administrators): agents set
  the rest of the prestation (its property sheet) and not these.
"""

import datetime
from urllib.parse import urlencode

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from ... import dates
from ...i18n import _
from ...montants import euros, nombre
from ...security import P
from ...structures.resources import IPrestation
from ...structures.schemas import UNITES
from ...travaux.service import file_de
from .. import campagne, regies, schemas, tarifs, travail
from ..regies import IRegie
from ..service import FacturationError

APERCU_FAMILLES = 50  # the families shown in a preview (the totals count all)
ECART_DATE = 92  # days: an invoice date at most that far ahead (a typing error)
ECHEANCE_MAX = 120  # days after the invoice date (the régie's delay's range)


def mois_precedent(today):
    fin = today.replace(day=1) - datetime.timedelta(days=1)
    return fin.replace(day=1), fin


def periode_par_defaut(regie, today):
    """The previous month (terme échu); the current month (à échoir)."""
    if regie.terme == schemas.ECHOIR:
        debut = today.replace(day=1)
        fin = (debut + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return debut, fin
    return mois_precedent(today)


def _ligne_campagne(request, run):
    """A past run, as listed; one whose job waits or runs is "en cours",
    with the link to its progress."""
    suivi = None
    if not run.terminee and run.travail is not None:
        file = file_de(request.root)
        job = file.get(run.travail) if file is not None else None
        if job is not None and not job.fini:
            suivi = request.sdiapi.mgmt_path(request.root, "@@travail", query={"id": job.id})
    return {
        "periode": "%s - %s" % (dates.courte(run.debut), dates.courte(run.fin)),
        "date": dates.courte(run.date),
        "echeance": dates.courte(run.echeance),
        "lancee_le": dates.moment(run.lancee_le),
        "par": run.par,
        "factures": run.factures,
        "total": euros(run.total),
        "avoirs": run.avoirs,
        "total_avoirs": euros(run.total_avoirs),
        "numeros": "%s – %s" % (run.premier, run.dernier) if run.premier else "",
        "terminee": run.terminee,
        "en_cours": suivi is not None,
        "suivi": suivi,
    }


def erreurs_dates(regie, fin, date, echeance, today):
    """{field: French message} of the invoice date and due date."""
    found = {}
    if date is None:
        found["date_facture"] = _("Date de facture invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    elif (date - today).days > ECART_DATE:
        found["date_facture"] = _(
            "La date de facture ne peut pas dépasser le ${jour}.",
            mapping={"jour": dates.courte(today + datetime.timedelta(days=ECART_DATE))},
        )
    elif regie.terme != schemas.ECHOIR and fin is not None and date < fin:
        found["date_facture"] = _(
            "Facturation à terme échu : la facture est datée au plus tôt du dernier jour "
            "de la période (${jour}).",
            mapping={"jour": dates.courte(fin)},
        )
    if echeance is None:
        found["echeance"] = _("Date d'échéance invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    elif date is not None and "date_facture" not in found:
        if echeance < date:
            found["echeance"] = _("L'échéance ne peut pas précéder la date de facture.")
        elif (echeance - date).days > ECHEANCE_MAX:
            found["echeance"] = _(
                "L'échéance doit être au plus ${jours} jours après la date de facture.",
                mapping={"jours": ECHEANCE_MAX},
            )
    return found


@mgmt_view(
    context=IRegie,
    name="facturation",
    tab_title=_("Facturation"),
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/campagne.pt",
    request_method="GET",
)
class FacturationView:
    """A run of the régie: the period, the preview with the invoice and due
    dates, the confirmation, the issue."""

    CHAMPS = ("debut", "fin", "date_facture", "echeance")

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def url(self, **query):
        path = self.request.sdiapi.mgmt_path(self.context, "@@facturation")
        return path + ("?" + urlencode(query) if query else "")

    def translate(self, value):
        return self.request.localizer.translate(value)

    def lire(self, params):
        """The form's fields completed with their defaults, whether a period
        was asked for, and the four dates read (None: unreadable)."""
        today = dates.today()
        saisie = {k: params.get(k, "") for k in self.CHAMPS}
        saisie = {k: v.strip() if isinstance(v, str) else "" for k, v in saisie.items()}
        periode_saisie = bool(saisie["debut"] or saisie["fin"]) or "apercu" in params
        if not periode_saisie:
            debut, fin = periode_par_defaut(self.context, today)
            saisie.update(debut=debut.isoformat(), fin=fin.isoformat())
        debut, fin = dates.lire_date(saisie["debut"]), dates.lire_date(saisie["fin"])
        if not saisie["date_facture"]:
            saisie["date_facture"] = today.isoformat()
        date = dates.lire_date(saisie["date_facture"])
        if not saisie["echeance"] and date is not None:
            echeance = date + datetime.timedelta(days=self.context.echeance_jours)
            saisie["echeance"] = echeance.isoformat()
        echeance = dates.lire_date(saisie["echeance"])
        return saisie, periode_saisie, (debut, fin, date, echeance)

    def valeurs(self, saisie, erreurs):
        """What the page shows, before the preview."""
        return {
            "saisie": saisie,
            "erreurs": {k: self.translate(v) for k, v in erreurs.items()},
            "apercu": None,
            "confirmation": None,
            "refus": None,
            "action": self.url(),
            "csrf_token": self.request.session.get_csrf_token(),
            "campagnes": [
                _ligne_campagne(self.request, r) for r in campagne.campagnes(self.context)
            ],
            "euros": euros,
            "nombre": nombre,
            "limite": APERCU_FAMILLES,
            "echu": self.context.terme != schemas.ECHOIR,
        }

    def __call__(self):
        """The period (the query string's, or the default one) and its
        preview."""
        saisie, periode_saisie, (debut, fin, _date, _echeance) = self.lire(self.request.GET)
        erreurs = {}
        if periode_saisie:
            erreurs = campagne.erreurs_periode(debut, fin, self.context, dates.today())
        values = self.valeurs(saisie, erreurs)
        if periode_saisie and not erreurs:
            values["apercu"] = self.apercu(debut, fin)
        return values

    def examiner(self):
        """A POSTed run checked (period, dates, the preview's fingerprint):
        the page's values, and the dates (None when refused)."""
        request = self.request
        today = dates.today()
        saisie, periode_saisie, choisies = self.lire(request.POST)
        debut, fin, date, echeance = choisies
        erreurs = {}
        if periode_saisie:
            erreurs = campagne.erreurs_periode(debut, fin, self.context, today)
        if not erreurs:
            erreurs = erreurs_dates(self.context, fin, date, echeance, today)
        values = self.valeurs(saisie, erreurs)
        if any(k in erreurs for k in ("debut", "fin")) or not periode_saisie:
            return values, None
        values["apercu"] = self.apercu(debut, fin)
        if erreurs:
            return values, None
        if request.POST.get("empreinte") != values["apercu"]["empreinte"]:
            values["refus"] = self.translate(
                _(
                    "Les données ont changé depuis l'aperçu (réservations, absences, "
                    "tarifs…) : rien n'a été facturé. Vérifiez le nouvel aperçu ci-dessous, "
                    "puis validez à nouveau."
                )
            )
            return values, None
        return values, choisies

    @mgmt_view(
        context=IRegie,
        name="facturation",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/campagne.pt",
        request_method="POST",
        tab_condition=False,
    )
    def verifier(self):
        """ "Valider la facturation" (a POST without another button): what
        would be issued, to confirm."""
        values, choisies = self.examiner()
        if choisies is not None:
            values["confirmation"] = self.confirmation(*choisies, values["apercu"])
        return values

    @mgmt_view(
        context=IRegie,
        name="facturation",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/campagne.pt",
        request_method="POST",
        request_param="confirmer",
        tab_condition=False,
    )
    def confirmer(self):
        """ "Confirmer la facturation": the run is issued."""
        values, choisies = self.examiner()
        if choisies is None:
            return values
        return self.valider(*choisies, values)

    def apercu(self, debut, fin):
        root = self.request.root
        found = campagne.apercu(root, self.context, debut, fin, limite=APERCU_FAMILLES)
        found["avertissements"] = [self.translate(a) for a in found["avertissements"]]
        found["periode"] = "%s - %s" % (dates.courte(debut), dates.courte(fin))
        return found

    def confirmation(self, debut, fin, date, echeance, apercu):
        """What "Confirmer la facturation" issues, in one sentence."""
        texte = _(
            "Période du ${debut} au ${fin} : ${nombre} facture(s), total ${total}, "
            "date de facture ${date}, échéance ${echeance}.",
            mapping={
                "debut": dates.courte(debut),
                "fin": dates.courte(fin),
                "nombre": apercu["nombre"],
                "total": euros(apercu["total"]),
                "date": dates.courte(date),
                "echeance": dates.courte(echeance),
            },
        )
        found = {"texte": self.translate(texte), "avoirs": None}
        if apercu["avoirs"]:
            found["avoirs"] = self.translate(
                _(
                    "Et ${nombre} avoir(s) de régularisation, total ${total}.",
                    mapping={"nombre": apercu["avoirs"], "total": euros(apercu["total_avoirs"])},
                )
            )
        found["retour"] = self.url(
            debut=debut.isoformat(),
            fin=fin.isoformat(),
            date_facture=date.isoformat(),
            echeance=echeance.isoformat(),
            apercu="1",
        )
        return found

    def valider(self, debut, fin, date, echeance, values):
        """The run recorded and queued (``travail``): the workers issue it;
        the régisseur lands on the job's progress page."""
        request = self.request
        user = request.user
        par = getattr(user, "__name__", "") or ""
        try:
            job, _run = travail.lancer(
                request, request.root, self.context, debut, fin, date, echeance, par
            )
        except travail.DejaEnCours:
            values["refus"] = self.translate(
                _(
                    "Une facturation de cette régie est déjà en cours : attendez qu'elle "
                    "soit terminée (Facturations passées, ci-dessous), puis vérifiez le "
                    "nouvel aperçu."
                )
            )
            return values
        except FacturationError as e:
            values["refus"] = self.translate(
                _(
                    "Facturation refusée. ${motif} Fixez d'abord ses tarifs "
                    "(onglet Tarifs de la prestation).",
                    mapping={"motif": e.args[0] if isinstance(e.args[0], str) else ""},
                )
            )
            return values
        apercu = values["apercu"]
        request.sdiapi.flash(
            self.translate(
                _(
                    "Facturation validée et mise en file : ${nombre} facture(s), total "
                    "${total}, émises au fil de l'avancement ci-dessous (avec leur PDF).",
                    mapping={"nombre": apercu["nombre"], "total": euros(apercu["total"])},
                )
            ),
            "success",
        )
        return HTTPFound(request.sdiapi.mgmt_path(request.root, "@@travail", query={"id": job.id}))


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
    renderer="portail_famille.facturation:templates/tarifs.pt",
    request_method="GET",
)
@mgmt_view(
    context=IPrestation,
    name="tarifs",
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/tarifs.pt",
    request_method="POST",
    tab_condition=False,
)
class TarifsView(FormView):
    """The prestation's régie, unit and tariff brackets: shown to every
    staff member (GET), changed by the régie (POST, deform's buttons)."""

    schema = FormulaireTarifs()
    buttons = (deform.Button("enregistrer", _("Enregistrer")),)
    formid = "tarifs"

    def peut_modifier(self):
        return bool(self.request.has_permission(P.FACTURATION_GERER, self.context))

    def __call__(self):
        modifiable = self.peut_modifier()
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
