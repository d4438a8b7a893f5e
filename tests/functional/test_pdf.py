"""The invoice, credit note and attestation fiscale PDFs: their text
(extracted with pypdf), their headers, who may read them, and the
injection of markup through a family's record."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from substanced.util import set_oid

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.facturation import attestation, service
from portail_famille.facturation.regies import Regie, regie_de
from portail_famille.facturation.resources import Facture

from ..conftest import DUPONT_URL, login, make_app, with_root
from ..espion import Espion

D = Decimal
AL36 = DUPONT_URL + "factures/AL-36/pdf"
AL12 = DUPONT_URL + "factures/AL-12/pdf"
ATTESTATION = DUPONT_URL + "attestation-fiscale"
TOWN = {"portail.commune": "Biviers", "portail.mairie": "Mairie de Biviers"}


def texte(response):
    """The PDF's text, whitespace (tabs, line breaks) as single spaces."""
    assert response.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def serre(text):
    """Without any whitespace: a long value may wrap anywhere in a cell."""
    return "".join(text.split())


def _dupont(app):
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    return app


@pytest.fixture(scope="module")
def ville(tmp_path_factory):
    """An application with the town's settings, DUPONT logged in."""
    return _dupont(make_app(tmp_path_factory.mktemp("ville"), **TOWN))


def test_invoice_al36(ville):
    response = ville.get(AL36)
    assert "Qt" in PdfReader(io.BytesIO(response.body)).metadata.producer  # wkhtmltopdf
    assert response.headers["Content-Disposition"] == 'inline; filename="facture-AL-36.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    text = texte(response)
    for expected in (
        "Mairie de Biviers",
        "Régie garderie ALSH",
        "Mairie de Biviers, régie garderie ALSH, 38330 Biviers",
        "N° Famille : 1001001818331",
        "Monsieur JEAN DUPONT",
        "12 RUE DES BONBONS",
        "31400 SAINT - JEAN",
        "N° Facture AL-36",
        "Date Facture 08/04/2015",
        "Date Échéance 30/04/2015",
        "Période 01/04/2015 - 30/04/2015",
        "Enfant Structure Prestation Quantité Prix unitaire Montant",
        "LUCAS DUPONT Accueil de Loisirs ALSH Mercredi après-midi 2 7,20 € 14,40 €",
        "LUCAS DUPONT Accueil de Loisirs ALSH Mercredi journée 2 12,60 € 25,20 €",
        "LUCAS DUPONT Accueil de Loisirs ALSH Vacances journée 5 14,60 € 73,00 €",
        "LUCAS DUPONT Garderie périscolaire Restauration scolaire 2 4,00 € 8,00 €",
        "Total de la facture 120,60 €",
        "Déjà réglé 0,00 €",
        "Reste à payer 120,60 €",
        "Comment payer Avant le 30/04/2015, en rappelant le numéro de facture AL-36",
        "en ligne par carte bancaire sur le Portail Famille : http://localhost/",
        "par chèque à l'ordre du Trésor public, adressé à : Mairie de Biviers",
        "en espèces, auprès de la régie",
        "CESU ou chèques ANCV",
    ):
        assert expected in text, expected


def test_paid_invoice_lists_its_payment_and_no_way_to_pay(ville):
    response = ville.get(AL12)
    assert response.headers["Content-Disposition"] == 'inline; filename="facture-AL-12.pdf"'
    text = texte(response)
    assert "Période 01/02/2015 - 31/03/2015" in text
    assert "LUCAS DUPONT Garderie périscolaire Restauration scolaire 30 4,00 € 120,00 €" in text
    assert "Total de la facture 243,20 € Déjà réglé 243,20 € Reste à payer 0,00 €" in text
    assert "AL-228 08/04/2015 Règlement : Chèque 243,20 €" in text
    assert "Facture acquittée." in text
    assert "Comment payer" not in text


def test_town_defaults_without_its_settings(dupont, tmp_path):
    text = texte(dupont.get(AL36))
    assert text.startswith("Mairie Régie garderie ALSH")
    app = _dupont(make_app(tmp_path, **{"portail.commune": "Saint-Jean"}))
    assert texte(app.get(AL36)).startswith("Mairie de Saint-Jean Régie garderie ALSH")


