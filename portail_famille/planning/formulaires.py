"""The labels of the planning page's request forms (the context menu, the
reservation form, the absence dialog; their markup is page.FORMULAIRES, the
day list's links use three of them): translated once per language, not by
Chameleon on every page (the grid is the page parents open most)."""

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

_TRADUITS = {}  # language -> the labels translated


def formulaires(request, reserver, absence, jeton):
    """What the forms' markup needs: the labels, the two forms' addresses,
    the CSRF token."""
    langue = request.localizer.locale_name
    libelles = _TRADUITS.get(langue)
    if libelles is None:
        libelles = _TRADUITS[langue] = {k: traduire(request, v) for k, v in LIBELLES.items()}
    return {"t": libelles, "reserver": reserver, "absence": absence, "jeton": jeton}
