"""The mandate's PDF ("Mandat de prélèvement SEPA"), rendered on demand
through the project's renderer (``portail_famille.pdf``): it is the record
of what the family signed, not a numbered document, so it is not frozen.
The family's copy shows the IBAN masked (as every family page does); the
staff's shows it in full (its reading is journaled by the staff view)."""

import re

from pyramid.renderers import render

from .. import dates, pdf, tableur
from ..familles.validators import masquer_iban
from ..i18n import _
from . import creancier, mandats

TEMPLATE = "portail_famille.prelevement:templates/mandat_pdf.pt"


def texte_mandat(request, nom_creancier):
    """The standard wording of a SEPA mandate, in French, with the
    creditor's name: its paragraphs."""
    translate = request.localizer.translate
    return [
        translate(
            _(
                "En signant ce formulaire de mandat, vous autorisez ${creancier} à envoyer "
                "des instructions à votre banque pour débiter votre compte, et votre banque à "
                "débiter votre compte conformément aux instructions de ${creancier}.",
                mapping={"creancier": nom_creancier},
            )
        ),
        translate(
            _(
                "Vous bénéficiez du droit d'être remboursé par votre banque selon les "
                "conditions décrites dans la convention que vous avez passée avec elle. Une "
                "demande de remboursement doit être présentée dans les 8 semaines suivant la "
                "date de débit de votre compte pour un prélèvement autorisé."
            )
        ),
        translate(
            _(
                "Vos droits concernant le présent mandat sont expliqués dans un document que "
                "vous pouvez obtenir auprès de votre banque."
            )
        ),
    ]


def espacer(iban):
    """FR7630001007941234567890185 -> 'FR76 3000 1007 9412 3456 7890 185'."""
    compact = (iban or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def rendre_mandat(request, famille, mandat, complet=False):
    """The PDF response of ``mandat`` (``complet``: the full IBAN)."""
    translate = request.localizer.translate
    infos = creancier(request.registry.settings)
    etat = mandat.etat()
    responsable = famille.responsable
    adresse = " ".join(
        p for p in (responsable.get(k, "") for k in ("adresse", "code_postal", "ville")) if p
    )
    values = {
        "creancier": infos,
        "texte": texte_mandat(request, infos.nom),
        "rum": mandat.rum,
        "titulaire": mandat.titulaire,
        "adresse": adresse,
        "numero": famille.numero,
        "iban": espacer(mandat.iban) if complet else masquer_iban(mandat.iban),
        "bic": mandat.bic,
        "signe_le": dates.courte(mandat.signe_le),
        "etat": translate(mandats.ETATS[etat]),
        "revoque_le": dates.courte(mandat.revoque_le) if mandat.revoque_le else "",
        "edite_le": dates.courte(dates.today()),
    }
    html = render(TEMPLATE, values, request=request)
    body = pdf.rendre(html, request.registry.settings)
    nom = "mandat-sepa-%s.pdf" % re.sub(r"[^0-9A-Za-z-]", "", mandat.rum)
    return tableur.piece_jointe(body, "application/pdf", nom)
