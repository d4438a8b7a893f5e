"""The kitchen's tally (planning.repas): kept by every cell change, equal
to the recount of the cells, the diets of its index following the
children's health files, made for the data stored before by evolve
step30."""

import datetime
import random

from substanced.util import get_oid

from portail_famille.demandes.cycle import signaler_modification
from portail_famille.demo import MARTIN
from portail_famille.evolve import STEPS, step30
from portail_famille.inscriptions import cle, inscrire
from portail_famille.planning import cells, repas

from ..conftest import with_root
from .test_effectifs import COURANTE, _enfant

ALSH = "accueil-de-loisirs-alsh"
GARDERIE = "garderie-periscolaire"
# Two meal prestations of one site (a child counts once a day there), one
# of another site, and one that serves no meal.
PRESTATIONS = (
    (GARDERIE, "restauration-scolaire"),
    (ALSH, "mercredi-journee"),
    (ALSH, "vacances-journee"),
    (ALSH, "mercredi-apres-midi"),
)


def _prestations(root):
    return [root["structures"][s][p] for s, p in PRESTATIONS]


def _enfants(root):
    return [_enfant(root), _enfant(root, MARTIN["numero"])]


def _periode(root):
    debut = root["calendrier"][COURANTE].debut + datetime.timedelta(days=30)
    return debut, debut + datetime.timedelta(days=13)


def recompte(root, debut, fin):
    """{(day, structure name): (meals, végétariens, PAI)} from the cells
    themselves: the definition the tally must keep."""
    servis = {}
    for enfant in _enfants(root):
        tree = cells.cellules(enfant)
        for prestation in _prestations(root) if tree is not None else ():
            if not repas.sert_un_repas(prestation):
                continue
            oid = get_oid(prestation)
            for (_o, day), etat in tree.items(min=(oid, debut), max=(oid, fin)):
                if etat in repas.REPAS:
                    key = (day, prestation.structure.__name__)
                    servis.setdefault(key, set()).add(enfant)
    return {
        key: (
            len(enfants),
            sum(repas.regime(e)[0] == "Végétarien" for e in enfants),
            sum(repas.regime(e)[1] for e in enfants),
        )
        for key, enfants in servis.items()
    }


def lue(root, debut, fin):
    """The same figures, as the kitchen's order reads them (the tally)."""
    return {
        (day, structure.__name__): (c[repas.TOTAL], c["Végétarien"], c[repas.PAI])
        for (day, structure), c in repas.commande(root["structures"], debut, fin).items()
    }


def tally(root):
    return {
        s.__name__: {
            d: dict(servis) for d, servis in (getattr(s, repas.SERVIS) or {}).items() if servis
        }
        for s in root["structures"].values()
    }


def test_tally_follows_every_change_and_equals_the_recount(app):
    def change(root, registry):
        rng = random.Random(2015)
        debut, fin = _periode(root)
        enfants, prestations = _enfants(root), _prestations(root)
        for enfant in enfants:
            for prestation in prestations:
                oid = get_oid(prestation)
                if cle(COURANTE, oid) not in enfant.inscriptions:
                    inscrire(enfant, oid, COURANTE, root["calendrier"][COURANTE].debut)
        days = [debut + datetime.timedelta(days=k) for k in range((fin - debut).days + 1)]
        etats = [*cells.ETATS, None]
        for _n in range(400):
            enfant, prestation = rng.choice(enfants), rng.choice(prestations)
            cells.set_cell(enfant, get_oid(prestation), rng.choice(days), rng.choice(etats))
            if rng.random() < 0.05:
                sanitaires = enfant.section_modifiable("sanitaires")
                sanitaires["regime_alimentaire"] = rng.choice(("Végétarien", "Aucun"))
                sanitaires["pai"] = rng.choice(("Oui", "Non"))
                signaler_modification(registry, enfant)
        attendu = recompte(root, debut, fin)
        assert attendu and max(n for n, _v, _p in attendu.values()) == 2
        assert any(v for _n, v, _p in attendu.values())
        assert lue(root, debut, fin) == attendu
        avant = tally(root)
        repas.reconstruire(root)
        assert tally(root) == avant
        assert lue(root, debut, fin) == attendu

    with_root(app.app, change)


def test_step30_makes_the_tally_of_data_stored_before(app):
    assert "step30" in STEPS

    def change(root, registry):
        debut, fin = _periode(root)
        lucas = _enfant(root)
        lucas.section_modifiable("sanitaires").update({"regime_alimentaire": "Végétarien"})
        signaler_modification(registry, lucas)
        attendu = recompte(root, debut, fin)
        assert attendu and lue(root, debut, fin) == attendu
        # As stored before the tally: no index at all.
        delattr(root["structures"], repas.REGIMES_INDEX)
        for structure in root["structures"].values():
            delattr(structure, repas.SERVIS)
        assert lue(root, debut, fin) == {}
        step30.evolve(root, registry)
        assert lue(root, debut, fin) == attendu
        step30.evolve(root, registry)
        assert lue(root, debut, fin) == attendu

    with_root(app.app, change)
