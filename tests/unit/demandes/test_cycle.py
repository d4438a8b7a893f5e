"""The lifecycle of a request (demandes.cycle): the table of transitions
(an illegal one raises and writes nothing), each transition journaled, the
state written nowhere else, the evolve step that moves stored states, and
a type without its handler refused at start."""

import ast
import datetime
import pathlib

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.registry import Registry
from pyramid.testing import DummyRequest

import portail_famille
from portail_famille import journal
from portail_famille.demandes import cycle
from portail_famille.demandes.resources import (
    ACCEPTEE,
    ATTENTE_FAMILLE,
    EN_ATTENTE,
    ETATS,
    LISTE_ATTENTE,
    REFUSEE,
    REMPLACEE,
    Demande,
)
from portail_famille.demandes.types import TYPES
from portail_famille.evolve import step22

NOW = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)

# Every (state, next state) the lifecycle allows; any other pair is refused.
PERMISES = {
    (EN_ATTENTE, ACCEPTEE),
    (EN_ATTENTE, REFUSEE),
    (EN_ATTENTE, REMPLACEE),
    (EN_ATTENTE, LISTE_ATTENTE),
    (LISTE_ATTENTE, EN_ATTENTE),
    (LISTE_ATTENTE, ACCEPTEE),
    (LISTE_ATTENTE, REFUSEE),
    # "Demander un document manquant", and the family's answer.
    (EN_ATTENTE, ATTENTE_FAMILLE),
    (ATTENTE_FAMILLE, EN_ATTENTE),
    (ATTENTE_FAMILLE, REFUSEE),
}
# How to bring a new request to each state, through allowed transitions.
CHEMINS = {
    EN_ATTENTE: [],
    ACCEPTEE: [ACCEPTEE],
    REFUSEE: [REFUSEE],
    REMPLACEE: [REMPLACEE],
    LISTE_ATTENTE: [LISTE_ATTENTE],
    ATTENTE_FAMILLE: [ATTENTE_FAMILLE],
}


class Noeud(dict):
    """A folder of the tree as traversal sees it (name, parent, items)."""

    responsable = {}  # a family without an address: no mail

    def __init__(self, name=None, parent=None):
        super().__init__()
        self.__name__ = name
        self.__parent__ = parent


def nouvelle(numero="1001001818331", oid=42):
    """A reservation in a family's ``demandes`` under a root of its own."""
    root = Noeud()
    familles = root["familles"] = Noeud("familles", root)
    famille = familles[numero] = Noeud(numero, familles)
    demandes = famille["demandes"] = Noeud("demandes", famille)
    demande = Demande("reservation", {"jour": "09/12/2026"}, {}, NOW, "jean.dupont", "3")
    demande.__name__, demande.__parent__, demande.__oid__ = "d1", demandes, oid
    demandes["d1"] = demande
    return root, demande


def entrees(root):
    found, _ = journal.lire(root, limite=1000)
    return [
        (e["quoi"], e["qui"], e["objet"], {"famille": e["famille"], **e["details"]}) for e in found
    ]


@pytest.mark.parametrize("depuis", sorted(ETATS))
@pytest.mark.parametrize("vers", sorted(ETATS))
def test_the_table_of_transitions(depuis, vers):
    root, demande = nouvelle()
    registry = Registry()
    for etat in CHEMINS[depuis]:
        cycle.passer(demande, etat, "agent", registry, NOW)
    avant = (demande.etat, demande.date_traitement, demande.traite_par, demande.motif_refus)
    journaux = len(entrees(root))
    if (depuis, vers) in PERMISES:
        cycle.passer(demande, vers, "agent", registry, NOW, motif="Complet")
        assert demande.etat == vers
        assert entrees(root)[0] == (
            cycle.TRANSITIONS[(depuis, vers)],
            "agent",
            42,
            {"famille": "1001001818331", "type": "reservation", "enfant": "3"},
        )
    else:
        with pytest.raises(cycle.TransitionInterdite):
            cycle.passer(demande, vers, "agent", registry, NOW, motif="Complet")
        # Nothing written: neither the request nor the journal.
        assert (
            demande.etat,
            demande.date_traitement,
            demande.traite_par,
            demande.motif_refus,
        ) == avant
        assert len(entrees(root)) == journaux


def test_the_table_is_the_lifecycles():
    assert set(cycle.TRANSITIONS) == PERMISES
    assert set(cycle.TRANSITIONS.values()) == set(cycle.ACTIONS)


