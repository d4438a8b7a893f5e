"""The structure check of a PES V2 ORMC file, run on every file before it
is stored.

The DGFiP's XSD (PES_Aller.xsd) is not published where this project may
fetch it (not on PyPI; the peers download it from their own sites at run
time), so the check is written from the published format and the peers'
exports (Noethys; the ORMC schema description of a town's tool): each
element in its place and order, mandatory ones present, optional ones at
most once, each value ``V`` of its format (dates AAAA-MM-JJ, amounts with
two decimals and a dot, codes from their lists, texts within their
length), then the sums: NbrPce is the number of pieces, MtBordHt the sum
of the lines' MtHT, every amount above zero.

``verifier(data)`` returns the errors (French, translation strings with
the element's path), an empty list when the file is sound.
"""

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..i18n import _
from .ecriture import NS_ALLER

DATE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
MONTANT = r"\d{1,12}\.\d{2}"
TEXTE = r"[A-Z0-9 '\-./,()]"
BIC = r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?"
SEPA = r"[0-9A-Za-z/?:().,'+ \-]"


def _texte(maximum):
    return r"%s{1,%d}" % (TEXTE, maximum)


def _sepa(maximum):
    return r"%s{1,%d}" % (SEPA, maximum)


def V(motif):
    """A leaf: its attribute V matches ``motif`` (whole value)."""
    return ("V", re.compile(motif))


def E(nom, contenu, minimum=1, maximum=1):
    """An element of the structure: a leaf (``V``) or a sequence of
    elements, at least ``minimum`` times, at most ``maximum`` (None: no
    bound)."""
    return (nom, contenu, minimum, maximum)


OPTIONNEL = {"minimum": 0}

