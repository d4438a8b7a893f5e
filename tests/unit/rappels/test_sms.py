"""SMS: numbers in E.164, texts within one GSM 7-bit SMS, the transports
chosen by a setting, and the OVHcloud client's API call.

The OVHcloud client is not tested against a local HTTP server: the ``ovh``
package (1.2.0) accepts only the names of its own endpoints
(``ovh.client.ENDPOINTS``: ovh-eu, ovh-ca...; any other value raises
``InvalidRegion``), so ``portail.sms.ovh.endpoint`` cannot point at a
local server without patching the library.  What is tested: the client
made from the settings (a real ``ovh.Client``, no network: it calls the API
only when a request is made), the settings it refuses, and the call it
makes (path and body)."""

import json

import ovh
import pytest
from pyramid.exceptions import ConfigurationError

from portail_famille.rappels import sms
from portail_famille.rappels.sms import OvhSms, RepertoireSms, e164, gsm, septets, texte_sms


@pytest.mark.parametrize(
    ("numero", "attendu"),
    [
        ("06.12.34.56.78", "+33612345678"),
        ("0712345678", "+33712345678"),
        ("06 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("0690123456", "+590690123456"),  # Guadeloupe
        ("0696123456", "+596696123456"),  # Martinique
        ("0694123456", "+594694123456"),  # Guyane
        ("+41 79 123 45 67", "+41791234567"),  # already international
        ("04.76.00.00.00", None),  # a landline: no SMS
        ("09 70 00 00 00", None),
        ("0612", None),
        ("061234567890", None),
        ("", None),
        (None, None),
        ("abc", None),
        ("+0612345678", None),
    ],
)
def test_e164(numero, attendu):
    assert e164(numero) == attendu


def test_gsm_keeps_the_alphabet_and_replaces_the_rest():
    assert gsm("Réservée à 10:00, élève") == "Réservée à 10:00, élève"  # é, à: GSM
    assert gsm("fête, garçon, cœur, «ici», l’été") == 'fete, garcon, coeur, "ici", l\'été'
    assert gsm("CHLOÉ  et\u00a0LÉO") == "CHLOÉ et LÉO"
    assert septets("€") == 2 and septets("[a]") == 5 and septets("ê") is None


def test_gsm_cuts_at_a_word_within_160():
    texte = "Portail Famille : " + " ".join(["réservation"] * 30)
    court = gsm(texte)
    assert septets(court) <= 160 and court.endswith("...")
    assert court[: -len("...")].split(" ")[-1] == "réservation"
    assert septets(gsm("€" * 100)) <= 160  # two septets each
    assert gsm("x" * 200) == "x" * 157 + "..."


def test_a_long_text_loses_the_portals_name_before_its_end():
    fin = "Réservations jusqu'au jeudi 8 octobre à 10:00."
    court = "Portail Famille : la cantine de LÉO n'est pas réservée. " + fin
    assert texte_sms(court, "Portail Famille : ") == court
    prefixe = "Portail Famille de la commune de Saint-Jean-de-Luz-sur-Mer : "
    milieu = (
        "la cantine de MARIE-CHARLOTTE n'est pas réservée pour la semaine du lundi 12 octobre. "
    )
    long = prefixe + milieu + fin
    assert septets(long) > 160
    assert texte_sms(long, prefixe) == milieu + fin
    # still too long without it: cut, at a word
    assert texte_sms(prefixe + milieu * 2, prefixe).endswith("...")


def test_the_transport_is_a_setting(tmp_path):
    assert sms.transport({}) is None  # no SMS: mail only
    repertoire = sms.transport(
        {"portail.sms.transport": "repertoire", "portail.sms.directory": str(tmp_path)}
    )
    assert isinstance(repertoire, RepertoireSms)
    name = repertoire.envoyer("+33612345678", "Bonjour")
    (fichier,) = tmp_path.iterdir()
    assert fichier.name == name
    assert json.loads(fichier.read_text(encoding="utf-8"))["to"] == "+33612345678"
    with pytest.raises(ConfigurationError):
        sms.transport({"portail.sms.transport": "pigeon"})
    dotted = sms.transport({"portail.sms.transport": "portail_famille.rappels.sms:RepertoireSms"})
    assert isinstance(dotted, RepertoireSms)


OVH = {
    "portail.sms.transport": "ovh",
    "portail.sms.ovh.endpoint": "ovh-eu",
    "portail.sms.ovh.application_key": "ak",
    "portail.sms.ovh.application_secret": "as",
    "portail.sms.ovh.consumer_key": "ck",
    "portail.sms.ovh.service_name": "sms-ab12345-1",
    "portail.sms.sender": "MAIRIE",
}


def test_the_ovh_client_from_the_settings():
    transport = sms.transport(OVH)
    assert isinstance(transport, OvhSms)
    assert isinstance(transport.client, ovh.Client)
    assert transport.client._endpoint == ovh.client.ENDPOINTS["ovh-eu"]
    path, corps = transport.message("+33612345678", "Bonjour")
    assert path == "/sms/sms-ab12345-1/jobs"
    assert corps == {
        "message": "Bonjour",
        "receivers": ["+33612345678"],
        "charset": "UTF-8",
        "coding": "7bit",
        "priority": "high",
        "noStopClause": True,
        "sender": "MAIRIE",
    }
    sans = OvhSms(dict(OVH, **{"portail.sms.sender": ""}))
    assert sans.message("+33612345678", "x")[1]["senderForResponse"] is True


def test_the_ovh_settings_refused():
    with pytest.raises(ConfigurationError, match="endpoint"):
        OvhSms(dict(OVH, **{"portail.sms.ovh.endpoint": "http://127.0.0.1:8080"}))
    with pytest.raises(ConfigurationError, match="consumer_key"):
        OvhSms(dict(OVH, **{"portail.sms.ovh.consumer_key": ""}))
