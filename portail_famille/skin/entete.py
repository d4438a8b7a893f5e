"""What the header of the family pages shows (welcome line and menu): data
for layout.pt, which writes and escapes it.

It is on every family page, so the work per request stays small: the fixed
labels are translated once per language (no ``i18n:translate`` per label
and per page in the template), the welcome sentence is cut once per
language around its two values, and the menu's paths are made from the
family's path once.
"""

import re

from pyramid.csrf import get_csrf_token

from ..i18n import _, traduire

BIENVENUE = _("Bienvenue ${nom}, vous avez ${n} Nouveau(x) Message(s)")
LIBELLES = {
    "portail": _("Portail Famille"),
    "service": _("Service enfance jeunesse"),
    "menu": _("Menu principal"),
    "documents": _("Infos/Documents - Formulaires"),
    "changer": _("Changer de mot de passe"),
    "mot_de_passe": _("Mot de passe"),
    "deconnexion": _("Déconnexion"),
}
_VALEURS = re.compile(r"\$\{nom\}|\$\{n\}")

_FIXES = {}  # language -> (translated labels, the welcome sentence's parts)


def _fixes(request):
    langue = request.localizer.locale_name
    found = _FIXES.get(langue)
    if found is None:
        libelles = {key: traduire(request, label) for key, label in LIBELLES.items()}
        # ('Bienvenue ', ', vous avez ', ' Nouveau(x) Message(s)', the name first?)
        texte = traduire(request, BIENVENUE)
        parties = (*_VALEURS.split(texte), texte.find("${nom}") < texte.find("${n}"))
        found = _FIXES[langue] = (libelles, parties)
    return found


def entete(request, layout, famille):
    """The header of a page of ``famille``: the labels, the welcome line's
    parts (the texts before, between and after the name and the count of
    new messages, and whether the name comes first), the date, the menu (url, title, current page?), the
    documents link, the new messages' link and the logout form's token."""
    libelles, parties = _fixes(request)
    ici = request.context is famille
    vue = request.view_name
    entrees = layout.menu()
    nouveaux = famille.nouveaux_messages()
    return {
        "libelles": libelles,
        "bienvenue": parties,
        "nom": famille.nom_complet,
        "messages": nouveaux,
        "date": layout.aujourdhui,
        "menu": [
            (url, traduire(request, titre), ici and vue == view_name)
            for url, titre, view_name in entrees
        ],
        "documents": entrees[0][0] + "documents",
        # the count of new messages links to them (messagerie's "Messages reçus")
        "non_lus": entrees[0][0]
        + ("boite-de-reception?onglet=recus" + ("&filtre=non-lus" if nouveaux else "")),
        "documents_ici": ici and vue == "documents",
        "csrf_token": get_csrf_token(request),
    }
