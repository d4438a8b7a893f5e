"""Invoices to the Trésor public: the settings, the candidates, the
preview and the file.

A candidate is an invoice of the régie still due (``reste`` > 0), not
cancelled, neither in a direct-debit batch nor sent already
(``hors_regie``), with at least ``portail.pes.relances`` reminders
(``Facture.relances``, written by the reminders).  Its debtor is the
family's responsable: an invoice whose debtor has no complete postal
address (street, 5-digit postcode, town) or no name is left out, with
the reason, for the régisseur to complete the family's record first
(Hélios rejects a titre without them).

The candidates are read from the régie's index of numbers
(``journal_regie``): one pass over the régie's documents, no walk of the
families; the family is each invoice's parent.  Measured by
``bench/pes.py``.
"""

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation

from BTrees.OOBTree import OOBTree
from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates, journal
from ..facturation import journal_regie
from ..facturation.resources import Facture
from ..i18n import _
from ..montants import ZERO, euros
from ..prelevement.mandats import mandat_actif
from ..relances import index as index_impayes
from ..util import objet
from . import controle, ecriture, resources

DEFAUT_RELANCES = 2
# The threshold below which a collectivité does not issue a titre for a
# local product (décret 2017-509: 15 euros); ``portail.pes.seuil``.
DEFAUT_SEUIL = Decimal("15.00")
# Days from the file to the Trésor's debit of a family with a mandate
# (DtePrel): the time Hélios takes in the titre and notifies the debtor.
DELAI_PRELEVEMENT = 14
TITRE_TRANSMIS = "TitreTransmisTresor"
FICHIER_PES = "FichierPES"
ACTIONS = {
    TITRE_TRANSMIS: _("Facture transmise au Trésor public"),
    FICHIER_PES: _("Fichier PES envoyé au Trésor public"),
}

# setting -> (PES element, check, what it is)
REGLAGES = (
    ("collectivite", "IdColl", r"\d{14}", _("le SIRET de la collectivité, 14 chiffres")),
    ("code_collectivite", "CodCol", r"\d{3}", _("le code collectivité, 3 chiffres")),
    ("budget", "CodBud", r"[0-9A-Z]\d", _("le code budget, 2 caractères (par exemple 00)")),
    ("poste_comptable", "IdPost", r"\d{6,7}", _("le poste comptable, 6 ou 7 chiffres")),
    ("libelle", "LibelleColBud", r".{1,38}", _("le libellé du budget, 38 caractères au plus")),
    ("nature", "Nature", r"[0-9A-Z]{3,10}", _("la nature comptable des lignes (par exemple 7067)")),
    ("produit", "CodProdLoc", r"[0-9A-Za-z]{1,4}", _("le code produit local, 1 à 4 caractères")),
)


class FichierRefuse(Exception):
    """The file did not pass its structure check: nothing was sent."""

    def __init__(self, erreurs):
        super().__init__(erreurs)
        self.erreurs = erreurs


def reglages(settings):
    """(values, errors): the settings read, and a French message for each
    one missing or malformed (nothing may be sent while there is one)."""
    valeurs, erreurs = {}, []
    for cle, element, motif, quoi in REGLAGES:
        valeur = (settings.get("portail.pes.%s" % cle) or "").strip()
        if cle == "libelle":
            valeur = ecriture.texte(valeur, 38)
        if not re.fullmatch(motif, valeur):
            erreurs.append(
                _(
                    "Réglage portail.pes.${cle} (${element}) absent ou invalide : indiquez "
                    "${quoi}.",
                    mapping={"cle": cle, "element": element, "quoi": quoi},
                )
            )
        valeurs[cle] = valeur
    texte = str(settings.get("portail.pes.relances") or DEFAUT_RELANCES).strip()
    if texte.isdigit() and 1 <= int(texte) <= 9:
        valeurs["relances"] = int(texte)
    else:
        erreurs.append(
            _(
                "Réglage portail.pes.relances invalide : le nombre de relances avant "
                "l'envoi au Trésor public, de 1 à 9."
            )
        )
    try:
        seuil = Decimal(str(settings.get("portail.pes.seuil") or DEFAUT_SEUIL).strip())
    except InvalidOperation:
        seuil = None
    if seuil is None or not seuil.is_finite() or seuil < ZERO:
        erreurs.append(
            _(
                "Réglage portail.pes.seuil invalide : le montant en euros sous lequel une "
                "facture n'est pas transmise (par exemple 15)."
            )
        )
    else:
        valeurs["seuil"] = seuil
    return valeurs, erreurs


