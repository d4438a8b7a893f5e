"""The header of the family pages (welcome line and menu), as markup for
layout.pt; every value put in is escaped here.

It is on every family page, so the work per request stays small: the fixed
labels are translated once per language and put in the header's markup
once per language (no ``i18n:translate`` nor Chameleon node per label and
per page), the welcome sentence is cut once per language around its two
values, and the menu's paths are made from the family's path once.
"""

import re
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


def _texte(valeur):
    """A value escaped as Chameleon escapes a text node."""
    return escape(str(valeur), quote=False)


def _attribut(valeur):
    """A value escaped as Chameleon escapes an attribute."""
    return escape(str(valeur), quote=False).replace('"', "&quot;")


# The header of the family pages, as layout.pt wrote it (to the byte):
# {labels} put in once per language, %(values)s per request (escaped).
BANDEAU = """<header class="bandeau">
    <div class="bandeau-titre">
      <a href="/" class="marque">{portail}</a>
      <span class="service">{service}</span>
    </div>
    <p class="bienvenue">
        <span>%(bienvenue)s</span>
        <span class="date">%(date)s</span>
      </p>
      <nav class="menu" aria-label="{menu}">
        <ul>
          %(menu)s
          <li>
            <a href="%(documents)s" class="infos-documents"%(documents_ici)s>
              <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16"><path fill="currentColor" d="M3 1h6l4 4v10H3V1zm6 1v4h3L9 2zM5 8v1h6V8H5zm0 2v1h6v-1H5zm0 2v1h4v-1H5z"/></svg>
              <span>{documents}</span>
            </a>
          </li>
          <li>
            <a href="/mot-de-passe" class="cadenas" title="{changer}">
              <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16"><path fill="currentColor" d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z"/></svg>
              <span>{mot_de_passe}</span>
            </a>
          </li>
          <li>
            <form method="post" action="/deconnexion" class="deconnexion">
              <input type="hidden" name="csrf_token" value="%(jeton)s">
              <button type="submit">{deconnexion}</button>
            </form>
          </li>
        </ul>
      </nav>
  </header>"""
ITEM = '<li>\n            <a href="%s"%s>%s</a>\n          </li>'
COURANT = ' aria-current="page"'

_BANDEAUX = {}  # language -> (BANDEAU with its labels, the menu's titles)


def bandeau(request, layout, famille):
    """The header of a page of ``famille``, as markup: the welcome line
    (its texts before, between and after the name and the count of new
    messages, the count linking to them), the date, the menu, the
    documents link, the logout form."""
    libelles, (avant, entre, apres, nom_d_abord) = _fixes(request)
    langue = request.localizer.locale_name
    found = _BANDEAUX.get(langue)
    if found is None:
        found = _BANDEAUX[langue] = (
            BANDEAU.format(
                **{
                    key: (_attribut if key in ("menu", "changer") else _texte)(texte).replace(
                        "%", "%%"
                    )
                    for key, texte in libelles.items()
                }
            ),
            {},
        )
    modele, titres = found
    ici = request.context is famille
    vue = request.view_name
    entrees = layout.menu()
    nouveaux = famille.nouveaux_messages()
    # the count of new messages links to them (messagerie's "Messages reçus")
    non_lus = entrees[0][0] + (
        "boite-de-reception?onglet=recus" + ("&filtre=non-lus" if nouveaux else "")
    )
    lien = '<a href="%s" class="nouveaux-messages"><strong>%d</strong>%s</a>' % (
        _attribut(non_lus),
        nouveaux,
        _texte(apres if nom_d_abord else entre),
    )
    nom = _texte(famille.nom_complet)
    if nom_d_abord:
        bienvenue = _texte(avant) + nom + _texte(entre) + lien
    else:
        bienvenue = _texte(avant) + lien + nom + _texte(apres)
    items = []
    for url, titre, view_name in entrees:
        texte = titres.get(titre)
        if texte is None:
            texte = titres[titre] = _texte(traduire(request, titre))
        items.append(ITEM % (_attribut(url), COURANT if ici and vue == view_name else "", texte))
    return modele % {
        "bienvenue": bienvenue,
        "date": _texte(layout.aujourdhui),
        "menu": "\n          ".join(items),
        "documents": _attribut(entrees[0][0] + "documents"),
        "documents_ici": COURANT if ici and vue == "documents" else "",
        "jeton": _attribut(get_csrf_token(request)),
    }
