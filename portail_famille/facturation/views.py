"""What the parent sees of money: the home page's "Opérations en cours" and
"Factures Impayées", and the statement of a school year ("Relevé de
compte") with its tabs "Mes factures" and "Mes règlements".

The PDF (view ``pdf``) of an invoice, a credit note or a payment (its
receipt), an invoice's online payment (``payer``) and the yearly tax
certificate (``attestation-fiscale``) are pages of their own: only linked
from here."""

from pyramid.encode import urlencode
from pyramid.renderers import get_renderer
from pyramid.traversal import quote_path_segment
from pyramid.view import view_config

from .. import dates
from ..familles.resources import IFamille
from ..i18n import _, traduire
from ..montants import ZERO, euros
from ..security import P
from ..skin import chemin as chemin_de
from ..skin import sans_sous_chemin
from . import compte, corrections, lignes, service
from .corrections import TITRES_REMBOURSEMENT, Annulation, Remboursement
from .jours import jours_factures
from .pdf import quantite
from .resources import TITRES_MODES, Avoir, Facture, IFacture, Reglement

PDF = "pdf"  # view on a Facture, an Avoir or a Reglement (its receipt): its PDF
PAYER = "payer"  # view on a Facture: pay it online
ATTESTATION = "attestation-fiscale"  # view on the Famille, ?annee=2015

OPERATIONS = "operations"
FACTURES = "factures"
REGLEMENTS = "reglements"
ONGLETS = (
    (OPERATIONS, _("Relevé des opérations")),
    (FACTURES, _("Mes factures")),
    (REGLEMENTS, _("Mes règlements")),
)


def _date(day):
    return {"iso": day.isoformat(), "texte": dates.courte(day)}


def peut_payer(request, famille):
    """Only the family's parents pay online (staff read the same pages)."""
    return bool(request.has_permission(P.FACTURE_PAYER, famille))


ICONES = "portail_famille.facturation:templates/icones.pt"


def macro_icones():
    """The icons' macro (``icones.pt``): a row ``i`` with ``pdf``,
    ``texte_pdf``, ``payer`` and ``texte_payer`` (icones' result)."""
    return get_renderer(ICONES).implementation().macros["icones"]


def icones(request, document, payer=True, url=None):
    """The PDF icon's link of an invoice, a credit note or a payment's
    receipt and, when ``payer``, the card icon's of an invoice with
    something due, with the text a screen reader says (the markup:
    ``icones.pt``).  ``url``: the document's path when known."""
    if url is None:
        url = request.resource_path(document)  # ends with "/"
    numero = {"numero": document.numero}
    if isinstance(document, Avoir):
        texte_pdf = traduire(request, _("Imprimer l'avoir ${numero} (PDF)", mapping=numero))
        payer_url = texte_payer = None
    elif isinstance(document, Reglement):
        texte_pdf = traduire(request, _("Imprimer le reçu ${numero} (PDF)", mapping=numero))
        payer_url = texte_payer = None
    elif isinstance(document, Annulation):
        texte_pdf = traduire(request, _("Imprimer l'annulation ${numero} (PDF)", mapping=numero))
        payer_url = texte_payer = None
    elif isinstance(document, Remboursement):
        texte_pdf = traduire(
            request, _("Imprimer le remboursement ${numero} (PDF)", mapping=numero)
        )
        payer_url = texte_payer = None
    else:
        texte_pdf = traduire(request, _("Imprimer la facture ${numero} (PDF)", mapping=numero))
        a_payer = (
            payer and document.reste > ZERO and not document.annulee_par and not document.hors_regie
        )
        payer_url = url + PAYER if a_payer else None
        texte_payer = (
            traduire(request, _("Payer en ligne la facture ${numero}", mapping=numero))
            if a_payer
            else ""
        )
    return {
        "pdf": url + PDF,
        "texte_pdf": texte_pdf,
        "payer": payer_url,
        "texte_payer": texte_payer,
    }


# --- the home page's blocks ---------------------------------------------------