def est_candidate(facture, relances):
    return (
        not facture.annulee_par
        and not facture.hors_regie
        and len(facture.relances or ()) >= relances
        and facture.reste > ZERO
    )


def candidates(regie, relances):
    """The régie's invoices to send, in number order.

    Read from the régie's unpaid invoices (``relances.index``), not from
    the journal of all its numbers: a candidate owes something and was
    reminded, hence has a due date, so it is there.  On the 10,000-family
    town only the unpaid invoices are loaded (bench/pes.py: the preview
    in the confirmation's request, and in each chunk's check)."""
    impayes = index_impayes.index(regie)
    numeros = journal_regie.index(regie)
    if not impayes or not numeros:
        return
    for cle in sorted(valeur[1] for valeur in impayes.values()):
        document = numeros.get(cle)
        if isinstance(document, Facture) and est_candidate(document, relances):
            yield document


def tiers(famille):
    """The debtor: the family's responsable (civilité, names, address)."""
    r = famille.responsable
    return {
        "civilite": r.get("civilite") or "",
        "nom": r.get("nom") or "",
        "prenom": r.get("prenom") or "",
        "adresse": r.get("adresse") or "",
        "code_postal": (r.get("code_postal") or "").strip(),
        "ville": r.get("ville") or "",
    }


def motif_exclusion(debiteur, reste, seuil):
    """Why a titre cannot be sent to this debtor for ``reste``, or None."""
    if reste < seuil:
        return _(
            "Reste dû inférieur au seuil de mise en recouvrement (${seuil}).",
            mapping={"seuil": euros(seuil)},
        )
    if not ecriture.texte(debiteur["nom"], 38):
        return _("Nom du responsable manquant.")
    if not ecriture.texte(debiteur["adresse"], 38) or not ecriture.texte(debiteur["ville"], 38):
        return _("Adresse du responsable incomplète (rue et ville).")
    if not re.fullmatch(r"\d{5}", debiteur["code_postal"]):
        return _("Code postal du responsable invalide (5 chiffres).")
    return None


def apercu(regie, valeurs, jour):
    """The invoices to send and those left out: dicts (facture, famille,
    tiers, montant, relances (dates), mandat, motif), the count, the total
    and the digest the confirmation must carry."""
    retenues, exclues = [], []
    for facture in candidates(regie, valeurs["relances"]):
        famille = facture.famille
        debiteur = tiers(famille)
        ligne = {
            "facture": facture,
            "famille": famille,
            "tiers": debiteur,
            "montant": facture.reste,
            "relances": [r.get("date") for r in facture.relances],
            "mandat": mandat_actif(famille, jour),
            "motif": motif_exclusion(debiteur, facture.reste, valeurs["seuil"]),
        }
        (exclues if ligne["motif"] is not None else retenues).append(ligne)
    total = sum((ligne["montant"] for ligne in retenues), ZERO)
    return {
        "retenues": retenues,
        "exclues": exclues,
        "nombre": len(retenues),
        "total": total,
        "empreinte": empreinte(retenues, valeurs, jour),
    }


def empreinte(retenues, valeurs, jour):
    """What the régisseur was shown: the invoices, amounts, debtors,
    mandates, the settings and the day."""
    parts = [jour.isoformat()] + ["%s=%s" % item for item in sorted(valeurs.items())]
    for ligne in retenues:
        mandat = ligne["mandat"]
        parts.append(
            "%s|%s|%s|%s|%s"
            % (
                ligne["facture"].numero,
                ligne["montant"],
                ligne["famille"].numero,
                "|".join(sorted(ligne["tiers"].values())),
                mandat.rum if mandat is not None else "",
            )
        )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def objet_piece(facture, regie):
    return "Facture %s du %s au %s - %s" % (
        facture.numero,
        dates.courte(facture.debut),
        dates.courte(facture.fin),
        regie.title,
    )


