"""SDI tab "Journal" of a Régie: its numbered operations in number order
(``journal_regie``), 50 numbers a page, for the régie's staff
(``P.FACTURE_VOIR``: régisseurs, administrators).

Each line: the date, the number, what it is (Facture, Avoir, Règlement,
Annulation, Remboursement), the family, the amount and its reference (the
period of an invoice, the invoice a credit note corrects, a payment's mode
and reference and its cancellation, a cancellation's payment and reason,
a refund's mode and reason).  A GET writes nothing.
"""

from substanced.sdi import mgmt_view

from ... import dates
from ...i18n import _
from ...montants import euros
from ...security import P
from .. import corrections, journal_regie
from ..corrections import TITRES_REMBOURSEMENT, Annulation, Remboursement
from ..regies import IRegie
from ..resources import TITRES_MODES, Avoir, Facture, Reglement
from .compte import _lien, _tr

NATURES = {
    Facture: _("Facture"),
    Avoir: _("Avoir"),
    Reglement: _("Règlement"),
    Annulation: _("Annulation"),
    Remboursement: _("Remboursement"),
}


def reference(request, document):
    """What a line of the journal says of ``document`` beside its amount."""
    tr = request.localizer.translate
    if isinstance(document, Facture):
        texte = "%s - %s" % (dates.courte(document.debut), dates.courte(document.fin))
        if document.annulee_par:
            texte += " — " + tr(
                _("annulée par ${numero}", mapping={"numero": document.annulee_par})
            )
        return texte
    if isinstance(document, Avoir):
        return "%s %s : %s" % (tr(_("Facture")), document.facture, document.motif)
    if isinstance(document, Reglement):
        parts = [tr(TITRES_MODES.get(document.mode, document.mode)), document.reference]
        mention = corrections.mention(document)
        if mention is not None:
            parts.append(tr(mention))
        return " — ".join(p for p in parts if p)
    if isinstance(document, Annulation):
        return "%s %s : %s" % (tr(_("Règlement")), document.reglement, document.motif)
    if isinstance(document, Remboursement):
        parts = [tr(TITRES_REMBOURSEMENT.get(document.mode, document.mode)), document.reference]
        return " — ".join(p for p in parts if p) + " : " + document.motif
    return ""


def _entier(valeur):
    return (
        int(valeur) if isinstance(valeur, str) and valeur.isdigit() and len(valeur) < 16 else None
    )


@mgmt_view(
    context=IRegie,
    name="journal",
    tab_title=_("Journal"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/journal_regie.pt",
)
def journal_view(context, request):
    regie = context
    depuis = _entier(request.GET.get("depuis"))
    numero = request.GET.get("numero", "")
    introuvable = False
    if isinstance(numero, str) and numero.strip():
        depuis = journal_regie.cle(regie, numero)
        introuvable = depuis is None
    found = journal_regie.page(regie, depuis)
    url = request.sdiapi.mgmt_path(regie, "@@journal")

    def lien(debut):
        return None if debut is None else "%s?depuis=%d" % (url, debut)

    lignes = []
    for document in found["documents"]:
        famille = document.famille
        lignes.append(
            {
                "numero": document.numero,
                "url": _lien(request, document),
                "date": dates.courte(document.date),
                "nature": _tr(request, NATURES.get(type(document), type(document).__name__)),
                "famille": "%s %s" % (famille.numero, famille.nom_complet),
                "compte": request.sdiapi.mgmt_path(famille, "@@compte"),
                "sens": document.sens,
                "montant": euros(document.montant),
                "reference": reference(request, document),
            }
        )
    return {
        "regie": regie,
        "lignes": lignes,
        "precedent": lien(found["precedent"]),
        "suivant": lien(found["suivant"]),
        "numero": numero if isinstance(numero, str) else "",
        "introuvable": introuvable,
        "action": url,
    }