STRUCTURE = E(
    "PES_Aller",
    [
        E(
            "Enveloppe",
            [
                E(
                    "Parametres",
                    [
                        E("Version", V("2")),
                        E("TypFic", V("PESORMC")),
                        E("NomFic", V(r"[A-Za-z0-9_.\-]{1,96}\.xml")),
                    ],
                ),
                E("Emetteur", [E("Sigle", V(_texte(32))), E("Adresse", V(_texte(38)))]),
                E(
                    "Recepteur",
                    [E("Sigle", V(_texte(32))), E("Adresse", V(_texte(38)))],
                    **OPTIONNEL,
                ),
            ],
        ),
        E(
            "EnTetePES",
            [
                E("DteStr", V(DATE)),
                E("IdPost", V(r"\d{6,7}|02[AB]\d{3,4}")),
                E("LibellePoste", V(_texte(38)), **OPTIONNEL),
                E("IdColl", V(r"\d{14}")),
                E("FinJur", V(r"\d{9}"), **OPTIONNEL),
                E("CodCol", V(r"\d{3}")),
                E("CodBud", V(r"[0-9A-Z]\d")),
                E("LibelleColBud", V(_texte(38))),
            ],
        ),
        E(
            "PES_RecetteAller",
            [
                E(
                    "EnTeteRecette",
                    [E("IdVer", V("2")), E("InfoDematerialisee", V("0"), **OPTIONNEL)],
                ),
                E(
                    "Bordereau",
                    [
                        E(
                            "BlocBordereau",
                            [
                                E("Exer", V(r"\d{4}")),
                                E("IdBord", V(r"[1-9]\d{0,6}")),
                                E("DteBordEm", V(DATE)),
                                E("TypBord", V("06")),
                                E("NbrPce", V(r"[1-9]\d{0,4}")),
                                E("MtBordHt", V(MONTANT)),
                                E("DteAsp", V(DATE), **OPTIONNEL),
                                E("Objet", V(_texte(160)), **OPTIONNEL),
                            ],
                        ),
                        E(
                            "Piece",
                            [
                                E(
                                    "BlocPiece",
                                    [
                                        E("IdPce", V(r"[1-9]\d{0,7}")),
                                        E("TypPce", V("15")),
                                        E("NatPce", V("01")),
                                        E("ObjPce", V(_texte(160)), **OPTIONNEL),
                                        E("NumDette", V(r"\d{1,15}")),
                                        E("Per", V(r"\d")),
                                        E("Cle1", V(r"\d"), **OPTIONNEL),
                                        E("Cle2", V(r"[A-HJ-NP-Y]")),
                                        E("NumeroFacture", V(_texte(20)), **OPTIONNEL),
                                    ],
                                ),
                                E(
                                    "LigneDePiece",
                                    [
                                        E(
                                            "BlocLignePiece",
                                            [
                                                E(
                                                    "InfoLignePiece",
                                                    [
                                                        E("IdLigne", V(r"[1-9]\d{0,5}")),
                                                        E(
                                                            "ObjLignePce",
                                                            V(_texte(160)),
                                                            **OPTIONNEL,
                                                        ),
                                                        E("CodProdLoc", V(r"[0-9A-Za-z]{1,4}")),
                                                        E("Nature", V(r"[0-9A-Z]{3,10}")),
                                                        E("Majo", V(r"[01]")),
                                                        E("TvaIntraCom", V(r"[01]")),
                                                        E("MtHT", V(MONTANT)),
                                                    ],
                                                ),
                                                E(
                                                    "InfoPrelevementSEPA",
                                                    [
                                                        E("NatPrel", V(r"0[12]")),
                                                        E("PerPrel", V(r"0[1-7]")),
                                                        E("DtePrel", V(DATE)),
                                                        E("MtPrel", V(MONTANT)),
                                                        E("SequencePres", V(r"0[1-4]")),
                                                        E("DateSignMandat", V(DATE)),
                                                        E("RefUniMdt", V(_sepa(35))),
                                                        E("LibPrel", V(_sepa(140))),
                                                    ],
                                                    **OPTIONNEL,
                                                ),
                                            ],
                                        ),
                                        E(
                                            "Tiers",
                                            [
                                                E(
                                                    "InfoTiers",
                                                    [
                                                        E("CatTiers", V("01")),
                                                        E("NatJur", V("01")),
                                                        E("TypTiers", V("01")),
                                                        E(
                                                            "Civilite",
                                                            V(r"M|MME"),
                                                            **OPTIONNEL,
                                                        ),
                                                        E("Nom", V(_texte(38))),
                                                        E("Prenom", V(_texte(38)), **OPTIONNEL),
                                                    ],
                                                ),
                                                E(
                                                    "Adresse",
                                                    [
                                                        E("TypAdr", V("[0-2]")),
                                                        E("Adr2", V(_texte(38))),
                                                        E("CP", V(r"\d{5}")),
                                                        E("Ville", V(_texte(38))),
                                                        E("CodRes", V("0")),
                                                    ],
                                                ),
                                                E(
                                                    "CpteBancaire",
                                                    [
                                                        E("BIC", V(BIC), **OPTIONNEL),
                                                        E(
                                                            "IBAN",
                                                            V(r"[A-Z]{2}\d{2}[A-Z0-9]{1,30}"),
                                                        ),
                                                        E("TitCpte", V(_texte(32))),
                                                    ],
                                                    **OPTIONNEL,
                                                ),
                                            ],
                                        ),
                                    ],
                                ),
                            ],
                            maximum=None,
                        ),
                    ],
                ),
            ],
        ),
    ],
)


def obligatoires(structure=STRUCTURE, chemin=""):
    """The paths of every mandatory element under the root (for the
    tests: removing any one must fail the check)."""
    nom, contenu, minimum, _maximum = structure
    found = []
    if isinstance(contenu, list):
        for enfant in contenu:
            if enfant[2] >= 1:
                sous = "%s/%s" % (chemin, enfant[0]) if chemin else enfant[0]
                found.append(sous)
                found.extend(obligatoires(enfant, sous))
    return found


