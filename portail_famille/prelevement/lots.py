"""A régie's monthly direct-debit batch and its rejects.

- ``apercu(root, regie, echeance)``: what a batch due ``echeance`` would
  debit: every unpaid invoice of the régie (not cancelled, not already in
  a batch nor at the Trésor public) of the families with a mandate in
  force that day, one debit per family; and the invoices left out, with
  the reason.  Its ``empreinte`` (a SHA-256 of what it shows) goes with the
  confirmation: ``construire`` refuses (``ApercuPerime``, with the new
  preview) when the data changed in between, rather than build something
  the régisseur did not see.
- ``construire``: the numbered batch, its pain.008.001.02 file (``sepaxml``,
  validated with lxml against the XSD bundled in sepaxml), each invoice
  marked (``Facture.prelevement``: "Prélèvement prévu le …", no online
  payment) and each mandate used (FRST then RCUR), in one transaction:
  the reference.  The SDI does the same as a long job (``preparation``):
  ``ouvrir`` (the request: checked, numbered, "en préparation"),
  ``preparer`` (each chunk of families), ``achever`` (the file, from what
  the chunks stored).
- ``transmettre`` (préparé → transmis); done (transmis → effectué, after
  the due date) by a long job too: ``payer`` (each chunk: one payment of
  mode "prelevement" per invoice, through facturation's own recording,
  and its receipt frozen).
- ``rejeter``: a rejected debit (an R-transaction code): its payments
  cancelled by numbered Annulations, the invoices unpaid again (and
  payable online), a fee invoice (setting ``portail.sepa.frais_rejet``),
  the mandate revoked for the codes that say it is void, the family told.

Measured (bench/prelevement.py, 10,000 families, 4,000 mandates): see the
bench's README.
"""

import datetime
import hashlib
import json
import os
from decimal import Decimal, InvalidOperation

import sepaxml
from BTrees.OOBTree import OOBTree
from jours_feries_france import JoursFeries
from lxml import etree
from sepaxml import SepaDD

from .. import dates, fichiers
from ..facturation import corrections, pdf, service
from ..facturation.resources import Facture
from ..i18n import _
from ..montants import ZERO, arrondi
from . import mandats as m
from .resources import (
    ABANDONNE,
    EFFECTUE,
    EN_PREPARATION,
    PREPARE,
    TRANSMIS,
    Lot,
    lots,
    numero_suivant,
    tous,
)

MODE = "prelevement"
DELAI_JOURS = 2
XML = "application/xml"
SCHEMA = "pain.008.001.02"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:" + SCHEMA
E2E_MAX = 35
LIBELLE_MAX = 140
PAR_GC = 500  # families read between two trims of the connection's cache

# The usual R-transaction reason codes (EPC's SDD Core rulebook), with
# what they mean for the régisseur.
CODES_REJET = (
    ("AC01", _("AC01 – IBAN incorrect")),
    ("AC04", _("AC04 – Compte clôturé")),
    ("AC06", _("AC06 – Compte bloqué")),
    ("AC13", _("AC13 – Compte d'un non-consommateur")),
    ("AG01", _("AG01 – Prélèvement interdit sur ce compte")),
    ("AG02", _("AG02 – Code opération incorrect")),
    ("AM04", _("AM04 – Provision insuffisante")),
    ("AM05", _("AM05 – Opération en double")),
    ("BE05", _("BE05 – Créancier inconnu")),
    ("FF01", _("FF01 – Fichier ou format invalide")),
    ("MD01", _("MD01 – Pas de mandat")),
    ("MD02", _("MD02 – Données du mandat manquantes ou incorrectes")),
    ("MD06", _("MD06 – Contestation du débiteur")),
    ("MD07", _("MD07 – Débiteur décédé")),
    ("MS02", _("MS02 – Refus du débiteur")),
    ("MS03", _("MS03 – Raison non communiquée")),
    ("RC01", _("RC01 – BIC incorrect")),
    ("RR01", _("RR01 – Identification du débiteur manquante")),
    ("RR02", _("RR02 – Nom ou adresse du débiteur manquant")),
    ("RR03", _("RR03 – Nom ou adresse du créancier manquant")),
    ("RR04", _("RR04 – Raison réglementaire")),
    ("SL01", _("SL01 – Service spécifique de la banque du débiteur")),
)
TITRES_CODES = dict(CODES_REJET)
# The codes that say the mandate can serve no more debit: it is revoked.
REVOQUANTS = frozenset(("AC01", "AC04", "AC06", "MD01", "MD07"))


