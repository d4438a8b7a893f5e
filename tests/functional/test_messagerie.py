"""Messages between families and the service: the model and its service
(counters, read/unread, handled, deleted, mail, catalog), then the
parent's pages."""

import pytest
from pyramid.threadlocal import get_current_request
from substanced.util import find_catalog, get_oid

from portail_famille.demo import DUPONT, MARTIN
from portail_famille.messagerie import service
from portail_famille.messagerie.resources import ENVOYES, RECUS, SUPPRIMES

from ..conftest import DUPONT_URL, mails, with_root

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def famille(root, numero=DUPONT["numero"]):
    return root["familles"][numero]


def catalogue(root, conversation):
    """The ``portail`` catalog's values of ``conversation``."""
    catalog = find_catalog(root, "portail")
    oid = get_oid(conversation)
    noms = (
        "famille",
        "message_lu_service",
        "message_traitee",
        "message_structure",
        "message_date",
        "message_boite",
    )
    return {nom: catalog[nom].discriminate(conversation, None) for nom in noms} | {
        "indexed": {nom: oid in catalog[nom].docids() for nom in noms}
    }


def query(root, **eq):
    catalog = find_catalog(root, "portail")
    result = None
    for name, value in eq.items():
        q = catalog[name].eq(value)
        result = q if result is None else result & q
    return set(result.execute().ids)


def test_service_counters_read_handled_deleted(app):
    def scenario(root, registry):
        request = get_current_request()
        f = famille(root)
        dossier = f["messages"]
        assert f.nouveaux_messages() == dossier.non_lus
        avant = dossier.non_lus
        structure = get_oid(root["structures"]["garderie-periscolaire"])

        sent = service.ecrire(request, f, "Absence", "Lucas sera absent.", structure=structure)
        assert sent.origine == "famille" and sent.lu_famille and not sent.lu_service
        assert not sent.traitee and sent.boite == ENVOYES
        assert sent.messages[0].nom == "JEAN DUPONT"
        assert f.nouveaux_messages() == avant  # the family's own message is not "new"
        values = catalogue(root, sent)
        assert values["famille"] == DUPONT["numero"]
        assert values["message_lu_service"] is False and values["message_traitee"] is False
        assert values["message_structure"] == structure
        assert values["message_date"] == sent.derniere
        assert values["message_boite"] == ENVOYES

        service.ouvrir(sent, "service")
        assert catalogue(root, sent)["message_lu_service"] is True
        service.repondre(request, sent, "service", "Bien noté.", par="Agent Dupuis")
        assert f.nouveaux_messages() == avant + 1
        assert sent.messages[-1].nom == "Agent Dupuis"
        service.ouvrir(sent, "famille")
        assert f.nouveaux_messages() == avant
        service.ouvrir(sent, "famille")  # twice: counted once
        assert f.nouveaux_messages() == avant

        service.repondre(request, sent, "famille", "Merci.")
        assert not sent.lu_service and not sent.traitee
        assert query(root, message_lu_service=False, famille=DUPONT["numero"]) >= {get_oid(sent)}
        service.traiter(sent, "agent")
        assert sent.traitee and sent.lu_service and sent.traitee_par == "agent"
        assert catalogue(root, sent)["message_traitee"] is True

        recu = service.ecrire_a_la_famille(request, f, "Sortie", "Pensez au pique-nique.")
        assert recu.boite == RECUS and catalogue(root, recu)["message_structure"] == 0
        assert f.nouveaux_messages() == avant + 1
        service.supprimer(recu)  # deleted unread: no longer announced
        assert f.nouveaux_messages() == avant
        assert catalogue(root, recu)["message_boite"] == SUPPRIMES
        service.restaurer(recu)
        assert f.nouveaux_messages() == avant + 1
        assert catalogue(root, recu)["message_boite"] == RECUS
        service.supprimer(recu)
        service.repondre(request, recu, "service", "Rappel.")  # back from the bin
        assert not recu.supprimee and f.nouveaux_messages() == avant + 1
        assert service.recompter(dossier) == avant + 1

        # Another family's folder is untouched.
        assert famille(root, MARTIN["numero"])["messages"].non_lus == 0
        return get_oid(recu)

    oid = with_root(app.app, scenario)

    def after(root, registry):
        assert query(root, famille=DUPONT["numero"], message_boite=RECUS) >= {oid}

    with_root(app.app, after)


def test_service_refuses_bad_input(app):
    def scenario(root, registry):
        request = get_current_request()
        f = famille(root)
        nombre = len(f["messages"])
        for objet, texte, champ in (
            ("", "Bonjour", "objet"),
            ("   ", "Bonjour", "objet"),
            ("Objet", " \n ", "texte"),
            ("Objet", "x" * 5001, "texte"),
            ("x" * 201, "Bonjour", "objet"),
        ):
            with pytest.raises(service.MessagerieError) as error:
                service.ecrire(request, f, objet, texte)
            assert error.value.champ == champ
        assert len(f["messages"]) == nombre
        conversation = service.ecrire(request, f, "Objet", "x" * 5000)
        with pytest.raises(service.MessagerieError):
            service.repondre(request, conversation, "famille", "")
        assert len(conversation.messages) == 1

    with_root(app.app, scenario)


def _autorisation(app, oui):
    def set_(root, registry):
        famille(root).responsable["autorisation_courriel"] = oui

    with_root(app.app, set_)


def test_mail_only_when_autorisation_courriel_is_oui(app):
    def ecrire(root, registry):
        request = get_current_request()
        service.ecrire_a_la_famille(request, famille(root), "Santé", "Lucas a de la fièvre.")

    _autorisation(app, False)
    avant = len(mails(app))
    with_root(app.app, ecrire)
    assert len(mails(app)) == avant

    _autorisation(app, True)
    with_root(app.app, ecrire)
    found = mails(app)
    assert len(found) == avant + 1
    mail = found[-1]
    assert "jean.dupont@wanadoo.fr" in mail
    assert DUPONT_URL + "boite-de-reception" in mail
    assert "fièvre" not in mail and "Santé" not in mail  # no health data by mail

    def family_writes(root, registry):
        request = get_current_request()
        conversation = service.ecrire(request, famille(root), "Question", "Bonjour")
        service.repondre(request, conversation, "famille", "Encore moi")

    with_root(app.app, family_writes)
    assert len(mails(app)) == avant + 1  # the family's own messages mail nobody


def test_evolve_step9_gives_old_families_their_messages_folder(app):
    from portail_famille.evolve import step9

    def old(root, registry):
        f = famille(root)
        del f["messages"]
        catalog = find_catalog(root, "portail")
        catalog.remove("message_boite")

    with_root(app.app, old)

    def evolve(root, registry):
        assert "messages" not in famille(root)
        step9.evolve(root, registry)

    with_root(app.app, evolve)

    def check(root, registry):
        f = famille(root)
        assert f["messages"].non_lus == 0 and f.nouveaux_messages() == 0
        assert "message_boite" in find_catalog(root, "portail")
        request = get_current_request()
        conversation = service.ecrire_a_la_famille(request, f, "Bienvenue", "Bonjour")
        assert query(root, famille=DUPONT["numero"], message_boite=RECUS) >= {get_oid(conversation)}

    with_root(app.app, check)
