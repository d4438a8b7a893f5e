"""The planning page's request forms (the context menu, the reservation
form, the absence dialog) as markup: made once per language, then only the
URLs and the CSRF token are put in (escaped).  Chameleon translated their
ten labels on every page; the grid is the page parents open most."""

from html import escape

from ..i18n import _, traduire

LIBELLES = {
    "menu": _("Demandes"),
    "reservation": _("Demande de Réservation"),
    "absence": _("Déclarer une absence"),
    "raison": _("Raison de l'absence"),
    "confirme": _("Je confirme cette absence."),
    "confirmer": _("Confirmer l'absence"),
    "annuler": _("Annuler"),
}

MODELE = """
      <form id="form-reservation" method="post" action="{reserver}" hidden>
        <input type="hidden" name="csrf_token" value="{jeton}">
        <input type="hidden" name="prestation" value="">
        <input type="hidden" name="date" value="">
      </form>
      <div id="menu-planning" class="menu-planning" role="menu" hidden aria-label="%(menu)s">
        <button type="button" role="menuitem" data-action="reservation">%(reservation)s</button>
        <button type="button" role="menuitem" data-action="absence">%(absence)s</button>
      </div>
      <dialog id="dialogue-absence" class="dialogue-absence" aria-labelledby="titre-absence">
        <form method="post" action="{absence}">
          <h2 id="titre-absence">%(absence)s</h2>
          <p class="cellule-choisie"></p>
          <input type="hidden" name="csrf_token" value="{jeton}">
          <input type="hidden" name="prestation" value="">
          <input type="hidden" name="date" value="">
          <p class="champ">
            <label for="motif-absence">%(raison)s</label>
            <textarea id="motif-absence" name="motif" rows="3" maxlength="500" required></textarea>
          </p>
          <p class="champ case">
            <input type="checkbox" id="confirmation-absence" name="confirmation" value="oui" required>
            <label for="confirmation-absence">%(confirme)s</label>
          </p>
          <p class="boutons">
            <button type="submit" class="principal">%(confirmer)s</button>
            <button type="button" class="annuler">%(annuler)s</button>
          </p>
        </form>
      </dialog>
"""

_MODELES = {}  # language -> the markup with {reserver}, {absence}, {jeton}


def formulaires(request, reserver, absence, jeton):
    langue = request.localizer.locale_name
    modele = _MODELES.get(langue)
    if modele is None:
        textes = {
            # braces doubled: the result is a str.format pattern
            k: escape(traduire(request, v)).replace("{", "{{").replace("}", "}}")
            for k, v in LIBELLES.items()
        }
        modele = _MODELES[langue] = MODELE % textes
    return modele.format(reserver=escape(reserver), absence=escape(absence), jeton=escape(jeton))
