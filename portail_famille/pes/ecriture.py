"""The writer of a PES V2 ORMC file (PES_Aller / PES_RecetteAller): one
bordereau of titres de recettes, one Piece per invoice, sent to Hélios.

Element names, order and codes follow the DGFiP's published PES V2
recette format as the peers' exports that Hélios accepts write it
(Noethys's "Bordereau PES Recette ORMC"): the envelope (Version 2,
TypFic PESORMC), EnTetePES, then PES_RecetteAller with its EnTeteRecette
(IdVer 2, InfoDematerialisee 0: not signed) and one Bordereau of type 06
(ORMC), each Piece of type 15 (titre ORMC), nature 01 (fonctionnement),
mono-debtor, one line (IdLigne 1), the debtor a private person (CatTiers
01, NatJur 01, TypTiers 01, principal address).  A family with a SEPA
mandate in force gets the debit details (InfoPrelevementSEPA: the Trésor
debits, NatPrel 01, single debit PerPrel 07; CpteBancaire).

Texts are the postal norm's: capitals without accents, within each
field's length; amounts with two decimals and a dot; dates AAAA-MM-JJ.
The file is encoded ISO-8859-1, as Hélios reads it.  Pure: data in,
bytes out (``service`` gathers the data, ``controle`` checks the bytes).
"""

import re
import unicodedata
from decimal import Decimal

from lxml import etree

NS_ALLER = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
ENCODAGE = "ISO-8859-1"
EMETTEUR = "PORTAIL FAMILLE"
LOGICIEL = "PORTAIL FAMILLE PES V2"
TYPE_BORDEREAU_ORMC = "06"
TYPE_PIECE_ORMC = "15"
NATURE_FONCTIONNEMENT = "01"
PERIODE = "1"  # Per: the debt number's complement (one period a titre)
SEQUENCES = {"OOFF": "01", "FRST": "02", "RCUR": "03", "FNAL": "04"}
_AUTRES = re.compile(r"[^A-Z0-9 '\-./,()]")
_SEPA = re.compile(r"[^0-9A-Za-z/?:().,'+ \-]")
_ESPACES = re.compile(r"\s+")


def texte(valeur, longueur):
    """``valeur`` in the postal norm: capitals, no accent, only letters,
    digits and a little punctuation, at most ``longueur`` characters."""
    plain = unicodedata.normalize("NFKD", str(valeur or "")).encode("ascii", "ignore").decode()
    plain = _AUTRES.sub(" ", plain.upper())
    return _ESPACES.sub(" ", plain).strip()[:longueur].strip()


def texte_sepa(valeur, longueur):
    """``valeur`` in the SEPA character set, at most ``longueur``."""
    plain = unicodedata.normalize("NFKD", str(valeur or "")).encode("ascii", "ignore").decode()
    return _ESPACES.sub(" ", _SEPA.sub(" ", plain)).strip()[:longueur].strip()


def montant(valeur):
    """Decimal -> '243.20' (two decimals, a dot)."""
    return "%s" % Decimal(valeur).quantize(Decimal("0.01"))


def date(jour):
    return jour.isoformat()


def cle_modulo_11(chiffres):
    """The control key of a roll article (Cle1): the digits read from the
    right, weighted 2 to 7 in turn; 11 minus the sum's remainder by 11,
    1 when that is 10 or 11."""
    total = 0
    for rang, chiffre in enumerate(reversed(chiffres)):
        total += (int(chiffre) if chiffre.isdigit() else 0) * (2 + rang % 6)
    cle = 11 - total % 11
    return 1 if cle > 9 else cle


LETTRES_23 = "ABCDEFGHJKLMNPQRSTUVWXY"


def cle_modulo_23(chiffres):
    """The control key of a roll article (Cle2): a letter (no I, O, Z) of
    the number's remainder by 23."""
    return LETTRES_23[int(chiffres) % 23]


def _v(parent, nom, valeur):
    """``<nom V="valeur"/>`` appended to ``parent``."""
    element = etree.SubElement(parent, nom)
    element.set("V", str(valeur))
    return element


