"""The rule every object name obeys when it is created or renamed: letters
without accents, digits, ``-``, ``_`` and ``.`` (a login may also hold
``@``), 100 characters at most.

SubstanceD refused only an empty name, ``@@…`` and ``/``: a document
renamed ``<img src=x onerror=…>`` in the contents tab, or an agent's new
folder of that name, was then written as HTML by the folder grid (issue
15).  The rule is checked in ``Folder.validate_name`` and
``Folder.check_name`` (``correctifs.substanced.noms_selon_la_regle``),
which every way in goes through: SubstanceD's add forms and property
sheets (their name field shows the French message), its rename, copy,
move and duplicate (a ``FolderKeyError``: the contents tab shows it), and
the portal's own code.  Names already stored are left as they are: every
SDI view shows them as text (``echappement``).
"""

import re

from substanced.folder import FolderKeyError

from ..i18n import _

NOM = re.compile(r"[A-Za-z0-9_.\-]{1,100}")
LOGIN = re.compile(r"[A-Za-z0-9_.@\-]{1,100}")

MESSAGE_NOM = _(
    "Un nom ne contient que des lettres sans accent, des chiffres et les signes - _ . "
    "(100 caractères au plus)."
)
MESSAGE_LOGIN = _(
    "Un identifiant ne contient que des lettres sans accent, des chiffres et les signes "
    ". _ - @ (100 caractères au plus)."
)
MESSAGE_RESERVE = _("Ce nom est réservé.")
MESSAGE_PRIS = _("Ce nom est déjà pris dans ce dossier.")


class NomRefuse(FolderKeyError, ValueError):
    """A name against the rule; ``args[0]``: the French message.  A
    FolderKeyError (the contents tab's rename, copy and move show it) and a
    ValueError (what SubstanceD's other checks raise)."""


def probleme(name, login=False):
    """The French message saying why ``name`` is refused, or None."""
    motif, message = (LOGIN, MESSAGE_LOGIN) if login else (NOM, MESSAGE_NOM)
    if not isinstance(name, str) or not motif.fullmatch(name) or not name.strip("."):
        return message
    return None
