"""Online payment through PayFiP (eopayment's ``payfip_ws``), against a
local fake of PayFiP's SOAP web service: a small HTTP server answering
``creerPaiementSecurise`` and ``recupererDetailPaiementSecurise`` as PayFiP
does (the answers of eopayment's own test data), its base URL given by
``portail.paiement.payfip.url``.

The payment is confirmed by asking the service, never by the return URL:
a return claiming "paid" while the service says otherwise records nothing.
"""

import datetime
import threading
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import pytest

from portail_famille import dates
from portail_famille.dates import PARIS
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.paiement.fournisseurs import ANNULE, EN_COURS, PAYE, REFUSE
from portail_famille.paiement.resources import NOM

from ..conftest import DUPONT_URL, csrf, login, mails, make_app, with_root
from .conftest import client, no_traceback

AL36 = DUPONT_URL + "factures/AL-36/"
PAYER = AL36 + "payer"
EMAIL = "recu.payfip@example.org"
NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
ENVELOPPE = (
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>%s</S:Body>'
    "</S:Envelope>"
)
ERREUR = (
    '<S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope"><faultcode>S:Server</faultcode>'
    "<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>"
    '<detail><ns2:FonctionnelleErreur xmlns:ns2="%s"><code>%s</code><descriptif/>'
    "<libelle>%s</libelle><severite>2</severite></ns2:FonctionnelleErreur></detail></S:Fault>"
)


