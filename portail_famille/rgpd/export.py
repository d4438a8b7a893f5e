"""Everything the portal holds about one family (RGPD right of access), as
plain data: ``donnees(famille, request)`` -> a dict of str, numbers, lists
and dicts, ready for JSON; the readable PDF (``pdf.py``) prints the same.

Only what hangs under the Famille is read (its record, children,
requests, SEPA mandates, conversations, invoices, credit notes, payments)
plus the accounts of its own parents: nothing of another family can get in.
A child another household holds and this one shares (garde alternée,
``familles.partage``) is in it too (``enfants_partages``), with only the
child's common data a second household sees (identity, authorisations,
health data, inscriptions) and the days this household booked: never the
first household's record, requests, invoices or other children.  The
IBAN is given masked, as on every page of the portal (a stolen session must
not yield it); attachments are listed (name, type, size), not included.
"""

import datetime
from decimal import Decimal

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from translationstring import TranslationString

from .. import dates, inscriptions
from ..facturation.corrections import IAnnulation, IRemboursement
from ..facturation.resources import IAvoir, IFacture, IReglement
from ..familles import partage, schemas
from ..familles.resources import IDENTITE_ENFANT, SECTIONS, SECTIONS_ENFANT
from ..familles.validators import masquer_iban
from ..planning import cells, horaires
from ..planning.legende import ETATS
from ..prelevement import mandats
from ..rappels.service import export as export_rappels

VERSION = 1
MASQUES = ("iban",)

# section -> its schema (the French titles of its fields).
SCHEMAS = {
    "responsable": schemas.PersonneSchema,
    "conjoint": schemas.PersonneSchema,
    "fiscales": schemas.FiscalesSchema,
    "caf": schemas.CafSchema,
    "bancaires": schemas.BancairesSchema,
    "identite": schemas.EnfantSchema,
    "autorisations": schemas.AutorisationsSchema,
    "sanitaires": schemas.SanitairesSchema,
}


def titres(section):
    """{field: French title} of a section (for the PDF)."""
    return {node.name: node.title for node in SCHEMAS[section]() if not node.name.startswith("_")}


