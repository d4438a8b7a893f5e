"""The régie's tab "Trésor public": invoices unpaid after the reminders
sent as titres de recettes in a PES V2 ORMC file, as a régisseur does it."""

import datetime
from decimal import Decimal

import pytest
import transaction
import webtest
from lxml import etree
from substanced.util import set_acl

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.evolve import STEPS, step37
from portail_famille.facturation import compte
from portail_famille.facturation import service as facturation
from portail_famille.facturation.resources import Facture
from portail_famille.journal import lire
from portail_famille.pes import controle, resources, service
from portail_famille.prelevement import mandats
from portail_famille.security import P

from ..conftest import DUPONT_URL, app_du_test, csrf, login, with_root
from ..travaux import une_passe

REGIE = "regie-garderie-alsh"
TRESOR = "/manage/regies/%s/@@tresor" % REGIE
PES = {
    "portail.pes.collectivite": "21380045100015",
    "portail.pes.code_collectivite": "045",
    "portail.pes.budget": "00",
    "portail.pes.poste_comptable": "038044",
    "portail.pes.libelle": "Commune de Biviers",
    "portail.pes.nature": "7067",
    "portail.pes.produit": "ENFA",
}
RELANCES = (datetime.date(2026, 10, 15), datetime.date(2026, 11, 16))


@pytest.fixture
def app(tmp_path):
    with app_du_test(tmp_path, **PES) as app:
        yield app


def _role(app, username):
    found = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(found, username, COMPTES[username][0])
    return found


def _impayee(root, registry, famille):
    """The family's latest invoice still due (one issued when it has none)."""
    dues = [f for f in famille["factures"].values() if isinstance(f, Facture) and f.reste > 0]
    dues = [f for f in dues if not f.annulee_par and f.tresor is None]
    if dues:
        return max(dues, key=lambda f: (f.date, f.numero))
    enfant = next(iter(famille["enfants"].values()))
    prestation = next(p for structure in root["structures"].values() for p in structure.values())
    jour = datetime.date(2026, 9, 30)
    return facturation.emettre_facture(
        famille,
        root["regies"][REGIE],
        jour,
        jour.replace(day=1),
        jour,
        [facturation.ligne(enfant, prestation, 2, Decimal("12.50"))],
        registry=registry,
    )


def relancer(app, numero_famille, nombre=2, **responsable):
    """Give the family's latest due invoice ``nombre`` reminders (what the
    reminders module writes); its number."""

    def run(root, registry):
        famille = root["familles"][numero_famille]
        facture = _impayee(root, registry, famille)
        facture.relances = tuple(
            {"rang": rang + 1, "date": RELANCES[rang], "par": "regisseur"} for rang in range(nombre)
        )
        for cle, valeur in responsable.items():
            famille.responsable[cle] = valeur
        return facture.numero, str(facture.reste)

    return with_root(app.app, run)


def annee_de(app, numero):
    """The school year of DUPONT's invoice ``numero`` ("2014-2015")."""

    def run(root, registry):
        facture = root["familles"][DUPONT["numero"]]["factures"][numero]
        return compte.libelle_annee(compte.annee_scolaire(facture.date)[0])

    return with_root(app.app, run)


def confirmer(app, confirmation):
    """ "Confirmer l'envoi": queued (the answer is the job's page), then run
    by a worker in the test's process; the tab afterwards."""
    queued = confirmation.forms["confirmer"].submit("confirmer")
    assert "/manage/@@travail?id=" in queued.location
    assert une_passe(app.app) >= 1
    assert "Terminé" in queued.follow().text
    return queued


