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
