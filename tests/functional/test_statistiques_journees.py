"""The store the CAF's statistics read (planning.journees): kept by every
change of a cell, a billed day or the recorded times, equal to the recount
of the children's own data, made for the data stored before by evolve
step33; the hours of a prestation billed by the hour are those of the
times the pointage recorded."""

import collections
import datetime
import random
from decimal import Decimal

from substanced.util import find_objectmap, get_oid

from portail_famille.demandes.cycle import signaler_modification
from portail_famille.demo import MARTIN
from portail_famille.evolve import STEPS, step33
from portail_famille.facturation import service
from portail_famille.inscriptions import annees, cle, inscrire
from portail_famille.planning import cells, horaires, journees, repas
from portail_famille.planning import statistiques as stats

from ..conftest import with_root
from .test_effectifs import COURANTE, _enfant, rows
from .test_pointage_horaires import GAR, MARDI, walk_in_with_times
from .test_reservations import clock, town  # noqa: F401 (fixtures)
from .test_statistiques import STATS

PRESTATIONS = (
    ("accueil-de-loisirs-alsh", "mercredi-apres-midi"),
    ("garderie-periscolaire", "garderie-matin"),  # billed by the hour
    ("garderie-periscolaire", "restauration-scolaire"),
)


def _prestations(root):
    return [root["structures"][s][p] for s, p in PRESTATIONS]


def _periode(root):
    """Two months of the school year: (first day, last day)."""
    debut = (root["calendrier"][COURANTE].debut + datetime.timedelta(days=30)).replace(day=1)
    return debut, stats.fin_de_mois(stats.mois_suivant(debut))


def recompte(root, debut, fin):
    """The figures from the children's cells, billed cells and times
    themselves (what the statistics computed before their store): the
    definition the store must keep."""
    enfants = collections.defaultdict(lambda: [0, 0, 0, 0])
    jours = collections.defaultdict(lambda: [0, 0])
    for prestation in _prestations(root):
        oid = get_oid(prestation)
        for annee in annees(prestation):
            du, au = max(debut, annee.debut), min(fin, annee.fin)
            inscrits = repas.enfants_inscrits(prestation, annee, find_objectmap(root), {})
            for _o, enfant, _i in inscrits if du <= au else ():
                tree = cells.cellules(enfant) or {}
                etats = {d: e for (_p, d), e in tree.items(min=(oid, du), max=(oid, au))}
                factures = cells.facturees(enfant, oid, du, au)
                for day in set(etats) | set(factures):
                    etat, facture = etats.get(day), day in factures
                    reserve, realise = etat in stats.RESERVEES, etat in stats.REALISEES
                    if not (reserve or realise or facture):
                        continue
                    heures = stats.heures(prestation, enfant, day)
                    mois = day.replace(day=1)
                    bande = stats.tranche(enfant, day)
                    ligne = enfants[(mois, prestation.__name__, bande, get_oid(enfant))]
                    ligne[0] += heures if reserve else 0
                    ligne[1] += heures if realise else 0
                    ligne[2] += heures if facture else 0
                    ligne[3] += 1
                    jours[(day, prestation.__name__)][0] += reserve
                    jours[(day, prestation.__name__)][1] += realise
    return dict(enfants), dict(jours)


def lue(root, debut, fin):
    """The same figures, as the statistics read them (the store)."""
    enfants, jours = {}, {}
    for prestation in _prestations(root):
        figures = stats.Statistiques(root["structures"], debut, fin, prestation)
        for (m, p, b, e), c in figures.enfants.items():
            enfants[(m, p.__name__, b, e.oid)] = [c.reservees, c.realisees, c.facturees, c.jours]
        jours.update({(d, p.__name__): v for (d, p), v in figures.jours.items()})
    return enfants, jours


def store(root):
    structures = root["structures"]
    return {
        key: dict(enfants)
        for key, enfants in (getattr(structures, journees.JOURNEES) or {}).items()
        if enfants
    }, dict(journees.fiches(structures))


def _heure(rng):
    return "%02d:%02d" % (rng.randint(6, 18), rng.choice((0, 7, 15, 32, 45)))