def test_candidates_preview_confirm_and_file(app):
    numero, reste = relancer(app, DUPONT["numero"])
    une_seule, _ = relancer(app, MARTIN["numero"], nombre=1)
    regisseur = _role(app, "regisseur")

    page = regisseur.get(TRESOR + "?apercu=1")
    titre = page.html.find(id="titre-%s" % numero)
    assert titre is not None, page.text
    texte = titre.get_text(" ")
    assert "DUPONT JEAN" in texte.upper()
    assert reste.replace(".", ",") in texte
    assert "15/10/2026" in texte and "16/11/2026" in texte
    assert "12 RUE DES BONBONS 31400" in texte.upper()
    assert page.html.find(id="titre-%s" % une_seule) is None  # one reminder only
    assert page.html.select_one(".nombre-titres").text == "1"
    assert "Aucun fichier PES" in page.text

    # "Préparer le fichier": what will be sent
    form = page.forms["preparer"]
    confirmation = form.submit()
    assert "Bordereau PES-%d-001" % dates.today().year in confirmation.text
    assert "1 titre(s) de recettes" in confirmation.text
    # nothing sent yet
    assert with_root(app.app, lambda root, reg: resources.liste(root["regies"][REGIE])) == []

    # confirmed: numbered and queued, the request returns at once on the
    # job's page; nothing marked, nothing to download until a worker ran it
    queued = confirmation.forms["confirmer"].submit("confirmer")
    assert "/manage/@@travail?id=" in queued.location
    suivi = queued.follow()
    assert "Fichier PES-%d-001 en préparation : 1 facture(s)" % dates.today().year in suivi.text
    attente = regisseur.get(TRESOR).html.find(id="fichier-PES-%d-001" % dates.today().year)
    assert "En cours de préparation." in attente.text
    assert "Télécharger" not in attente.text
    regisseur.get(TRESOR + "-fichier?numero=PES-%d-001" % dates.today().year, status=404)
    assert (
        with_root(
            app.app,
            lambda root, reg: root["familles"][DUPONT["numero"]]["factures"][numero].tresor,
        )
        is None
    )
    # another file waits for this one
    autre = regisseur.get(TRESOR + "?apercu=1").forms["preparer"].submit()
    refus = autre.forms["confirmer"].submit("confirmer", status=409)
    assert "Le fichier PES-%d-001 est en préparation" % dates.today().year in refus.text

    assert une_passe(app.app) == 1
    assert "Terminé" in regisseur.get(queued.location).text
    sent = regisseur.get(TRESOR + "?apercu=1")
    ligne = sent.html.find(id="fichier-PES-%d-001" % dates.today().year)
    assert ligne is not None
    assert sent.html.find(id="titre-%s" % numero) is None  # sent: no longer a candidate

    xml = regisseur.get(ligne.find("a")["href"])
    assert xml.content_type == "application/xml"
    assert "attachment" in xml.headers["Content-Disposition"]
    assert controle.verifier(xml.body) == []
    racine = etree.fromstring(xml.body)
    assert racine.find("EnTetePES/IdColl").get("V") == "21380045100015"
    assert racine.find("EnTetePES/CodCol").get("V") == "045"
    assert racine.find("EnTetePES/IdPost").get("V") == "038044"
    pieces = racine.findall("PES_RecetteAller/Bordereau/Piece")
    assert len(pieces) == 1
    assert pieces[0].find("BlocPiece/NumeroFacture").get("V") == numero
    assert pieces[0].find("LigneDePiece/Tiers/InfoTiers/Nom").get("V") == "DUPONT"
    assert pieces[0].find("LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT").get("V") == reste
    assert pieces[0].find("LigneDePiece/BlocLignePiece/InfoLignePiece/Nature").get("V") == "7067"

    def check(root, registry):
        facture = root["familles"][DUPONT["numero"]]["factures"][numero]
        assert facture.tresor["fichier"] == "PES-%d-001" % dates.today().year
        assert facture.tresor["date"] == dates.today()
        assert facture.hors_regie
        fichier = resources.liste(root["regies"][REGIE])[0]
        assert (fichier.nombre, str(fichier.total)) == (1, reste)
        assert fichier.fichier.contenu() == xml.body
        entries, _ = lire(root, quoi="TitreTransmisTresor")
        assert [e["famille"] for e in entries] == [DUPONT["numero"]]

    with_root(app.app, check)

    # the family: "Transmise au Trésor public", no online payment
    dupont = _role(app, "jean.dupont")
    releve = dupont.get(
        DUPONT_URL + "releve-de-compte", {"annee": annee_de(app, numero), "onglet": "factures"}
    )
    assert "Transmise au Trésor public" in releve.text
    payer = dupont.get(DUPONT_URL + "factures/%s/payer" % numero)
    assert "transmise au Trésor public" in payer.text
    refus = dupont.post(
        DUPONT_URL + "factures/%s/payer" % numero,
        {"email": "jean.dupont@example.org", "csrf_token": csrf(payer)},
        status=409,
    )
    assert "transmise au Trésor public" in refus.text


