"""The parent's "Boîte de réception": write to the service, the lists of
sent, received and deleted messages, a conversation's thread, its answer,
its attachments.

- ``…/familles/<n°>/boite-de-reception?onglet=nouveau|recus|envoyes|supprimes&page=N``
  (GET; POST sends a new message); ``&filtre=non-lus``: the unread threads
  of "Messages reçus" only (the header's "n Nouveau(x) Message(s)").  ``?enfant=…&prestation=…&date=…``
  opens the new message pre-filled (the planning's "second change").
- ``…/familles/<n°>/messages/<id>``: the thread (opening it marks it read);
  POST ``…/repondre``, ``…/supprimer``, ``…/restaurer``;
  GET ``…/piece-jointe/<index>``.

Conversations are under the Famille: its ACL keeps other families out
(a 404 for them, see ``skin.views.forbidden``).  Writing is for the
family's parents only; staff may read and download (the SDI is where
they answer).
"""

import re

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config
from substanced.util import get_oid

from .. import dates, fichiers
from ..familles import limites, partage
from ..familles.resources import IFamille
from ..i18n import _, traduire
from ..inscriptions import prestation_de
from ..security import P
from ..skin import sans_sous_chemin
from . import service
from .resources import (
    BOITES,
    ENVOYES,
    FAMILLE,
    RECUS,
    SERVICE,
    SERVICE_ENFANCE,
    SUPPRIMES,
    IConversation,
)

VUE = "boite-de-reception"
NOUVEAU = "nouveau"
ONGLETS = (
    (NOUVEAU, _("Nouveau message")),
    (RECUS, BOITES[RECUS]),
    (ENVOYES, BOITES[ENVOYES]),
    (SUPPRIMES, BOITES[SUPPRIMES]),
)
PAR_PAGE = 20
NON_LUS = "non-lus"  # ?filtre=: the unread threads of "Messages reçus"
PAGE_MAX = 10_000
_ENTIER = re.compile(r"^\d{1,9}$")
_OID = re.compile(r"^-?\d{1,19}$")  # oids are signed 64-bit integers


def _entier(value, defaut):
    return int(value) if isinstance(value, str) and _ENTIER.match(value) else defaut


def est_la_famille(request, famille):
    """Whether the person asking is a parent of ``famille`` (not staff
    looking at it)."""
    sienne = request.famille
    return sienne is not None and sienne.__name__ == famille.__name__


def structures(context):
    """[(oid, title)] of the town's structures, by title."""
    from pyramid.traversal import find_root

    from ..structures.resources import IStructure

    dossier = find_root(context).get("structures")
    if dossier is None:
        return []
    found = [(get_oid(s), s.title) for s in dossier.values() if IStructure.providedBy(s)]
    return sorted(found, key=lambda item: item[1])


def nom_structure(request, oid, titres):
    if not oid:
        return traduire(request, SERVICE_ENFANCE)
    return titres.get(oid) or traduire(request, SERVICE_ENFANCE)


# --- The mailbox page --------------------------------------------------------


def _prerempli(request, famille):
    """(structure oid, subject) of the planning's link to write about a
    child's day; (None, "") when the values are not the family's own child
    and a real prestation of its (forged values are ignored)."""
    params = request.GET
    nom, oid, jour = params.get("enfant"), params.get("prestation"), params.get("date")
    if not (isinstance(nom, str) and isinstance(oid, str) and _OID.match(oid)):
        return None, ""
    # its own child, or one another household shares with it (garde alternée)
    enfant = partage.enfant_du_foyer(famille, nom) if nom else None
    day = dates.lire_iso(jour)
    if enfant is None or day is None or not hasattr(enfant, "inscriptions"):
        return None, ""
    oid = int(oid)
    if not -(2**63) <= oid < 2**63:
        return None, ""
    if not any(i.prestation == oid for i in enfant.inscriptions.values()):
        return None, ""
    prestation = prestation_de(famille, oid)
    if prestation is None:
        return None, ""
    objet = traduire(
        request,
        _(
            "Modification du planning : ${enfant} — ${activite} — ${jour}",
            mapping={
                "enfant": enfant.prenom,
                "activite": prestation.title,
                "jour": dates.courte(day),
            },
        ),
    )
    return get_oid(prestation.structure), objet[: service.OBJET_MAX]


