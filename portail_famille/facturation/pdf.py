"""The invoice, the credit note, the payment's receipt, a payment's
cancellation and a refund as PDF (view ``pdf``) and the yearly "attestation fiscale" of a family (view
``attestation-fiscale``).

Each is an HTML page of its own (templates/*_pdf.pt: the CSS inline,
no image, every value escaped by Chameleon) rendered by
``portail_famille.pdf``.  Served to the family's parents and to staff
(P.FACTURE_VOIR), never cached.

The invoice, the credit note, the receipt, the cancellation and the
refund are numbered documents: they are frozen (``originaux``).  ``preparer`` makes their HTML where they are
issued (the data as issued), ``figer`` renders and keeps the PDFs; a
download serves the original, or freezes at its first download a document
that has none (issued before, or its rendering failed when issued).  The
attestation is no issued document (a yearly sum of payments, dated the day
it is asked for): it is rendered at each request.
"""

import datetime
import logging
import re

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.renderers import get_renderer, render
from pyramid.response import Response
from pyramid.traversal import find_root
from pyramid.view import exception_view_config, view_config
from ZODB.POSException import ConflictError

from .. import dates, pdf
from ..adresses import url_absolue
from ..familles.resources import IFamille
from ..i18n import _
from ..montants import euros
from ..retry import essayer
from ..security import P
from ..skin import sans_sous_chemin
from . import attestation, originaux
from .corrections import (
    TITRES_REMBOURSEMENT,
    Annulation,
    IAnnulation,
    IRemboursement,
    Remboursement,
)
from .jours import jours_factures
from .regies import regie_de
from .resources import (
    TITRES_MODES,
    Avoir,
    Facture,
    IAvoir,
    IFacture,
    IReglement,
    Reglement,
    _Operation,
)

log = logging.getLogger(__name__)

PDF = "pdf"
ATTESTATION = "attestation-fiscale"
MAIRIE = "Mairie"
MAIRIE_DE = "Mairie de %s"


def nom_de_fichier(*parts):
    """'facture', 'AL-36' -> 'facture-AL-36.pdf' (ASCII letters, digits, '-')."""
    name = "-".join(re.sub(r"[^A-Za-z0-9_]+", "-", str(p)).strip("-") for p in parts)
    return "%s.pdf" % (name or "document")


