"""The planning's requests kept in the families' registers
(``demandes.resources.Demandes``): no oid, no catalog entry, yet every
screen that lists requests finds them: the agents' queue (and its
selection), the dashboard, the search, the family's record for staff, the
family's own list, in the order they were made beside the requests that
are content.  And the evolve step that gives an older database its
registers and its waiting lists."""

import datetime
import re

from pyramid.request import Request
from substanced.util import find_catalog, find_objectmap, get_oid

from portail_famille.demandes import registre
from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE, LISTE_ATTENTE
from portail_famille.evolve import STEPS, step49
from portail_famille.planning import cells, places
from portail_famille.planning.service import liste_attente, promouvoir

from ..conftest import DUPONT_URL, with_root
from .test_demandes_parent import demander
from .test_demandes_staff import staff
from .test_enfants import browser_for, main
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    ANNEE,
    MAM,
    MERCREDI,
    NUMERO,
    VACANCES,
    VJ,
    cell,
    clock,
    reserver,
    set_capacity,
    token,
    town,
)
from .test_tableau import TABLEAU, texte, type_row

RECHERCHE = "/manage/@@recherche"


def en_attente_du_registre(app):
    """[(family, type)] of the register's index of waiting requests."""

    def read(root, registry):
        return sorted((d.numero_famille, d.type_demande) for _date, d in registre.en_attente(root))

    return with_root(app.app, read)


def _ligne_recherche(agent):
    page = agent.get(RECHERCHE, {"q": "dupont jean"})
    (ligne,) = [
        " ".join(tr.get_text(" ").split())
        for tr in page.html.select(".resultats-recherche tbody tr")
    ]
    return ligne


def test_a_reservation_for_an_agent_is_found_by_every_staff_screen(town, clock):  # noqa: F811
    agent = staff(town, "agent")
    avant = int(texte(agent.get(TABLEAU).html.select_one("section.bloc-demandes h2 .nombre")))
    dupont = browser_for(town, "jean.dupont")
    demander(dupont, "responsable", mobile="06.12.34.56.78")  # content: the catalog's
    clock.now += datetime.timedelta(minutes=5)
    reserver(dupont, town, VJ, VACANCES)  # an agent validates it: the register's
    assert en_attente_du_registre(town) == [(NUMERO, "reservation")]

    # The dashboard counts both, each under its type.
    tableau = agent.get(TABLEAU)
    assert int(texte(tableau.html.select_one("section.bloc-demandes h2 .nombre"))) == avant + 2
    nombre, age, href = type_row(tableau, "Demande de Réservation")
    assert (nombre, age) == (1, "depuis moins d'une heure")
    # The search says how many wait for the family.
    assert "2 demande(s) en attente" in _ligne_recherche(agent)
    # The queue: newest first, the reservation's row selectable by its key.
    queue = agent.get("/manage/@@demandes")
    ids = re.findall(r'<tr id="demande-([^"]+)"', queue.text)
    assert len(ids) == 2 and ids[0].startswith(NUMERO + "/J") and int(ids[1])
    assert "Date : 21/12/2026" in queue.text
    filtree = agent.get(href)
    assert re.findall(r'<tr id="demande-([^"]+)"', filtree.text) == [ids[0]]
    # The family's record for staff: both, newest first, each linked.
    fiche = agent.get("/manage/familles/%s/@@fiche" % NUMERO)
    lignes = [
        [texte(td) for td in tr.find_all("td")]
        for tr in fiche.html.select("table.demandes-fiche tbody tr")
    ]
    assert [ligne[1] for ligne in lignes[:2]] == ["Demande de Réservation", "Infos Responsable"]
    assert [ligne[3] for ligne in lignes[:2]] == ["En attente", "En attente"]
    lien = fiche.html.select_one("table.demandes-fiche tbody tr a")["href"]
    traiter = agent.get(lien)
    assert "Accueil de Loisirs ALSH — Vacances journée" in traiter.text

    # Accepted from the queue's selection: gone from every count.
    done = agent.post(
        "/manage/@@demandes",
        {"csrf_token": token(queue), "oid": [ids[0]], "accepter_selection": "1"},
    ).follow()
    assert "1 demande(s) acceptée(s)." in done.text
    assert cell(town, VJ, VACANCES) == cells.RESERVE
    assert en_attente_du_registre(town) == []
    assert "1 demande(s) en attente" in _ligne_recherche(agent)
    assert type_row(agent.get(TABLEAU), "Demande de Réservation") is None


