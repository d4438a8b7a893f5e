"""Finding a family by what a caller on the phone says: a name (the
family's, a parent's or a child's first name), the N° famille, an email or
a phone number, typed in any case, with or without accents, often only its
beginning ("dup" finds DUPONT, "lefev" finds LEFÈVRE).

A family is indexed under its *mots*: each word of those fields, folded
(NFKD, accents stripped, casefolded), and each phone number as its digits
(+33 6... read as 06...).  A query is folded the same way; each of its
words must begin one of the family's mots.  The index
(``catalog.IndexMots``) keeps the mots sorted, so a prefix is a range of
keys: with 10,000 families a query reads a few hundred keys, never the
families."""

import re
import unicodedata

# The parents' fields and the children's attributes that name them.
CHAMPS_PERSONNE = ("nom", "prenom")
CHAMPS_TELEPHONE = ("telephone_domicile", "telephone_prof", "mobile")
PARENTS = ("responsable", "conjoint")
# A query made of digits and phone separators only is one number.
_NUMERO = re.compile(r"[\d\s.+()/-]+")
_MOT = re.compile(r"\w+")


def plier(texte):
    """'Lefèvre' -> 'lefevre': NFKD, combining marks dropped, casefolded."""
    decompose = unicodedata.normalize("NFKD", texte or "")
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def chiffres(telephone):
    """'+33 6 12 34 56 78' -> '0612345678': digits only, the French
    international prefix (+33, 0033, or 33 before nine digits) read as a
    leading 0, also in the beginning of a number."""
    texte = (telephone or "").strip()
    numero = "".join(c for c in texte if c.isdigit())
    if texte.startswith("+33"):
        return "0" + numero[2:]
    if numero.startswith("0033"):
        return "0" + numero[4:]
    if numero.startswith("33") and len(numero) == 11:
        return "0" + numero[2:]
    return numero


def mots_texte(texte):
    """The mots of a name or an email: its folded words, and the whole
    name joined ("D'ARTAGNAN" -> d, artagnan, dartagnan)."""
    mots = _MOT.findall(plier(texte))
    if len(mots) > 1:
        mots.append("".join(mots))
    return mots


def mots_famille(famille, enfants):
    """Every mot a search may find ``famille`` by; ``enfants``: its
    children (objects with ``nom`` and ``prenom``)."""
    mots = set(mots_texte(famille.__name__))
    for section in PARENTS:
        personne = getattr(famille, section, None) or {}
        for champ in (*CHAMPS_PERSONNE, "email"):
            mots.update(mots_texte(personne.get(champ)))
        for champ in CHAMPS_TELEPHONE:
            numero = chiffres(personne.get(champ))
            if numero:
                mots.add(numero)
    for enfant in enfants:
        for champ in CHAMPS_PERSONNE:
            mots.update(mots_texte(getattr(enfant, champ, "")))
    mots.discard("")
    return sorted(mots)


def mots_requete(requete):
    """The prefixes a query asks for: one number ('06 12 34' -> '061234'),
    or its folded words."""
    requete = (requete or "").strip()
    if _NUMERO.fullmatch(requete) and sum(c.isdigit() for c in requete) >= 2:
        return [chiffres(requete)]
    return _MOT.findall(plier(requete))
