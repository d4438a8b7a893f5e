"""SubstanceD 1.0b1: its statsd timers, the names of objects, and what its
management interface (SDI) writes as HTML or JSON."""

import contextlib
from html import escape

from deform import Button
from substanced.interfaces import IUsers
from translationstring import TranslationString

from .. import mots_de_passe
from ..i18n import _
from ..sdi import annuler, echappement, noms
from ..sdi.grille import json_sans_balise
from .amont import Amont, garder, remplacer

SUBSTANCED = ("substanced", "1.0b1")

DONOTHING = "substanced.stats:donothing"
TIMER = "substanced.stats:StatsdHelper.timer"
JSON_STR = "substanced.util:JsonDict.__str__"
VALIDATE_NAME = "substanced.folder:Folder.validate_name"
CHECK_NAME = "substanced.folder:Folder.check_name"
COLONNES = "substanced.folder.views:FolderContents.get_default_columns"
CONTENUS = "substanced.folder.views:FolderContents._folder_contents"
FLASH = "substanced.sdi:sdiapi.flash"
ANNULER = "substanced.sdi.views.undo:UndoViews._undoable_transactions"
ANNULER_PLUSIEURS = "substanced.sdi.views.undo:UndoViews.undo_multiple"
ANNULER_RECENTE = "substanced.sdi.views.undo:UndoViews.undo_recent"
LIEN_ANNULER = "substanced.sdi:sdiapi.get_flash_with_undo_snippet"
PROPRIETES = "substanced.property.views:PropertySheetsView"
BOUTONS = PROPRIETES + ".buttons"
HACHER = "substanced.principal:User.hash_new_password"
VERIFIER = "substanced.principal:User.check_password"

AMONT = (
    Amont(DONOTHING, *SUBSTANCED, "514907bedb8f3f43"),
    Amont(TIMER, *SUBSTANCED, "745a152534581a47"),  # calls donothing() by its global name
    Amont(JSON_STR, *SUBSTANCED, "b21f7f6f25d14bf3"),
    Amont(VALIDATE_NAME, *SUBSTANCED, "6a5d2d40f7e927ae"),
    Amont(CHECK_NAME, *SUBSTANCED, "6303a2ca0a04004b"),
    Amont(COLONNES, *SUBSTANCED, "724a95ca080f89be"),
    Amont(CONTENUS, *SUBSTANCED, "bd078e630203b8b8"),
    Amont(FLASH, *SUBSTANCED, "048ee211f4d36521"),
    Amont(ANNULER, *SUBSTANCED, "88ded29db57bd63d"),
    Amont(ANNULER_PLUSIEURS, *SUBSTANCED, "cf36dbff432f292e"),
    Amont(ANNULER_RECENTE, *SUBSTANCED, "e30aeb8e0441f661"),
    Amont(LIEN_ANNULER, *SUBSTANCED, "4cf95dcbc86cf591"),
    Amont(PROPRIETES, *SUBSTANCED, "882908e3917eeb70"),
    Amont(HACHER, *SUBSTANCED, "faf690204a4386a9"),
    Amont(VERIFIER, *SUBSTANCED, "9b72d9459b14ebbc"),
)

RIEN = contextlib.nullcontext()  # reusable and re-entrant: it keeps no state

_VALIDATE_NAME = garder(VALIDATE_NAME)
_CONTENUS = garder(CONTENUS)
_FLASH = garder(FLASH)
_ANNULER = garder(ANNULER)
_ANNULER_PLUSIEURS = garder(ANNULER_PLUSIEURS)
_ANNULER_RECENTE = garder(ANNULER_RECENTE)
_LIEN_ANNULER = garder(LIEN_ANNULER)
garder(DONOTHING)
garder(JSON_STR)
garder(CHECK_NAME)
garder(COLONNES)
garder(BOUTONS)
garder(HACHER)
garder(VERIFIER)


def rien():
    return RIEN


def minuteurs_sans_statsd():
    """Every folder access of SubstanceD (each traversal step, each
    ``folder[name]``) times itself for statsd.

    Upstream wrong: with statsd off, each timer builds and runs a new
    generator-based context manager that does nothing.
    Effect on us: 0.8 µs of a folder access's 2 µs, 10 to 15 accesses a
    page; one shared no-op context manager: 2.0 -> 1.2 µs a folder access
    (commit e7e22f4).
    Upstream: substanced 1.0b1, substanced/stats/__init__.py, ``donothing``
    (called by ``StatsdHelper.timer``); upstream issue: none found.
    """
    remplacer(DONOTHING, rien)


def _json_str(self):
    return json_sans_balise(self)