def test_a_refused_request_is_never_accepted_and_an_accepted_one_never_refused():
    registry = Registry()
    _root, refusee = nouvelle()
    cycle.passer(refusee, REFUSEE, "agent", registry, NOW, motif="Complet")
    with pytest.raises(cycle.TransitionInterdite):
        cycle.passer(refusee, ACCEPTEE, "agent", registry, NOW)
    _root, acceptee = nouvelle()
    cycle.passer(acceptee, ACCEPTEE, cycle.AUTOMATIQUE, registry, NOW)
    with pytest.raises(cycle.TransitionInterdite):
        cycle.passer(acceptee, REFUSEE, "agent", registry, NOW)
    assert (refusee.etat, acceptee.etat) == (REFUSEE, ACCEPTEE)


def agent_request(appels):
    """A request whose registry has a reservation's handler that notes its
    calls (``appels``) and applies nothing."""
    registry = Registry()
    traitement = cycle.Traitement(
        lambda demande, request, force=False, now=None: appels.append(("accepter", demande)),
        lambda demande, request, now=None: appels.append(("refuser", demande)),
        "planning_acceptee",
        "planning_refusee",
    )
    registry.registerUtility(traitement, cycle.ITraitement, name="reservation")
    request = DummyRequest()
    request.registry = registry
    return request


@pytest.mark.parametrize(
    "etat, message",
    [
        (REFUSEE, "Cette demande a déjà été traitée."),
        (ACCEPTEE, "Cette demande a déjà été traitée."),
        (REMPLACEE, "Cette demande a déjà été traitée."),
        (
            LISTE_ATTENTE,
            "Cette demande est « Liste d'attente » : elle ne peut pas passer à « Acceptée ».",
        ),
    ],
)
def test_an_agent_cannot_accept_what_is_not_en_attente(etat, message):
    """Accepting a refused request (an old page, a forged post) is refused
    with a French message: no handler called, nothing written, no entry in
    the journal, no mail."""
    root, demande = nouvelle()
    appels = []
    request = agent_request(appels)
    cycle.passer(demande, etat, "agent", request.registry, NOW, motif="Complet")
    avant = (demande.etat, demande.date_traitement, demande.traite_par, demande.motif_refus)
    journaux = entrees(root)
    with pytest.raises(cycle.TransitionInterdite) as refus:
        cycle.accepter(demande, "autre.agent", request)
    assert request.localizer.translate(refus.value.message) == message
    assert appels == []
    assert (demande.etat, demande.date_traitement, demande.traite_par, demande.motif_refus) == avant
    assert entrees(root) == journaux
    with pytest.raises(cycle.TransitionInterdite):
        cycle.refuser(demande, "autre.agent", "Non", request)
    assert appels == [] and entrees(root) == journaux and demande.motif_refus == avant[3]


def test_an_agents_decision_calls_the_types_handler_then_journals():
    root, demande = nouvelle()
    appels = []
    request = agent_request(appels)
    cycle.refuser(demande, "agent", "  Complet ", request, now=NOW)
    assert appels == [("refuser", demande)]
    assert (demande.etat, demande.traite_par, demande.motif_refus) == (REFUSEE, "agent", "Complet")
    assert entrees(root)[0][:3] == ("DemandeRefusee", "agent", 42)
    _root, autre = nouvelle()
    with pytest.raises(ValueError):
        cycle.refuser(autre, "agent", "  ", request)  # a refusal needs its reason
    assert autre.etat == EN_ATTENTE and len(appels) == 1


def test_what_each_transition_writes():
    """A final state is dated; accepted and refused say by whom (a
    replaced request was not processed); a refusal keeps its reason; a
    request back from the waiting list is neither dated nor processed."""
    registry = Registry()
    _root, acceptee = nouvelle()
    cycle.passer(acceptee, ACCEPTEE, cycle.AUTOMATIQUE, registry, NOW)
    assert (acceptee.date_traitement, acceptee.traite_par) == (NOW, "automatique")
    _root, refusee = nouvelle()
    cycle.passer(refusee, REFUSEE, "agent", registry, NOW, motif="Complet")
    assert (refusee.date_traitement, refusee.traite_par, refusee.motif_refus) == (
        NOW,
        "agent",
        "Complet",
    )
    _root, remplacee = nouvelle()
    cycle.passer(remplacee, REMPLACEE, "jean.dupont", registry, NOW)
    assert (remplacee.date_traitement, remplacee.traite_par) == (NOW, None)
    _root, revenue = nouvelle()
    cycle.passer(revenue, LISTE_ATTENTE, cycle.AUTOMATIQUE, registry, NOW)
    cycle.passer(revenue, EN_ATTENTE, cycle.AUTOMATIQUE, registry, NOW)
    assert (revenue.etat, revenue.date_traitement, revenue.traite_par) == (EN_ATTENTE, None, None)