def reponse_pdf(request, html, filename):
    body = pdf.rendre(html, request.registry.settings)
    response = Response(body=body, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="%s"' % filename
    response.headers["Cache-Control"] = "no-store"
    return response


@exception_view_config(pdf.PdfError, renderer="portail_famille.skin:templates/error.pt")
def pdf_impossible(exc, request):
    """The renderer failed (missing, broken, too slow): a French page, the
    cause in the log."""
    log.error("PDF not made for %s: %s", request.path_info, exc)
    request.response.status = 503
    request.response.headers["Retry-After"] = "30"
    return {
        "title": _("Document indisponible"),
        "text": _(
            "Le document PDF n'a pas pu être créé. Réessayez dans un instant ; "
            "si le problème persiste, contactez le service."
        ),
    }


def quantite(value):
    """3 -> '3', Decimal('1.50') -> '1,5'."""
    text = format(value, "f") if not isinstance(value, int) else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _famille(famille):
    r = famille.responsable
    return {
        "numero": famille.numero,
        "nom": " ".join(p for p in (r.get("civilite"), r.get("prenom"), r.get("nom")) if p),
        "adresse": r.get("adresse") or "",
        "ville": " ".join(p for p in (r.get("code_postal"), r.get("ville")) if p),
    }


def _ville(request):
    """The town as printed: 'Mairie de Biviers' and 'Biviers' (settings
    ``portail.mairie`` and ``portail.commune``)."""
    settings = request.registry.settings
    commune = (settings.get("portail.commune") or "").strip()
    mairie = (settings.get("portail.mairie") or "").strip()
    if not mairie:
        mairie = MAIRIE_DE % commune if commune else MAIRIE
    return {
        "mairie": mairie,
        "commune": commune,
        "portail": settings.get("portail.nom") or "Portail Famille",
    }


def _entete(request, document):
    """The town, the régie and the family: the top of every document."""
    regie = regie_de(document)
    return {
        **_ville(request),
        "regie": document.regie,  # its title as issued
        "regie_adresse": regie.adresse if regie is not None else "",
        "en_ligne": bool(regie is not None and regie.numcli),
        "famille": _famille(document.famille),
        "layout_pdf": get_renderer("templates/layout_pdf.pt").implementation().macros["document"],
    }


def _operation(famille, numero, montant):
    """An allocation, as printed: the other side (the payment or credit
    note of an invoice, the invoice of a payment)."""
    found = famille["reglements"].get(numero) or famille["factures"].get(numero)
    ok = isinstance(found, _Operation)
    return {
        "numero": numero,
        "date": dates.courte(found.date) if ok else "",
        "description": found.description if ok else "",
        "montant": euros(montant),
    }


def html_facture(request, facture):
    values = _entete(request, facture)
    famille = facture.famille
    values.update(
        {
            "numero": facture.numero,
            "date": dates.courte(facture.date),
            "echeance": dates.courte(facture.echeance),
            "periode": "%s - %s" % (dates.courte(facture.debut), dates.courte(facture.fin)),
            "lignes": [
                {
                    "enfant": ligne["enfant"],
                    "structure": ligne["structure"],
                    "prestation": ligne["prestation"],
                    "quantite": quantite(ligne["quantite"]),
                    "prix": euros(ligne["prix"]),
                    "montant": euros(ligne["montant"]),
                }
                for ligne in facture.lignes
            ],
            "jours": [
                {
                    "date": dates.courte(j["date"]),
                    "enfant": j["enfant"],
                    "activite": "%s — %s" % (j["structure"], j["prestation"]),
                    "quantite": quantite(j["quantite"]),
                    "prix": euros(j["prix"]),
                }
                for j in jours_factures(facture)
            ],
            "total": euros(facture.montant),
            "deja": euros(facture.affecte),
            "reste": euros(facture.reste),
            "payee": facture.payee,
            "annulee_par": facture.annulee_par,
            "operations": [
                _operation(famille, numero, montant)
                for numero, montant in sorted(facture.affectations.items())
            ],
            "url_portail": url_absolue(request, find_root(facture)),
        }
    )
    return render("templates/facture_pdf.pt", values, request=request)


def html_avoir(request, avoir):
    values = _entete(request, avoir)
    facture = avoir.famille["factures"].get(avoir.facture)
    values.update(
        {
            "numero": avoir.numero,
            "date": dates.courte(avoir.date),
            "facture": avoir.facture,
            "facture_date": dates.courte(facture.date) if isinstance(facture, Facture) else "",
            "facture_description": facture.description if isinstance(facture, Facture) else "",
            "motif": avoir.motif,
            "montant": euros(avoir.montant),
            "affecte": euros(avoir.affecte),
            "disponible": euros(avoir.disponible),
        }
    )
    return render("templates/avoir_pdf.pt", values, request=request)


def html_recu(request, reglement):
    values = _entete(request, reglement)
    famille = reglement.famille
    mode = TITRES_MODES.get(reglement.mode)
    values.update(
        {
            "numero": reglement.numero,
            "date": dates.courte(reglement.date),
            "mode": request.localizer.translate(mode) if mode else reglement.mode,
            "reference": reglement.reference,
            "montant": euros(reglement.montant),
            "factures": [
                _operation(famille, numero, montant)
                for numero, montant in sorted(reglement.affectations.items())
            ],
            "disponible": euros(reglement.disponible),
        }
    )
    return render("templates/recu_pdf.pt", values, request=request)


def html_annulation(request, annulation):
    values = _entete(request, annulation)
    famille = annulation.famille
    reglement = famille["reglements"].get(annulation.reglement)
    ok = isinstance(reglement, Reglement)
    mode = TITRES_MODES.get(reglement.mode) if ok else None
    values.update(
        {
            "numero": annulation.numero,
            "date": dates.courte(annulation.date),
            "reglement": annulation.reglement,
            "reglement_date": dates.courte(reglement.date) if ok else "",
            "reglement_mode": request.localizer.translate(mode) if mode else "",
            "motif": annulation.motif,
            "montant": euros(annulation.montant),
            "factures": [
                _operation(famille, numero, montant) for numero, montant in annulation.factures
            ],
        }
    )
    return render("templates/annulation_pdf.pt", values, request=request)


def html_remboursement(request, remboursement):
    values = _entete(request, remboursement)
    mode = TITRES_REMBOURSEMENT.get(remboursement.mode)
    values.update(
        {
            "numero": remboursement.numero,
            "date": dates.courte(remboursement.date),
            "mode": request.localizer.translate(mode) if mode else remboursement.mode,
            "reference": remboursement.reference,
            "motif": remboursement.motif,
            "montant": euros(remboursement.montant),
            "credits": [
                _operation(remboursement.famille, numero, montant)
                for numero, montant in sorted(remboursement.affectations.items())
            ],
        }
    )
    return render("templates/remboursement_pdf.pt", values, request=request)


# Each numbered document: its HTML, the prefix of its file's name.
MODELES = {
    Facture: (html_facture, "facture"),
    Avoir: (html_avoir, "avoir"),
    Reglement: (html_recu, "recu"),
    Annulation: (html_annulation, "annulation"),
    Remboursement: (html_remboursement, "remboursement"),
}


def preparer(request, documents):
    """[(document, HTML, file name)] of the ``documents`` without original:
    call it where they are issued, in the transaction that issues them
    (the data as issued); for a document issued without its PDF, its HTML
    kept then, else the data as it is now."""
    found = []
    for document in documents:
        if originaux.original(document) is None:
            modele, prefixe = MODELES[type(document)]
            html = originaux.html_emis(document) or modele(request, document)
            found.append((document, html, nom_de_fichier(prefixe, document.numero)))
    return found


def figer(request, prepares, tm=None):
    """Render the PDFs of ``prepares`` (``preparer``), several at a time,
    and keep each as its document's original: in a transaction of its own
    with ``tm`` (committed, retried on conflict), else in the caller's.
    Nothing here may undo an issue: when the renderer fails the documents
    stay issued, their HTML kept instead, and each is frozen at its first
    download (logged).  Returns how many were frozen."""
    if not prepares:
        return 0
    numeros = ", ".join(d.numero for d, _h, _n in prepares)
    settings = request.registry.settings
    try:
        moteur = pdf.moteur(settings)
        datas = pdf.rendre_plusieurs([html for _d, html, _n in prepares], settings)
    except Exception as exc:  # PdfError, or a pool of processes that broke
        log.error(
            "PDF of %s not frozen when issued (%s): its HTML is kept, the PDF made "
            "by portail-famille-figer or at the first download",
            numeros,
            exc,
        )
        garder = lambda: [originaux.garder_html(d, html) for d, html, _n in prepares]  # noqa: E731
        datas = None
    else:

        def garder():
            for (document, _html, nom), data in zip(prepares, datas, strict=True):
                originaux.sceller(document, data, nom, moteur.nom)

    try:
        essayer(tm, garder)
    except ConflictError:  # ten times: the documents stay issued, unfrozen
        log.error(
            "PDF of %s not kept (conflicts): frozen by portail-famille-figer or at the "
            "first download",
            numeros,
        )
        return 0
    return len(prepares) if datas is not None else 0


def servir(request, document):
    """The document's original; one issued without is frozen now, at its
    first download (``originaux``).  Raises PdfError (a French 503) when
    it cannot be made."""
    sans_sous_chemin(request)
    found = originaux.original(document)
    if found is None:
        ((_document, html, nom),) = preparer(request, [document])
        moteur = pdf.moteur(request.registry.settings)
        found = originaux.sceller(document, moteur.rendre(html), nom, moteur.nom)
        log.info("%s frozen at its first download", document.numero)
    return originaux.reponse(request, found)


@view_config(context=IFacture, name=PDF, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD"))
def facture_pdf(context, request):
    return servir(request, context)


@view_config(context=IAvoir, name=PDF, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD"))
def avoir_pdf(context, request):
    return servir(request, context)


@view_config(
    context=IReglement, name=PDF, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD")
)
def recu_pdf(context, request):
    """The payment's receipt ("Reçu")."""
    return servir(request, context)


@view_config(
    context=IAnnulation, name=PDF, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD")
)
def annulation_pdf(context, request):
    """A payment's cancellation."""
    return servir(request, context)


@view_config(
    context=IRemboursement, name=PDF, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD")
)
def remboursement_pdf(context, request):
    return servir(request, context)


@exception_view_config(originaux.OriginalAltere, renderer="portail_famille.skin:templates/error.pt")
def original_altere(exc, request):
    """The stored original is not the one issued any more: never served;
    the cause in the log, for the administrators (restore the blob from a
    backup)."""
    log.error("Frozen document refused on %s: %s", request.path_info, exc)
    request.response.status = 500
    return {
        "title": _("Document indisponible"),
        "text": _(
            "Ce document ne peut pas être affiché : son exemplaire enregistré ne "
            "correspond plus à celui qui a été émis. Contactez le service."
        ),
    }


def annee_demandee(request):
    """The calendar year of ``?annee=2015``; without it, last year (the
    one a tax return is about).  A year that is not one, or to come: 400."""
    today = dates.today()
    value = request.GET.get("annee")
    if value is None or value == "":
        return today.year - 1
    if not re.fullmatch(r"[0-9]{4}", value) or not 2000 <= int(value) <= today.year:
        raise HTTPBadRequest(
            _(
                "Année invalide : indiquez une année passée ou l'année en cours, "
                "par exemple ${annee}.",
                mapping={"annee": today.year - 1},
            )
        )
    return int(value)


def html_attestation(request, famille, annee):
    frais = attestation.frais_de_garde(famille, annee)
    values = {
        **_ville(request),
        "famille": _famille(famille),
        "annee": annee,
        "premier_janvier": dates.courte(datetime.date(annee, 1, 1)),
        "nes_depuis": dates.courte(attestation.date_limite(annee)),
        "regies": frais["regies"],
        "enfants": [
            {
                "nom": enfant.title,
                "naissance": dates.courte(enfant.date_naissance),
                "montant": euros(montant),
            }
            for enfant, montant in frais["enfants"]
        ],
        "total": euros(frais["total"]),
        "fait_le": dates.courte(dates.today()),
        "layout_pdf": get_renderer("templates/layout_pdf.pt").implementation().macros["document"],
    }
    return render("templates/attestation_pdf.pt", values, request=request)


@view_config(
    context=IFamille, name=ATTESTATION, permission=P.FACTURE_VOIR, request_method=("GET", "HEAD")
)
def attestation_pdf(context, request):
    sans_sous_chemin(request)
    annee = annee_demandee(request)
    return reponse_pdf(
        request,
        html_attestation(request, context, annee),
        nom_de_fichier("attestation-fiscale", annee),
    )
