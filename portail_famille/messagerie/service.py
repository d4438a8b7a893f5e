"""Writing, answering, reading, handling, deleting conversations.

Every change goes through here: it keeps the family's ``non_lus`` counter
(what the home page shows) and the catalog right, and queues the family's
mail in the transaction (sent only if it commits).  The mail says that a
message is waiting on the portal, never what it says: messages may speak of
a child's health.
"""

from substanced.util import find_catalog, find_objectmap

from .. import courriels, dates
from ..adresses import url_absolue
from ..catalogue import CATALOG
from ..i18n import _
from .resources import FAMILLE, SERVICE, SERVICE_ENFANCE, Message

OBJET_MAX = 200
TEXTE_MAX = 5000
NOM_MAX = 200


class MessagerieError(ValueError):
    """Refused input: ``args[0]`` is the French message; ``champ`` the
    form field it is about ("objet", "texte"; None if none)."""

    def __init__(self, message, champ=None):
        super().__init__(message)
        self.champ = champ


def lire_objet(objet):
    """The subject as stored (spaces collapsed); MessagerieError if refused."""
    objet = " ".join((objet or "").split())
    if not objet:
        raise MessagerieError(_("Veuillez indiquer l'objet du message."), "objet")
    if len(objet) > OBJET_MAX:
        raise MessagerieError(
            _(
                "L'objet ne doit pas dépasser ${max} caractères.",
                mapping={"max": OBJET_MAX},
            ),
            "objet",
        )
    return objet