def en_cours(request, famille, jour):
    """The home page's "Opérations en cours" (the credit available on the
    account) and "Factures Impayées" (what is still due, with the total).
    Reads the family's own folders only."""
    impayees = service.impayees(famille)
    payer = peut_payer(request, famille) if impayees else False
    chemin = _chemins(request, famille)  # the invoices of its own folder
    lignes = []
    for facture in impayees:
        url = chemin(facture)
        lignes.append(
            {
                **icones(request, facture, payer, url),
                "numero": facture.numero,
                "url": url,
                "date": _date(facture.date),
                "echeance": _date(facture.echeance),
                "montant": euros(facture.reste),
                "hors_regie": _hors_regie(request, facture),
            }
        )
    return {
        "date": dates.en_toutes_lettres(jour),
        **sommes(famille),
        "impayees": bool(lignes),
        "lignes": lignes,
        "icones": macro_icones() if lignes else None,
    }


def sommes(famille, documents=None):
    """The account's two figures, as the staff's Compte tab has them:
    "Reste à payer" (what the unpaid invoices still owe, its "Total dû")
    and "Crédit disponible" (payments and credit notes not allocated yet;
    None when there is none, so that nothing speaks of a credit then).
    ``documents``: every numbered document of the family when already
    read (``compte.operations``), else the family's folders are."""
    if documents is None:
        reste = sum((f.reste for f in service.impayees(famille)), ZERO)
        credit = service.credit_disponible(famille)
    else:
        reste = credit = ZERO
        for document in documents:
            if isinstance(document, Facture):
                du = document.reste
                if du > ZERO:
                    reste += du
            elif isinstance(document, (Reglement, Avoir)):
                credit += document.disponible
    return {
        "reste": euros(reste),
        "credit": euros(credit) if credit > ZERO else None,
    }


def _hors_regie(request, facture):
    """Why an unpaid invoice is not paid online here ("Prélèvement prévu le
    …", "Transmise au Trésor public"), or ''."""
    if facture.tresor is not None:
        return traduire(request, _("Transmise au Trésor public"))
    if facture.prelevement is not None:
        return traduire(
            request,
            _(
                "Prélèvement prévu le ${jour}",
                mapping={"jour": dates.courte(facture.prelevement["echeance"])},
            ),
        )
    return ""


# --- Relevé de compte ---------------------------------------------------------


def annee_choisie(famille, jour, valeur, toutes=None):
    """The school years of the account (newest first) and the one asked for
    by its label ("2014-2015"); anything else asks for the current one.
    ``toutes``: the family's operations when already read."""
    annees = compte.annees_du_compte(famille, jour, toutes)
    for annee in annees:
        if compte.libelle_annee(annee[0]) == valeur:
            return annees, annee
    return annees, compte.annee_scolaire(jour)


def _colonnes(montant):
    """A balance in the statement's columns: owed by the family in Débit,
    a credit in Crédit."""
    if montant < ZERO:
        return {"debit": "", "credit": euros(-montant)}
    return {"debit": euros(montant), "credit": ""}


def _mention(request, operation):
    """'Annulé le … (AL-230 : motif)' of a cancelled payment, else ''."""
    mention = corrections.mention(operation)
    return traduire(request, mention) if mention is not None else ""


def _chemins(request, famille):
    """The path of one of ``famille``'s documents (the same as
    ``request.resource_path(document)``), from the family's own: one
    traversal for the page instead of one per row."""
    base = chemin_de(request, famille)

    def chemin(document):
        return "%s%s/%s/" % (
            base,
            quote_path_segment(document.__parent__.__name__),
            quote_path_segment(document.__name__),
        )

    return chemin


def _operation(request, operation, payer, chemin=None):
    """A row of "Relevé des opérations", with the manual's icons: its PDF
    (a) and, for an invoice still due at the régie, the card (b); an
    invoice collected elsewhere says so instead of the card."""
    debit, credit = compte.debit(operation), compte.credit(operation)
    facture = isinstance(operation, Facture)
    url = chemin(operation) if chemin is not None else request.resource_path(operation)
    return {
        **icones(request, operation, payer, url),
        "url": url if facture else None,
        "hors_regie": (
            _hors_regie(request, operation)
            if facture and operation.reste > ZERO and not operation.annulee_par
            else ""
        ),
        "numero": operation.numero,
        "date": _date(operation.date),
        "description": operation.description,
        "mention": _mention(request, operation),
        "regie": operation.regie,
        "debit": euros(debit) if operation.sens == "debit" else "",
        "credit": euros(credit) if operation.sens == "credit" else "",
    }


