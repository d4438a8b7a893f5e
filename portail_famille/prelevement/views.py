"""Mon compte > "Prélèvement automatique": the family's SEPA mandate.

``/familles/<n>/prelevement-automatique``: the mandate in force (RUM,
signature date, state, titular, the IBAN masked, the creditor and its ICS),
the history, and the form asking for direct debit (titular, IBAN, BIC, the
mandate's text and its acceptance).  ``arret-prelevement``: the
confirmation page of the request to stop it.  ``mandat-sepa.pdf?mandat=<rank>``:
the mandate's PDF, the IBAN masked.

Nothing here changes a mandate: each form deposits a request (Demande) the
service processes (``service``).  The full IBAN never reaches a family's
page.
"""

import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from .. import dates
from ..demandes import service as demandes
from ..demandes.views import RENDERER, SAISIE
from ..familles import limites
from ..familles.resources import IFamille
from ..familles.validators import masquer_iban
from ..i18n import _, traduire
from ..journal import audit
from ..security import P
from ..skin import sans_sous_chemin
from . import creancier, mandats, service
from .pdf import rendre_mandat, texte_mandat
from .schemas import MandatSchema

PAGE = "prelevement-automatique"
ARRET = "arret-prelevement"
PDF = "mandat-sepa.pdf"
FORMID = "mandat"


def _jour(moment):
    return dates.courte(dates.local(moment))


def ligne_mandat(request, mandat, pdf_url):
    """What a page shows of one mandate (the IBAN masked)."""
    etat = mandat.etat()
    return {
        "rum": mandat.rum,
        "signe_le": dates.courte(mandat.signe_le),
        "etat": etat,
        "libelle_etat": traduire(request, mandats.ETATS[etat]),
        "revoque_le": dates.courte(mandat.revoque_le) if mandat.revoque_le else "",
        "titulaire": mandat.titulaire,
        "iban": masquer_iban(mandat.iban),
        "bic": mandat.bic,
        "pdf": pdf_url(mandat),
    }


def _formulaire(request, context):
    schema = MandatSchema().bind(
        request=request, context=context, _csrf_token_=get_csrf_token(request)
    )
    for node in schema.children:
        if node.name == "_csrf_token_":
            continue
        node.oid = "champ-" + node.name
        if node.name in ("titulaire", "iban", "bic"):
            node.widget = deform.widget.TextInputWidget(attributes=SAISIE.get(node.name, {}))
    schema["bic"].description = _(
        "Facultatif pour une banque française : il est retrouvé à partir de l'IBAN."
    )
    return deform.Form(
        schema,
        action=request.resource_path(context, PAGE),
        formid=FORMID,
        buttons=(deform.Button("demander", _("Demander le prélèvement automatique")),),
        renderer=RENDERER,
    )


def _page(context, request, form_html=None, erreur=False, limite=None):
    sans_sous_chemin(request)
    infos = creancier(request.registry.settings)
    actif = mandats.mandat_actif(context)

    def pdf_url(mandat):
        return request.resource_path(context, PDF, query={"mandat": service.rang(context, mandat)})

    historique = [ligne_mandat(request, m, pdf_url) for m in reversed(mandats.mandats(context))]
    attente_mandat = demandes.en_attente(context, service.MANDAT)
    attente_arret = demandes.en_attente(context, service.REVOCATION)
    # Staff read the page; only the family asks (P.DEMANDE_CREER).
    peut_demander = bool(request.has_permission(P.DEMANDE_CREER, context))
    if not peut_demander:
        form_html = ""
    elif form_html is None:
        form = _formulaire(request, context)
        titulaire = context.bancaires.get("titulaire_compte") or ""
        form_html = form.render({"titulaire": titulaire} if titulaire else {})
    return {
        "famille": context,
        "creancier": infos,
        "texte": texte_mandat(request, infos.nom),
        "actif": ligne_mandat(request, actif, pdf_url) if actif else None,
        "historique": historique,
        "attente_mandat": _jour(attente_mandat.date_demande) if attente_mandat else None,
        "attente_arret": _jour(attente_arret.date_demande) if attente_arret else None,
        "arret": (
            request.resource_path(context, ARRET)
            if peut_demander and actif is not None and attente_arret is None
            else None
        ),
        "form": form_html,
        "peut_demander": peut_demander,
        "erreur": erreur,
        "limite": limite,
        "retour": request.resource_path(context, "mon-compte"),
        "liste": request.resource_path(
            context, "liste-des-demandes", query={"onglet": "compte", "type": service.MANDAT}
        ),
    }


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/prelevement.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def prelevement(context, request):
    # Bank details read by staff: audited (a write on GET, on purpose).
    audit.noter_personnel(request, context, audit.BANCAIRES)
    return _page(context, request)