def simple(value, request=None):
    """``value`` as JSON data: dates in ISO 8601, amounts as strings."""
    if isinstance(value, TranslationString):
        return request.localizer.translate(value) if request is not None else str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, PersistentMapping)):
        return {str(k): simple(v, request) for k, v in value.items()}
    if isinstance(value, (list, tuple, PersistentList)):
        return [simple(v, request) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(simple(v, request) for v in value)
    return str(value)


def _masquer(values):
    values = dict(values)
    for name in MASQUES:
        if values.get(name):
            values[name] = masquer_iban(values[name])
    return values


def _section(mapping):
    return simple(_masquer(mapping))


def _comptes(famille):
    return [
        {"identifiant": user.__name__, "email": getattr(user, "email", "") or ""}
        for user in famille.parents()
    ]


def _planning(enfant, prestations, request, foyer=None):
    """Every planning cell of the child, by date (with what its pointage
    recorded); ``foyer`` (a second household of a shared child): only the
    days it booked."""
    tree = cells.cellules(enfant)
    if tree is None:
        return []
    rows = []
    for (oid, day), etat in tree.items():
        if foyer is not None and partage.foyer_de_la_cellule(enfant, oid, day) != foyer:
            continue  # the first household's day
        prestation = prestations.get(oid)
        row = {
            "date": day.isoformat(),
            "structure": prestation.structure.title if prestation is not None else "",
            "prestation": prestation.title if prestation is not None else "",
            "etat": etat,
            "libelle": simple(ETATS[etat][1], request) if etat in ETATS else etat,
        }
        releve = horaires.releve(enfant, oid, day)
        if releve is not None:
            # the pointage's times, the reason of an excused absence
            row.update(zip(("arrivee", "depart", "motif"), releve, strict=True))
        rows.append(row)
    rows.sort(key=lambda r: (r["date"], r["structure"], r["prestation"]))
    return rows


def _inscription(inscription, prestations):
    prestation = prestations.get(inscription.prestation)
    return {
        "annee": inscription.annee,
        "structure": prestation.structure.title if prestation is not None else "",
        "prestation": prestation.title if prestation is not None else "",
        "debut": simple(inscription.debut),
        "jours": sorted(inscription.jours),
        "libelle_jours": inscriptions.libelle_jours(inscription.jours),
    }


def _enfant(enfant, prestations, request, foyer=None):
    return {
        "identifiant": enfant.__name__,
        "identite": {name: simple(getattr(enfant, name, None)) for name in IDENTITE_ENFANT},
        **{section: _section(getattr(enfant, section)) for section in SECTIONS_ENFANT},
        "inscriptions": sorted(
            (_inscription(i, prestations) for i in enfant.inscriptions.values()),
            key=lambda i: (i["annee"], i["structure"], i["prestation"]),
        ),
        "planning": _planning(enfant, prestations, request, foyer),
    }


def _par_age(enfants):
    return sorted(
        enfants, key=lambda e: (e.date_naissance is None, e.date_naissance or 0, e.prenom)
    )


def _demande(demande, request):
    return {
        "type": demande.type_demande,
        "libelle": simple(demande.type.titre, request),
        "etat": demande.etat,
        "libelle_etat": simple(demande.titre_etat, request),
        "enfant": demande.nom_enfant,
        "date_demande": simple(demande.date_demande),
        "demandeur": demande.demandeur,
        "valeurs": _section(demande.valeurs),
        "anciennes": _section(demande.anciennes),
        "date_traitement": simple(demande.date_traitement),
        "motif_refus": demande.motif_refus,
        "motif_acceptation": demande.motif_acceptation,
        "jour": simple(demande.jour),
        # its supporting documents, named (their contents stay in the portal)
        "pieces": [
            {
                "nature": simple(piece.libelle_nature, request),
                "nom": piece.nom,
                "type": piece.mimetype,
                "taille": piece.taille,
                "date": simple(piece.date),
            }
            for piece in demande.pieces
        ],
    }


def _mandat(mandat, request):
    """A SEPA mandate the family signed (its IBAN masked, as everywhere)."""
    etat = mandat.etat()
    return {
        "rum": mandat.rum,
        "titulaire": mandat.titulaire,
        "iban": masquer_iban(mandat.iban),
        "bic": mandat.bic,
        "signe_le": simple(mandat.signe_le),
        "etat": etat,
        "libelle_etat": simple(mandats.ETATS[etat], request),
        "revoque_le": simple(mandat.revoque_le),
        "motif_revocation": mandat.motif_revocation,
        "dernier_prelevement": simple(mandat.dernier_usage),
    }


def _message(message):
    fichier = message.fichier
    return {
        "auteur": message.auteur,
        "nom": simple(message.nom),
        "date": simple(message.date),
        "texte": message.texte,
        "piece_jointe": (
            {"nom": fichier.nom, "type": fichier.mimetype, "taille": fichier.taille}
            if fichier is not None
            else None
        ),
    }


def _conversation(conversation):
    return {
        "objet": conversation.objet,
        "origine": conversation.origine,
        "date": simple(conversation.derniere),
        "messages": [_message(m) for m in conversation.messages],
    }


def _operation(operation):
    return {
        "numero": operation.numero,
        "regie": operation.regie,
        "date": simple(operation.date),
        "montant": simple(operation.montant),
    }


def _facture(facture):
    return {
        **_operation(facture),
        "periode": {"debut": simple(facture.debut), "fin": simple(facture.fin)},
        "echeance": simple(facture.echeance),
        "lignes": simple(facture.lignes),
        "reste_a_payer": simple(facture.reste),
        "annulee_par": facture.annulee_par,
    }


def _avoir(avoir):
    return {**_operation(avoir), "facture": avoir.facture, "motif": avoir.motif}


def _reglement(reglement):
    return {
        **_operation(reglement),
        "mode": reglement.mode,
        "reference": reglement.reference,
        "annule_par": reglement.annule_par,
    }


def _annulation(annulation):
    return {**_operation(annulation), "reglement": annulation.reglement, "motif": annulation.motif}


def _remboursement(remboursement):
    return {
        **_operation(remboursement),
        "mode": remboursement.mode,
        "reference": remboursement.reference,
        "motif": remboursement.motif,
    }


def _valeurs(folder):
    return list(folder.values()) if folder is not None else []


def donnees(famille, request=None):
    """Everything held about ``famille``, as JSON data."""
    prestations = inscriptions.prestations_par_oid(famille)
    factures = _valeurs(famille.get("factures"))
    reglements = _valeurs(famille.get("reglements"))
    enfants = _par_age(_valeurs(famille.get("enfants")))
    return {
        "format": "portail-famille/mes-donnees",
        "version": VERSION,
        "date_export": simple(dates.horodatage()),
        "famille": {
            "numero": famille.numero,
            **{section: _section(getattr(famille, section)) for section in SECTIONS},
            "comptes": _comptes(famille),
        },
        "enfants": [_enfant(enfant, prestations, request) for enfant in enfants],
        # shared with another household (garde alternée): its common data
        "enfants_partages": [
            _enfant(enfant, prestations, request, famille.__name__)
            for enfant in _par_age(partage.enfants_partages(famille))
        ],
        "demandes": sorted(
            (_demande(d, request) for d in _valeurs(famille.get("demandes"))),
            key=lambda d: d["date_demande"] or "",
        ),
        "mandats": [_mandat(m, request) for m in mandats.mandats(famille)],
        # Mes rappels: the choices and every reminder kept in the outbox.
        "rappels": export_rappels(famille, request),
        "messages": sorted(
            (_conversation(c) for c in _valeurs(famille.get("messages"))),
            key=lambda c: c["date"] or "",
        ),
        "factures": sorted(
            (_facture(f) for f in factures if IFacture.providedBy(f)),
            key=lambda f: (f["date"] or "", f["numero"]),
        ),
        "avoirs": sorted(
            (_avoir(a) for a in factures if IAvoir.providedBy(a)),
            key=lambda a: (a["date"] or "", a["numero"]),
        ),
        "reglements": sorted(
            (_reglement(r) for r in reglements if IReglement.providedBy(r)),
            key=lambda r: (r["date"] or "", r["numero"]),
        ),
        "annulations": sorted(
            (_annulation(a) for a in reglements if IAnnulation.providedBy(a)),
            key=lambda a: (a["date"] or "", a["numero"]),
        ),
        "remboursements": sorted(
            (_remboursement(r) for r in reglements if IRemboursement.providedBy(r)),
            key=lambda r: (r["date"] or "", r["numero"]),
        ),
    }