def test_store_follows_every_change_and_equals_the_recount(app):
    def change(root, registry):
        rng = random.Random(2015)
        debut, fin = _periode(root)
        enfants = [_enfant(root), _enfant(root, MARTIN["numero"])]
        prestations = _prestations(root)
        for enfant in enfants:
            for prestation in prestations:
                oid = get_oid(prestation)
                if cle(COURANTE, oid) not in enfant.inscriptions:
                    inscrire(enfant, oid, COURANTE, root["calendrier"][COURANTE].debut)
        days = [debut + datetime.timedelta(days=k) for k in range((fin - debut).days + 1)]
        etats = [*cells.ETATS, None]
        for n in range(600):
            enfant, prestation = rng.choice(enfants), rng.choice(prestations)
            oid, day, tirage = get_oid(prestation), rng.choice(days), rng.random()
            if tirage < 0.7:
                cells.set_cell(enfant, oid, day, rng.choice(etats), prestation=prestation)
            elif tirage < 0.85:
                service.marquer_facturees(enfant, oid, [day], "T-%d" % n)
            else:  # what the pointage does: the times, then the store told
                times = sorted((_heure(rng), _heure(rng))) if rng.random() < 0.8 else ("", "")
                if horaires.noter(enfant, oid, day, *times):
                    journees.suivre(enfant, oid, day)
        attendu = recompte(root, debut, fin)
        assert len(attendu[0]) > 10 and len(attendu[1]) > 10
        # hours of recorded times were counted (not only whole units)
        assert any(v[1] % 1 for (_m, p, _b, _e), v in attendu[0].items() if p == "garderie-matin")
        assert lue(root, debut, fin) == attendu
        avant = store(root)
        journees.reconstruire(root)
        assert store(root) == avant
        assert lue(root, debut, fin) == attendu

    with_root(app.app, change)


def test_step33_makes_the_store_of_data_stored_before(app):
    assert "step33" in STEPS

    def change(root, registry):
        debut, fin = _periode(root)
        lucas = _enfant(root)
        prestation = _prestations(root)[0]
        oid = get_oid(prestation)
        if cle(COURANTE, oid) not in lucas.inscriptions:
            inscrire(lucas, oid, COURANTE, root["calendrier"][COURANTE].debut)
        cells.set_cell(lucas, oid, debut + datetime.timedelta(days=3), cells.PRESENT)
        attendu = recompte(root, debut, fin)
        assert attendu[0] and lue(root, debut, fin) == attendu
        # A child the Fiches lack (added inside a family added at once) is
        # read from the child himself.
        del getattr(root["structures"], journees.FICHES)[get_oid(lucas)]
        assert lue(root, debut, fin) == attendu
        # As stored before the store: none at all.
        delattr(root["structures"], journees.FICHES)
        delattr(root["structures"], journees.JOURNEES)
        assert lue(root, debut, fin) == ({}, {})
        step33.evolve(root, registry)
        assert lue(root, debut, fin) == attendu
        step33.evolve(root, registry)
        assert lue(root, debut, fin) == attendu

    with_root(app.app, change)


def test_hours_of_a_prestation_billed_by_the_hour_are_the_recorded_times(town, clock):  # noqa: F811
    """LUCAS at the "Garderie matin" from 7:32 to 8:40 (the pointage): 1,25
    hour attended (every quarter hour started), not the unit's one hour;
    the departure typed after the arrival reaches the statistics."""
    agent, _oid = walk_in_with_times(town, clock)
    mois = MARDI.strftime("%Y-%m")
    page = agent.get(STATS, {"du": mois, "au": mois})
    (ligne,) = [r for r in rows(page, "table.enfants") if r[2] == "Garderie matin"]
    assert ligne[4:6] == ["DUPONT", "LUCAS"]
    assert ligne[8:] == ["1", "0", "1,25", "0"]
    (jour,) = [r for r in rows(page, "table.jours") if r[2] == "Garderie matin"]
    assert jour[3:] == ["0", "1"]

    def heures(root, registry):
        prestation = root["structures"][GAR[0]][GAR[1]]
        enfant = _enfant(root)
        return stats.heures(prestation, enfant, MARDI), stats.duree(prestation)

    assert with_root(town.app, heures) == (Decimal("1.25"), Decimal(1))


def test_fiches_follow_the_children(app):
    """A family added with its child (made before it joined the tree), the
    child renamed (as the record's forms do), then removed: the Fiche the
    statistics show follows each step."""

    def change(root, registry):
        famille = registry.content.create("Famille", responsable={"nom": "FICHE"})
        enfant = registry.content.create("Enfant", nom="NOUVEAU", prenom="NINA")
        famille["enfants"].add_next(enfant, registry=registry)
        root["familles"]["9900000000001"] = famille
        oid = get_oid(enfant)
        fiches = journees.fiches(root["structures"])
        assert fiches[oid] == journees.Fiche(oid, "NOUVEAU", "NINA", None, "9900000000001")
        enfant.prenom = "NINO"
        enfant.date_naissance = datetime.date(2019, 5, 4)
        signaler_modification(registry, enfant)
        assert fiches[oid][2:4] == ("NINO", datetime.date(2019, 5, 4))
        del famille["enfants"][enfant.__name__]
        assert oid not in fiches

    with_root(app.app, change)