def ecrire(entete, bordereau, pieces):
    """The PES Aller file (bytes).

    ``entete``: nom_fichier, date, poste_comptable, collectivite,
    code_collectivite, budget, libelle.  ``bordereau``: exercice, numero
    (IdBord), objet.  ``pieces``: dicts with numero (IdPce), objet,
    facture (its number), montant (Decimal), nature, produit (CodProdLoc),
    tiers (civilite, nom, prenom, adresse, code_postal, ville) and mandat
    (None, or rum, signe_le, iban, bic, titulaire, sequence, echeance)."""
    racine = etree.Element("{%s}PES_Aller" % NS_ALLER, nsmap={"n": NS_ALLER, "xsi": NS_XSI})
    enveloppe = etree.SubElement(racine, "Enveloppe")
    parametres = etree.SubElement(enveloppe, "Parametres")
    _v(parametres, "Version", "2")
    _v(parametres, "TypFic", "PESORMC")
    _v(parametres, "NomFic", entete["nom_fichier"][:100])
    emetteur = etree.SubElement(enveloppe, "Emetteur")
    _v(emetteur, "Sigle", EMETTEUR)
    _v(emetteur, "Adresse", LOGICIEL)

    tete = etree.SubElement(racine, "EnTetePES")
    _v(tete, "DteStr", date(entete["date"]))
    _v(tete, "IdPost", entete["poste_comptable"])
    _v(tete, "IdColl", entete["collectivite"])
    _v(tete, "CodCol", entete["code_collectivite"])
    _v(tete, "CodBud", entete["budget"])
    _v(tete, "LibelleColBud", texte(entete["libelle"], 38))

    recette = etree.SubElement(racine, "PES_RecetteAller")
    tete_recette = etree.SubElement(recette, "EnTeteRecette")
    _v(tete_recette, "IdVer", "2")
    _v(tete_recette, "InfoDematerialisee", "0")

    bord = etree.SubElement(recette, "Bordereau")
    bloc = etree.SubElement(bord, "BlocBordereau")
    exercice = str(bordereau["exercice"])
    _v(bloc, "Exer", exercice)
    _v(bloc, "IdBord", bordereau["numero"])
    _v(bloc, "DteBordEm", date(entete["date"]))
    _v(bloc, "TypBord", TYPE_BORDEREAU_ORMC)
    _v(bloc, "NbrPce", len(pieces))
    _v(bloc, "MtBordHt", montant(sum((p["montant"] for p in pieces), Decimal("0"))))
    _v(bloc, "DteAsp", date(entete["date"]))
    _v(bloc, "Objet", texte(bordereau["objet"], 160))

    for piece in pieces:
        _piece(bord, entete, exercice, str(bordereau["numero"]), piece)

    return etree.tostring(racine, xml_declaration=True, encoding=ENCODAGE, pretty_print=True)


def _piece(bord, entete, exercice, id_bord, piece):
    element = etree.SubElement(bord, "Piece")
    bloc = etree.SubElement(element, "BlocPiece")
    numero = str(piece["numero"])
    dette = numero.rjust(13, "0")
    _v(bloc, "IdPce", numero)
    _v(bloc, "TypPce", TYPE_PIECE_ORMC)
    _v(bloc, "NatPce", NATURE_FONCTIONNEMENT)
    _v(bloc, "ObjPce", texte(piece["objet"], 160))
    _v(bloc, "NumDette", numero)
    _v(bloc, "Per", PERIODE)
    # the roll's keys: collectivité, bordereau, year, period, debt number
    cle1 = cle_modulo_11(entete["code_collectivite"] + id_bord + exercice[-2:] + PERIODE + dette)
    _v(bloc, "Cle1", cle1)
    _v(bloc, "Cle2", cle_modulo_23(exercice[-2:] + PERIODE + "00" + dette))
    _v(bloc, "NumeroFacture", texte(piece["facture"], 20))

    ligne = etree.SubElement(element, "LigneDePiece")
    bloc_ligne = etree.SubElement(ligne, "BlocLignePiece")
    info = etree.SubElement(bloc_ligne, "InfoLignePiece")
    _v(info, "IdLigne", "1")
    _v(info, "ObjLignePce", texte(piece["objet"], 160))
    _v(info, "CodProdLoc", piece["produit"])
    _v(info, "Nature", piece["nature"])
    _v(info, "Majo", "0")
    _v(info, "TvaIntraCom", "0")
    _v(info, "MtHT", montant(piece["montant"]))
    mandat = piece.get("mandat")
    if mandat:
        prelevement = etree.SubElement(bloc_ligne, "InfoPrelevementSEPA")
        _v(prelevement, "NatPrel", "01")
        _v(prelevement, "PerPrel", "07")
        _v(prelevement, "DtePrel", date(mandat["echeance"]))
        _v(prelevement, "MtPrel", montant(piece["montant"]))
        _v(prelevement, "SequencePres", SEQUENCES.get(mandat["sequence"], "01"))
        _v(prelevement, "DateSignMandat", date(mandat["signe_le"]))
        _v(prelevement, "RefUniMdt", texte_sepa(mandat["rum"], 35))
        _v(prelevement, "LibPrel", texte_sepa(piece["objet"], 140))

    tiers = piece["tiers"]
    element_tiers = etree.SubElement(ligne, "Tiers")
    info_tiers = etree.SubElement(element_tiers, "InfoTiers")
    _v(info_tiers, "CatTiers", "01")
    _v(info_tiers, "NatJur", "01")
    _v(info_tiers, "TypTiers", "01")
    civilite = {"Monsieur": "M", "Madame": "MME"}.get(tiers.get("civilite") or "")
    if civilite:
        _v(info_tiers, "Civilite", civilite)
    _v(info_tiers, "Nom", texte(tiers["nom"], 38))
    prenom = texte(tiers.get("prenom"), 38)
    if prenom:
        _v(info_tiers, "Prenom", prenom)
    adresse = etree.SubElement(element_tiers, "Adresse")
    _v(adresse, "TypAdr", "1")
    _v(adresse, "Adr2", texte(tiers["adresse"], 38))
    _v(adresse, "CP", tiers["code_postal"])
    _v(adresse, "Ville", texte(tiers["ville"], 38))
    _v(adresse, "CodRes", "0")
    if mandat:
        compte = etree.SubElement(element_tiers, "CpteBancaire")
        bic = (mandat.get("bic") or "").replace(" ", "").upper()
        if bic:  # optional for an account in France
            _v(compte, "BIC", bic)
        _v(compte, "IBAN", mandat["iban"].replace(" ", "").upper())
        _v(compte, "TitCpte", texte(mandat["titulaire"], 32))
