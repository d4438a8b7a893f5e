"""One lifecycle for requests (demandes.cycle), seen from the journal: what
the rules decide at once (a reservation within the rules, an absence within
its deadline, the waiting list, a freed place) is journaled as an agent's
decision is, with "automatique" as who; the Journal tab names each
transition in French; an agent's decision the lifecycle does not allow is
refused in French and writes nothing."""

from pyramid.threadlocal import get_current_request
from substanced.util import get_oid

from portail_famille.demandes.resources import LISTE_ATTENTE
from portail_famille.planning import places
from portail_famille.planning.service import promouvoir

from ..conftest import mails, with_root
from .test_demandes_staff import audit, flashes, staff, token
from .test_enfants import browser_for
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    JEUDI_CONTRAT,
    MAM,
    MERCREDI,
    NUMERO,
    REST,
    VACANCES,
    VJ,
    absence,
    clock,
    premiere_a_traiter,
    reserver,
    set_capacity,
    town,
)


def oids(app):
    """{(type, day): name} of the family's requests of the planning: records
    of its register, with no oid (``demandes.resources.Demandes``)."""

    def read(root, registry):
        demandes = root["familles"][NUMERO]["demandes"].values()
        assert all(get_oid(d, None) is None for d in demandes if d.jour is not None)
        return {(d.type_demande, d.jour): d.__name__ for d in demandes if d.jour is not None}

    return with_root(app.app, read)


def transitions(app):
    """[(action, oid, who, type)] of the requests' journal entries, oldest
    first, and the set of the detail keys each one gives."""
    found = [(a, o, d) for a, o, d in audit(app) if a.startswith("Demande")]
    keys = {frozenset(d) - {"par", "time"} for _a, _o, d in found}
    # A register's record is named by its entries' details, having no oid.
    return [(a, o or d.get("demande"), d["par"], d["type"]) for a, o, d in found], keys


def test_automatic_acceptances_are_journaled_as_an_agents(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)  # automatic validation, in time
    absence(dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous médical")  # in time
    reserver(dupont, town, VJ, VACANCES)  # an agent validates it
    _queue, traiter = premiere_a_traiter(staff(town, "agent"), "reservation")
    traiter.forms["form-accepter"].submit("accepter")

    demandes = oids(town)
    entries, keys = transitions(town)
    assert entries == [
        ("DemandeAcceptee", demandes[("reservation", MERCREDI)], "automatique", "reservation"),
        ("DemandeAcceptee", demandes[("absence", JEUDI_CONTRAT)], "automatique", "absence"),
        ("DemandeAcceptee", demandes[("reservation", VACANCES)], "agent", "reservation"),
    ]
    # The same entry, whoever decided: the family, the type, the child, and
    # the request's name in the family's register.
    assert keys == {frozenset({"famille", "type", "enfant", "demande"})}
    # The administrators' Journal tab names them.
    journal = staff(town, "admin").get("/manage/@@journal?action=DemandeAcceptee")
    assert journal.text.count("Demande acceptée") >= 3 and "automatique" in journal.text


def test_the_waiting_list_and_a_freed_place_are_journaled(town):  # noqa: F811
    set_capacity(town, MAM, 1, others=1)
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)  # the day is full: waiting list

    def give_back(root, registry):  # the other child's place
        prestation = root["structures"][MAM[0]][MAM[1]]
        places.liberer(prestation, MERCREDI)
        return promouvoir(prestation, MERCREDI, get_current_request())

    assert with_root(town.app, give_back) is not None
    oid = oids(town)[("reservation", MERCREDI)]
    entries, _keys = transitions(town)
    assert entries == [
        ("DemandeListeAttente", oid, "automatique", "reservation"),
        ("DemandeAcceptee", oid, "automatique", "reservation"),
    ]
    journal = staff(town, "admin").get("/manage/@@journal")
    assert "Demande en liste d'attente" in journal.text


def test_an_agent_cannot_accept_a_request_on_the_waiting_list(town):  # noqa: F811
    """It waits for a place, not for an agent: accepting it (a forged or old
    form) gets the lifecycle's French message and writes nothing."""
    set_capacity(town, MAM, 1, others=1)
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)  # waiting list
    reserver(dupont, town, VJ, VACANCES)  # en attente: the queue has its form
    oid = oids(town)[("reservation", MERCREDI)]

    def read(root, registry):
        demande = [d for d in root["familles"][NUMERO]["demandes"].values() if d.__name__ == oid]
        return demande[0].__name__, demande[0].etat, demande[0].traite_par

    name, etat, _par = with_root(town.app, read)
    assert etat == LISTE_ATTENTE
    avant = transitions(town)
    agent = staff(town, "agent")
    url = "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, name)
    queue, _traiter = premiere_a_traiter(agent, "reservation")
    refused = agent.post(url, {"csrf_token": token(queue), "accepter": "1"})
    assert refused.status_int == 302 and refused.location.endswith(url)
    assert (
        "Cette demande est « Liste d'attente » : elle ne peut pas passer à « Acceptée »."
        in flashes(refused.follow())
    )
    assert with_root(town.app, read) == (name, LISTE_ATTENTE, None)
    assert transitions(town) == avant
    assert mails(town) == []
