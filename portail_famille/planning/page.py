"""The parts of the planning page that are the same on every page of a
language, as markup made once per language (the grid is the page parents
open most: Chameleon's cost per node and per label, on every request, was
a good part of the page's).  Each part keeps the markup planning.pt had,
to the byte; the values put in per request (addresses, the CSRF token) are
escaped here."""

from html import escape

from ..demandes.enfants import MENU_ENFANT
from ..i18n import _, traduire
from .formulaires import LIBELLES
from .legende import LEGENDE, LEGENDE_JOURS, MARQUES


def _texte(request, message):
    """A label translated and escaped as Chameleon escapes a text node."""
    return escape(traduire(request, message), quote=False)


def _attribut(request, message):
    """A label translated and escaped as Chameleon escapes an attribute."""
    return escape(traduire(request, message), quote=False).replace('"', "&quot;")


_PAR_LANGUE = {}  # (part, language) -> its markup or format


def _une_fois(nom, faire):
    def partie(request):
        key = (nom, request.localizer.locale_name)
        found = _PAR_LANGUE.get(key)
        if found is None:
            found = _PAR_LANGUE[key] = faire(request)
        return found

    return partie


def _faire_legende(request):
    etats = "\n          ".join(
        '<li class="legende-%s"><span class="pastille etat-%s" aria-hidden="true">%s</span> %s</li>'
        % (c, c, m, _texte(request, t))
        for c, m, t in LEGENDE
    )
    jours = "\n        ".join(
        '<li><span class="pastille jour-%s" aria-hidden="true">%s</span> %s</li>'
        % (c, c, _texte(request, t))
        for c, t in LEGENDE_JOURS
    )
    marques = "\n        ".join(
        '<li><span class="pastille etat-%s" aria-hidden="true">✓</span> %s</li>'
        % (c, _texte(request, t))
        for c, t in MARQUES
    )
    return (
        '<div class="legende-planning">\n'
        "          <h3>%s</h3>\n"
        '          <ul class="legende">%s</ul><ul class="legende legende-jours">%s</ul>'
        '<ul class="legende legende-marques">%s</ul>\n'
        "        </div>"
    ) % (_texte(request, _("Légende")), etats, jours, marques)


# The legend of the grid's states, kinds of day and marks.
legende = _une_fois("legende", _faire_legende)

# The request forms: the reservation form, the context menu, the absence
# dialog; %(reserver)s, %(absence)s: their addresses; %(jeton)s: the CSRF
# token (all escaped by ``formulaires``).
FORMULAIRES = """
      <form id="form-reservation" method="post" action="%(reserver)s" hidden>
        <input type="hidden" name="csrf_token" value="%(jeton)s">
        <input type="hidden" name="prestation" value="">
        <input type="hidden" name="date" value="">
      </form>
      <div id="menu-planning" class="menu-planning" role="menu" hidden aria-label="{menu}">
        <button type="button" role="menuitem" data-action="reservation">{reservation}</button>
        <button type="button" role="menuitem" data-action="absence">{absence}</button>
      </div>
      <dialog id="dialogue-absence" class="dialogue-absence" aria-labelledby="titre-absence">
        <form method="post" action="%(absence)s">
          <h2 id="titre-absence">{absence}</h2>
          <p class="cellule-choisie"></p>
          <input type="hidden" name="csrf_token" value="%(jeton)s">
          <input type="hidden" name="prestation" value="">
          <input type="hidden" name="date" value="">
          <p class="champ">
            <label for="motif-absence">{raison}</label>
            <textarea id="motif-absence" name="motif" rows="3" maxlength="500" required></textarea>
          </p>
          <p class="champ case">
            <input type="checkbox" id="confirmation-absence" name="confirmation" value="oui" required>
            <label for="confirmation-absence">{confirme}</label>
          </p>
          <p class="boutons">
            <button type="submit" class="principal">{confirmer}</button>
            <button type="button" class="annuler">{annuler}</button>
          </p>
        </form>
      </dialog>
    """