def _facture(request, document, payer, chemin=None):
    url = chemin(document) if chemin is not None else request.resource_path(document)
    ligne = icones(request, document, payer, url)
    if isinstance(document, Avoir):
        ligne.update(
            numero=document.numero,
            date=_date(document.date),
            periode=document.motif,
            echeance=None,
            montant=euros(document.montant),
            url=None,
            reste="",
            relances=[],
            etat=traduire(
                request, _("Avoir sur la facture ${numero}", mapping={"numero": document.facture})
            ),
        )
        return ligne
    if document.annulee_par:
        etat = traduire(
            request, _("Annulée par ${numero}", mapping={"numero": document.annulee_par})
        )
    elif document.payee:
        etat = traduire(request, _("Payée"))
    elif document.tresor is not None:
        etat = traduire(request, _("Transmise au Trésor public"))
    elif document.prelevement is not None:
        etat = traduire(
            request,
            _(
                "Prélèvement prévu le ${jour}",
                mapping={"jour": dates.courte(document.prelevement["echeance"])},
            ),
        )
    else:
        etat = traduire(request, _("À payer"))
    ligne.update(
        numero=document.numero,
        url=url,
        date=_date(document.date),
        periode="%s - %s" % (dates.courte(document.debut), dates.courte(document.fin)),
        echeance=_date(document.echeance),
        montant=euros(document.montant),
        reste=euros(max(document.reste, ZERO)),
        etat=etat,
        relances=compte.relances_envoyees(request, document),
    )
    return ligne


def _reglement(request, reglement, chemin=None):
    """A payment of "Mes règlements": the invoices it settles (a cancelled
    one settles none: its mention says why), or a refund."""

    def translate(value):
        return traduire(request, value)

    url = chemin(reglement) if chemin is not None else None
    if isinstance(reglement, Remboursement):
        mode = TITRES_REMBOURSEMENT.get(reglement.mode, reglement.mode)
        return {
            **icones(request, reglement, False, url),
            "numero": reglement.numero,
            "date": _date(reglement.date),
            "mode": translate(_("Remboursement : ${mode}", mapping={"mode": translate(mode)})),
            "montant": euros(reglement.montant),
            "factures": [],
            "mention": reglement.motif,
            "disponible": "",
        }
    factures = service.factures(reglement.famille)
    return {
        **icones(request, reglement, False, url),
        "numero": reglement.numero,
        "date": _date(reglement.date),
        "mode": translate(TITRES_MODES.get(reglement.mode, reglement.mode)),
        "montant": euros(reglement.montant),
        "factures": [
            "%s : %s" % (numero, euros(montant))
            for numero, montant in sorted(reglement.affectations.items())
            if isinstance(factures.get(numero), Facture)
        ],
        "mention": _mention(request, reglement),
        "disponible": euros(reglement.disponible),
    }


