"""SDI views of the calendar: add school years, corrections and holiday
periods; a school year's "Vacances scolaires" tab, which says whether the
holiday library knows its holidays (closures are added in
``planning.sdi.fermeture``: they cancel bookings)."""

import colander
from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from .. import dates
from ..i18n import _
from ..sdi.forms import FORM, AddView
from ..security import P
from . import jours, schemas
from .interfaces import IAnneeScolaire, ICalendrier

VACANCES = "vacances"  # the school year's tab


def _nom_libre(node, kw, message, nom=lambda value: value):
    """After binding: the value of ``node`` must give a name free in the
    calendar."""
    base = node.validator
    calendrier = kw["context"]

    def validator(child, value):
        if base is not None:
            base(child, value)
        if nom(value) in calendrier:
            raise colander.Invalid(child, message)

    node.validator = validator


class AddAnneeScolaireSchema(schemas.AddAnneeScolaireSchema):
    def after_bind(self, node, kw):
        super().after_bind(node, kw)
        _nom_libre(node["libelle"], kw, _("Cette année scolaire existe déjà."))


class AddCorrectionSchema(schemas.AddCorrectionSchema):
    def after_bind(self, node, kw):
        _nom_libre(
            node["date"],
            kw,
            _("Ce jour est déjà corrigé : modifiez sa correction."),
            nom=lambda value: value.isoformat(),
        )


def _zone(request):
    return jours.zone_vacances(request.registry.settings)


def vacances_inconnues(request, annee):
    """The French warning of a school year whose holidays the library does
    not know, or None."""
    if jours.vacances_connues(annee.debut, annee.fin):
        return None
    return _(
        "Le calendrier national des vacances scolaires s'arrête au ${date} : il ne "
        "connaît pas les vacances de l'année ${libelle} (zone ${zone}). Saisissez ses "
        "périodes de vacances (onglet Vacances scolaires) : sans elles, les jours de "
        "vacances sont des jours d'école (ni P ni G).",
        mapping={
            "date": dates.courte(jours.fin_vacances_connues()),
            "libelle": annee.libelle,
            "zone": _zone(request),
        },
    )


@mgmt_view(
    context=ICalendrier,
    name="add_annee_scolaire",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddAnneeScolaireView(AddView):
    title = _("Ajouter une année scolaire")
    schema = AddAnneeScolaireSchema()

    def ajouter_success(self, appstruct):
        annee = self.request.registry.content.create("AnneeScolaire", **appstruct)
        self.context.add(appstruct["libelle"], annee, registry=self.request.registry)
        avertissement = vacances_inconnues(self.request, annee)
        if avertissement is not None:
            self.request.sdiapi.flash(self.request.localizer.translate(avertissement), "warning")
            return HTTPFound(self.request.sdiapi.mgmt_path(annee, "@@" + VACANCES))
        return self.added(annee)


@mgmt_view(
    context=ICalendrier,
    name="add_correction",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddCorrectionView(AddView):
    title = _("Corriger un jour")
    schema = AddCorrectionSchema()

    def ajouter_success(self, appstruct):
        date = appstruct.pop("date")
        correction = self.request.registry.content.create("Correction", **appstruct)
        self.context.add(date.isoformat(), correction, registry=self.request.registry)
        return self.added(correction)


@mgmt_view(
    context=IAnneeScolaire,
    name="add_periode_vacances",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddPeriodeVacancesView(AddView):
    """Only for a school year the holiday library does not know: the
    national calendar is not overridden period by period (a single day is
    corrected instead)."""

    title = _("Ajouter une période de vacances")
    schema = schemas.PeriodeVacancesSchema()

    def __call__(self):
        if jours.vacances_connues(self.context.debut, self.context.fin):
            self.request.sdiapi.flash(
                self.request.localizer.translate(
                    _(
                        "Les vacances de l'année ${libelle} sont celles du calendrier "
                        "national (zone ${zone}) : pour un jour différent, corrigez ce jour.",
                        mapping={"libelle": self.context.libelle, "zone": _zone(self.request)},
                    )
                ),
                "warning",
            )
            return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@" + VACANCES))
        return super().__call__()

    def ajouter_success(self, appstruct):
        periode = self.request.registry.content.create("PeriodeVacances", **appstruct)
        name = "vacances-%s" % appstruct["debut"].isoformat()
        self.context.add(name, periode, registry=self.request.registry)
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@" + VACANCES))


@mgmt_view(
    context=IAnneeScolaire,
    name=VACANCES,
    tab_title=_("Vacances scolaires"),
    permission=P.SDI_EDIT,
    renderer="templates/vacances.pt",
)
def vacances(context, request):
    """The school year's holidays, and where they come from: the periods
    the agents entered, else the holiday library's (zone of the town), else
    a warning that nobody knows them yet."""
    saisies = context.periodes()
    connues = jours.vacances_connues(context.debut, context.fin)
    if saisies:
        periodes = [
            (p.nom, p.debut, p.fin, request.sdiapi.mgmt_path(p, "@@properties")) for p in saisies
        ]
    elif connues:
        periodes = [
            (nom, debut, fin, None)
            for nom, debut, fin in jours.periodes_connues(
                context.debut, context.fin, _zone(request)
            )
        ]
    else:
        periodes = []
    avertissement = None if connues else vacances_inconnues(request, context)
    return {
        "annee": context,
        "zone": _zone(request),
        "saisies": bool(saisies),
        "connues": connues,
        "avertissement": avertissement and request.localizer.translate(avertissement),
        "periodes": [
            {
                "nom": nom,
                "debut": dates.courte(debut),
                "fin": dates.courte(fin),
                "genre": jours.genre_vacances(nom),
                "url": url,
            }
            for nom, debut, fin, url in periodes
        ],
        "ajouter": None if connues else request.sdiapi.mgmt_path(context, "@@add_periode_vacances"),
    }