def lire_texte(texte):
    """The text as stored (line ends normalised); MessagerieError if refused."""
    texte = (texte or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not texte:
        raise MessagerieError(_("Veuillez écrire votre message."), "texte")
    if len(texte) > TEXTE_MAX:
        raise MessagerieError(
            _(
                "Le message ne doit pas dépasser ${max} caractères.",
                mapping={"max": TEXTE_MAX},
            ),
            "texte",
        )
    return texte


def _nom(par, defaut):
    return (" ".join(str(par or "").split()) or defaut)[:NOM_MAX]


def _changer(conversation, **valeurs):
    """Set the flags, moving the family's ``non_lus`` if the conversation
    starts or stops being new for it."""
    avant = conversation.nouvelle
    for name, value in valeurs.items():
        if getattr(conversation, name) != value:
            setattr(conversation, name, value)
    apres = conversation.nouvelle
    if avant != apres:
        dossier = conversation.__parent__
        dossier.non_lus = max(0, dossier.non_lus + (1 if apres else -1))


def _ajouter(request, conversation, famille, auteur, texte, fichier, par):
    if auteur == FAMILLE:
        defaut = famille.nom_complet or famille.numero
    else:
        defaut = request.localizer.translate(SERVICE_ENFANCE)
    nom = _nom(par, defaut)
    user = getattr(request, "user", None)
    compte = getattr(user, "__name__", None)
    message = Message(auteur, nom, texte, dates.horodatage(), fichier, compte=compte)
    conversation.messages.append(message)
    conversation.derniere = message.date
    conversation.dernier_auteur = auteur
    if fichier is not None:
        conversation.pieces_jointes += 1
    return message


def _nouvelle(request, famille, objet, texte, origine, structure, fichier, par, groupe=None):
    objet = lire_objet(objet)
    texte = lire_texte(texte)
    registry = request.registry
    conversation = registry.content.create(
        "Conversation", objet, origine, structure=structure, groupe=groupe
    )
    _ajouter(request, conversation, famille, origine, texte, fichier, par)
    if origine == FAMILLE:
        conversation.lu_famille, conversation.lu_service = True, False
    else:
        conversation.lu_famille, conversation.lu_service = False, True
        conversation.traitee = True
    dossier = famille["messages"]
    dossier.add_next(conversation, registry=registry)  # indexed now
    if conversation.nouvelle:
        dossier.non_lus += 1
    return conversation


def ecrire(request, famille, objet, texte, structure=None, fichier=None, par=""):
    """A new conversation the family starts (unread for the service)."""
    return _nouvelle(request, famille, objet, texte, FAMILLE, structure, fichier, par)


def ecrire_a_la_famille(
    request,
    famille,
    objet,
    texte,
    structure=None,
    fichier=None,
    par="",
    groupe=None,
    courriel=True,
):
    """A new conversation the service starts (new for the family; mailed to
    it if its Autorisation courriel is Oui; ``courriel=False``: never, for
    the demo data)."""
    conversation = _nouvelle(
        request, famille, objet, texte, SERVICE, structure, fichier, par, groupe
    )
    if courriel:
        prevenir(request, conversation)
    return conversation


def repondre(request, conversation, auteur, texte, fichier=None, par="", courriel=True):
    """Add a message to the thread.  The family's answer makes it unread and
    not handled for the service; the service's makes it new for the family
    (and back from its deleted messages) and mails it."""
    if auteur not in (FAMILLE, SERVICE):
        raise ValueError(auteur)
    texte = lire_texte(texte)
    message = _ajouter(request, conversation, conversation.famille, auteur, texte, fichier, par)
    if auteur == FAMILLE:
        _changer(conversation, lu_service=False, traitee=False, lu_famille=True, supprimee=False)
    else:
        _changer(conversation, lu_famille=False, lu_service=True, supprimee=False)
    reindexer(conversation)
    if auteur == SERVICE and courriel:
        prevenir(request, conversation)
    return message


def ouvrir(conversation, lecteur):
    """``lecteur`` ("famille" | "service") has read the conversation.
    Writes only when something changes (a page view of a read one does not)."""
    if lecteur == FAMILLE:
        if not conversation.lu_famille:
            _changer(conversation, lu_famille=True)
            reindexer(conversation)
    elif lecteur == SERVICE:
        if not conversation.lu_service:
            conversation.lu_service = True
            reindexer(conversation)
    else:
        raise ValueError(lecteur)


def traiter(conversation, par, traitee=True):
    """The service has handled it (or, ``traitee=False``, not yet)."""
    if conversation.traitee != traitee or (traitee and not conversation.lu_service):
        conversation.traitee = traitee
        if traitee:
            conversation.lu_service = True
        conversation.traitee_par = par if traitee else None
        reindexer(conversation)


def supprimer(conversation):
    """The family puts it in its "Messages supprimés" (kept, restorable)."""
    if not conversation.supprimee:
        _changer(conversation, supprimee=True)
        reindexer(conversation)


def restaurer(conversation):
    if conversation.supprimee:
        _changer(conversation, supprimee=False)
        reindexer(conversation)


def reindexer(conversation):
    """The ``portail`` catalog's values of the conversation (its flags are
    indexed there only)."""
    catalog = find_catalog(conversation, CATALOG)
    if catalog is not None:
        catalog.reindex_resource(conversation)


def destinataires(famille):
    """The addresses of a family's mail about messages: its parents'
    accounts' (the responsable's record's when no account has one), only if
    the responsable's Autorisation courriel is Oui."""
    responsable = famille.responsable
    if not responsable.get("autorisation_courriel"):
        return []
    found = []
    for user in famille.parents():
        email = getattr(user, "email", None)
        if email and email not in found:
            found.append(email)
    if not found and responsable.get("email"):
        found.append(responsable["email"])
    return found


def prevenir(request, conversation):
    """Queue the "nouveau message" mail (a link, not the message)."""
    famille = conversation.famille
    recipients = destinataires(famille)
    if not recipients:
        return
    courriels.send(
        request,
        "nouveau_message",
        recipients,
        url=url_absolue(request, famille, "boite-de-reception"),
        famille=famille.nom_complet,
    )


def boite(famille, nom, offset=0, limit=20, non_lus=False):
    """One page of a family's list ``nom`` (envoyes, recus, supprimes),
    newest first: (total, [Conversation]).  Only the family's entries of
    the catalog are read, and only the page's conversations loaded;
    ``non_lus``: only its new ones (``Conversation.nouvelle``: the list's
    conversations are loaded to know, one family's only)."""
    catalog = find_catalog(famille, CATALOG)
    result = catalog["message_listes"].eq("%s:%s" % (famille.__name__, nom)).execute()
    if non_lus:
        objectmap = find_objectmap(famille)
        ordered = result.sort(catalog["message_date"], reverse=True).ids
        found = (objectmap.object_for(oid) for oid in ordered)
        nouvelles = [c for c in found if c is not None and c.nouvelle]
        return len(nouvelles), nouvelles[offset : offset + limit]
    total = len(result)
    if offset >= total:
        return total, []
    ordered = list(result.sort(catalog["message_date"], reverse=True, limit=offset + limit).ids)
    objectmap = find_objectmap(famille)
    found = (objectmap.object_for(oid) for oid in ordered[offset : offset + limit])
    return total, [c for c in found if c is not None]