def json_de_grille_sans_balise():
    """SubstanceD writes the data of a folder's grid (titles people typed)
    as JSON inside a ``<script>`` element of its contents page.

    Upstream wrong: ``JsonDict.__str__`` is ``json.dumps``, which leaves
    ``<``, ``>`` and ``&`` as they are.
    Effect on us: a document or news title holding ``</script>`` ended the
    element, the rest of the title ran as a script of its own in the
    staff's session (issue 15).  Written with ``<``, ``>`` and ``&`` as
    JSON escapes (``sdi.grille``): the same values for the script.
    Upstream: substanced 1.0b1, substanced/util/__init__.py,
    ``JsonDict.__str__``; upstream issue: none found.
    """
    remplacer(JSON_STR, _json_str)


def validate_name(folder, name, reserved_names=()):
    """``Folder.validate_name``: the portal's rule (``sdi.noms``), then
    SubstanceD's own check."""
    message = noms.probleme(name, login=IUsers.providedBy(folder))
    if message is None and name in reserved_names:
        message = noms.MESSAGE_RESERVE
    if message is not None:
        raise noms.NomRefuse(message)
    return _VALIDATE_NAME(folder, name, reserved_names)


def check_name(folder, name, reserved_names=()):
    """``Folder.check_name``: a valid name not yet taken in ``folder``."""
    name = folder.validate_name(name, reserved_names)
    if name in folder.data:
        raise noms.NomRefuse(noms.MESSAGE_PRIS)
    return name


def noms_selon_la_regle():
    """Every object name, when it is created or renamed, obeys the portal's
    rule (``sdi.noms``: letters without accents, digits, ``-_.``).

    Upstream wrong: ``Folder.validate_name`` refuses only an empty name,
    ``@@…`` and ``/``, in English.
    Effect on us: a document renamed ``<img src=x onerror=…>`` in the
    contents tab, or an agent's new folder of that name, was written as
    HTML by the folder grid (issue 15).  Every way in goes through
    ``validate_name`` (add forms, property sheets, rename, copy, move,
    duplicate, the portal's own code): the rule and its French messages
    are checked there, and by ``check_name``.
    Upstream: substanced 1.0b1, substanced/folder/__init__.py,
    ``Folder.validate_name`` and ``Folder.check_name``; upstream issue:
    none found.
    """
    remplacer(VALIDATE_NAME, validate_name)
    remplacer(CHECK_NAME, check_name)


def colonne_nom(self, resource):
    """SubstanceD's name column (``FolderContents.get_default_columns``),
    the same link and icon, built from escaped parts."""
    return [echappement.colonne_nom(self.request, resource, self._name_sorter)]


def contenus(self, *args, **kw):
    """SubstanceD's rows of a grid (first page and the next ones), each
    cell made safe for its column's formatter."""
    result = _CONTENUS(self, *args, **kw)
    formats = {column["name"]: column.get("formatter") for column in result["columns"]}
    for record in result["records"]:
        for name, formatter in formats.items():
            if name in record:
                record[name] = echappement.cellule(formatter, record[name])
    return result


def grille_echappee():
    """The folder grid of every contents tab escapes what it writes as HTML.

    Upstream wrong: its name column is a link written by SlickGrid's
    ``html`` formatter from the raw ``__name__``, and a content type's
    column may use that formatter (or ``icon_label_url``, ``date``) on
    stored text too.
    Effect on us: a name ``<img src=x onerror=…>`` stored before the rule
    ran script in the administrator's browser (issue 15).  The name column
    is built from escaped parts; every other cell of an HTML-writing
    formatter is escaped on its way to the grid (``sdi.echappement``).
    Upstream: substanced 1.0b1, substanced/folder/views.py,
    ``FolderContents.get_default_columns`` and
    ``FolderContents._folder_contents``; upstream issue: none found.
    """
    remplacer(COLONNES, colonne_nom)
    remplacer(CONTENUS, contenus)


def en_francais(request, msg):
    """``msg`` in the request's language: a translation string in its own
    domain, a plain text in SubstanceD's (its own messages are plain
    English texts, ``'Updated properties'``; the portal's plain texts are
    French already, and SubstanceD's catalog gives them back as they are)."""
    if not isinstance(msg, TranslationString):
        msg = TranslationString(str(msg), domain="substanced")
    return request.localizer.translate(msg)


def flash(self, msg, queue="info", allow_duplicate=True):
    """SubstanceD's ``sdiapi.flash``, the message translated (the session
    keeps text, its variables put in) and escaped, unless the portal built
    it (``Balisage``)."""
    if not isinstance(msg, echappement.Balisage):
        msg = escape(en_francais(self.request, msg), quote=False)
    return _FLASH(self, msg, queue, allow_duplicate)


def flash_echappe():
    """The SDI's flash messages are text, unless the portal built them.

    Upstream wrong: the SDI's page writes its flash messages with
    ``structure`` (its "Undo" button is markup), and SubstanceD puts names
    in them as they are (``"<name>" is of a type … not addable here``,
    ``An object named <name> already exists``).
    Effect on us: a stored name or title with markup ran as HTML in a
    flash message (issue 15).  ``sdiapi.flash`` escapes what it is given,
    but a ``Balisage`` (``sdi.echappement``).  SubstanceD flashes its own
    messages as plain English texts ("Could not undo, sorry"): they are
    translated in its domain first (issue 18).
    Upstream: substanced 1.0b1, substanced/sdi/__init__.py,
    ``sdiapi.flash``; upstream issue: none found.
    """
    remplacer(FLASH, flash)