class FauxPayFiP(ThreadingHTTPServer):
    """PayFiP's web service at http://127.0.0.1:<port>/tpa/services/securite.
    ``operations``: idOp -> what creerPaiementSecurise received, plus
    ``resultrans`` (None: not paid yet, P5) and ``montant_paye``."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Service)
        self.operations = {}
        self.appels = []
        self.panne = False
        self.url = "http://127.0.0.1:%d/tpa/" % self.server_address[1]

    def regler(self, idop, resultrans, montant=None):
        self.operations[idop]["resultrans"] = resultrans
        if montant is not None:
            self.operations[idop]["montant_paye"] = montant


class _Service(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        corps = self.rfile.read(int(self.headers["Content-Length"]))
        faux = self.server
        if self.path != "/tpa/services/securite" or faux.panne:
            self._repondre(503, "indisponible")
            return
        # the portal's own zeep client is the only sender
        enveloppe = ET.fromstring(corps)  # noqa: S314
        operation = enveloppe.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]
        nom = operation.tag.split("}")[1]
        arguments = {e.tag: e.text for e in operation.find("arg0")}
        faux.appels.append((nom, arguments))
        if nom == "creerPaiementSecurise":
            idop = str(uuid.uuid4())
            faux.operations[idop] = dict(arguments, resultrans=None)
            reponse = "<idOp>%s</idOp>" % idop
        elif nom == "recupererDetailPaiementSecurise":
            operation = faux.operations.get(arguments["idOp"])
            if operation is None:
                self._faute("P1", "IdOp incorrect.")
                return
            if operation["resultrans"] is None:
                self._faute("P5", "Résultat de la transaction non connu.")
                return
            quand = datetime.datetime.now(PARIS) - datetime.timedelta(minutes=10)
            champs = {
                "dattrans": quand.strftime("%d%m%Y"),
                "exer": operation["exer"],
                "heurtrans": quand.strftime("%H%M"),
                "idOp": arguments["idOp"],
                "mel": operation["mel"],
                "montant": operation.get("montant_paye", operation["montant"]),
                "numauto": "112233445566-tip",
                "numcli": operation["numcli"],
                "refdet": operation["refdet"],
                "resultrans": operation["resultrans"],
                "saisie": operation["saisie"],
            }
            reponse = "".join("<%s>%s</%s>" % (k, escape(v), k) for k, v in champs.items())
        else:
            self._repondre(500, "operation inconnue")
            return
        corps = '<ns2:%sResponse xmlns:ns2="%s"><return>%s</return></ns2:%sResponse>' % (
            nom,
            NS,
            reponse,
            nom,
        )
        self._repondre(200, ENVELOPPE % corps)

    def _faute(self, code, libelle):
        self._repondre(500, ENVELOPPE % (ERREUR % (NS, code, escape(libelle))))

    def _repondre(self, status, texte):
        data = texte.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def payfip():
    faux = FauxPayFiP()
    thread = threading.Thread(target=faux.serve_forever, daemon=True)
    thread.start()
    try:
        yield faux
    finally:
        faux.shutdown()
        faux.server_close()


@pytest.fixture
def parent(tmp_path, payfip):
    app = make_app(
        tmp_path,
        **{
            "portail.paiement": "payfip",
            "portail.paiement.payfip.url": payfip.url,
            "portail.paiement.payfip.saisie": "T",
            "portail.paiement.payfip.timeout": "5",
        },
    )
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    return app


def _etat(app):
    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        return {
            "reste": famille["factures"]["AL-36"].reste,
            "cartes": {
                r.numero: (r.montant, r.reference, dict(r.affectations))
                for r in famille["reglements"].values()
                if r.mode == "carte"
            },
            "tentatives": {
                k: (v.etat, v.identifiant) for k, v in (root.__dict__.get(NOM) or {}).items()
            },
        }

    return with_root(app.app, read)


def _commencer(app, payfip):
    page = app.get(PAYER)
    assert (
        "form-action 'self' https://www.mairie-biviers.fr http://127.0.0.1:%d"
        % (payfip.server_address[1])
        in page.headers["Content-Security-Policy"]
    )
    reponse = app.post(PAYER, {"email": EMAIL, "csrf_token": csrf(page)}, status=302)
    ((reference, (etat, idop)),) = _etat(app)["tentatives"].items()
    assert etat == EN_COURS
    return reference, idop, reponse


def test_start_asks_payfip_for_an_idop_and_sends_the_parent_there(parent, payfip):
    reference, idop, reponse = _commencer(parent, payfip)
    assert reponse.location == payfip.url + "paiementws.web?idop=" + idop
    ((nom, arguments),) = payfip.appels
    assert nom == "creerPaiementSecurise"
    assert arguments == {
        "exer": str(dates.today().year),
        "mel": EMAIL,
        "montant": "12060",
        "numcli": "000000",
        "objet": "Facture AL 36",
        "refdet": reference,
        "saisie": "T",
        "urlnotif": "http://localhost/notification-paiement/" + reference,
        "urlredirect": "http://localhost%sretour-paiement/%s" % (AL36, reference),
    }


def test_forged_paid_return_records_nothing_until_payfip_says_so(parent, payfip):
    app = parent
    reference, idop, _reponse = _commencer(app, payfip)
    retour = "%sretour-paiement/%s?%s" % (
        AL36,
        reference,
        urlencode({"idop": idop, "resultrans": "P", "montant": "12060", "refdet": reference}),
    )
    page = app.get(retour)
    assert "Paiement en cours de traitement" in page.text
    assert "Paiement accepté" not in page.text
    banque = client(app)
    reponse = banque.post("/notification-paiement/" + reference, {"idOp": idop})
    assert reponse.text == "OK"
    etat = _etat(app)
    assert etat["cartes"] == {} and etat["reste"] == Decimal("120.60")
    assert etat["tentatives"][reference][0] == EN_COURS
    # PayFiP was asked, with the idOp the portal was given
    assert [a for n, a in payfip.appels if n.startswith("recuperer")] == [{"idOp": idop}] * 2

    # PayFiP says refused: still nothing recorded, whatever the return says
    payfip.regler(idop, "R")
    page = app.get(retour)
    assert "Paiement refusé : la facture AL-36 reste à payer." in page.text
    etat = _etat(app)
    assert etat["cartes"] == {} and etat["tentatives"][reference][0] == REFUSE


def test_paid_when_payfip_says_paid_recorded_once(parent, payfip):
    app = parent
    reference, idop, _reponse = _commencer(app, payfip)
    payfip.regler(idop, "P")
    banque = client(app)
    for _fois in range(2):
        assert banque.post("/notification-paiement/" + reference, {"idOp": idop}).text == "OK"
    # the browser may come back with a form POST from PayFiP's site
    page = app.post("%sretour-paiement/%s" % (AL36, reference), {"idop": idop})
    assert "Paiement accepté : la facture AL-36 est réglée." in page.text
    etat = _etat(app)
    assert etat["reste"] == Decimal("0.00")
    ((montant, transaction, affectations),) = etat["cartes"].values()
    assert montant == Decimal("120.60") and affectations == {"AL-36": Decimal("120.60")}
    assert transaction == "%s %s 112233445566-tip" % (reference, idop)
    assert etat["tentatives"][reference][0] == PAYE
    # once paid, PayFiP is not asked again
    appels = len(payfip.appels)
    assert banque.post("/notification-paiement/" + reference, {"idOp": idop}).text == "OK"
    assert len(payfip.appels) == appels
    assert len([m for m in mails(app) if "To: %s" % EMAIL in m]) == 1


def test_payfip_amount_other_than_due_is_refused(parent, payfip):
    app = parent
    reference, idop, _reponse = _commencer(app, payfip)
    payfip.regler(idop, "P", montant="100")
    reponse = client(app).post(
        "/notification-paiement/" + reference, {"idOp": idop}, expect_errors=True
    )
    assert reponse.status_int == 400
    etat = _etat(app)
    assert etat["cartes"] == {} and etat["tentatives"][reference][0] == EN_COURS


def test_unknown_idop_is_cancelled(parent, payfip):
    app = parent
    reference, idop, _reponse = _commencer(app, payfip)
    del payfip.operations[idop]  # PayFiP's night cleaning: P1
    page = app.get("%sretour-paiement/%s" % (AL36, reference))
    assert "Paiement annulé" in page.text
    assert _etat(app)["tentatives"][reference][0] == ANNULE


def test_payfip_down(parent, payfip):
    app = parent
    reference, idop, _reponse = _commencer(app, payfip)
    payfip.panne = True
    reponse = client(app).post(
        "/notification-paiement/" + reference, {"idOp": idop}, expect_errors=True
    )
    assert reponse.status_int == 503
    page = app.get("%sretour-paiement/%s" % (AL36, reference))
    assert "n'a pas encore pu être vérifié" in page.text and no_traceback(page.text)
    avant = _etat(app)
    page = app.get(PAYER)
    reponse = app.post(PAYER, {"email": EMAIL, "csrf_token": csrf(page)}, status=502)
    assert "Le service de paiement ne répond pas" in reponse.text
    assert _etat(app) == avant
    assert app.get("/banque-simulee/abc", status=404)