def _ligne(request, conversation, titres):
    """A row of a list: the conversation's own attributes only (its
    messages are not loaded)."""
    return {
        "url": request.resource_path(conversation),
        "objet": conversation.objet,
        "structure": nom_structure(request, conversation.structure, titres),
        "date": conversation.date_affichee,
        "iso": dates.local(conversation.derniere).isoformat(),
        "nouvelle": not conversation.lu_famille,
        "nombre": len(conversation.messages),
        "repondu": conversation.origine == FAMILLE and conversation.dernier_auteur == SERVICE,
        "piece_jointe": conversation.pieces_jointes > 0,
    }


def _page(request, famille, onglet, formulaire=None, erreurs=None, limite=None):
    titres = dict(structures(famille))
    base = request.resource_path(famille, VUE)
    non_lus = famille.nouveaux_messages()
    page = {
        "famille": famille,
        "onglet": onglet,
        "titre_onglet": traduire(request, dict(ONGLETS)[onglet]),
        "onglets": [
            {
                "nom": nom,
                "titre": traduire(request, titre),
                "url": request.resource_path(famille, VUE, query={"onglet": nom}),
                # the badge of "Messages reçus": its unread threads
                "non_lus": non_lus if nom == RECUS else 0,
            }
            for nom, titre in ONGLETS
        ],
        "action": base,
        "ecrire": est_la_famille(request, famille),
        "structures": [{"oid": str(oid), "titre": titre} for oid, titre in titres.items()],
        "service_enfance": traduire(request, SERVICE_ENFANCE),
        "formulaire": formulaire or {"structure": "", "objet": "", "texte": ""},
        "erreurs": {k: traduire(request, v) for k, v in (erreurs or {}).items()},
        "limite": traduire(request, limite) if limite is not None else None,
        "objet_max": service.OBJET_MAX,
        "texte_max": service.TEXTE_MAX,
        "taille_max": fichiers.TAILLE_MAX // fichiers.MO,
        "conversations": [],
        "pages": None,
        "filtres": [],
        "filtre_non_lus": False,
    }
    if onglet != NOUVEAU:
        numero = _entier(request.GET.get("page"), 1)
        numero = max(1, min(numero, PAGE_MAX))
        # "Messages reçus" alone or only its unread ones (the header's link)
        filtre = onglet == RECUS and request.GET.get("filtre") == NON_LUS
        total, conversations = service.boite(
            famille, onglet, (numero - 1) * PAR_PAGE, PAR_PAGE, non_lus=filtre
        )
        derniere = max(1, -(-total // PAR_PAGE))
        if onglet == RECUS:
            page["filtres"] = [
                {
                    "titre": traduire(request, titre),
                    "url": request.resource_path(famille, VUE, query=query),
                    "actif": actif,
                }
                for titre, query, actif in (
                    (_("Tous"), {"onglet": RECUS}, not filtre),
                    (_("Non lus"), {"onglet": RECUS, "filtre": NON_LUS}, filtre),
                )
            ]
            page["filtre_non_lus"] = filtre

        def lien(n):
            query = {"onglet": onglet}
            if filtre:
                query["filtre"] = NON_LUS
            if n > 1:
                query["page"] = str(n)
            return request.resource_path(famille, VUE, query=query)

        page["conversations"] = [_ligne(request, c, titres) for c in conversations]
        page["total"] = total
        if derniere > 1:
            page["pages"] = {
                "numero": min(numero, derniere),
                "derniere": derniere,
                "precedente": lien(numero - 1) if 1 < numero <= derniere else None,
                "suivante": lien(numero + 1) if numero < derniere else None,
            }
    return page


@view_config(
    context=IFamille,
    name=VUE,
    renderer="templates/boite.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def boite_de_reception(context, request):
    sans_sous_chemin(request)
    onglet = request.GET.get("onglet")
    structure, objet = _prerempli(request, context)
    if objet:
        onglet = NOUVEAU
    elif onglet not in dict(ONGLETS):
        onglet = RECUS
    formulaire = {"structure": str(structure or ""), "objet": objet, "texte": ""}
    return _page(request, context, onglet, formulaire)


def _texte_du_formulaire(request, name):
    value = request.POST.get(name, "")
    return value if isinstance(value, str) else ""


def _limites(request, famille, erreurs):
    """Whether the family may send this message (familles.limites): the
    message limit refused (LimiteAtteinte, nothing written), an attachment
    over its limit in ``erreurs``, else the attachment's check counted."""
    settings = request.registry.settings
    limites.verifier(settings, famille, limites.MESSAGES)
    octets = fichiers.taille(request.POST.get("fichier"))
    if not octets:
        return True
    try:
        limites.verifier(settings, famille, limites.PIECES_JOINTES, octets)
    except limites.LimiteAtteinte as refus:
        erreurs["fichier"] = refus.args[0]
        limites.reessayer(request.response, refus)
        return False
    limites.noter(famille, limites.PIECES_JOINTES, octets)
    return True


def _fichier(request, erreurs):
    """The attachment sent (a fichiers.Fichier), None if none; a refused
    one adds its message to ``erreurs``."""
    upload = request.POST.get("fichier")
    try:
        found = fichiers.lire(upload)
    except fichiers.FichierRefuse as refus:
        erreurs["fichier"] = refus.args[0]
        return None
    if found is None:
        return None
    data, mimetype = found
    return fichiers.Fichier(data, mimetype, getattr(upload, "filename", ""))


@view_config(
    context=IFamille,
    name=VUE,
    renderer="templates/boite.pt",
    permission=P.MESSAGE_ECRIRE,
    request_method="POST",
)
def envoyer(context, request):
    sans_sous_chemin(request)
    if not est_la_famille(request, context):
        raise HTTPNotFound()
    formulaire = {
        "structure": _texte_du_formulaire(request, "structure"),
        "objet": _texte_du_formulaire(request, "objet"),
        "texte": _texte_du_formulaire(request, "texte"),
    }
    erreurs = {}
    structure = None
    if formulaire["structure"]:
        oids = {str(oid): oid for oid, _titre in structures(context)}
        structure = oids.get(formulaire["structure"])
        if structure is None:
            erreurs["structure"] = _("Choisissez une structure de la liste.")
    for champ, lire in (("objet", service.lire_objet), ("texte", service.lire_texte)):
        try:
            lire(formulaire[champ])
        except service.MessagerieError as error:
            erreurs[champ] = error.args[0]
    fichier = None
    try:
        if not erreurs and _limites(request, context, erreurs):
            fichier = _fichier(request, erreurs)
    except limites.LimiteAtteinte as refus:
        limites.reessayer(request.response, refus)
        return _page(request, context, NOUVEAU, formulaire, limite=refus.args[0])
    if erreurs:
        if request.response.status_int != 429:
            request.response.status = 400
        return _page(request, context, NOUVEAU, formulaire, erreurs)
    limites.noter(context, limites.MESSAGES)
    service.ecrire(
        request,
        context,
        formulaire["objet"],
        formulaire["texte"],
        structure=structure,
        fichier=fichier,
    )
    request.session.flash(
        traduire(
            request,
            _("Votre message a été envoyé. Les messages sont lus tous les jours ouvrés à 9h."),
        ),
        "portail",
    )
    return HTTPFound(request.resource_path(context, VUE, query={"onglet": ENVOYES}))


# --- One conversation --------------------------------------------------------


def _lignes(texte):
    return texte.split("\n")


def _fil(request, conversation):
    titres = dict(structures(conversation))
    famille = conversation.famille
    messages = []
    for index, message in enumerate(conversation.messages):
        fichier = message.fichier
        messages.append(
            {
                "de_la_famille": message.auteur == FAMILLE,
                "nom": message.nom,
                "date": message.date_affichee,
                "iso": dates.local(message.date).isoformat(),
                "lignes": _lignes(message.texte),
                "fichier": None
                if fichier is None
                else {
                    "nom": fichier.nom,
                    "taille": fichier.taille_lisible,
                    "url": request.resource_path(conversation, "piece-jointe", str(index)),
                },
            }
        )
    boite = conversation.boite
    return {
        "famille": famille,
        "conversation": conversation,
        "objet": conversation.objet,
        "structure": nom_structure(request, conversation.structure, titres),
        "messages": messages,
        "supprimee": conversation.supprimee,
        "ecrire": est_la_famille(request, famille),
        "retour": request.resource_path(famille, VUE, query={"onglet": boite}),
        "titre_retour": traduire(request, BOITES[boite]),
        "url_repondre": request.resource_path(conversation, "repondre"),
        "url_supprimer": request.resource_path(conversation, "supprimer"),
        "url_restaurer": request.resource_path(conversation, "restaurer"),
        "texte": "",
        "erreurs": {},
        "limite": None,
        "texte_max": service.TEXTE_MAX,
        "taille_max": fichiers.TAILLE_MAX // fichiers.MO,
    }


@view_config(
    context=IConversation,
    renderer="templates/conversation.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def conversation(context, request):
    sans_sous_chemin(request)
    if est_la_famille(request, context.famille):
        service.ouvrir(context, FAMILLE)
    return _fil(request, context)


def _la_famille_seulement(request, conversation):
    sans_sous_chemin(request)
    if not est_la_famille(request, conversation.famille):
        raise HTTPNotFound()


@view_config(
    context=IConversation,
    name="repondre",
    renderer="templates/conversation.pt",
    permission=P.MESSAGE_ECRIRE,
    request_method="POST",
)
def repondre(context, request):
    _la_famille_seulement(request, context)
    texte = _texte_du_formulaire(request, "texte")
    erreurs = {}
    try:
        service.lire_texte(texte)
    except service.MessagerieError as error:
        erreurs["texte"] = error.args[0]
    famille = context.famille
    page = _fil(request, context)
    page["texte"] = texte
    fichier = None
    try:
        if not erreurs and _limites(request, famille, erreurs):
            fichier = _fichier(request, erreurs)
    except limites.LimiteAtteinte as refus:
        limites.reessayer(request.response, refus)
        page["limite"] = traduire(request, refus.args[0])
        return page
    if erreurs:
        if request.response.status_int != 429:
            request.response.status = 400
        page["erreurs"] = {k: traduire(request, v) for k, v in erreurs.items()}
        return page
    limites.noter(famille, limites.MESSAGES)
    service.repondre(request, context, FAMILLE, texte, fichier=fichier)
    request.session.flash(traduire(request, _("Votre réponse a été envoyée.")), "portail")
    return HTTPFound(request.resource_path(context))


@view_config(
    context=IConversation,
    name="supprimer",
    permission=P.MESSAGE_ECRIRE,
    request_method="POST",
)
def supprimer(context, request):
    _la_famille_seulement(request, context)
    service.supprimer(context)
    request.session.flash(
        traduire(request, _("Le message a été déplacé dans « Messages supprimés ».")),
        "portail",
    )
    famille = context.famille
    return HTTPFound(request.resource_path(famille, VUE, query={"onglet": SUPPRIMES}))


@view_config(
    context=IConversation,
    name="restaurer",
    permission=P.MESSAGE_ECRIRE,
    request_method="POST",
)
def restaurer(context, request):
    _la_famille_seulement(request, context)
    service.restaurer(context)
    request.session.flash(traduire(request, _("Le message a été restauré.")), "portail")
    return HTTPFound(request.resource_path(context))


@view_config(
    context=IConversation,
    name="piece-jointe",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def piece_jointe(context, request):
    if len(request.subpath) != 1 or not _ENTIER.match(request.subpath[0]):
        raise HTTPNotFound()
    index = int(request.subpath[0])
    if index >= len(context.messages) or context.messages[index].fichier is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, context.messages[index].fichier)


def lien_message(request, enfant, prestation_oid, day):
    """The new message form pre-filled about ``enfant``'s ``day`` of a
    prestation (the planning's "second change" refusal links here): the
    reader's household's mailbox (a shared child's second household
    writes from its own)."""
    famille = partage.foyer_du_lecteur(request, enfant)
    query = {"enfant": enfant.__name__, "prestation": str(prestation_oid), "date": day.isoformat()}
    return request.resource_path(famille, VUE, query=query)
