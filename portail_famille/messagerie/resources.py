"""Messages and Conversation: what a family and the service write each other.

Each family keeps its conversations in its own ``messages`` folder (its ACL
is the family's: nobody else's parent reaches them).  A conversation is a
thread of messages on one subject; the flags say who has read it, whether
the service has handled it and whether the family has put it in its
"Messages supprimés".  The folder's ``non_lus`` counts, at all times, the
conversations the home page announces as new, so the home page reads one
attribute (``service`` keeps it right on every change).
"""

from persistent import Persistent
from persistent.list import PersistentList
from substanced.content import content
from substanced.folder import RandomAutoNamingFolder
from zope.interface import Interface, implementer

from .. import dates
from ..catalogue_systeme import INomAleatoire
from ..i18n import _
from ..util import ContenuPermanent

FAMILLE = "famille"
SERVICE = "service"
AUTEURS = (FAMILLE, SERVICE)

# The family's lists (index ``message_listes``: a thread may show in two).
ENVOYES = "envoyes"
RECUS = "recus"
SUPPRIMES = "supprimes"
BOITES = {
    ENVOYES: _("Messages envoyés"),
    RECUS: _("Messages reçus"),
    SUPPRIMES: _("Messages supprimés"),
}

SERVICE_ENFANCE = _("Service enfance jeunesse")


class IMessages(Interface):
    pass


class IConversation(Interface):
    pass


REFUS = _(
    "Un message ne peut être ni supprimé ni déplacé par le service : la famille "
    "le range elle-même dans ses « Messages supprimés »."
)


def _sans_boutons(context, request, default_buttons):
    """The SDI contents tab of a family's Messages: no delete, rename, move,
    copy or duplicate button.  What was written stays: the family deletes a
    conversation into its "Messages supprimés", from where it comes back."""
    return []


@content("Messages", icon="glyphicon glyphicon-envelope", buttons=_sans_boutons)
@implementer(IMessages)
class Messages(RandomAutoNamingFolder):
    """The conversations of one family."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Messages")

    __sdi_deletable__ = False

    # Conversations holding a message from the service the family has not
    # opened yet (and has not deleted): ``Conversation.nouvelle``.
    non_lus = 0

    def __sdi_addable__(self, context, introspectable):
        return False

    def remove(self, name, *args, **kw):
        raise ContenuPermanent(REFUS)

    def add(self, name, other, *args, **kw):
        if kw.get("duplicating") is not None:
            raise ContenuPermanent(REFUS)
        return RandomAutoNamingFolder.add(self, name, other, *args, **kw)


class Message(Persistent):
    """One message of a thread.  ``date``: aware, in UTC (``date_affichee``
    is the town's time).  ``texte`` is kept as written (shown
    escaped); ``fichier`` a ``fichiers.Fichier`` or None."""

    # The login of the account that wrote it (None: the portal itself, the
    # demo data, or a message older than this attribute): shown to staff
    # only; the family reads ``nom``.
    compte = None

    def __init__(self, auteur, nom, texte, date=None, fichier=None, compte=None):
        if auteur not in AUTEURS:
            raise ValueError(auteur)
        self.auteur = auteur
        self.compte = compte
        self.nom = nom
        self.texte = texte
        self.date = date or dates.horodatage()
        self.fichier = fichier

    @property
    def date_affichee(self):
        """ "08/04/2015 09:12" (Paris time)."""
        return dates.moment(self.date)


@content("Conversation", icon="glyphicon glyphicon-comment", catalog=True)
@implementer(IConversation, INomAleatoire)
class Conversation(Persistent):
    """A thread between a family and the service.

    ``structure``: the oid of the Structure it is addressed to (None: the
    service enfance jeunesse); ``origine``: who started it; ``groupe``: the
    id of the group sending it came from (None if none)."""

    lu_famille = True
    lu_service = True
    traitee = False
    traitee_par = None
    supprimee = False
    groupe = None
    structure = None
    # Kept by ``service`` as messages are added, so a list of conversations
    # reads them without loading each message.
    dernier_auteur = None
    pieces_jointes = 0

    def __init__(self, objet, origine, structure=None, groupe=None):
        if origine not in AUTEURS:
            raise ValueError(origine)
        self.objet = objet
        self.origine = origine
        self.structure = structure
        self.groupe = groupe
        self.messages = PersistentList()
        self.derniere = dates.horodatage()

    @property
    def title(self):
        return self.objet

    # its name in the SDI's breadcrumbs, not its random ``__name__``
    sdi_title = title

    @property
    def famille(self):
        return self.__parent__.__parent__

    @property
    def numero_famille(self):
        return self.famille.__name__

    @property
    def nouvelle(self):
        """Counted in the family's "Nouveau(x) Message(s)": unread by the
        family and not in its deleted messages."""
        return not self.lu_famille and not self.supprimee

    def auteurs(self):
        """Who wrote in the thread: a set of ``AUTEURS`` (its origin when it
        has no message yet)."""
        found = {message.auteur for message in self.messages}
        return found or {self.origine}

    @property
    def listes(self):
        """Every list of the family's it shows in (index ``message_listes``):
        "Messages supprimés" alone once deleted; else "Messages reçus" as
        soon as the service wrote in it (its reply to the family's message
        too) and "Messages envoyés" as soon as the family did."""
        if self.supprimee:
            return (SUPPRIMES,)
        auteurs = self.auteurs()
        return tuple(
            boite for boite, auteur in ((RECUS, SERVICE), (ENVOYES, FAMILLE)) if auteur in auteurs
        )

    @property
    def boite(self):
        """The family's list a thread opened belongs to (its "back" link):
        the first of ``listes`` (a reply of the service makes the
        family's message one it received)."""
        return self.listes[0]

    @property
    def premier(self):
        return self.messages[0] if self.messages else None

    @property
    def dernier(self):
        return self.messages[-1] if self.messages else None

    @property
    def date_affichee(self):
        return dates.moment(self.derniere)

    def avec_fichier(self):
        """[(index, Message)] of the messages with an attachment."""
        return [(i, m) for i, m in enumerate(self.messages) if m.fichier is not None]
