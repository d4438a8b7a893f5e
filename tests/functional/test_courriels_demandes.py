"""Told what changed (issue 21, part 5): every request, of any type,
answered by the service (accepted, refused, "Absent excusé"...) mails the
family once, from the lifecycle (``demandes.cycle.prevenir``), with what
the request was (its type, the child, the day or the fields: old → new,
an IBAN masked, health data named and never written), the decision and
its reason when there is one."""

from portail_famille.demandes import service
from portail_famille.demo import DUPONT

from ..conftest import DUPONT_URL, mails, with_root
from .test_demandes_staff import (
    IBAN_ACTUEL,
    IBAN_NOUVEAU,
    MASQUE_ACTUEL,
    MASQUE_NOUVEAU,
    TELEPHONE,
    changer_fiche,
    deposer,
    full_iban_in,
    staff,
)
from .test_enfants import browser_for, enfants

NUMERO = DUPONT["numero"]


def deposer_enfant(app, type_demande, valeurs, prenom="LUCAS"):
    """A request about DUPONT's child ``prenom``; its @@traiter URL."""
    nom = enfants(app)[prenom][0]

    def make(root, registry):
        famille = root["familles"][NUMERO]
        demande, _r = service.deposer(
            famille, type_demande, valeurs, "jean.dupont", registry, enfant=nom
        )
        return "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, demande.__name__)

    return with_root(app.app, make)


def nouveau_mail(app, avant):
    """The one mail sent since ``avant`` mails (fails if none or several)."""
    sent = mails(app)[avant:]
    assert len(sent) == 1, sent
    return sent[0]


def accepter(agent, url, motif=""):
    form = agent.get(url).forms["form-accepter"]
    form["motif_acceptation"] = motif
    return form.submit("accepter")


def refuser(agent, url, motif):
    form = agent.get(url).forms["form-refuser"]
    form["motif"] = motif
    return form.submit("refuser")


def test_an_accepted_record_change_says_what_changed_and_why(app):
    _oid, url = deposer(app, NUMERO, "responsable", TELEPHONE)
    accepter(staff(app, "agent"), url, motif="Numéros vérifiés par téléphone.")
    mail = nouveau_mail(app, 0)
    for text in (
        "To: jean.dupont@wanadoo.fr",
        "Subject: Portail Famille : votre demande « Infos Responsable » est acceptée",
        "Demande : Infos Responsable",
        "Téléphone domicile : 01.02.03.04.05 → 05.61.00.00.01",
        "→ 06.12.34.56.78",
        "Décision : Acceptée",
        "Motif de la décision : Numéros vérifiés par téléphone.",
    ):
        assert text in mail, text
    # The agent's reason shows on the request's page and in the family's list.
    page = staff(app, "agent").get(url)
    assert "Numéros vérifiés par téléphone." in page.text
    liste = browser_for(app, "jean.dupont").get(DUPONT_URL + "liste-des-demandes")
    acceptees = liste.html.find(id="titre-acceptees").find_parent("section").get_text(" ")
    assert "Motif de la décision : Numéros vérifiés par téléphone." in acceptees


def test_an_acceptance_without_a_reason_says_none(app):
    _oid, url = deposer(app, NUMERO, "conjoint", {"mobile": "06.00.00.00.09"})
    accepter(staff(app, "agent"), url)
    mail = nouveau_mail(app, 0)
    assert "Demande : Infos Conjoint" in mail and "06.00.00.00.09" in mail
    assert "Décision : Acceptée" in mail and "Motif" not in mail


def test_a_refused_bank_change_masks_the_iban(app):
    changer_fiche(app, NUMERO, "bancaires", iban=IBAN_ACTUEL, bic="BDFEFRPPCCT")
    _oid, url = deposer(app, NUMERO, "bancaires", {"iban": IBAN_NOUVEAU})
    refuser(staff(app, "regisseur"), url, "Joignez un RIB à votre nom.")
    mail = nouveau_mail(app, 0)
    assert "IBAN : %s → %s" % (MASQUE_ACTUEL, MASQUE_NOUVEAU) in mail
    assert full_iban_in(mail, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    assert "Décision : Refusée" in mail and "Motif du refus : Joignez un RIB à votre nom." in mail


def test_a_child_s_health_data_is_named_never_written_in_a_mail(app):
    url = deposer_enfant(app, "sanitaires", {"allergies": "Arachide (sévère)"})
    accepter(staff(app, "agent"), url)
    mail = nouveau_mail(app, 0)
    assert "Enfant : LUCAS" in mail
    assert "Données sanitaires modifiées : Allergies" in mail
    assert "Arachide" not in mail


def test_a_child_s_authorisations_name_the_child(app):
    url = deposer_enfant(app, "autorisations", {"photos": "Non"})
    refuser(staff(app, "agent"), url, "Précisez l'ordonnance.")
    mail = nouveau_mail(app, 0)
    assert "Demande : Autorisations" in mail and "Enfant : LUCAS" in mail
    assert "Autorisation photos" in mail and "→ Non" in mail and "Précisez l'ordonnance." in mail


def test_a_new_child_s_request_says_who(app):
    _oid, url = deposer(
        app,
        NUMERO,
        "nouvel_enfant",
        {"prenom": "LÉA", "nom": "DUPONT", "sexe": "F", "date_naissance": None},
    )
    refuser(staff(app, "agent"), url, "Venez avec le livret de famille.")
    mail = nouveau_mail(app, 0)
    assert "Demande : Nouvel enfant" in mail and "LÉA" in mail
    assert "Venez avec le livret de famille." in mail


def test_one_answer_one_mail(app):
    """Several requests processed: one mail each, never two for one."""
    _oid, url1 = deposer(app, NUMERO, "responsable", TELEPHONE)
    _oid, url2 = deposer(app, NUMERO, "conjoint", {"mobile": "06.00.00.00.09"})
    agent = staff(app, "agent")
    accepter(agent, url1)
    refuser(agent, url2, "Doublon.")
    sent = mails(app)
    assert len(sent) == 2
    assert sum("Infos Responsable" in m for m in sent) == 1
    assert sum("Infos Conjoint" in m for m in sent) == 1