def _erreur(texte, chemin, **mapping):
    return _(texte, mapping={"chemin": chemin, **mapping})


def _element(element, structure, chemin, erreurs):
    nom, contenu, _minimum, _maximum = structure
    if isinstance(contenu, tuple):
        valeur = element.get("V")
        if valeur is None:
            erreurs.append(_erreur("${chemin} : l'attribut V manque.", chemin))
        elif not contenu[1].fullmatch(valeur):
            erreurs.append(
                _erreur("${chemin} : valeur « ${valeur} » invalide.", chemin, valeur=valeur[:60])
            )
        if len(element):
            erreurs.append(_erreur("${chemin} : ne doit contenir aucun élément.", chemin))
        return
    enfants = [e for e in element if isinstance(e.tag, str)]
    position = 0
    for attendu in contenu:
        sous_nom, _sous, minimum, maximum = attendu
        compte = 0
        while position < len(enfants) and enfants[position].tag == sous_nom:
            if maximum is None or compte < maximum:
                _element(enfants[position], attendu, "%s/%s" % (chemin, sous_nom), erreurs)
            compte += 1
            position += 1
        if compte < minimum:
            erreurs.append(
                _erreur(
                    "${chemin} : élément obligatoire ${nom} absent ou mal placé.",
                    chemin,
                    nom=sous_nom,
                )
            )
        elif maximum is not None and compte > maximum:
            erreurs.append(
                _erreur(
                    "${chemin} : ${nom} répété ${nombre} fois.", chemin, nom=sous_nom, nombre=compte
                )
            )
    for reste in enfants[position:]:
        erreurs.append(
            _erreur("${chemin} : élément ${nom} inattendu à cette place.", chemin, nom=reste.tag)
        )


def _decimal(valeur):
    try:
        return Decimal(valeur)
    except (InvalidOperation, TypeError):
        return None


def _sommes(racine, erreurs):
    """NbrPce and MtBordHt agree with the pieces; each amount above 0."""
    for bordereau in racine.iterfind("PES_RecetteAller/Bordereau"):
        pieces = bordereau.findall("Piece")
        nombre = bordereau.find("BlocBordereau/NbrPce")
        if nombre is not None and nombre.get("V") != str(len(pieces)):
            erreurs.append(
                _erreur(
                    "${chemin} : ${nombre} pièce(s) annoncée(s), ${reel} dans le bordereau.",
                    "Bordereau/BlocBordereau/NbrPce",
                    nombre=nombre.get("V"),
                    reel=len(pieces),
                )
            )
        total = Decimal("0")
        for mt in bordereau.iterfind("Piece/LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT"):
            valeur = _decimal(mt.get("V"))
            if valeur is not None:
                if valeur <= 0:
                    erreurs.append(
                        _erreur("${chemin} : un montant doit être supérieur à 0,00.", "MtHT")
                    )
                total += valeur
        annonce = bordereau.find("BlocBordereau/MtBordHt")
        if annonce is not None and _decimal(annonce.get("V")) != total:
            erreurs.append(
                _erreur(
                    "${chemin} : ${annonce} annoncé, ${total} dans les lignes.",
                    "Bordereau/BlocBordereau/MtBordHt",
                    annonce=annonce.get("V"),
                    total="%s" % total,
                )
            )


def verifier(data):
    """The errors found in the PES file ``data`` (bytes); [] when sound."""
    try:
        racine = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as e:
        return [_("Le fichier n'est pas un XML lisible : ${erreur}", mapping={"erreur": str(e)})]
    erreurs = []
    if racine.tag != "{%s}PES_Aller" % NS_ALLER:
        erreurs.append(
            _erreur("${chemin} : la racine doit être n:PES_Aller.", etree.QName(racine).localname)
        )
        return erreurs
    _element(racine, STRUCTURE, "PES_Aller", erreurs)
    _sommes(racine, erreurs)
    return erreurs