def test_a_forged_or_another_familys_key_selects_nothing(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, VJ, VACANCES)
    agent = staff(town, "agent")
    queue = agent.get("/manage/@@demandes")
    (vraie,) = re.findall(r'name="oid"\s+value="([^"]+)"', queue.text)
    _numero, _sep, nom = vraie.partition("/")
    for forgee in ("1001001818400/" + nom, NUMERO + "/J2026", "/", "x" * 200, NUMERO + "/"):
        done = agent.post(
            "/manage/@@demandes",
            {"csrf_token": token(queue), "oid": [forgee], "accepter_selection": "1"},
        ).follow()
        assert "0 demande(s) acceptée(s)." in done.text, forgee
        assert "une demande introuvable" in done.text, forgee
    assert cell(town, VJ, VACANCES) == cells.RESERVATION_TRAITEMENT


def test_the_familys_list_shows_both_kinds_in_the_order_they_were_made(town, clock):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)  # automatic: accepted at once
    clock.now += datetime.timedelta(minutes=1)
    demander(dupont, "responsable", mobile="06.12.34.56.78")
    clock.now += datetime.timedelta(minutes=1)
    reserver(dupont, town, VJ, VACANCES)  # for an agent

    def read(root, registry):
        from portail_famille.demandes.service import de_la_famille

        famille = root["familles"][NUMERO]
        return [(d.type_demande, get_oid(d, None) is None) for d in de_la_famille(famille)]

    assert with_root(town.app, read) == [
        ("reservation", True),
        ("responsable", False),
        ("reservation", True),
    ]
    listing = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=reservation")
    en_cours = main(listing).select_one("section.demandes-en-attente").get_text(" ", strip=True)
    acceptees = main(listing).select_one("section.demandes-acceptees").get_text(" ", strip=True)
    assert "21/12/2026" in en_cours and "09/12/2026" in acceptees


def _vieille_base(root, registry):
    """The database as it was before step49: a reservation on the waiting
    list made as content (in the catalog), no register, no waiting lists."""
    from portail_famille.demandes import cycle
    from portail_famille.planning.service import _valeurs

    prestation = root["structures"][MAM[0]][MAM[1]]
    famille = root["familles"][NUMERO]
    enfant = next(e for e in famille["enfants"].values() if e.prenom == "LUCAS")
    demande = registry.content.create(
        "Demande",
        "reservation",
        _valeurs(prestation, MERCREDI),
        {},
        datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC),
        "jean.dupont",
        enfant=enfant.__name__,
    )
    demande.prestation = get_oid(prestation)
    demande.jour = MERCREDI
    cycle.deposer(demande, famille, registry, LISTE_ATTENTE, cycle.AUTOMATIQUE)
    cells.set_cell(enfant, demande.prestation, MERCREDI, cells.ATTENTE, prestation=prestation)
    cells.noter_modification(enfant, demande.prestation, MERCREDI, get_oid(demande))
    del prestation.attente
    del famille["demandes"].registre
    delattr(root, registre.ATTRIBUT)
    return get_oid(demande)


