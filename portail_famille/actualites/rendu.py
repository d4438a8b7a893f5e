"""A news item's text made safe to show: an allow-list sanitiser (nh3).

The text is stored as the editor typed it; only what the list below allows
reaches a page: paragraphs, line breaks, bold, italic, lists and links to
http, https or mailto addresses (opened with ``rel="noopener noreferrer"``).
Every other tag is removed (a ``<script>`` or ``<style>`` with its content),
every other attribute dropped (``onerror=``, ``style=``), a ``javascript:``
or relative link loses its address.  In a text without paragraphs, lists or
line breaks of its own, a blank line separates paragraphs and a line break
is kept.
"""

import html
import re

import nh3

BALISES = frozenset({"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"})
ATTRIBUTS = {"a": {"href"}}
SCHEMAS = frozenset({"http", "https", "mailto"})
# Removed with their content, not only their tags.
CONTENU_SUPPRIME = frozenset({"script", "style", "iframe", "object", "embed", "template"})

_BLOCS = re.compile(r"<\s*(p|br|ul|ol|li)\b", re.I)
_PARAGRAPHES = re.compile(r"\n[ \t]*\n+")
_ESPACES = re.compile(r"\s+")
_FINS = re.compile(r"</(p|li|ul|ol)>|<br>")
EXTRAIT_MAX = 300


def nettoyer(texte):
    """The sanitised HTML of ``texte`` (a str safe to insert as markup)."""
    texte = texte or ""
    if not _BLOCS.search(texte):
        texte = _paragraphes(texte)
    return nh3.clean(
        texte,
        tags=set(BALISES),
        clean_content_tags=set(CONTENU_SUPPRIME),
        attributes={k: set(v) for k, v in ATTRIBUTS.items()},
        url_schemes=set(SCHEMAS),
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _paragraphes(texte):
    blocs = _PARAGRAPHES.split(texte.replace("\r\n", "\n").replace("\r", "\n").strip())
    return "".join("<p>%s</p>" % "<br>".join(bloc.split("\n")) for bloc in blocs if bloc.strip())


def texte_brut(texte):
    """The words of ``texte`` without any markup (unescaped: escape it to
    show it)."""
    sans_balises = nh3.clean(
        _FINS.sub(r"\g<0> ", nettoyer(texte)),
        tags=set(),
        clean_content_tags=set(CONTENU_SUPPRIME),
    )
    return _ESPACES.sub(" ", html.unescape(sans_balises)).strip()


def extrait(texte, longueur=EXTRAIT_MAX):
    """The beginning of the text, plain, cut on a word: for the lists."""
    brut = texte_brut(texte)
    if len(brut) <= longueur:
        return brut
    coupe = brut[:longueur].rsplit(" ", 1)[0] or brut[:longueur]
    return coupe.rstrip(" ,;:.") + "…"
