"""Inscriptions: a child enrolled in a prestation for a school year, with an
optional regular contract (the weekdays it books, e.g. canteen every Monday,
Tuesday, Thursday and Friday).

An Enfant keeps its inscriptions in its ``inscriptions`` mapping, keyed by
``cle(annee, prestation_oid)``: one inscription per child, prestation and
school year.  The prestation is kept by its oid (it survives renames) and
found again with the objectmap.
"""

from persistent import Persistent
from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates
from ..i18n import _
from ..structures.schemas import JOURS
from ..util import arbre, objet


class InscriptionInvalide(ValueError):
    """``erreurs``: {field name: French message}."""

    def __init__(self, erreurs):
        super().__init__(erreurs)
        self.erreurs = erreurs


def cle(annee, prestation_oid):
    return "%s:%s" % (annee, prestation_oid)


class Inscription(Persistent):
    """``annee``: the libellé of an AnneeScolaire ("2014-2015");
    ``prestation``: the Prestation's oid; ``debut``: a date inside the school
    year; ``jours``: the ISO weekdays ("1" = Monday) of the regular
    contract, each an opening day of the prestation (may be empty)."""

    def __init__(self, annee, prestation, debut, jours=()):
        self.annee = annee
        self.prestation = prestation
        self.debut = debut
        self.jours = frozenset(jours)

    @property
    def cle(self):
        return cle(self.annee, self.prestation)


def prestation_de(context, oid):
    """The Prestation of ``oid``, or None (removed, unknown)."""
    from ..structures.resources import IPrestation

    found = objet(context, oid) if oid is not None else None
    return found if IPrestation.providedBy(found) else None


def prestations_par_oid(context):
    """{oid: Prestation} of every prestation of the town (a few dozen):
    cheaper than one objectmap lookup per inscription."""
    structures = find_root(context).get("structures")
    if structures is None:
        return {}
    return {
        get_oid(prestation): prestation
        for structure in structures.values()
        if hasattr(structure, "prestations")
        for prestation in structure.prestations()
    }


def prestations(context):
    """[(oid, "Structure — Prestation")] of every prestation, in the
    structures' order."""
    structures = find_root(context).get("structures")
    if structures is None:
        return []
    return [
        (get_oid(prestation), "%s — %s" % (structure.title, prestation.title))
        for structure in structures.values()
        if hasattr(structure, "prestations")
        for prestation in structure.prestations()
    ]


def annees(context):
    """The school years (AnneeScolaire), oldest first."""
    calendrier = find_root(context).get("calendrier")
    return calendrier.annees() if calendrier is not None else []


def annee_de_libelle(context, libelle):
    for annee in annees(context):
        if annee.libelle == libelle:
            return annee
    return None


def libelle_jours(jours):
    """ "Lundi, Mardi, Jeudi, Vendredi" (French, in weekday order)."""
    noms = dict(JOURS)
    return ", ".join(str(noms[j]) for j, _nom in JOURS if j in jours)


def erreurs(enfant, prestation_oid, libelle, debut, jours):
    """What is wrong with this inscription: {field: French message}."""
    found = {}
    if enfant.partie_le is not None:
        # archived (``portail_famille.departs``): réactiver first
        found["prestation"] = _(
            "Cet enfant est parti le ${date} : réactivez-le (onglet Départ) avant de l'inscrire.",
            mapping={"date": dates.courte(enfant.partie_le)},
        )
        return found
    prestation = prestation_de(enfant, prestation_oid)
    if prestation is None:
        found["prestation"] = _("Prestation inconnue.")
    annee = annee_de_libelle(enfant, libelle)
    if annee is None:
        found["annee"] = _("Année scolaire inconnue.")
    elif debut is not None and not annee.debut <= debut <= annee.fin:
        found["debut"] = _(
            "La date de début doit être dans l'année scolaire ${annee} (du ${debut} au ${fin}).",
            mapping={
                "annee": annee.libelle,
                "debut": dates.courte(annee.debut),
                "fin": dates.courte(annee.fin),
            },
        )
    if prestation is not None:
        fermes = [j for j in jours if j not in prestation.jours]
        if fermes:
            found["jours"] = _(
                "Jours non ouverts par la prestation ${prestation} : ${jours}.",
                mapping={"prestation": prestation.title, "jours": libelle_jours(fermes)},
            )
    if not found and cle(libelle, prestation_oid) in enfant.inscriptions:
        found["prestation"] = _(
            "Cet enfant est déjà inscrit à cette prestation pour l'année scolaire ${annee}.",
            mapping={"annee": libelle},
        )
    return found


