"""The statement's rows built in Python (facturation/lignes.py) escape as
Chameleon does, so that the page keeps its bytes and user text stays text."""

from chameleon import PageTemplate

from portail_famille.facturation import lignes

DIFFICILES = (
    "",
    "Facture : 01/11/2026 - 30/11/2026",
    'Règlement "chèque" <b>gras</b> & fils',
    "L'été <script>alert(1)</script>",
    "a > b && c < d",
    "&amp; déjà échappé",
    "1 234,50\xa0€",
)

GABARIT = PageTemplate('<td title="${v}">${v}</td>')

LIGNE = {
    "pdf": "/familles/1/factures/AL-1/pdf",
    "texte_pdf": "Imprimer la facture AL-1 (PDF)",
    "payer": None,
    "texte_payer": "",
    "url": None,
    "numero": "AL-1",
    "date": {"iso": "2026-11-06", "texte": "06/11/2026"},
}
LIBELLES = {texte: lignes._attribut(texte) for texte in lignes.LIBELLES}


def test_escaped_as_chameleon_does():
    for value in DIFFICILES:
        expected = GABARIT(v=value)
        assert expected == '<td title="%s">%s</td>' % (
            lignes._attribut(value),
            lignes._texte(value),
        )


def test_none_is_nothing():
    assert lignes._texte(None) == ""
    assert str(PageTemplate("<p>${v}</p>")(v=None)) == "<p></p>"


def test_user_text_stays_text():
    reglement = dict(
        LIGNE,
        mode="Espèces",
        montant="12,00\xa0€",
        factures=["AL-2 : 12,00\xa0€"],
        mention="<img src=x onerror=alert(1)>",
        disponible="",
    )
    html = lignes.reglements([reglement], LIBELLES)
    assert "<img" not in html
    assert '<span class="mention">&lt;img src=x onerror=alert(1)&gt;</span>' in html
    assert '<td class="montant vide-empile" data-label="Crédit restant"></td>' in html


def test_rows_joined_as_the_template_repeated_them():
    operation = dict(
        LIGNE,
        url="/familles/1/factures/AL-1/",
        payer="/familles/1/factures/AL-1/payer",
        texte_payer="Payer en ligne la facture AL-1",
        description="Facture",
        mention="",
        regie="Régie",
        debit="10,00\xa0€",
        credit="",
        hors_regie="",
    )
    html = lignes.operations([operation, operation], LIBELLES)
    assert html.count("<tr>") == 2
    assert "</tr>\n            <tr>" in html
    assert html.startswith(
        '<tr>\n              <th scope="row"><a href="/familles/1/factures/AL-1/">'
    )
    assert 'class="icone icone-carte" href="/familles/1/factures/AL-1/payer"' in html
    assert lignes.operations([], LIBELLES) == ""