def test_step49_gives_an_older_database_its_registers_and_waiting_lists(town):  # noqa: F811
    assert "step49" in STEPS
    set_capacity(town, MAM, 1, others=1)
    oid = with_root(town.app, _vieille_base)

    def avant(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        return liste_attente(prestation, MERCREDI), registre.arbre(root)

    assert with_root(town.app, avant) == ([], None)  # the old request is not seen

    def evoluer(root, registry):
        step49.evolve(root, registry)
        step49.evolve(root, registry)  # again: nothing twice
        prestation = root["structures"][MAM[0]][MAM[1]]
        return (
            [get_oid(d) for d in liste_attente(prestation, MERCREDI)],
            len(registre.arbre(root)),
            root["familles"][NUMERO]["demandes"].registre is not None,
        )

    assert with_root(town.app, evoluer) == ([oid], registre.PARTS, True)

    # A freed place goes to it, as to any waiting reservation; it leaves
    # the list (the catalog told too: it is content).
    def liberer(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        places.liberer(prestation, MERCREDI)
        request = Request.blank("/")
        request.registry = registry
        promue = promouvoir(prestation, MERCREDI, request)
        catalog = find_catalog(root, "portail")
        indexee = catalog["demande_etat"]._rev_index.get(oid)
        return get_oid(promue), promue.etat, liste_attente(prestation, MERCREDI), indexee

    assert with_root(town.app, liberer) == (oid, ACCEPTEE, [], ACCEPTEE)
    assert cell(town, MAM, MERCREDI) == cells.RESERVE


def test_nothing_the_town_shares_is_written_by_a_reservation(town):  # noqa: F811
    """A reservation writes no catalog and no objectmap: the opening
    morning's parents meet only on the day's counter."""

    def compter(root, registry):
        objectmap = find_objectmap(root)
        portail = find_catalog(root, "portail")
        return len(objectmap.objectid_to_path), len(portail.objectids)

    avant = with_root(town.app, compter)
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)
    reserver(dupont, town, VJ, VACANCES)
    assert with_root(town.app, compter) == avant
    assert cell(town, MAM, MERCREDI) == cells.RESERVE

    def etats(root, registry):
        demandes = root["familles"][NUMERO]["demandes"]
        return sorted(d.etat for d in demandes.consignes())

    assert with_root(town.app, etats) == [ACCEPTEE, EN_ATTENTE]


def test_a_waiting_reservation_joins_its_days_list_and_leaves_it(town):  # noqa: F811
    set_capacity(town, MAM, 1, others=1)
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)

    def lire(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        jour = prestation.attente.get(MERCREDI)
        return len(jour) if jour is not None else 0, [
            d.etat for d in liste_attente(prestation, MERCREDI)
        ]

    assert with_root(town.app, lire) == (1, [LISTE_ATTENTE])

    def liberer(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        places.liberer(prestation, MERCREDI)
        request = Request.blank("/")
        request.registry = registry
        return promouvoir(prestation, MERCREDI, request).etat

    assert with_root(town.app, liberer) == ACCEPTEE  # MAM: validated by the rules
    assert with_root(town.app, lire) == (0, [])


def test_a_removed_child_leaves_the_waiting_lists_and_a_removed_family_the_queue(town):  # noqa: F811
    set_capacity(town, MAM, 1, others=1)
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)  # the waiting list
    reserver(dupont, town, VJ, VACANCES)  # for an agent

    def listes(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        return len(liste_attente(prestation, MERCREDI)), len(registre.en_attente(root))

    assert with_root(town.app, listes) == (1, 1)

    def ajouter_noe(root, registry):
        from portail_famille.inscriptions import inscrire

        noe = registry.content.create("Enfant", nom="DUPONT", prenom="NOÉ")
        root["familles"][NUMERO]["enfants"].add_next(noe, registry=registry)
        oid = get_oid(root["structures"][MAM[0]][MAM[1]])
        inscrire(noe, oid, ANNEE, datetime.date(2026, 9, 1), ())
        return noe.__name__, oid

    noe, mam = with_root(town.app, ajouter_noe)
    url = DUPONT_URL + "enfants/%s/" % noe
    page = dupont.get(url + "planning?mois=2026-12")
    values = {"csrf_token": token(page), "prestation": str(mam), "date": MERCREDI.isoformat()}
    dupont.post(url + "demande-de-reservation", values, status=302)
    assert with_root(town.app, listes) == (2, 1)  # LUCAS, then NOÉ

    def retirer_noe(root, registry):
        root["familles"][NUMERO]["enfants"].remove(noe, registry=registry)

    with_root(town.app, retirer_noe)
    assert with_root(town.app, listes) == (1, 1)  # LUCAS's only

    # A family leaves the tree only when it holds no numbered document:
    # its waiting requests leave the queue with it.
    def retirer_famille(root, registry):
        from portail_famille.demandes.subscribers import famille_retiree

        class Evenement:
            object = root["familles"][NUMERO]
            moving = None

        famille_retiree(Evenement())

    with_root(town.app, retirer_famille)
    assert with_root(town.app, listes) == (1, 0)
    queue = staff(town, "agent").get("/manage/@@demandes")
    assert "0 demande(s) en attente" in queue.text


def test_the_sdi_offers_a_records_own_tabs_only(town):  # noqa: F811
    """A record of the register has no oid: SubstanceD's Security and
    Indexing tabs, which need one, are neither offered nor reachable (403,
    never a 500); its default page is "Traiter", for an administrator
    too."""
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, VJ, VACANCES)
    admin = staff(town, "admin")
    queue = admin.get("/manage/@@demandes")
    (cle,) = re.findall(r'name="oid"\s+value="([^"]+)"', queue.text)
    url = "/manage/familles/%s/demandes/%s/" % (NUMERO, cle.partition("/")[2])
    traiter = admin.get(url + "@@traiter")
    assert "@@acl_edit" not in traiter.text and "@@indexing" not in traiter.text
    assert admin.get(url).location.endswith(url + "@@traiter")
    for vue in ("@@acl_edit", "@@indexing"):
        assert admin.get(url + vue, status=403).status_int == 403
