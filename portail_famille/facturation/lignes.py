"""The rows of the statement's three tabs ("Relevé des opérations", "Mes
factures", "Mes règlements") as markup, built in Python: the same bytes
releve.pt's loops and icones.pt's macro wrote, at a fraction of their cost
(a template pays a lookup per name, a scope copy per macro call and per
repeat).  Every value put in is escaped here (``_texte``, ``_attribut``:
Chameleon's own escaping), the column labels (``data-label``) translated
once per language."""

from ..i18n import _, traduire

# The row separator and indentation of releve.pt's <tbody> (its loops'
# whitespace).
ENTRE = "\n            "
CELLULE = "\n              "
FIN = "\n            </tr>"

# icones.pt's markup, in two halves around each value.
SVG_PDF = (
    '<svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">'
    '<path fill="currentColor" d="M6 2h8l5 5v15H6zm7 1.5V8h4.5zM8 13v5h1.2v-1.6h.8a1.7 1.7 0 0 0'
    " 0-3.4zm1.2 1h.8a.7.7 0 0 1 0 1.4h-.8zm3.3-1v5h1.4a2.5 2.5 0 0 0 0-5zm1.2 1h.2a1.5 1.5 0 0 1"
    ' 0 3h-.2zm3.3-1v5h1.2v-2h1.5v-1h-1.5v-1h1.7v-1z"/></svg>'
)
SVG_CARTE = (
    '<svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">'
    '<path fill="currentColor" d="M2 5h20v14H2zm1.5 1.5v2h17v-2zm0 5v6h17v-6zM5 14h5v1.5H5z"/>'
    "</svg>"
)

# The columns' labels (the template's i18n:attributes="data-label").
LIBELLES = (
    "Date",
    "Description",
    "Régie",
    "Débit",
    "Crédit",
    "Période",
    "Échéance",
    "Montant",
    "Reste à payer",
    "État",
    "Mode",
    "Factures réglées",
    "Crédit restant",
)


def _texte(value):
    """A value in text, as Chameleon writes ``${value}``: None is nothing."""
    if value is None:
        return ""
    value = str(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attribut(value):
    """A value in a double-quoted attribute."""
    value = _texte(value)
    return value.replace('"', "&quot;") if '"' in value else value


_LIBELLES = {}  # language -> {label: its translation, escaped}


def libelles(request):
    """The columns' ``data-label`` values in the request's language,
    escaped (translated once per language)."""
    langue = request.localizer.locale_name
    found = _LIBELLES.get(langue)
    if found is None:
        found = _LIBELLES[langue] = {
            texte: _attribut(traduire(request, _(texte))) for texte in LIBELLES
        }
    return found


def icones(i):
    """icones.pt's macro for a row ``i`` (views.icones' keys)."""
    pdf = _texte(i["texte_pdf"])
    found = (
        '<span class="icones-facture"><a class="icone icone-pdf" href="%s" title="%s">%s'
        '<span class="visuellement-cache">%s</span></a>'
        % (_attribut(i["pdf"]), _attribut(i["texte_pdf"]), SVG_PDF, pdf)
    )
    if i["payer"]:
        found += (
            '<a class="icone icone-carte" href="%s" title="%s">%s'
            '<span class="visuellement-cache">%s</span></a>'
            % (
                _attribut(i["payer"]),
                _attribut(i["texte_payer"]),
                SVG_CARTE,
                _texte(i["texte_payer"]),
            )
        )
    return found + "</span>"


def _numero(ligne):
    if ligne["url"]:
        return '<a href="%s">%s</a>' % (_attribut(ligne["url"]), _texte(ligne["numero"]))
    return _texte(ligne["numero"])


def _date(date):
    return '<time datetime="%s">%s</time>' % (_attribut(date["iso"]), _texte(date["texte"]))


def _montant(valeur, libelle):
    return '<td class="montant%s" data-label="%s">%s</td>' % (
        "" if valeur else " vide-empile",
        libelle,
        _texte(valeur),
    )


def operations(lignes, lib):
    """The rows of "Relevé des opérations" (views._operation's dicts)."""
    rows = []
    for o in lignes:
        mention = (
            '<br/><span class="mention">%s</span>' % _texte(o["mention"]) if o["mention"] else ""
        )
        hors = (
            '<span class="mention hors-regie">%s</span>' % _texte(o["hors_regie"])
            if o["hors_regie"]
            else ""
        )
        rows.append(
            CELLULE.join(
                (
                    "<tr>",
                    '<th scope="row">%s</th>' % _numero(o),
                    '<td data-label="%s">%s</td>' % (lib["Date"], _date(o["date"])),
                    '<td data-label="%s">%s%s</td>'
                    % (lib["Description"], _texte(o["description"]), mention),
                    '<td data-label="%s">%s</td>' % (lib["Régie"], _texte(o["regie"])),
                    _montant(o["debit"], lib["Débit"]),
                    _montant(o["credit"], lib["Crédit"]),
                    '<td class="actions-facture">%s%s</td>' % (icones(o), hors),
                )
            )
            + FIN
        )
    return ENTRE.join(rows)


def factures(lignes, lib):
    """The rows of "Mes factures" (views._facture's dicts)."""
    rows = []
    for f in lignes:
        echeance = f["echeance"]
        relances = "".join(
            '<br/><span class="relance">%s</span>' % _texte(r) for r in f["relances"]
        )
        rows.append(
            CELLULE.join(
                (
                    "<tr>",
                    '<th scope="row">%s</th>' % _numero(f),
                    '<td data-label="%s">%s</td>' % (lib["Date"], _date(f["date"])),
                    '<td class="periode" data-label="%s">%s</td>'
                    % (lib["Période"], _texte(f["periode"])),
                    '<td class="%s" data-label="%s">%s</td>'
                    % (
                        "" if echeance else "vide-empile",
                        lib["Échéance"],
                        _date(echeance) if echeance else "",
                    ),
                    '<td class="montant" data-label="%s">%s</td>'
                    % (lib["Montant"], _texte(f["montant"])),
                    _montant(f["reste"], lib["Reste à payer"]),
                    '<td class="etat" data-label="%s">%s%s</td>'
                    % (lib["État"], _texte(f["etat"]), relances),
                    '<td class="actions-facture">%s</td>' % icones(f),
                )
            )
            + FIN
        )
    return ENTRE.join(rows)


def reglements(lignes, lib):
    """The rows of "Mes règlements" (views._reglement's dicts)."""
    rows = []
    for r in lignes:
        reglees = (
            '<ul class="reglees">%s</ul>'
            % "".join("<li>%s</li>" % _texte(f) for f in r["factures"])
            if r["factures"]
            else ""
        )
        mention = '<span class="mention">%s</span>' % _texte(r["mention"]) if r["mention"] else ""
        rows.append(
            CELLULE.join(
                (
                    "<tr>",
                    '<th scope="row">%s</th>' % _texte(r["numero"]),
                    '<td data-label="%s">%s</td>' % (lib["Date"], _date(r["date"])),
                    '<td data-label="%s">%s</td>' % (lib["Mode"], _texte(r["mode"])),
                    '<td class="montant" data-label="%s">%s</td>'
                    % (lib["Montant"], _texte(r["montant"])),
                    '<td data-label="%s">%s%s</td>' % (lib["Factures réglées"], reglees, mention),
                    _montant(r["disponible"], lib["Crédit restant"]),
                    '<td class="actions-facture">%s</td>' % icones(r),
                )
            )
            + FIN
        )
    return ENTRE.join(rows)
