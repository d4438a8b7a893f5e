"""Logs never hold a password, an IBAN or health data (issue 8, RGPD):
every record written at any level while parents and staff go through the
flows that carry them (login, failed login, password change, bank details,
health data, a message, an agent reading and accepting) is searched."""

import logging

import webtest

from portail_famille.demo import DUPONT

from ..conftest import DUPONT_URL, csrf, login
from .test_comptes import change_password
from .test_demandes_parent import demander
from .test_enfants import browser_for, lucas_url

IBAN = "FR1420041010050500013M02606"
SECRETS = {
    "password": "Bonbons31400",
    "wrong password": "Mauvais-Secret-77",
    "new password": "Nouveau-Secret-2026",
    "IBAN": IBAN,
    "IBAN spaced": "FR14 2004 1010 0505 0001 3M02 606",
    "allergy": "Arachide-Kiwi-Secret",
    "PAI": "Trousse-Adrenaline-Secret",
    "message": "Asthme-Severe-Secret",
}


def test_no_password_iban_or_health_data_in_the_logs(app, caplog):
    caplog.set_level(logging.DEBUG)
    anonymous = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    page = anonymous.get("/connexion")
    anonymous.post(
        "/connexion",
        {"login": "jean.dupont", "password": SECRETS["wrong password"], "csrf_token": csrf(page)},
        status=200,
    )
    parent = browser_for(app, "jean.dupont")
    demander(parent, "bancaires", iban=IBAN, bic="CMCIFRPP")
    lucas = lucas_url(app)
    form = parent.get(lucas + "demande-sanitaires").forms["demande"]
    form["allergies"] = SECRETS["allergy"]
    form["pai"] = "Oui"
    form["pai_precisions"] = SECRETS["PAI"]
    form.submit("enregistrer", status=302)
    boite = parent.get(DUPONT_URL + "boite-de-reception?onglet=nouveau")
    message = next(f for f in boite.forms.values() if "texte" in f.fields)
    message["objet"] = "Santé de LUCAS"
    message["texte"] = SECRETS["message"]
    message.submit(status=302)
    change_password(parent, SECRETS["password"], SECRETS["new password"])

    # Staff read and accept the requests (the full IBAN shown once).
    agent = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(agent, "agent", "Enfance2015ej")
    queue = agent.get("/manage/@@demandes")
    assert queue.status_int == 200
    regisseur = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(regisseur, "regisseur", "Regie2015alsh")
    regisseur.get("/manage/familles/%s/" % DUPONT["numero"], status="*")

    records = list(caplog.records)
    assert records, "nothing was logged: the capture does not work"
    for record in records:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        for what, secret in SECRETS.items():
            assert secret not in text, "%s in a log record of %s: %r" % (what, record.name, text)