def _undoable_transactions(self, first, last):
    return annuler.marquer(self._get_db(), _ANNULER(self, first, last))


def undo_multiple(self):
    return annuler.refus_multiple(self.request, self._get_db()) or _ANNULER_PLUSIEURS(self)


def undo_recent(self):
    return annuler.refus_recent(self.request, self._get_db()) or _ANNULER_RECENTE(self)


def get_flash_with_undo_snippet(self, msg, queue="", allow_duplicate=True):
    if isinstance(msg, echappement.Balisage):
        texte = msg  # built by the portal, as in ``flash``
    else:
        texte = en_francais(self.request, msg)
        msg = escape(texte, quote=False)
    if annuler.sans_lien():
        return msg
    # upstream's template escapes the text itself
    return _LIEN_ANNULER(self, texte, queue, allow_duplicate)


def annuler_sans_comptable():
    """The SDI's Undo never undoes an accounting transaction, and its tab
    works on RelStorage (``keep_history=true``).

    Upstream wrong: (1) Undo erases any transaction, one that issued,
    allocated, cancelled or froze a numbered document, or took a number of
    a régie's sequence, included: the number is given again, the document
    is lost (a régie answers to the Trésor public); (2) the tab's template
    prints each transaction's ``size``, which FileStorage's and ZEO's undo
    records carry and RelStorage's lack.
    Effect on us: (1) an administrator's Undo erased payment AL-229 and the
    sequence fell back to 228 (tests/functional/test_annuler.py); (2) a
    KeyError, a 500, on the Undo tab over PostgreSQL
    (tests/grappe/test_relstorage.py).  SubstanceD's own views keep their
    names, permissions and CSRF checks; the tab lists such transactions
    without a checkbox, its button and the flash message's "Undo" link
    refuse them in French, and no "Undo" link is offered after one
    (the rules: ``sdi.annuler``).  The message of ``flash_with_undo`` is
    translated (SubstanceD gives it as plain English, "Updated properties",
    issue 18) and escaped when it goes without the link.
    Upstream: substanced 1.0b1, substanced/sdi/views/undo.py,
    ``UndoViews._undoable_transactions``, ``undo_multiple``,
    ``undo_recent`` (and templates/undo.pt), substanced/sdi/__init__.py
    ``sdiapi.get_flash_with_undo_snippet``; upstream issue: none found.
    """
    remplacer(ANNULER, _undoable_transactions)
    remplacer(ANNULER_PLUSIEURS, undo_multiple)
    remplacer(ANNULER_RECENTE, undo_recent)
    remplacer(LIEN_ANNULER, get_flash_with_undo_snippet)


class Boutons(tuple):
    """The buttons of SubstanceD's property sheets, ours (a tuple, as
    deform wants)."""


ENREGISTRER = Boutons((Button("save", title=_("Enregistrer")),))


def proprietes_en_francais():
    """The button of every property sheet reads "Enregistrer".

    Upstream wrong: ``PropertySheetsView.buttons`` is ``(_('save'),)``, and
    deform makes a button of a string with ``name.capitalize()`` as its
    title: the translation string becomes the plain text "Save".
    Effect on us: "Save" under the child's, the family's, every staff
    form of properties (issue 18).  The same button (name ``save``, which
    the view reads) with a translated title.
    Upstream: substanced 1.0b1, substanced/property/views.py,
    ``PropertySheetsView.buttons`` (and deform 2's ``Form.__init__``);
    upstream issue: none found.
    """
    remplacer(BOUTONS, ENREGISTRER)


def hash_new_password(password):
    """``User.hash_new_password``: Argon2id (``mots_de_passe.hacher``)."""
    return mots_de_passe.hacher(password)


def check_password(user, password):
    """``User.check_password``: Argon2id or bcrypt (``mots_de_passe``)."""
    return mots_de_passe.verifier_compte(user, password)


def mots_de_passe_argon2():
    """Every account's password is hashed with Argon2id, and bcrypt's
    hashes made before still verify (``mots_de_passe``).

    Upstream wrong: ``User.hash_new_password`` is bcrypt at its default
    cost (12 rounds) and ``check_password`` reads bcrypt only.
    Effect on us: a login cost 217-229 ms of CPU, 62 % of a parent's
    opening morning (docs/dimensionnement.md), for a hash that is not
    memory-hard.  Argon2id at OWASP's parameters (19 MiB, 2 passes):
    about 28 ms; SubstanceD's own screens (its User, add user, change
    password) hash and check through the same functions.
    Upstream: substanced 1.0b1, substanced/principal/__init__.py,
    ``User.hash_new_password`` and ``User.check_password``; upstream
    issue: none found.
    """
    remplacer(HACHER, staticmethod(hash_new_password))
    remplacer(VERIFIER, check_password)