class PrelevementError(Exception):
    """A rule refused the operation (a translation string in args[0])."""


class ApercuPerime(PrelevementError):
    """The data changed since the preview confirmed: ``apercu`` is the new one."""

    def __init__(self, message, apercu):
        super().__init__(message)
        self.apercu = apercu


# --- The due date ------------------------------------------------------------------


def jour_ouvre(jour):
    """Whether the banks settle on ``jour``: a weekday, neither a French
    public holiday nor a TARGET2 closing day (Good Friday, 26 December)."""
    if jour.weekday() >= 5 or JoursFeries.is_bank_holiday(jour):
        return False
    vendredi_saint = JoursFeries.paques(jour.year) - datetime.timedelta(days=2)
    return jour != vendredi_saint and (jour.month, jour.day) != (12, 26)


def refus_echeance(jour, aujourdhui):
    """Why ``jour`` cannot be a batch's due date (a translation string), or
    None."""
    if jour is None:
        return _("Date invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    if (jour - aujourdhui).days < DELAI_JOURS:
        return _(
            "L'échéance doit être au moins ${jours} jours après aujourd'hui.",
            mapping={"jours": DELAI_JOURS},
        )
    if (jour - aujourdhui).days > 366:
        return _("L'échéance doit être dans l'année qui vient.")
    if not jour_ouvre(jour):
        return _(
            "Le ${jour} n'est pas un jour ouvré (week-end ou jour férié) : choisissez un "
            "jour ouvré.",
            mapping={"jour": dates.courte(jour)},
        )
    return None


# --- The preview ---------------------------------------------------------------------


def _reference(numeros):
    """The end-to-end id naming the invoices (35 characters at most)."""
    texte = "+".join(numeros)
    if len(texte) <= E2E_MAX:
        return texte
    suite = "+%d" % (len(numeros) - 1)
    return numeros[0][: E2E_MAX - len(suite)] + suite


def _libelle(regie, numeros):
    texte = "%s - Facture%s %s" % (regie.title, "s" if len(numeros) > 1 else "", ", ".join(numeros))
    return texte if len(texte) <= LIBELLE_MAX else texte[: LIBELLE_MAX - 3] + "..."


def _raison_facture(facture):
    if facture.annulee_par:
        return _("Annulée par ${numero}", mapping={"numero": facture.annulee_par})
    if facture.tresor is not None:
        return _("Transmise au Trésor public")
    if facture.prelevement is not None:
        return _(
            "Déjà dans le lot ${lot} (échéance du ${jour})",
            mapping={
                "lot": facture.prelevement["lot"],
                "jour": dates.courte(facture.prelevement["echeance"]),
            },
        )
    return None


def apercu(root, regie, echeance):
    """What a batch of ``regie`` due ``echeance`` would debit (see the
    module): a dict with debits (one per family, by name), exclues (the
    invoices left out, with their reason: translation strings), nombre,
    total, empreinte.  Reads only."""
    debits = []
    exclues = []
    sans_mandat = _(
        "Aucun mandat de prélèvement actif au ${jour}", mapping={"jour": dates.courte(echeance)}
    )
    familles = root["familles"]
    jar = getattr(familles, "_p_jar", None)
    for rang, famille in enumerate(familles.values()):
        if jar is not None and rang % PAR_GC == PAR_GC - 1:
            jar.cacheGC()  # only read so far: the town is not kept in memory
        factures = service.impayees(famille, regie)
        if not factures:
            continue
        retenues = []
        for facture in factures:
            raison = _raison_facture(facture)
            if raison is None:
                retenues.append(facture)
            else:
                exclues.append(_exclue(famille, facture, raison))
        if not retenues:
            continue
        mandat = m.mandat_actif(famille, echeance)
        if mandat is None:
            exclues.extend(_exclue(famille, f, sans_mandat) for f in retenues)
            continue
        numeros = [f.numero for f in retenues]
        debits.append(
            {
                "famille": famille.numero,
                "nom": famille.nom_complet or famille.numero,
                "titulaire": mandat.titulaire,
                "rum": mandat.rum,
                "signe_le": mandat.signe_le,
                "sequence": mandat.sequence,
                "iban": mandat.iban,
                "bic": mandat.bic,
                "factures": tuple((f.numero, f.reste) for f in retenues),
                "montant": sum((f.reste for f in retenues), ZERO),
                "reference": _reference(numeros),
                "libelle": _libelle(regie, numeros),
            }
        )
    debits.sort(key=lambda d: (d["nom"].lower(), d["famille"]))
    exclues.sort(key=lambda e: (e["nom"].lower(), e["famille"], e["facture"]))
    found = {
        "echeance": echeance,
        "debits": debits,
        "exclues": exclues,
        "nombre": len(debits),
        "total": sum((d["montant"] for d in debits), ZERO),
    }
    found["empreinte"] = empreinte(found)
    return found


def _exclue(famille, facture, raison):
    return {
        "famille": famille.numero,
        "nom": famille.nom_complet or famille.numero,
        "facture": facture.numero,
        "reste": facture.reste,
        "raison": raison,
    }


def empreinte(found):
    """A SHA-256 of what a preview shows (its due date, each debit and each
    invoice left out)."""
    data = {
        "echeance": found["echeance"].isoformat(),
        "debits": [
            [d["famille"], d["rum"], d["sequence"], [[n, str(v)] for n, v in d["factures"]]]
            for d in found["debits"]
        ],
        "exclues": [[e["famille"], e["facture"], str(e["reste"])] for e in found["exclues"]],
    }
    texte = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


# --- The pain.008 file -------------------------------------------------------------------


def _centimes(montant):
    return int((arrondi(montant) * 100).to_integral_value())


def pain008(numero, echeance, debits, creancier, moment):
    """The pain.008.001.02 file (bytes) of the batch ``numero``: one
    transaction per debit, grouped by sequence (FRST, RCUR); its message id
    is the batch's number, each payment information's id the number and
    its sequence.  ``moment``: its creation time (aware)."""
    config = {
        "name": creancier.nom,
        "IBAN": creancier.iban,
        "BIC": creancier.bic,
        "batch": True,
        "creditor_id": creancier.ics,
        "currency": "EUR",
    }
    sepa = SepaDD(config, schema=SCHEMA, clean=True)
    for debit in debits:
        paiement = {
            "name": debit["titulaire"] or debit["nom"],
            "IBAN": debit["iban"],
            "amount": _centimes(debit["montant"]),
            "type": debit["sequence"],
            "collection_date": echeance,
            "mandate_id": debit["rum"],
            "mandate_date": debit["signe_le"],
            "description": debit["libelle"],
            "endtoend_id": debit["reference"],
        }
        if debit.get("bic"):
            paiement["BIC"] = debit["bic"]
        sepa.add_payment(paiement)
    document = etree.fromstring(sepa.export(validate=False))
    ns = {"p": NAMESPACE}
    document.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", ns).text = numero
    document.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:CreDtTm", ns).text = dates.local(moment).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    for info in document.iterfind("p:CstmrDrctDbtInitn/p:PmtInf", ns):
        sequence = info.find("p:PmtTpInf/p:SeqTp", ns).text
        info.find("p:PmtInfId", ns).text = "%s-%s" % (numero, sequence)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


_schema = []


def schema():
    """The XSD of pain.008.001.02 bundled in sepaxml, loaded once."""
    if not _schema:
        path = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", SCHEMA + ".xsd")
        _schema.append(etree.XMLSchema(etree.parse(path)))
    return _schema[0]


def erreurs_schema(data):
    """The schema's complaints about the file ``data`` ([] when valid)."""
    xsd = schema()
    try:
        document = etree.fromstring(data)
    except etree.XMLSyntaxError as e:
        return [str(e)]
    if xsd.validate(document):
        return []
    return ["%d: %s" % (e.line, e.message) for e in xsd.error_log]


def parametres_manquants(creancier):
    """The settings a file needs and that are empty (their names)."""
    noms = (("nom", "creancier"), ("ics", "ics"), ("iban", "iban"), ("bic", "bic"))
    return ["portail.sepa.%s" % setting for key, setting in noms if not getattr(creancier, key)]


# --- Building, sending, done --------------------------------------------------------------


def _verifier(root, regie, echeance, attendue, creancier, aujourdhui):
    """The preview of digest ``attendue``, checked again (see ``construire``)."""
    aujourdhui = aujourdhui or dates.today()
    refus = refus_echeance(echeance, aujourdhui)
    if refus is not None:
        raise PrelevementError(refus)
    manquants = parametres_manquants(creancier)
    if manquants:
        raise PrelevementError(
            _(
                "Paramètres SEPA manquants : ${noms}.",
                mapping={"noms": ", ".join(manquants)},
            )
        )
    en_cours = [lot.numero for lot in tous(regie) if lot.etat == EN_PREPARATION]
    if en_cours:
        raise PrelevementError(
            _(
                "Le lot ${lot} est en préparation : attendez qu'il soit prêt avant d'en "
                "créer un autre.",
                mapping={"lot": en_cours[0]},
            )
        )
    found = apercu(root, regie, echeance)
    if found["empreinte"] != attendue:
        raise ApercuPerime(
            _(
                "Les factures ou les mandats ont changé depuis l'aperçu : voici l'aperçu à jour, "
                "vérifiez-le avant de confirmer."
            ),
            found,
        )
    if not found["debits"]:
        raise PrelevementError(_("Aucune facture à prélever à cette échéance."))
    return found, aujourdhui


def _fichier(lot, debits, creancier):
    """The batch's pain.008 file, validated (PrelevementError when it is not)."""
    data = pain008(lot.numero, lot.echeance, debits, creancier, lot.cree_le)
    erreurs = erreurs_schema(data)
    if erreurs:
        raise PrelevementError(
            _(
                "Le fichier ne respecte pas le schéma ${schema} : ${erreur}",
                mapping={"schema": SCHEMA, "erreur": erreurs[0]},
            )
        )
    return fichiers.Fichier(data, XML, "%s.xml" % lot.numero)


def construire(root, regie, echeance, attendue, creancier, par="", aujourdhui=None):
    """Build the batch the preview of digest ``attendue`` showed, all in the
    caller's transaction (the SDI queues ``preparer`` instead: this is the
    reference its file is compared with, and the bench's); returns the
    Lot.  Raises ApercuPerime (with the new preview) when the data changed,
    PrelevementError when nothing is to debit, the settings are missing or
    the file does not validate."""
    found, aujourdhui = _verifier(root, regie, echeance, attendue, creancier, aujourdhui)
    numero = numero_suivant(regie, aujourdhui.year)
    lot = Lot(numero, regie, echeance, _sans_compte(found["debits"]), par)
    lot.fichier = _fichier(lot, found["debits"], creancier)
    lots(regie, create=True)[numero] = lot
    familles = root["familles"]
    usages = {}
    for debit in found["debits"]:
        famille = familles[debit["famille"]]
        for numero_facture, _montant in debit["factures"]:
            service.factures(famille)[numero_facture].prelevement = {
                "lot": numero,
                "echeance": echeance,
            }
        for mandat in m.mandats(famille):
            if mandat.rum == debit["rum"]:
                usages[mandat.rum] = mandat.dernier_usage
                mandat.utiliser(echeance)
    lot.usages = usages
    return lot


# --- The batch prepared by a worker (``preparation``) ---------------------------------------


def ouvrir(root, regie, echeance, attendue, creancier, par="", aujourdhui=None):
    """The request's part of a batch: the preview checked as ``construire``
    does, the batch numbered (its number taken now, in the request's
    transaction: never skipped, never given twice) and kept "en
    préparation" with its debits; the worker's chunks (``preparer``) mark
    the invoices and use the mandates, its last one writes the file
    (``achever``).  Returns the Lot."""
    found, aujourdhui = _verifier(root, regie, echeance, attendue, creancier, aujourdhui)
    numero = numero_suivant(regie, aujourdhui.year)
    lot = Lot(numero, regie, echeance, _sans_compte(found["debits"]), par, etat=EN_PREPARATION)
    lot.usages = OOBTree()
    lot.comptes = OOBTree()
    lot.ecartes = OOBTree()
    lots(regie, create=True)[numero] = lot
    return lot


def _ecart(famille, debit, lot):
    """Why the debit can no longer be made as the preview showed it (an
    invoice paid online, cancelled... since the batch was queued: a
    translation string), or None; then the family's mandate."""
    if famille is None:
        return _("Famille introuvable."), None
    mandat = m.mandat_actif(famille, lot.echeance)
    if mandat is None or mandat.rum != debit["rum"] or mandat.sequence != debit["sequence"]:
        return _("Le mandat a changé depuis l'aperçu."), None
    for numero_facture, montant in debit["factures"]:
        facture = service.factures(famille).get(numero_facture)
        if not isinstance(facture, Facture):
            return _("Facture ${numero} introuvable.", mapping={"numero": numero_facture}), None
        if _raison_facture(facture) is not None or facture.reste != montant:
            return (
                _(
                    "La facture ${numero} a changé depuis l'aperçu (réglée, annulée…).",
                    mapping={"numero": numero_facture},
                ),
                None,
            )
    return None, mandat


def preparer(root, lot, numeros_familles):
    """A chunk of the batch's preparation (the worker's transaction): each
    family's invoices marked, its mandate used (its last use kept in
    ``lot.usages``), its account kept for the file (``lot.comptes``); a
    debit that no longer holds is left out (``lot.ecartes``).  A family
    done already is passed over.  Returns the debits left out (family
    number, reason)."""
    familles = root["familles"]
    par_famille = {d["famille"]: d for d in lot.debits}
    ecartes = []
    for numero in numeros_familles:
        debit = par_famille.get(numero)
        if debit is None or numero in lot.comptes or numero in lot.ecartes:
            continue
        famille = familles.get(numero)
        raison, mandat = _ecart(famille, debit, lot)
        if raison is not None:
            lot.ecartes[numero] = raison
            ecartes.append((numero, raison))
            continue
        for numero_facture, _montant in debit["factures"]:
            service.factures(famille)[numero_facture].prelevement = {
                "lot": lot.numero,
                "echeance": lot.echeance,
            }
        lot.usages[mandat.rum] = mandat.dernier_usage
        mandat.utiliser(lot.echeance)
        lot.comptes[numero] = (mandat.iban, mandat.bic)
    return ecartes


def achever(lot, creancier, par):
    """The last chunk's end: the file written from what the chunks stored
    (the accounts then dropped: they are in the file and the mandates),
    the batch "préparé".  When no debit is left, or the file does not
    validate, the batch is abandoned with the reason (its number kept)
    and its invoices freed.  Returns the reason, or None."""
    comptes = lot.comptes
    if len(comptes) != len(lot.debits):  # left out, or passed over after an error
        lot.debits = tuple(d for d in lot.debits if d["famille"] in comptes)
    debits = []
    for debit in lot.debits:
        iban, bic = comptes[debit["famille"]]
        debits.append(dict(debit, iban=iban, bic=bic))
    raison = None
    if not debits:
        raison = _("Aucun prélèvement n'a pu être préparé : les factures ont changé.")
    else:
        try:
            lot.fichier = _fichier(lot, debits, creancier)
        except PrelevementError as e:
            raison = e.args[0]
    lot.comptes = None
    lot.travail = None
    lot.changer(PREPARE, par)
    return raison


def obstacle_abandon(lot):
    """Why ``lot`` cannot be abandoned (a translation string), or None."""
    if lot.etat == ABANDONNE:
        return _("Ce lot est déjà abandonné.")
    if lot.etat == EN_PREPARATION:
        return _("Ce lot est en préparation : attendez qu'il soit prêt.")
    if lot.etat != PREPARE:
        return _(
            "Ce lot a été transmis à la banque : il ne peut plus être abandonné ; un "
            "prélèvement rejeté s'enregistre comme rejet une fois le lot effectué."
        )
    return None


def abandonner(root, lot, motif, par=""):
    """préparé → abandonné: the file was never sent.  Its invoices leave the
    batch (due again, payable online), each mandate's last use is what it
    was before the batch (its next debit FRST again if this was its first);
    the batch, its number and its file are kept."""
    obstacle = obstacle_abandon(lot)
    if obstacle is not None:
        raise PrelevementError(obstacle)
    familles = root["familles"]
    usages = lot.usages or {}
    for debit in lot.debits:
        famille = familles.get(debit["famille"])
        if famille is None:
            continue
        for numero_facture, _montant in debit["factures"]:
            facture = service.factures(famille).get(numero_facture)
            if facture is not None and (facture.prelevement or {}).get("lot") == lot.numero:
                facture.prelevement = None
        for mandat in m.mandats(famille):
            if mandat.rum == debit["rum"] and mandat.dernier_usage == lot.echeance:
                mandat.dernier_usage = usages.get(mandat.rum)
    lot.motif_abandon = motif
    lot.changer(ABANDONNE, par)


def _sans_compte(debits):
    """What the batch keeps of each debit: not the account (it is in the
    file, and in the mandate)."""
    return [{k: v for k, v in d.items() if k not in ("iban", "bic")} for d in debits]


def transmettre(lot, par=""):
    """préparé → transmis: the file was sent to the bank."""
    if lot.etat != PREPARE:
        raise PrelevementError(_("Ce lot a déjà été transmis à la banque."))
    lot.changer(TRANSMIS, par)


def obstacle_effectuer(lot, aujourdhui=None):
    """Why ``lot`` cannot be marked done today (a translation string), or None."""
    aujourdhui = aujourdhui or dates.today()
    if lot.etat in (PREPARE, EN_PREPARATION):
        return _("Le lot doit d'abord être transmis à la banque.")
    if lot.travail is not None:
        return _("Les règlements de ce lot sont en cours d'enregistrement.")
    if lot.etat == EFFECTUE:
        return _("Ce lot est déjà effectué.")
    if aujourdhui < lot.echeance:
        return _(
            "Le lot ne peut être effectué qu'à partir de son échéance, le ${jour}.",
            mapping={"jour": dates.courte(lot.echeance)},
        )
    return None


def payer(request, root, regie, lot, numeros_familles, par):
    """A chunk of the batch done by a worker (the worker's transaction):
    the payments of these families' debits recorded (never twice:
    ``lot.reglements``) and their receipts frozen in the same transaction
    (rendered, then kept: a chunk done again after ``kill -9`` renders
    them again, never issues them twice).  Returns the payments."""
    familles = set(numeros_familles)
    debits = [d for d in lot.debits if d["famille"] in familles]
    recus = _payer(root, regie, lot, debits, par, request.registry)
    pdf.figer(request, pdf.preparer(request, recus))
    return recus


def _payer(root, regie, lot, debits, par, registry):
    familles = root["familles"]
    found = []
    for debit in debits:
        famille = familles[debit["famille"]]
        for numero_facture, montant in debit["factures"]:
            if numero_facture in lot.reglements:
                continue
            reglement = service.enregistrer_reglement(
                famille,
                regie,
                lot.echeance,
                montant,
                MODE,
                numeros=[numero_facture],
                reference=lot.numero,
                par=par,
                registry=registry,
            )
            lot.reglements[numero_facture] = reglement.numero
            found.append(reglement)
    return found


# --- Rejects ------------------------------------------------------------------------------


def frais_rejet(settings):
    """The fee billed for a rejected debit (setting ``portail.sepa.frais_rejet``,
    "0" or empty: none)."""
    texte = str(settings.get("portail.sepa.frais_rejet") or "0").strip().replace(",", ".")
    try:
        montant = arrondi(Decimal(texte))
    except InvalidOperation:
        return ZERO
    return montant if montant > ZERO else ZERO


def obstacle_rejet(lot, famille_numero):
    if lot.etat != EFFECTUE:
        return _("Un rejet s'enregistre sur un lot effectué.")
    if lot.debit(famille_numero) is None:
        return _("Ce prélèvement n'est pas dans le lot.")
    if famille_numero in lot.rejets:
        return _("Le rejet de ce prélèvement est déjà enregistré.")
    return None


def rejeter(root, regie, lot, famille_numero, code, motif, jour, settings, par="", registry=None):
    """Record the reject of the family's debit in ``lot``: see the module.
    Returns the reject (a dict: code, motif, date, par, annulations, frais,
    revoque)."""
    refus = obstacle_rejet(lot, famille_numero)
    if refus is not None:
        raise PrelevementError(refus)
    if code not in TITRES_CODES:
        raise PrelevementError(_("Choisissez le code de rejet."))
    if jour < lot.echeance:
        raise PrelevementError(_("Le rejet ne peut précéder l'échéance du lot."))
    debit = lot.debit(famille_numero)
    famille = root["familles"][famille_numero]
    texte = (
        "Prélèvement rejeté (%s) : %s" % (code, motif)
        if motif
        else "Prélèvement rejeté (%s)" % code
    )
    annulations = []
    for numero_facture, _montant in debit["factures"]:
        numero_reglement = lot.reglements.get(numero_facture)
        reglement = service.reglements(famille).get(numero_reglement or "")
        if reglement is not None and not reglement.annule_par:
            annulation = corrections.annuler_reglement(
                reglement, jour, texte, par=par, registry=registry
            )
            annulations.append(annulation.numero)
        facture = service.factures(famille).get(numero_facture)
        if isinstance(facture, Facture):
            facture.prelevement = None
    frais = frais_rejet(settings)
    numero_frais = ""
    if frais > ZERO:
        ligne = {
            "enfant": "",
            "structure": "",
            "prestation": "Frais de rejet de prélèvement (%s)" % lot.numero,
            "prestation_oid": None,
            "unite": "",
            "quantite": 1,
            "prix": frais,
            "montant": frais,
        }
        numero_frais = service.emettre_facture(
            famille, regie, jour, jour, jour, [ligne], par=par, registry=registry
        ).numero
    revoque = False
    if code in REVOQUANTS:
        for mandat in m.mandats(famille):
            if mandat.rum == debit["rum"] and mandat.revoque_le is None:
                mandat.revoquer(jour, par)
                revoque = True
    rejet = {
        "code": code,
        "motif": motif,
        "date": jour,
        "par": par,
        "le": dates.horodatage(),
        "annulations": tuple(annulations),
        "frais": numero_frais,
        "revoque": revoque,
    }
    lot.rejets[famille_numero] = rejet
    return rejet
