"""The service's side of the messages, in the SDI.

- ``/manage/@@messagerie`` (tab "Messagerie" of the root): every family's
  conversations, those the service has not read first, then newest first;
  filtered by structure and by state; 20 a page.  Read from the ``portail``
  catalog (never by walking the families).
- ``/manage/familles/<n>/messages/<id>/@@conversation``: the thread, the
  reply (to that family only), "Marquer comme traité"; opening it marks it
  read by the service.  Its attachments: ``@@piece-jointe?n=<index>``.
- ``/manage/@@message-groupe`` (tab "Message groupé"): one message to all
  the families, or to those with a child enrolled in a structure or a
  prestation this school year; each family gets its own conversation
  (``groupe``), written by the workers: "Envoyer" queues the job and
  shows its progress (``travaux``).
"""

import datetime
import math
from urllib.parse import urlencode

from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from substanced.interfaces import IRoot
from substanced.sdi import LEFT, mgmt_view
from substanced.util import find_catalog, get_oid

from .. import dates, fichiers
from ..catalogue import CATALOG
from ..i18n import _
from ..sdi.listes import Chemins
from ..security import P, login
from ..travaux.resources import ETATS as ETATS_TRAVAUX
from ..util import objet
from . import groupe, service
from .resources import SERVICE, SERVICE_ENFANCE, IConversation

PAR_PAGE = 20
PAGE_MAX = 100_000  # a page number from the query string, before clamping
A_TRAITER, TRAITEES, TOUTES = "a-traiter", "traitees", "toutes"
ETATS = {
    A_TRAITER: _("À traiter"),
    TRAITEES: _("Traitées"),
    TOUTES: _("Toutes"),
}
SANS_STRUCTURE = "0"  # the filter value of "Service enfance jeunesse"
# The newest of a large set are looked for in these windows first (days
# back from now): the sort then reads a few hundred entries, not the town's.
FENETRES = (7, 31, 92, 366, 1100)
SEUIL_FENETRES = 500  # under this many, the whole set is sorted at once


def _plus_recentes(index, ids, n, now):
    """The ``n`` newest docids of ``ids`` by the date ``index``, newest
    first."""
    if not ids or n <= 0:
        return []
    if len(ids) > SEUIL_FENETRES:
        intersection = index.family.IF.intersection
        for jours in FENETRES:
            fenetre = intersection(ids, index.applyGe(now - datetime.timedelta(days=jours)))
            if len(fenetre) >= n:
                ids = fenetre
                break
    return list(index.sort(ids, reverse=True, limit=n, raise_unsortable=False))


def _docids(index, value):
    """The index's own set of the docids holding ``value``, read only:
    ``applyEq`` would copy it first (in a large town, a 50,000-entry copy
    for "read by the service" on every page)."""
    found = index._fwd_index.get(value)
    return found if found is not None else index.family.IF.Set()


def boite(root, etat=A_TRAITER, structure=None, offset=0, limit=PAR_PAGE, now=None):
    """(total, [Conversation]) of the service's inbox: unread by the service
    first, then the others, newest first within each; ``etat`` in ETATS,
    ``structure`` an oid, 0 (the service enfance jeunesse) or None (all)."""
    catalog = find_catalog(root, CATALOG)
    lu = catalog["message_lu_service"]
    date = catalog["message_date"]
    family = lu.family.IF
    filtres = []
    if etat in (A_TRAITER, TRAITEES):
        filtres.append(_docids(catalog["message_traitee"], etat == TRAITEES))
    if structure is not None:
        filtres.append(_docids(catalog["message_structure"], structure))
    # Unread first.  The unread are few: the read ones are the filters'
    # set minus them (never the town's 50,000 read ones merged with a
    # filter of a few hundred).
    non_lus = _docids(lu, False)
    if filtres:
        base = filtres[0]
        for filtre in filtres[1:]:
            base = family.intersection(base, filtre)
        parts = [family.intersection(non_lus, base), family.difference(base, non_lus)]
    else:
        parts = [non_lus, _docids(lu, True)]
    total = sum(len(ids) for ids in parts)
    now = now or dates.now()
    found = []
    for ids in parts:
        if len(ids) <= offset:
            offset -= len(ids)
            continue
        wanted = offset + limit - len(found)
        found.extend(_plus_recentes(date, ids, wanted, now)[offset:])
        offset = 0
        if len(found) >= limit:
            break
    # The objectmap's paths walked folder by folder (``util.objet``), not
    # through Pyramid's general traverser.
    conversations = [objet(root, oid) for oid in found[:limit]]
    return total, [c for c in conversations if IConversation.providedBy(c)]


def noms_structures(context):
    """{oid: title} of the structures."""
    return {get_oid(s): s.title for s in groupe.structures(context)}