def _faire_formulaires(request):
    libelles = {
        key: (_attribut if key == "menu" else _texte)(request, message).replace("%", "%%")
        for key, message in LIBELLES.items()
    }
    return FORMULAIRES.format(**libelles)


_formulaires = _une_fois("formulaires", _faire_formulaires)


def formulaires(request, reserver, absence, jeton):
    """The request forms' markup: the two forms' addresses, the token."""
    return _formulaires(request) % {
        "reserver": escape(reserver),
        "absence": escape(absence),
        "jeton": escape(jeton),
    }


def _faire_menu(request):
    """[(view name, its name escaped, the end of its item when current,
    otherwise)]"""
    return [
        (
            vue,
            escape(vue),
            '" aria-current="page">%s</a></li>' % _texte(request, titre),
            '">%s</a></li>' % _texte(request, titre),
        )
        for vue, titre in MENU_ENFANT
    ]


_menu = _une_fois("menu", _faire_menu)


def menu(request, chemin, actif):
    """The child's menu (``<li>`` items): ``chemin`` the child's path, the
    view ``actif`` marked current."""
    debut = '<li><a href="' + escape(chemin)
    return "\n          ".join(
        debut + nom + (courant if vue == actif else autre)
        for vue, nom, courant, autre in _menu(request)
    )


# The page's other fixed labels, put in their markup once per language.
TEXTES = {
    "retour": _("Retour à Mes enfants"),
    "mois": _("Mois"),
    "precedent": _("Mois précédent"),
    "suivant": _("Mois suivant"),
    "plusieurs": _("Réserver plusieurs jours"),
    "annuler": _("Annuler plusieurs jours"),
    "justificatif": _("Déclarer une absence avec justificatif (délai dépassé)"),
    "souris": _(
        "Cliquer droit sur un champ pour demander une réservation ou une absence "
        "(appui long ou ctrl clic sur certains appareils ; au clavier : Entrée ou Maj+F10)."
    ),
    "tactile": _(
        "Touchez un jour pour demander une réservation ou déclarer une absence ; "
        "un appui long ouvre le menu des demandes."
    ),
    "structure": _("Structure"),
    "responsable": _("Responsable"),
    "agenda": _("S'abonner au planning (agenda)"),
}
ATTRIBUTS = ("mois",)
MODELES = {
    # the link back: its address
    "retour": '<p class="retour"><a href="%s">{retour}</a></p>',
    # the months' navigation: previous month's address, the month, the next's
    "navigation": """<nav class="planning-mois" aria-label="{mois}">
          <a class="mois-precedent" rel="prev" href="%s"><span aria-hidden="true">◀</span> <span>{precedent}</span></a>
          <strong class="mois-courant" id="mois-planning">%s</strong>
          <a class="mois-suivant" rel="next" href="%s"><span>{suivant}</span> <span aria-hidden="true">▶</span></a>
        </nav>""",  # noqa: E501
    # the links to several days at once (their addresses) and the help
    "plusieurs": (
        '<p class="lien-plusieurs"><a href="%s">{plusieurs}</a> <a href="%s">{annuler}</a></p>\n'
        '        <p class="lien-justificatif"><a href="%s">{justificatif}</a></p>\n'
        "        \n"
        '          <p class="aide-planning aide-souris">{souris}</p>\n'
        '          <p class="aide-planning aide-tactile">{tactile}</p>\n'
        "        "
    ),
    # the grid's first header cells (no value)
    "colonnes": """<th scope="col">{structure}</th>
                <th scope="col">{responsable}</th>
                """,
    # the calendar subscription: its address
    "agenda": '<p class="lien-agenda"><a href="%s">{agenda}</a></p>',
}


def _faire_modeles(request):
    textes = {
        key: (_attribut if key in ATTRIBUTS else _texte)(request, message).replace("%", "%%")
        for key, message in TEXTES.items()
    }
    return {key: modele.format(**textes) for key, modele in MODELES.items()}


# MODELES with their labels: %-formats of escaped values.
modeles = _une_fois("modeles", _faire_modeles)