def _piece(numero, ligne, regie, valeurs, jour):
    facture = ligne["facture"]
    mandat = ligne["mandat"]
    return {
        "numero": numero,
        "objet": objet_piece(facture, regie),
        "facture": facture.numero,
        "montant": ligne["montant"],
        "nature": valeurs["nature"],
        "produit": valeurs["produit"],
        "tiers": ligne["tiers"],
        "mandat": None
        if mandat is None
        else {
            "rum": mandat.rum,
            "signe_le": mandat.signe_le,
            "iban": mandat.iban,
            "bic": mandat.bic,
            "titulaire": mandat.titulaire,
            "sequence": mandat.sequence,
            "echeance": jour + datetime.timedelta(days=DELAI_PRELEVEMENT),
        },
    }


def rediger(regie, valeurs, jour, retenues, bordereau, premiere_piece):
    """The file's bytes and its pieces (for ``ecriture``)."""
    pieces = [
        _piece(premiere_piece + rang, ligne, regie, valeurs, jour)
        for rang, ligne in enumerate(retenues)
    ]
    return ecrire(regie, valeurs, jour, bordereau, pieces), pieces


def ecrire(regie, valeurs, jour, bordereau, pieces):
    """The bytes of the file of ``pieces`` (``_piece``'s)."""
    numero = resources.numero_fichier(jour.year, bordereau)
    entete = {
        "nom_fichier": "%s.xml" % numero,
        "date": jour,
        "poste_comptable": valeurs["poste_comptable"],
        "collectivite": valeurs["collectivite"],
        "code_collectivite": valeurs["code_collectivite"],
        "budget": valeurs["budget"],
        "libelle": valeurs["libelle"],
    }
    objet = "%s - factures impayées après relances" % regie.title
    return ecriture.ecrire(
        entete, {"exercice": jour.year, "numero": bordereau, "objet": objet}, pieces
    )


def emettre(regie, valeurs, jour, retenues, par):
    """Write, check and keep the file of ``retenues`` (the preview's);
    mark each invoice sent, journal it.  Raises FichierRefuse (nothing
    changed) when the file fails its check."""
    regies = regie.__parent__
    exercice = jour.year
    bordereau = resources.prochain(regies, "bordereau", exercice, lire_seulement=True)
    premiere = resources.prochain(regies, "piece", exercice, lire_seulement=True)
    data, pieces = rediger(regie, valeurs, jour, retenues, bordereau, premiere)
    erreurs = controle.verifier(data)
    if erreurs:
        raise FichierRefuse(erreurs)
    # the numbers read above are taken now (same transaction)
    resources.prochain(regies, "bordereau", exercice)
    resources.reserver(regies, "piece", exercice, len(pieces))
    numero = resources.numero_fichier(exercice, bordereau)
    total = sum((ligne["montant"] for ligne in retenues), ZERO)
    fichier = resources.FichierPES(
        numero,
        exercice,
        bordereau,
        jour,
        [_meta(piece, ligne) for piece, ligne in zip(pieces, retenues, strict=True)],
        total,
        data,
        par=par,
    )
    resources.fichiers_de(regie, create=True)[numero] = fichier
    for piece, ligne in zip(pieces, retenues, strict=True):
        _transmettre(regie, numero, dict(piece, date=jour), ligne, par)
    _noter_fichier(regie, fichier, par)
    return fichier


def _transmettre(regie, numero, piece, ligne, par):
    """The invoice of ``piece`` marked sent, its mandate used, journaled."""
    facture = ligne["facture"]
    facture.tresor = {"fichier": numero, "date": piece["date"], "piece": piece["numero"]}
    if ligne["mandat"] is not None:
        ligne["mandat"].utiliser(piece["mandat"]["echeance"])
    journal.noter(
        regie,
        TITRE_TRANSMIS,
        facture,
        par=par,
        famille=ligne["famille"],
        details={
            "facture": facture.numero,
            "fichier": numero,
            "montant": str(ligne["montant"]),
        },
    )


def _noter_fichier(regie, fichier, par):
    journal.noter(
        regie,
        FICHIER_PES,
        regie,
        par=par,
        details={"fichier": fichier.numero, "nombre": fichier.nombre, "total": str(fichier.total)},
    )


def _meta(piece, ligne):
    """What the file keeps of a piece (no account)."""
    return {
        "piece": piece["numero"],
        "facture": ligne["facture"].numero,
        "famille": ligne["famille"].numero,
        "nom": ligne["tiers"]["nom"],
        "montant": ligne["montant"],
        "prelevement": piece["mandat"] is not None,
    }


# --- The file prepared by a worker (``preparation``) ------------------------------------------