def nom_structure(request, noms, oid):
    if oid and oid in noms:
        return noms[oid]
    return request.localizer.translate(SERVICE_ENFANCE)


# --- The inbox -----------------------------------------------------------------


@mgmt_view(
    context=IRoot,
    name="messagerie",
    tab_title=_("Messagerie"),
    permission=P.MESSAGERIE_TRAITER,
    renderer="templates/sdi_messagerie.pt",
)
class MessagerieView:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    @reify
    def chemin(self):
        """This page's path (its links: filters, pages, the form's action)."""
        return self.request.sdiapi.mgmt_path(self.context, "@@messagerie")

    def filtres(self, params):
        """(etat, structure value, structure oid or None): unknown values
        are ignored."""
        etat = params.get("etat", A_TRAITER)
        if not isinstance(etat, str) or etat not in ETATS:
            etat = A_TRAITER
        valeur = params.get("structure", "")
        oid = None
        if valeur == SANS_STRUCTURE:
            oid = 0
        else:
            oid = groupe.lire_oid(valeur)
            if oid is not None and oid not in noms_structures(self.context):
                oid = None
        if oid is None:
            valeur = ""
        return etat, valeur, oid

    def url(self, etat, structure, page=1):
        query = {}
        if structure:
            query["structure"] = structure
        if etat != A_TRAITER:
            query["etat"] = etat
        if page > 1:
            query["page"] = page
        path = self.chemin
        return path + ("?" + urlencode(query) if query else "")

    def __call__(self):
        request = self.request
        etat, structure, oid = self.filtres(request.GET)
        try:
            page = min(max(1, int(request.GET.get("page", "1"))), PAGE_MAX)
        except (TypeError, ValueError):
            page = 1
        total, conversations = boite(self.context, etat, oid, (page - 1) * PAR_PAGE, PAR_PAGE)
        pages = max(1, math.ceil(total / PAR_PAGE))
        if page > pages:
            page = pages
            total, conversations = boite(self.context, etat, oid, (page - 1) * PAR_PAGE, PAR_PAGE)
        translate = request.localizer.translate
        noms = noms_structures(self.context)
        chemins = Chemins(request)
        return {
            "lignes": [self.ligne(c, noms, chemins) for c in conversations],
            "etats": [(nom, translate(titre)) for nom, titre in ETATS.items()],
            "etat": etat,
            "structures": [(str(o), t) for o, t in noms.items()]
            + [(SANS_STRUCTURE, translate(SERVICE_ENFANCE))],
            "structure": structure,
            "total": translate(_("${total} conversation(s)", mapping={"total": total})),
            "pagination": translate(
                _("Page ${page} sur ${pages}", mapping={"page": page, "pages": pages})
            ),
            "pages": [
                (n, self.url(etat, structure, n) if n not in (None, page) else None)
                for n in pages_affichees(page, pages)
            ],
            "precedente": self.url(etat, structure, page - 1) if page > 1 else None,
            "suivante": self.url(etat, structure, page + 1) if page < pages else None,
            "action": self.chemin,
            "groupe": request.sdiapi.mgmt_path(self.context, "@@message-groupe"),
        }

    def ligne(self, conversation, noms, chemins):
        """One row; ``chemins``: the page's SDI paths (``sdi.listes``)."""
        request = self.request
        famille = conversation.famille
        return {
            "numero": famille.numero,
            "nom": famille.nom_complet,
            "famille_url": chemins.vue(famille, "@@fiche"),
            "objet": conversation.objet,
            "structure": nom_structure(request, noms, conversation.structure),
            "date": dates.moment(conversation.derniere),
            "non_lu": not conversation.lu_service,
            "traitee": conversation.traitee,
            "groupe": conversation.groupe is not None,
            "url": chemins.vue(conversation, "@@conversation"),
        }


def pages_affichees(page, pages):
    """The page numbers linked: the first, the last, and two around the
    current one (None where numbers are skipped)."""
    found = []
    for n in sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}):
        if found and n != found[-1] + 1:
            found.append(None)
        found.append(n)
    return found


# --- One conversation --------------------------------------------------------------


def _erreur_texte(texte):
    """The service's own check of a message text: the French message, or
    None."""
    try:
        service.lire_texte(texte)
    except service.MessagerieError as e:
        return e.args[0]
    return None


def lire_piece(request, name="fichier"):
    """((bytes, mimetype, name) or None, error or None) of an upload."""
    upload = request.POST.get(name)
    try:
        lu = fichiers.lire(upload)
    except fichiers.FichierRefuse as e:
        return None, e.args[0]
    if lu is None:
        return None, None
    data, mimetype = lu
    return (data, mimetype, getattr(upload, "filename", "") or ""), None