def inscrire(enfant, prestation_oid, libelle, debut, jours=()):
    """Add the inscription, or raise InscriptionInvalide (nothing stored)."""
    found = erreurs(enfant, prestation_oid, libelle, debut, jours)
    if found:
        raise InscriptionInvalide(found)
    inscription = Inscription(libelle, prestation_oid, debut, jours)
    enfant.inscriptions_modifiables()[inscription.cle] = inscription
    indexer(enfant, inscription)
    return inscription


def desinscrire(enfant, key):
    """Remove the inscription ``key``; False when there is none."""
    if key not in enfant.inscriptions:
        return False
    inscription = enfant.inscriptions[key]
    del enfant.inscriptions_modifiables()[key]
    desindexer(enfant, inscription)
    return True


# The index of the children enrolled in a prestation: its ``inscrits`` tree,
# keyed ``(annee, enfant_oid)``, so that the day screens of the agents read
# the enrolled children of one school year, never every family.


INSCRITS = "inscrits"  # the Prestation's attribute (made in its __init__, evolve step 7)


def indexer(enfant, inscription):
    """Note the child in the index of the inscription's prestation."""
    prestation = prestation_de(enfant, inscription.prestation)
    oid = get_oid(enfant, None)
    if prestation is None or oid is None:
        return False
    tree = arbre(prestation, INSCRITS, create=True)
    key = (inscription.annee, oid)
    if key not in tree:
        tree[key] = True
    return True


def desindexer(enfant, inscription):
    prestation = prestation_de(enfant, inscription.prestation)
    tree = arbre(prestation, INSCRITS) if prestation is not None else None
    oid = get_oid(enfant, None)
    if tree is not None and oid is not None:
        tree.pop((inscription.annee, oid), None)


def inscrits(prestation, annee):
    """The oids of the children enrolled in ``prestation`` for the school
    year ``annee`` (its libellé): one range read of the index."""
    tree = arbre(prestation, INSCRITS)
    if tree is None:
        return []
    found = []
    for libelle, oid in tree.keys(min=(annee,)):
        if libelle != annee:
            break
        found.append(oid)
    return found


def lignes(enfant, libelles=None):
    """The inscriptions as rows (dicts), sorted by year, structure and
    prestation; only the years in ``libelles`` when given."""
    rows = []
    for inscription in enfant.inscriptions.values():
        if libelles is not None and inscription.annee not in libelles:
            continue
        prestation = prestation_de(enfant, inscription.prestation)
        rows.append(
            {
                "cle": inscription.cle,
                "annee": inscription.annee,
                "structure": prestation.structure.title if prestation else "",
                "prestation": prestation.title if prestation else _("(prestation supprimée)"),
                "jours": libelle_jours(inscription.jours),
                "debut": dates.courte(inscription.debut) if inscription.debut else "",
            }
        )
    return sorted(rows, key=lambda r: (r["annee"], str(r["structure"]), str(r["prestation"])))


def annees_courante_et_suivante(context, today):
    """The libellés of the school year of ``today`` and of the next one (in
    summer, between two years: the next one only)."""
    found = annees(context)
    courante = [i for i, annee in enumerate(found) if annee.debut <= today <= annee.fin]
    if courante:
        return [annee.libelle for annee in found[courante[0] : courante[0] + 2]]
    return [annee.libelle for annee in found if annee.debut > today][:1]