def _controles(request):
    """The submitted text fields, trimmed (uploads ignored)."""
    return [
        (name, value.strip())
        for name, value in request.POST.items()
        if isinstance(value, str) and name not in ("__start__", "__end__")
    ]


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/prelevement.pt",
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def demander(context, request):
    """The form sent: checked, then deposited as a request."""
    sans_sous_chemin(request)
    form = _formulaire(request, context)
    try:
        appstruct = form.validate(_controles(request))
    except deform.ValidationFailure as failure:
        return _page(context, request, form_html=failure.render(), erreur=True)
    try:
        limites.compter(request.registry.settings, context, limites.DEMANDES)
    except limites.LimiteAtteinte as refus:
        limites.reessayer(request.response, refus)
        return _page(
            context,
            request,
            form_html=form.render(appstruct),
            limite=traduire(request, refus.args[0]),
        )
    _demande, remplacee = service.demander_mandat(
        context,
        appstruct["titulaire"],
        appstruct["iban"],
        appstruct["bic"],
        request.user.__name__,
        request.registry,
    )
    _annoncer(request, remplacee)
    return HTTPFound(request.resource_path(context, PAGE))


def _annoncer(request, remplacee):
    message = request.localizer.translate(
        _("Votre demande a été transmise au service enfance jeunesse.")
    )
    if remplacee is not None:
        message += " " + request.localizer.translate(
            _("Elle remplace votre demande précédente, qui était encore en attente.")
        )
    request.session.flash(message, "portail")


# --- Stopping the direct debit ---------------------------------------------------


def _arret(context, request):
    """(the mandate in force, the page's values); back to the page when
    there is none."""
    sans_sous_chemin(request)
    actif = mandats.mandat_actif(context)
    if actif is None:
        request.session.flash(
            request.localizer.translate(_("Vous n'avez pas de mandat de prélèvement en vigueur.")),
            "portail",
        )
        raise HTTPFound(request.resource_path(context, PAGE))
    values = {
        "famille": context,
        "mandat": ligne_mandat(request, actif, lambda m: None),
        "action": request.resource_path(context, ARRET),
        "retour": request.resource_path(context, PAGE),
        "csrf_token": get_csrf_token(request),
        "limite": None,
    }
    return actif, values


@view_config(
    context=IFamille,
    name=ARRET,
    renderer="templates/arret.pt",
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def arret(context, request):
    """The confirmation page: what stops, and the button."""
    return _arret(context, request)[1]


@view_config(
    context=IFamille,
    name=ARRET,
    renderer="templates/arret.pt",
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def confirmer_arret(context, request):
    actif, values = _arret(context, request)
    if request.POST.get("rum") != actif.rum:
        # the page showed another mandate (signed or revoked since): again
        return values
    try:
        limites.compter(request.registry.settings, context, limites.DEMANDES)
    except limites.LimiteAtteinte as refus:
        limites.reessayer(request.response, refus)
        values["limite"] = traduire(request, refus.args[0])
        return values
    _demande, remplacee = service.demander_revocation(
        context, actif, request.user.__name__, request.registry
    )
    _annoncer(request, remplacee)
    return HTTPFound(request.resource_path(context, PAGE))


# --- The PDF ---------------------------------------------------------------------


@view_config(
    context=IFamille,
    name=PDF,
    permission=P.FAMILLE_VOIR,
    request_method=("GET", "HEAD"),
)
def mandat_pdf(context, request):
    """The family's copy of one of its mandates: the IBAN masked."""
    sans_sous_chemin(request)
    mandat = service.par_rang(context, request.GET.get("mandat"))
    if mandat is None:
        raise HTTPNotFound()
    return rendre_mandat(request, context, mandat, complet=False)