def test_the_state_is_not_written_by_assignment():
    _root, demande = nouvelle()
    with pytest.raises(AttributeError):
        demande.etat = ACCEPTEE
    assert demande.etat == EN_ATTENTE
    assert "etat" not in demande.__dict__ and "_etat" not in demande.__dict__


def test_only_the_lifecycle_writes_the_stored_state():
    """No module but the lifecycle (and the evolve step that moved old
    states) assigns ``_etat``."""
    paquet = pathlib.Path(portail_famille.__file__).parent
    permis = {paquet / "demandes" / "cycle.py", paquet / "evolve" / "step22.py"}
    found = []
    for path in paquet.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "_etat" for t in targets):
                found.append(path)
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "setattr"
                and any(isinstance(a, ast.Constant) and a.value == "_etat" for a in node.args)
            ):
                found.append(path)
    assert set(found) <= permis
    assert paquet / "demandes" / "cycle.py" in found


def test_step22_moves_a_stored_state():
    root, demande = nouvelle()
    _autre_root, autre = nouvelle()
    # As a request was pickled before: its state in its own ``etat``.
    demande.__dict__["etat"] = REFUSEE
    famille = root["familles"]["1001001818331"]
    autre.__parent__ = famille["demandes"]
    famille["demandes"]["d2"] = autre  # never processed: no state of its own
    step22.evolve(root, Registry())
    assert demande.etat == REFUSEE and "etat" not in demande.__dict__
    assert autre.etat == EN_ATTENTE and "etat" not in autre.__dict__
    step22.evolve(root, Registry())  # twice: nothing more
    assert demande.etat == REFUSEE


def test_a_type_without_its_handler_is_refused_at_start():
    config = Configurator()
    config.include("portail_famille.demandes.cycle")
    config.include("portail_famille.demandes.fiche")
    with pytest.raises(ConfigurationError) as refus:
        config.commit()
    # Reservations and absences are registered by the planning's package,
    # the CAF section by the billing's.
    for nom in ("absence", "reservation", "caf"):
        assert nom in str(refus.value)
    assert "responsable" not in str(refus.value)


def test_each_type_is_handled_by_its_own_package():
    config = Configurator()
    config.include("portail_famille.demandes.cycle")
    config.include("portail_famille.demandes.fiche")
    config.include("portail_famille.planning")
    config.include("portail_famille.facturation.compte")
    # the types a higher domain defines (types.ajouter): the mandates'
    # requests (prelevement registers its jobs: the queue's directive first)
    config.include("portail_famille.travaux")
    config.include("portail_famille.prelevement")
    # online enrolment (its page is in the family's menu)
    config.include("portail_famille.skin")
    config.include("portail_famille.inscription_en_ligne")
    config.commit()
    modules = {
        nom: config.registry.getUtility(cycle.ITraitement, name=nom).accepter.__module__
        for nom in TYPES
    }
    # The planning's days, the billing's quotient familial, the direct
    # debit's mandates, the record's sections.
    assert (
        modules.pop("reservation") == modules.pop("absence") == "portail_famille.planning.service"
    )
    assert modules.pop("absence_justificatif") == "portail_famille.planning.justificatifs"
    assert modules.pop("caf") == "portail_famille.facturation.compte"
    assert (
        modules.pop("mandat_sepa")
        == modules.pop("revocation_mandat")
        == "portail_famille.prelevement.service"
    )
    assert modules.pop("inscription") == "portail_famille.inscription_en_ligne.service"
    assert set(modules.values()) == {"portail_famille.demandes.fiche"}


def test_an_unknown_type_cannot_be_registered():
    config = Configurator()
    config.include("portail_famille.demandes.cycle")
    with pytest.raises(ConfigurationError):
        config.add_traitement_demande("inconnu", accepter=print)