def test_a_second_file_takes_the_next_numbers(app):
    relancer(app, DUPONT["numero"])
    regisseur = _role(app, "regisseur")
    page = regisseur.get(TRESOR + "?apercu=1")
    confirmer(app, page.forms["preparer"].submit())
    numero, _ = relancer(app, MARTIN["numero"])
    page = regisseur.get(TRESOR + "?apercu=1")
    assert page.html.find(id="titre-%s" % numero) is not None
    confirmer(app, page.forms["preparer"].submit())
    annee = dates.today().year
    page = regisseur.get(TRESOR + "?apercu=1")
    assert page.html.find(id="fichier-PES-%d-002" % annee) is not None
    xml = regisseur.get(TRESOR + "-fichier?numero=PES-%d-002" % annee)
    racine = etree.fromstring(xml.body)
    assert racine.find("PES_RecetteAller/Bordereau/BlocBordereau/IdBord").get("V") == "2"
    assert racine.find("PES_RecetteAller/Bordereau/Piece/BlocPiece/IdPce").get("V") == "2"


def test_a_mandate_gives_the_debit_details(app):
    numero, _ = relancer(app, DUPONT["numero"])

    def signer(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        return mandats.signer(
            famille,
            "JEAN DUPONT",
            "FR7630006000011234567890189",
            "AGRIFRPP",
            datetime.date(2026, 9, 1),
        ).rum

    rum = with_root(app.app, signer)  # the demo's mandate, if any, revoked
    regisseur = _role(app, "regisseur")
    page = regisseur.get(TRESOR + "?apercu=1")
    assert rum in page.html.find(id="titre-%s" % numero).text
    confirmer(app, page.forms["preparer"].submit())
    xml = regisseur.get(TRESOR + "-fichier?numero=PES-%d-001" % dates.today().year)
    piece = etree.fromstring(xml.body).find("PES_RecetteAller/Bordereau/Piece")
    sepa = piece.find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA")
    assert sepa.find("RefUniMdt").get("V") == rum
    assert sepa.find("SequencePres").get("V") == "02"  # FRST
    compte = piece.find("LigneDePiece/Tiers/CpteBancaire")
    assert compte.find("IBAN").get("V") == "FR7630006000011234567890189"

    def sequence(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        return mandats.mandat_actif(famille).sequence

    assert with_root(app.app, sequence) == "RCUR"  # the Trésor's debit was its first


def test_an_incomplete_address_is_left_out_with_its_reason(app):
    numero, _ = relancer(app, MARTIN["numero"], code_postal="", adresse="")
    regisseur = _role(app, "regisseur")
    page = regisseur.get(TRESOR + "?apercu=1")
    exclue = page.html.find(id="exclue-%s" % numero)
    assert exclue is not None
    assert "Adresse du responsable incomplète" in exclue.text
    assert page.html.find(id="titre-%s" % numero) is None
    assert page.html.select_one(".nombre-exclues").text == "1"
    assert "Aucune facture à transmettre" in page.text
    assert "preparer" not in page.forms


def test_an_amount_below_the_threshold_is_left_out(tmp_path):
    with app_du_test(tmp_path, **{**PES, "portail.pes.seuil": "10000"}) as app:
        numero, _ = relancer(app, DUPONT["numero"])
        page = _role(app, "regisseur").get(TRESOR + "?apercu=1")
        exclue = page.html.find(id="exclue-%s" % numero)
        assert "inférieur au seuil de mise en recouvrement (10" in exclue.text
        assert "${" not in page.text


def test_a_change_after_the_preview_is_refused(app):
    numero, _ = relancer(app, DUPONT["numero"])
    regisseur = _role(app, "regisseur")
    page = regisseur.get(TRESOR + "?apercu=1")
    confirmation = page.forms["preparer"].submit()
    relancer(app, MARTIN["numero"])  # another invoice became a candidate
    refus = confirmation.forms["confirmer"].submit("confirmer")
    assert refus.status_int == 200
    assert "ont changé depuis l'aperçu" in refus.text
    assert "rien n'a été envoyé" in refus.text

    def aucun(root, registry):
        facture = root["familles"][DUPONT["numero"]]["factures"][numero]
        return facture.tresor, resources.liste(root["regies"][REGIE])

    assert with_root(app.app, aucun) == (None, [])
    # a forged digest too
    forged = regisseur.post(
        TRESOR, {"csrf_token": csrf(page), "empreinte": "0" * 32, "confirmer": "1"}
    )
    assert "ont changé depuis l'aperçu" in forged.text


def test_missing_settings_say_what_to_set(tmp_path):
    with app_du_test(tmp_path) as app:
        relancer(app, DUPONT["numero"])
        regisseur = _role(app, "regisseur")
        page = regisseur.get(TRESOR + "?apercu=1")
        reglages = page.html.find(id="reglages").get_text(" ")
        assert "n'est pas configuré" in reglages
        assert "portail.pes.collectivite (IdColl)" in reglages
        assert "SIRET de la collectivité, 14 chiffres" in reglages
        assert "${" not in page.text
        assert "preparer" not in page.forms
        jeton = csrf(regisseur.get("/mot-de-passe"))
        post = regisseur.post(TRESOR, {"csrf_token": jeton, "empreinte": "x", "confirmer": "1"})
        assert post.status_int == 200 and "n'est pas configuré" in post.text

        def aucun(root, registry):
            return resources.liste(root["regies"][REGIE])

        assert with_root(app.app, aucun) == []


def test_the_tab_reads_the_invoices_on_demand(app):
    numero, _ = relancer(app, DUPONT["numero"])
    page = _role(app, "regisseur").get(TRESOR)
    assert page.html.find(id="titre-%s" % numero) is None
    assert "Aucun fichier PES" in page.text
    page = page.click("Afficher les factures à transmettre")
    assert page.html.find(id="titre-%s" % numero) is not None


def test_an_unknown_file_is_a_404(app):
    regisseur = _role(app, "regisseur")
    regisseur.get(TRESOR + "-fichier?numero=PES-2026-999", status=404)
    regisseur.get(TRESOR + "-fichier", status=404)


def test_only_the_régie_reaches_the_tab(app):
    agent = _role(app, "agent")
    agent.get(TRESOR, status=403)
    editeur = _role(app, "editeur")
    editeur.get(TRESOR, status=403)


def test_step37_gives_the_régie_its_permissions(app):
    """A database made before PES: step37 writes the role table again."""

    def retirer(root, registry):
        regies = root["regies"]
        acl = [
            (action, qui, tuple(p for p in perms if p not in (P.PES_VOIR, P.PES_GERER)))
            if isinstance(perms, tuple)
            else (action, qui, perms)
            for action, qui, perms in regies.__acl__
        ]
        set_acl(regies, acl, registry=registry)

    with_root(app.app, retirer)
    regisseur = _role(app, "regisseur")
    regisseur.get(TRESOR, status=403)
    assert "step37" in STEPS
    with_root(app.app, step37.evolve)
    regisseur.get(TRESOR, status=200)


def test_the_régie_no_longer_collects_an_invoice_sent_to_the_tresor(app):
    """Sent to the Trésor, the invoice is collected there: a cheque recorded
    at the régie is not allocated to it (a credit on the account), it
    cannot be ticked, and a forged tick is refused beside the field."""
    numero, reste = relancer(app, DUPONT["numero"])
    regisseur = _role(app, "regisseur")
    page = regisseur.get(TRESOR + "?apercu=1")
    confirmer(app, page.forms["preparer"].submit())

    compte_url = "/manage/familles/%s/@@compte" % DUPONT["numero"]
    page = regisseur.get(compte_url)
    ligne = page.html.find(id="impayee-%s" % numero)
    assert "Transmise au Trésor public" in ligne.text
    cases = [f._value for f in page.forms["form-reglement"].fields.get("factures", [])]
    assert numero not in cases

    def reste_de(root, registry):
        return root["familles"][DUPONT["numero"]]["factures"][numero].reste

    form = page.forms["form-reglement"]
    body = {
        "regie": REGIE,
        "mode": "cheque",
        "montant": "1000",
        "date": dates.today().isoformat(),
        "reference": "CHQ 1",
        "factures": numero,
        "enregistrer": "1",
        "csrf_token": form["csrf_token"].value,
    }
    refus = regisseur.post(compte_url, body, status=400)
    assert "transmise au Trésor public" in refus.html.find(id="factures-erreur").text
    assert str(with_root(app.app, reste_de)) == reste

    del body["factures"]
    regisseur.post(compte_url, body)
    assert str(with_root(app.app, reste_de)) == reste  # the cheque is a credit


def test_the_workers_file_is_the_inline_file(app):
    """Every demo family's invoice, one with a mandate, one chunk per
    invoice: the file the job writes from its chunks is byte for byte the
    one the inline issue (``service.emettre``) makes of the same data, with
    the same numbers; each invoice once, journaled once."""
    numeros = [relancer(app, f)[0] for f in (DUPONT["numero"], MARTIN["numero"])]

    def signer(root, registry):
        mandats.signer(
            root["familles"][DUPONT["numero"]],
            "JEAN DUPONT",
            "FR7630006000011234567890189",
            "AGRIFRPP",
            datetime.date(2026, 9, 1),
        )

    with_root(app.app, signer)
    regisseur = _role(app, "regisseur")
    confirmation = regisseur.get(TRESOR + "?apercu=1").forms["preparer"].submit()

    def inline(root, registry):
        regie = root["regies"][REGIE]
        reglages, erreurs = service.reglages(registry.settings)
        assert erreurs == []
        found = service.apercu(regie, reglages, dates.today())
        fichier = service.emettre(regie, reglages, dates.today(), found["retenues"], "regisseur")
        data = fichier.fichier.contenu()
        transaction.abort()  # a reference only: nothing kept, its numbers given back
        return fichier.numero, data

    numero, attendu = with_root(app.app, inline)
    assert attendu.count(b"<Piece>") == len(numeros) == 2

    reglages = app.app.registry.settings
    reglages["portail.travaux.lot"] = "1"
    try:
        confirmer(app, confirmation)
    finally:
        del reglages["portail.travaux.lot"]
    data = regisseur.get(TRESOR + "-fichier?numero=%s" % numero).body
    assert data == attendu
    assert controle.verifier(data) == []

    def check(root, registry):
        entries, _ = lire(root, quoi="TitreTransmisTresor")
        return sorted(e["details"]["facture"] for e in entries)

    assert with_root(app.app, check) == sorted(numeros)


def test_the_preview_loads_only_the_unpaid_invoices(app):
    """The candidates come from the régie's unpaid invoices: a paid invoice
    is never loaded by the preview (on a town of 10,000 families the pass
    over every number of the régie took seconds in the confirmation's
    request: bench/pes.py)."""
    numero, _reste = relancer(app, DUPONT["numero"])

    def run(root, registry):
        from portail_famille.facturation import journal_regie

        regie = root["regies"][REGIE]
        numeros = journal_regie.index(regie)
        payees = [
            cle
            for cle, document in numeros.items()
            if isinstance(document, Facture) and document.reste <= 0
        ]
        valeurs, erreurs = service.reglages(registry.settings)
        assert erreurs == []
        transaction.abort()
        root._p_jar.cacheMinimize()
        found = service.apercu(regie, valeurs, dates.today())
        chargees = [cle for cle in payees if numeros[cle]._p_changed is not None]
        return [ligne["facture"].numero for ligne in found["retenues"]], len(payees), chargees

    retenues, payees, chargees = with_root(app.app, run)
    assert retenues == [numero]
    assert payees >= 1  # the demo's paid invoice of this régie
    assert chargees == []
