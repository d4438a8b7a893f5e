"""The header of the family pages (welcome line and menu), built in Python.

It is on every family page, and Chameleon's work on it (a whitespace
normalisation and a translation call per label, a scope lookup per
expression) was a sizeable part of each page's time.  The fixed labels are
translated once per language; every variable is escaped here, and the
result is inserted as markup by layout.pt.
"""

from html import escape

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

ICONE_DOCUMENTS = (
    '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16"><path fill="currentColor"'
    ' d="M3 1h6l4 4v10H3V1zm6 1v4h3L9 2zM5 8v1h6V8H5zm0 2v1h6v-1H5zm0 2v1h4v-1H5z"/></svg>'
)
ICONE_CADENAS = (
    '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16"><path fill="currentColor"'
    ' d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z"/></svg>'
)

_FIXES = {}  # language -> (the header's fixed start, the menu's fixed end)


def _fixes(request):
    langue = request.localizer.locale_name
    found = _FIXES.get(langue)
    if found is None:
        t = {key: escape(traduire(request, label)) for key, label in LIBELLES.items()}
        debut = (
            '<header class="bandeau">\n'
            '    <div class="bandeau-titre">\n'
            '      <a href="/" class="marque">%(portail)s</a>\n'
            '      <span class="service">%(service)s</span>\n'
            "    </div>\n" % t
        )
        fin = (
            "          <li>\n"
            '            <a href="/mot-de-passe" class="cadenas" title="%(changer)s">\n'
            "              " + ICONE_CADENAS + "\n"
            "              <span>%(mot_de_passe)s</span>\n"
            "            </a>\n"
            "          </li>\n"
            "          <li>\n"
            '            <form method="post" action="/deconnexion" class="deconnexion">\n'
            '              <input type="hidden" name="csrf_token" value="%%s">\n'
            '              <button type="submit">%(deconnexion)s</button>\n'
            "            </form>\n"
            "          </li>\n"
            "        </ul>\n"
            "      </nav>\n"
            "</header>"
        ) % t
        found = _FIXES[langue] = (debut, fin, t)
    return found


def _entree(url, titre, actif, classe="", contenu=None):
    current = ' aria-current="page"' if actif else ""
    classe = ' class="%s"' % classe if classe else ""
    return '          <li>\n            <a href="%s"%s%s>%s</a>\n          </li>\n' % (
        escape(url),
        classe,
        current,
        contenu if contenu is not None else escape(titre),
    )


def entete(request, layout, famille):
    """The header of a page of ``famille``: its welcome line (name, count of
    new messages, date), the menu (the current page marked), the documents
    and password links, the logout form."""
    debut, fin, t = _fixes(request)
    bienvenue = (
        escape(traduire(request, BIENVENUE), quote=False)
        .replace("${nom}", escape(famille.nom_complet))
        .replace("${n}", "<strong>%d</strong>" % famille.nouveaux_messages())
    )
    ici = request.context is famille
    vue = request.view_name
    parts = [
        debut,
        '    <p class="bienvenue">\n        <span>%s</span>\n' % bienvenue,
        '        <span class="date">%s</span>\n      </p>\n' % escape(layout.aujourdhui),
        '      <nav class="menu" aria-label="%s">\n        <ul>\n' % t["menu"],
    ]
    entrees = layout.menu()
    for url, titre, view_name in entrees:
        parts.append(_entree(url, traduire(request, titre), ici and vue == view_name))
    documents = "%s\n              <span>%s</span>\n            " % (
        ICONE_DOCUMENTS,
        t["documents"],
    )
    parts.append(
        _entree(
            entrees[0][0] + "documents",
            None,
            ici and vue == "documents",
            classe="infos-documents",
            contenu="\n              " + documents,
        )
    )
    parts.append(fin % escape(get_csrf_token(request)))
    return "".join(parts)