@view_config(
    context=IFamille,
    name="releve-de-compte",
    renderer="templates/releve.pt",
    permission=P.FACTURE_VOIR,
)
def releve_de_compte(context, request):
    sans_sous_chemin(request)
    jour = dates.today()
    toutes = compte.operations(context)  # read once for the whole page
    annees, (debut, fin) = annee_choisie(context, jour, request.GET.get("annee"), toutes)
    libelle = compte.libelle_annee(debut)
    onglet = request.GET.get("onglet")
    if onglet not in dict(ONGLETS):
        onglet = OPERATIONS
    releve = compte.releve(context, debut, fin, toutes)
    operations = releve["operations"]
    chemin = _chemins(request, context)
    # the family's path, then plain ASCII view names (as resource_path
    # quotes them: unchanged)
    base = chemin_de(request, context)
    action = base + "releve-de-compte"

    def lien(nom):
        query = {"annee": libelle}
        if nom != OPERATIONS:
            query["onglet"] = nom
        return "%s?%s" % (action, urlencode(query, doseq=True))

    responsable = context.responsable
    payer = peut_payer(request, context)
    page = {
        "famille": context,
        "responsable": " ".join(
            part for part in (responsable.get(k) for k in ("civilite", "prenom", "nom")) if part
        ),
        **sommes(context, toutes),
        "annees": [
            {"libelle": compte.libelle_annee(a[0]), "choisie": a[0] == debut} for a in annees
        ],
        "annee": libelle,
        "onglet": onglet,
        "onglets": [
            {"nom": nom, "titre": traduire(request, titre), "url": lien(nom)}
            for nom, titre in ONGLETS
        ],
        "attestations": [
            {
                "annee": annee,
                "url": "%s%s?%s" % (base, ATTESTATION, urlencode({"annee": annee}, doseq=True)),
            }
            for annee in (debut.year, fin.year)
            if annee <= jour.year
        ],
        "action": action,
    }
    # The rows as markup (lignes.py: every value escaped there).
    libelles = lignes.libelles(request)
    if onglet == OPERATIONS:
        page.update(
            operations=lignes.operations(
                [_operation(request, o, payer, chemin) for o in operations], libelles
            ),
            ancien_solde=_colonnes(releve["ancien_solde"]),
            solde_annee=_colonnes(releve["solde"]),
            total_debit=euros(releve["total_debit"]),
            total_credit=euros(releve["total_credit"]),
        )
    elif onglet == FACTURES:
        page["factures"] = lignes.factures(
            [
                _facture(request, o, payer, chemin)
                for o in operations
                if isinstance(o, (Facture, Avoir))
            ],
            libelles,
        )
    else:
        page["reglements"] = lignes.reglements(
            [
                _reglement(request, o, chemin)
                for o in operations
                if isinstance(o, (Reglement, Remboursement))
            ],
            libelles,
        )
    return page


# --- one invoice --------------------------------------------------------------


def _affectations(request, facture):
    """The payments and credit notes that settled part of ``facture``
    (number, date, description, amount allocated), with their PDF."""
    famille = facture.famille
    found = []
    for numero, montant in sorted(facture.affectations.items()):
        document = famille["reglements"].get(numero) or famille["factures"].get(numero)
        if document is None:
            continue
        found.append(
            {
                **icones(request, document, payer=False),
                "numero": numero,
                "date": _date(document.date),
                "description": document.description,
                "montant": euros(montant),
            }
        )
    return found


@view_config(
    context=IFacture,
    renderer="templates/facture.pt",
    permission=P.FACTURE_VOIR,
    request_method=("GET", "HEAD"),
)
def facture(context, request):
    """An invoice as the family reads it: its figures, its state, the
    manual's icons (PDF, card), its lines and the days it bills."""
    sans_sous_chemin(request)
    famille = context.famille
    ligne = _facture(request, context, peut_payer(request, famille))
    return {
        "facture": ligne,
        "regie": context.regie,
        "deja": euros(context.affecte),
        "lignes": [
            {
                "enfant": li.get("enfant", ""),
                "activite": "%s — %s" % (li.get("structure", ""), li.get("prestation", "")),
                "quantite": quantite(li["quantite"]),
                "prix": euros(li["prix"]),
                "montant": euros(li["montant"]),
            }
            for li in context.lignes
        ],
        "jours": [
            {
                "date": _date(j["date"]),
                "enfant": j["enfant"],
                "activite": "%s — %s" % (j["structure"], j["prestation"]),
                "quantite": quantite(j["quantite"]),
                "prix": euros(j["prix"]),
            }
            for j in jours_factures(context)
        ],
        "reglements": _affectations(request, context),
        "releve": request.resource_path(
            famille,
            "releve-de-compte",
            query={
                "annee": compte.libelle_annee(compte.annee_scolaire(context.date)[0]),
                "onglet": FACTURES,
            },
        ),
        "icones": macro_icones(),
    }