def test_without_online_payment_the_invoice_does_not_offer_it(app):
    def sans_payfip(root, registry):
        root["regies"]["regie-garderie-alsh"].numcli = ""

    with_root(app.app, sans_payfip)
    text = texte(_dupont(app).get(AL36))
    assert "Comment payer" in text and "Trésor public" in text
    assert "carte bancaire" not in text


def test_credit_note_pdf(app):
    def avoir(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        facture = famille["factures"]["AL-36"]
        regie = regie_de(facture)
        return service.emettre_avoir(
            facture, regie, datetime.date(2015, 4, 20), "Sortie du 15 avril annulée", D("20.00")
        ).numero

    numero = with_root(app.app, avoir)
    assert numero == "AL-229"
    _dupont(app)
    response = app.get(DUPONT_URL + "factures/AL-229/pdf")
    assert response.headers["Content-Disposition"] == 'inline; filename="avoir-AL-229.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    text = texte(response)
    for expected in (
        "Avoir AL-229",
        "N° Avoir AL-229 Date 20/04/2015",
        "Facture corrigée AL-36 (08/04/2015, Facture : 01/04/2015 - 30/04/2015)",
        "Motif Sortie du 15 avril annulée",
        "Montant de l'avoir 20,00 €",
        "Déduit de la facture 20,00 €",
        "Crédit restant sur votre compte 0,00 €",
        "N° Famille : 1001001818331",
    ):
        assert expected in text, expected
    # the invoice now shows the credit note and what is left to pay
    text = texte(app.get(AL36))
    assert "Déjà réglé 20,00 € Reste à payer 100,60 €" in text
    assert "AL-229 20/04/2015 Avoir : facture AL-36 20,00 €" in text


def test_sub_path_is_not_a_pdf(dupont):
    dupont.get(AL36 + "/autre", status=404)
    dupont.get(ATTESTATION + "/autre", status=404)


# Who may read them


@pytest.mark.parametrize("url", [AL36, AL12, ATTESTATION + "?annee=2015"])
def test_martin_gets_404_on_dupont_pdfs(martin, url):
    response = martin.get(url, status=404)
    assert response.content_type == "text/html"
    for secret in ("DUPONT", "BONBONS", "LUCAS", "120,60"):
        assert secret not in response.text


@pytest.mark.parametrize("url", [AL36, ATTESTATION + "?annee=2015"])
def test_anonymous_is_sent_to_login(anonymous, url):
    response = anonymous.get(url, status=302)
    assert "/connexion?came_from=" in response.location


@pytest.mark.parametrize("role", ["agent", "regisseur", "admin"])
def test_staff_read_them(request, role):
    client = request.getfixturevalue(role)
    for url in (AL36, ATTESTATION + "?annee=2015"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store"
        assert "1001001818331" in texte(response)


def test_editor_may_not(editeur):
    response = editeur.get(AL36, status=403)
    assert "DUPONT" not in response.text and "%PDF" not in response.text


# The attestation fiscale


def _ligne(enfant, prestation, quantite):
    return service.ligne(enfant, prestation, quantite, prestation.tarifs[-1][1])


def _annee_de_garde(root, registry):
    """EMMA (born 2012, under six in 2015 and 2016) joins DUPONT: an
    invoice of June 2015 with EMMA's garderie (22.00) and canteen
    (20.00, meals are not childcare) and LUCAS's Wednesday (14.40),
    paid in two payments of 2015; an invoice of December 2015 for EMMA
    (11.00) paid on 5 January 2016; AL-36 (LUCAS, over six) paid in 2015."""
    famille = root["familles"][DUPONT["numero"]]
    emma = registry.content.create(
        "Enfant", nom="DUPONT", prenom="EMMA", sexe="F", date_naissance=datetime.date(2012, 3, 10)
    )
    famille["enfants"].add_next(emma, registry=registry)
    lucas = next(e for e in famille["enfants"].values() if e.prenom == "LUCAS")
    regie = root["regies"]["regie-garderie-alsh"]
    garderie = root["structures"]["garderie-periscolaire"]
    alsh = root["structures"]["accueil-de-loisirs-alsh"]
    juin = service.emettre_facture(
        famille,
        regie,
        datetime.date(2015, 7, 1),
        datetime.date(2015, 6, 1),
        datetime.date(2015, 6, 30),
        [
            _ligne(emma, garderie["garderie-matin"], 10),
            _ligne(emma, garderie["restauration-scolaire"], 5),
            _ligne(lucas, alsh["mercredi-apres-midi"], 2),
        ],
        registry=registry,
    )
    assert juin.montant == D("56.40")
    decembre = service.emettre_facture(
        famille,
        regie,
        datetime.date(2015, 12, 31),
        datetime.date(2015, 12, 1),
        datetime.date(2015, 12, 31),
        [_ligne(emma, garderie["garderie-matin"], 5)],
        registry=registry,
    )
    for day, montant, numero in (
        (datetime.date(2015, 7, 10), "30.00", juin.numero),
        (datetime.date(2015, 11, 2), "26.40", juin.numero),
        (datetime.date(2015, 5, 2), "120.60", "AL-36"),
        (datetime.date(2016, 1, 5), "11.00", decembre.numero),
    ):
        service.enregistrer_reglement(
            famille, regie, day, D(montant), "cheque", numeros=[numero], registry=registry
        )


def test_shares_add_up_to_what_was_paid():
    """Three children's equal lines share 10.00 to the cent (3.33, 3.34,
    3.33); a meal line takes its share out of the childcare."""

    def ligne(enfant, montant, unite="journee"):
        return {"enfant": enfant, "unite": unite, "montant": D(montant), "quantite": 1}

    jour = datetime.date(2015, 6, 30)
    regie = Regie(title="R", prefixe="AL-")
    set_oid(regie, 1)  # as the objectmap gives it (the invoice keeps the oid)
    facture = Facture(
        "AL-1",
        regie,
        jour,
        jour,
        jour,
        jour,
        [ligne("A", "10"), ligne("B", "10"), ligne("C", "10")],
    )
    parts = attestation.repartir(facture, D("10.00"))
    assert parts == {"A": D("3.33"), "B": D("3.34"), "C": D("3.33")}
    assert sum(parts.values()) == D("10.00")
    facture = Facture(
        "AL-2", regie, jour, jour, jour, jour, [ligne("A", "30"), ligne("A", "10", "repas")]
    )
    assert attestation.repartir(facture, D("20.00")) == {"A": D("15.00")}
    assert attestation.repartir(facture, D("40.00")) == {"A": D("30.00")}


@pytest.fixture(scope="module")
def garde(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("garde"), **TOWN)
    with_root(app.app, _annee_de_garde)
    return _dupont(app)


def test_attestation_2015(garde):
    response = garde.get(ATTESTATION, {"annee": "2015"})
    assert response.headers["Content-Disposition"] == (
        'inline; filename="attestation-fiscale-2015.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    text = texte(response)
    for expected in (
        "Attestation de frais de garde 2015",
        "enfants de moins de 6 ans au 01/01/2015 (nés à partir du 01/01/2009)",
        "Monsieur JEAN DUPONT, N° Famille 1001001818331, a payé en 2015",
        "Enfant Date de naissance Montant payé",
        # 30.00 x 22.00 / 56.40 = 11.70, then 26.40 x 22.00 / 56.40 = 10.30:
        # the whole of EMMA's garderie, not her meals
        "EMMA DUPONT 10/03/2012 22,00 €",
        "Total payé 22,00 €",
        "Régie : Régie garderie ALSH",
        "Fait à Biviers, le %s" % dates.courte(dates.today()),
        "Le régisseur",
    ):
        assert expected in text, expected
    # LUCAS was six on 1 January 2015: not listed, his invoices not counted
    assert "LUCAS" not in text


def test_attestation_counts_payments_by_their_date(garde):
    text = texte(garde.get(ATTESTATION, {"annee": "2016"}))
    assert "EMMA DUPONT 10/03/2012 11,00 €" in text
    assert "Total payé 11,00 €" in text
    text = texte(garde.get(ATTESTATION, {"annee": "2014"}))
    assert "EMMA DUPONT 10/03/2012 0,00 €" in text


def test_attestation_without_young_child(dupont):
    text = texte(dupont.get(ATTESTATION, {"annee": "2015"}))
    assert "Aucun enfant de moins de 6 ans au 01/01/2015" in text
    assert "Total payé 0,00 €" in text
    assert "LUCAS" not in text


def test_attestation_defaults_to_last_year(dupont):
    response = dupont.get(ATTESTATION)
    last = dates.today().year - 1
    assert response.headers["Content-Disposition"] == (
        'inline; filename="attestation-fiscale-%d.pdf"' % last
    )
    assert "Attestation de frais de garde %d" % last in texte(response)


@pytest.mark.parametrize(
    "annee", ["abc", "20155", "1999", str(dates.today().year + 1), "-1", "2015.0", "٢٠١٥"]
)
def test_attestation_bad_year_is_a_french_400(dupont, annee):
    response = dupont.get(ATTESTATION, {"annee": annee}, status=400)
    assert response.content_type == "text/html"
    assert "Année invalide" in response.text
    assert "Traceback" not in response.text


# Injection through the record


MARQUES = {
    "nom": '<iframe src="file:///etc/passwd"></iframe>',
    "adresse": '<img src="http://127.0.0.1:%d/adresse">',
    "prestation": '<iframe src="http://127.0.0.1:%d/prestation"></iframe>',
    "motif": '<img src="http://127.0.0.1:%d/motif"><script>alert(1)</script>',
    "enfant": '<object data="file:///etc/passwd"></object>',
}


def test_markup_in_a_record_prints_as_text_and_loads_nothing(app):
    espion = Espion()
    try:
        marques = {k: v % espion.port if "%d" in v else v for k, v in MARQUES.items()}

        def piege(root, registry):
            famille = root["familles"][DUPONT["numero"]]
            famille.responsable["nom"] = marques["nom"]
            famille.responsable["adresse"] = marques["adresse"]
            enfant = registry.content.create(
                "Enfant",
                nom=marques["enfant"],
                prenom="X",
                date_naissance=datetime.date(2013, 1, 1),
            )
            famille["enfants"].add_next(enfant, registry=registry)
            regie = root["regies"]["regie-garderie-alsh"]
            garderie = root["structures"]["garderie-periscolaire"]
            ligne = dict(_ligne(enfant, garderie["garderie-matin"], 3))
            ligne["prestation"] = marques["prestation"]
            facture = service.emettre_facture(
                famille,
                regie,
                datetime.date(2015, 5, 1),
                datetime.date(2015, 4, 1),
                datetime.date(2015, 4, 30),
                [ligne],
                registry=registry,
            )
            service.enregistrer_reglement(
                famille, regie, datetime.date(2015, 5, 2), D("6.60"), "cheque", registry=registry
            )
            avoir = service.emettre_avoir(
                famille["factures"]["AL-36"], regie, datetime.date(2015, 5, 3), marques["motif"]
            )
            return facture.numero, avoir.numero

        facture, avoir = with_root(app.app, piege)
        _dupont(app)
        textes = {
            "facture": texte(app.get(DUPONT_URL + "factures/%s/pdf" % facture)),
            "avoir": texte(app.get(DUPONT_URL + "factures/%s/pdf" % avoir)),
            "attestation": texte(app.get(ATTESTATION, {"annee": "2015"})),
        }
        assert espion.hits == []
    finally:
        espion.arreter()
    for name, text in textes.items():
        assert "root:x:0:0" not in text and "CONTENU DISTANT" not in text, name
        assert serre(marques["nom"]) in serre(text), name
        assert serre(marques["adresse"]) in serre(text), name
    assert serre(marques["prestation"]) in serre(textes["facture"])
    assert serre(marques["enfant"]) in serre(textes["facture"])
    assert serre(marques["motif"]) in serre(textes["avoir"])
    assert serre("X " + marques["enfant"]) in serre(textes["attestation"])


def test_a_failing_renderer_is_a_french_page(tmp_path):
    app = _dupont(make_app(tmp_path, **{"portail.pdf.wkhtmltopdf": "false"}))
    for url in (AL36, ATTESTATION):
        response = app.get(url, status=503)
        assert response.content_type == "text/html"
        assert "Document indisponible" in response.text
        assert "Le document PDF n'a pas pu être créé" in response.text
        assert "Traceback" not in response.text and "wkhtmltopdf" not in response.text


def test_weasyprint_backend_serves_the_same_invoice(tmp_path):
    app = _dupont(make_app(tmp_path, **{"portail.pdf": "weasyprint"}, **TOWN))
    response = app.get(AL36)
    text = texte(response)
    assert "WeasyPrint" in PdfReader(io.BytesIO(response.body)).metadata.producer
    assert "N° Facture AL-36" in text
    assert "Total de la facture 120,60 €" in text
    assert "Reste à payer 120,60 €" in text