class PreparationEnCours(Exception):
    """Another PES file is being prepared (they share the sequences)."""

    def __init__(self, fichier):
        super().__init__(fichier.numero)
        self.fichier = fichier


def ouvrir(regie, jour, retenues, par):
    """The request's part of a file: its bordereau number taken now (in
    the request's transaction: never skipped nor given twice) and the
    file kept "en préparation"; the worker's chunks (``preparer``) number
    the pieces in order, mark the invoices, use the mandates and journal
    each titre; its last one writes and checks the file (``achever``).
    Returns the FichierPES."""
    regies = regie.__parent__
    en_cours = resources.en_preparation(regies)
    if en_cours is not None:
        raise PreparationEnCours(en_cours)
    exercice = jour.year
    bordereau = resources.prochain(regies, "bordereau", exercice)
    numero = resources.numero_fichier(exercice, bordereau)
    total = sum((ligne["montant"] for ligne in retenues), ZERO)
    fichier = resources.FichierPES(numero, exercice, bordereau, jour, (), total, None, par=par)
    fichier.preparation = OOBTree()
    resources.fichiers_de(regie, create=True)[numero] = fichier
    return fichier


def unites(retenues):
    """The job's units: (rank, the invoice's oid, its number, the amount
    the preview showed)."""
    return [
        (rang, get_oid(ligne["facture"]), ligne["facture"].numero, str(ligne["montant"]))
        for rang, ligne in enumerate(retenues)
    ]


def preparer(root, regie, fichier, valeurs, unites_, par):
    """A chunk of the file's preparation (the worker's transaction): each
    invoice still as the preview showed it gets the next piece number, is
    marked sent, its mandate used, journaled; its piece is kept for the
    file.  An invoice changed meanwhile (paid, cancelled, its debtor's
    address...) is left out, without a number.  Returns the invoices left
    out (number, reason)."""
    regies = regie.__parent__
    jour = fichier.date
    ecartees = []
    for rang, oid, numero, montant in unites_:
        if rang in fichier.preparation:
            continue
        facture = objet(root, oid)
        raison = None
        if not isinstance(facture, Facture) or not est_candidate(facture, valeurs["relances"]):
            raison = _("Facture réglée, annulée ou déjà transmise depuis l'aperçu.")
        elif str(facture.reste) != montant:
            raison = _("Reste dû changé depuis l'aperçu.")
        else:
            famille = facture.famille
            debiteur = tiers(famille)
            raison = motif_exclusion(debiteur, facture.reste, valeurs["seuil"])
        if raison is not None:
            ecartees.append((numero, raison))
            continue
        ligne = {
            "facture": facture,
            "famille": famille,
            "tiers": debiteur,
            "montant": facture.reste,
            "mandat": mandat_actif(famille, jour),
        }
        piece = _piece(resources.prochain(regies, "piece", jour.year), ligne, regie, valeurs, jour)
        _transmettre(regie, fichier.numero, dict(piece, date=jour), ligne, par)
        fichier.preparation[rang] = (piece, _meta(piece, ligne))
    return ecartees


def achever(regie, fichier, valeurs, par):
    """The last chunk's end: the file written from the pieces the chunks
    kept, checked and kept (the accounts then dropped).  When nothing is
    left to send or the file fails its check, the file is kept "refusé"
    with the errors and its invoices are freed (no longer marked sent).
    Returns the errors ([] when the file is issued)."""
    gardees = list(fichier.preparation.values())
    pieces = [piece for piece, _meta_ in gardees]
    meta = [m for _piece_, m in gardees]
    total = sum((m["montant"] for m in meta), ZERO)
    erreurs = []
    data = None
    if not pieces:
        erreurs = [_("Aucune facture n'a pu être transmise : elles ont changé depuis l'aperçu.")]
    else:
        data = ecrire(regie, valeurs, fichier.date, fichier.bordereau, pieces)
        erreurs = controle.verifier(data)
    fichier.travail = None
    fichier.preparation = None
    if erreurs:
        fichier.etat = resources.REFUSE
        fichier.pieces = tuple(meta)
        fichier.nombre = len(meta)
        fichier.total = total
        familles = find_root(regie)["familles"]
        for m in meta:
            facture = familles[m["famille"]]["factures"][m["facture"]]
            facture.tresor = None
        return erreurs
    fichier.emettre(meta, total, data)
    _noter_fichier(regie, fichier, par)
    return []