def signature(context, structure_oid):
    """The name shown to the family for the service's messages: the
    structure's, or the service enfance jeunesse's (the service default)."""
    return noms_structures(context).get(structure_oid, "") if structure_oid else ""


@mgmt_view(
    context=IConversation,
    name="conversation",
    tab_title=_("Conversation"),
    tab_near=LEFT,
    permission=P.MESSAGERIE_TRAITER,
    renderer="templates/sdi_conversation.pt",
    request_method="GET",
)
class ConversationView:
    """GET shows (and marks it read by the service); each button is its
    own view: repondre, traiter."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    @property
    def url(self):
        return self.request.sdiapi.mgmt_path(self.context, "@@conversation")

    def __call__(self):
        return self.show()

    @mgmt_view(
        context=IConversation,
        name="conversation",
        permission=P.MESSAGERIE_TRAITER,
        renderer="templates/sdi_conversation.pt",
        request_method="POST",
        request_param="repondre",
        tab_condition=False,
    )
    def repondre(self):
        request = self.request
        texte = request.POST.get("texte", "")
        texte = texte if isinstance(texte, str) else ""
        erreurs = {}
        piece, erreur = lire_piece(request)
        if erreur is not None:
            erreurs["fichier"] = erreur
        erreur = _erreur_texte(texte)
        if erreur is not None:
            erreurs["texte"] = erreur
        if not erreurs:
            fichier = fichiers.Fichier(*piece) if piece is not None else None
            try:
                service.repondre(
                    request,
                    self.context,
                    SERVICE,
                    texte,
                    fichier=fichier,
                    par=signature(self.context, self.context.structure),
                )
            except service.MessagerieError as e:
                erreurs[e.champ or "texte"] = e.args[0]
        if erreurs:
            request.response.status = 400
            return self.show(erreurs=erreurs, texte=texte)
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    "Réponse envoyée à la famille ${numero}.",
                    mapping={"numero": self.context.numero_famille},
                )
            ),
            "success",
        )
        return HTTPFound(self.url)

    @mgmt_view(
        context=IConversation,
        name="conversation",
        permission=P.MESSAGERIE_TRAITER,
        renderer="templates/sdi_conversation.pt",
        request_method="POST",
        request_param="traiter",
        tab_condition=False,
    )
    def traiter(self):
        request = self.request
        service.traiter(self.context, login(request))
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    "Conversation de la famille ${numero} marquée comme traitée.",
                    mapping={"numero": self.context.numero_famille},
                )
            ),
            "success",
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(request.root, "@@messagerie"))

    def show(self, erreurs=None, texte=""):
        request = self.request
        conversation = self.context
        service.ouvrir(conversation, SERVICE)
        famille = conversation.famille
        translate = request.localizer.translate
        erreurs = {k: translate(v) for k, v in (erreurs or {}).items()}
        return {
            "objet": conversation.objet,
            "famille": {
                "numero": famille.numero,
                "nom": famille.nom_complet,
                "url": request.sdiapi.mgmt_path(famille, "@@fiche"),
            },
            "structure": nom_structure(
                request, noms_structures(request.root), conversation.structure
            ),
            "traitee": conversation.traitee,
            "traitee_par": getattr(conversation, "traitee_par", None),
            "supprimee": conversation.supprimee,
            "groupe": conversation.groupe is not None,
            "messages": [
                {
                    "service": message.auteur == SERVICE,
                    "nom": message.nom,
                    "compte": message.compte,
                    "date": dates.moment(message.date),
                    "texte": message.texte,
                    "fichier": message.fichier
                    and {
                        "nom": message.fichier.nom,
                        "taille": message.fichier.taille_lisible,
                        "url": request.sdiapi.mgmt_path(
                            conversation, "@@piece-jointe", query={"n": i}
                        ),
                    },
                }
                for i, message in enumerate(conversation.messages)
            ],
            "erreurs": erreurs,
            "texte": texte,
            "texte_max": service.TEXTE_MAX,
            "action": self.url,
            "boite": request.sdiapi.mgmt_path(request.root, "@@messagerie"),
            "csrf_token": request.session.get_csrf_token(),
        }


@mgmt_view(
    context=IConversation,
    name="piece-jointe",
    tab_condition=False,
    permission=P.MESSAGERIE_TRAITER,
)
def piece_jointe(context, request):
    """The attachment of the message ``n`` of the thread."""
    raw = request.GET.get("n", "")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 6:
        raise HTTPNotFound()
    n = int(raw)
    if n >= len(context.messages) or context.messages[n].fichier is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, context.messages[n].fichier)


# --- One message to a group of families --------------------------------------------


@mgmt_view(
    context=IRoot,
    name="message-groupe",
    tab_title=_("Message groupé"),
    permission=P.MESSAGERIE_TRAITER,
    renderer="templates/sdi_message_groupe.pt",
    request_method="GET",
)
class MessageGroupeView:
    """GET without ``cible``: choose the families; GET with it: how many
    families, and the message form; "Envoyer" is its own view."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    @property
    def url(self):
        return self.request.sdiapi.mgmt_path(self.context, "@@message-groupe")

    def cible(self, params):
        """(value, kind, object) of the target named, or None."""
        value = params.get("cible", "")
        try:
            kind, obj = groupe.lire_cible(self.context, value)
        except groupe.CibleInconnue:
            return None
        return value, kind, obj

    def __call__(self):
        cible = self.cible(self.request.GET)
        inconnue = cible is None and bool(self.request.GET.get("cible"))
        return self.show(cible, erreurs={"cible": _("Destinataires inconnus.")} if inconnue else {})

    def show(self, cible, erreurs=None, objet="", texte="", numeros=None):
        request = self.request
        translate = request.localizer.translate
        values = {
            "cibles": groupe.cibles(self.context),
            "toutes": groupe.TOUTES,
            "cible": None,
            "erreurs": {k: translate(v) for k, v in (erreurs or {}).items()},
            "objet": objet,
            "texte": texte,
            "objet_max": service.OBJET_MAX,
            "texte_max": service.TEXTE_MAX,
            "action": self.url,
            "annee": groupe.annee_courante(self.context) or "",
            "csrf_token": request.session.get_csrf_token(),
            "envois": [
                {
                    "titre": t.titre,
                    "url": request.sdiapi.mgmt_path(self.context, "@@travail", query={"id": t.id}),
                    "etat": translate(ETATS_TRAVAUX[t.etat]),
                    "progression": translate(
                        _("${faits} sur ${total}", mapping={"faits": t.faits, "total": t.total})
                    ),
                }
                for t in groupe.envois_recents(self.context)
            ],
        }
        if cible is not None:
            value, kind, obj = cible
            if numeros is None:
                numeros = groupe.numeros(self.context, kind, obj)
            values["cible"] = {
                "valeur": value,
                "libelle": groupe.libelle_cible(request, kind, obj),
                "nombre": len(numeros),
                "compte": translate(
                    _(
                        "${n} famille(s) recevront ce message.",
                        mapping={"n": len(numeros)},
                    )
                ),
                "bouton": translate(_("Envoyer à ${n} famille(s)", mapping={"n": len(numeros)})),
            }
        return values

    @mgmt_view(
        context=IRoot,
        name="message-groupe",
        permission=P.MESSAGERIE_TRAITER,
        renderer="templates/sdi_message_groupe.pt",
        request_method="POST",
        request_param="envoyer",
        tab_condition=False,
    )
    def envoyer(self):
        request = self.request
        post = request.POST
        objet = post.get("objet", "")
        objet = objet if isinstance(objet, str) else ""
        texte = post.get("texte", "")
        texte = texte if isinstance(texte, str) else ""
        erreurs = {}
        cible = self.cible(post)
        numeros = []
        if cible is None:
            erreurs["cible"] = _("Destinataires inconnus.")
        else:
            numeros = groupe.numeros(self.context, cible[1], cible[2])
            if not numeros:
                erreurs["cible"] = _("Aucune famille ne correspond à ces destinataires.")
        try:
            objet = service.lire_objet(objet)
        except service.MessagerieError as e:
            erreurs["objet"] = e.args[0]
        erreur = _erreur_texte(texte)
        if erreur is not None:
            erreurs["texte"] = erreur
        piece, erreur = lire_piece(request)
        if erreur is not None:
            erreurs["fichier"] = erreur
        if erreurs:
            request.response.status = 400
            return self.show(cible, erreurs, objet, texte, numeros if cible else None)
        _value, kind, obj = cible
        structure = None
        if kind == "structure":
            structure = get_oid(obj)
        elif kind == "prestation":
            structure = get_oid(obj.structure)
        # Queued, written by the workers (travaux): the page that follows
        # the job is where the agent lands.
        travail = groupe.mettre_en_file(
            request,
            self.context,
            numeros,
            objet,
            texte,
            groupe.libelle_cible(request, kind, obj),
            structure=structure,
            piece=piece,
            par=signature(self.context, structure),
        )
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    "Message mis en file d'envoi pour ${n} famille(s) : il leur parvient "
                    "au fil de l'avancement ci-dessous.",
                    mapping={"n": len(numeros)},
                )
            ),
            "success",
        )
        return HTTPFound(
            request.sdiapi.mgmt_path(self.context, "@@travail", query={"id": travail.id})
        )
