"""One message sent by the service to a group of families ("message groupé").

The group is all the families, or the families with a child enrolled, for
the current school year, in one prestation or in any prestation of one
structure.  The enrolled children are read from each prestation's index
``inscrits`` (one range read), their families from the objectmap's paths:
never every family, never a child object loaded.  Each family receives its
own Conversation (``service.ecrire_a_la_famille``), private to it, all
sharing one ``groupe`` id.

The agent's request does not write them: it queues a job (``mettre_en_file``,
kind GENRE, ``travaux``), and the workers write the families in chunks,
each committed with the job's progress (``traiter``): 10,000 families took
25 s inside one request.  ``envoyer`` writes them at once, in batches
each committed on its own (the demo data, the bench's comparison).
"""

import re
import uuid

from pyramid.traversal import find_root
from substanced.util import find_objectmap, get_oid

from .. import dates, inscriptions
from ..familles.partage import FamilleToEnfantPartage
from ..fichiers import Fichier
from ..i18n import _
from ..retry import essayer
from ..security import P
from ..travaux.service import Genre, file_de
from ..travaux.service import mettre_en_file as queue
from . import service

TOUTES = "toutes"
LOT = 250  # families per transaction
GENRE = "message-groupe"  # the kind of job (travaux)
RECENTS = 30  # the latest jobs read for the form's list of group messages


_OID = re.compile(r"-?\d{1,19}")


def lire_oid(value):
    """An oid (a signed 64-bit integer) written in a form, or None."""
    if not isinstance(value, str) or not _OID.fullmatch(value):
        return None
    oid = int(value)
    return oid if -(2**63) <= oid < 2**63 else None


class CibleInconnue(ValueError):
    """The target named is not (or no longer) a structure or prestation."""


def annee_courante(context, today=None):
    """The libellé of the current school year (between two years, in summer,
    the next one), or None when the calendar has none."""
    found = inscriptions.annees_courante_et_suivante(context, today or dates.today())
    return found[0] if found else None


def structures(context):
    """The Structures of the town, in their folder's order."""
    folder = find_root(context).get("structures")
    if folder is None:
        return []
    return [s for s in folder.values() if hasattr(s, "prestations")]


def cibles(context):
    """The targets offered: [(value, label, [(value, label)] of its
    prestations)] per structure; "toutes" comes first in the form."""
    found = []
    for structure in structures(context):
        found.append(
            (
                "structure:%d" % get_oid(structure),
                structure.title,
                [
                    ("prestation:%d" % get_oid(p), "%s — %s" % (structure.title, p.title))
                    for p in structure.prestations()
                ],
            )
        )
    return found


def lire_cible(context, value):
    """(kind, object) for a target value from a form: ("toutes", None),
    ("structure", Structure) or ("prestation", Prestation); raises
    CibleInconnue for anything else."""
    if value == TOUTES:
        return TOUTES, None
    if not isinstance(value, str) or ":" not in value:
        raise CibleInconnue(value)
    kind, _sep, raw = value.partition(":")
    oid = lire_oid(raw)
    if kind not in ("structure", "prestation") or oid is None:
        raise CibleInconnue(value)
    for structure in structures(context):
        if kind == "structure" and get_oid(structure) == oid:
            return kind, structure
        if kind == "prestation":
            for prestation in structure.prestations():
                if get_oid(prestation) == oid:
                    return kind, prestation
    raise CibleInconnue(value)


def libelle_cible(request, kind, obj):
    translate = request.localizer.translate
    if kind == TOUTES:
        return translate(_("Toutes les familles"))
    if kind == "structure":
        return translate(
            _("Familles d'un enfant inscrit à ${structure}", mapping={"structure": obj.title})
        )
    return translate(
        _(
            "Familles d'un enfant inscrit à ${structure} — ${prestation}",
            mapping={"structure": obj.structure.title, "prestation": obj.title},
        )
    )


def numeros(context, kind, obj, annee=None):
    """The sorted numbers (names) of the targeted families."""
    root = find_root(context)
    familles = root["familles"]
    if kind == TOUTES:
        return sorted(familles.keys())
    annee = annee or annee_courante(context)
    if annee is None:
        return []
    prestations = obj.prestations() if kind == "structure" else [obj]
    objectmap = find_objectmap(root)
    found = set()
    for prestation in prestations:
        for oid in inscriptions.inscrits(prestation, annee):
            path = objectmap.path_for(oid)
            # ('', 'familles', <numero>, 'enfants', <child>)
            if path and len(path) >= 3 and path[1] == "familles":
                found.add(path[2])
                # a shared child's second household is told too (garde alternée)
                for source in objectmap.sourceids(oid, FamilleToEnfantPartage):
                    chemin = objectmap.path_for(source)  # ('', 'familles', <numero>)
                    if chemin and len(chemin) >= 3 and chemin[1] == "familles":
                        found.add(chemin[2])
    return sorted(n for n in found if n in familles)


def envoyer(
    request,
    context,
    numeros_familles,
    objet,
    texte,
    structure=None,
    piece=None,
    par="",
    lot=LOT,
    tm=None,
):
    """Write one Conversation to each family of ``numeros_familles``;
    returns (groupe id, number of families written to).  ``piece``: the
    attachment as (bytes, mimetype, name) or None; one stored file is
    shared by the families of a batch (made again if the batch is done
    again).  A number that is no longer a family is skipped."""
    groupe = uuid.uuid4().hex
    familles = find_root(context)["familles"]
    envoyees = 0
    for start in range(0, len(numeros_familles), lot):
        batch = numeros_familles[start : start + lot]

        def ecrire(batch=batch):
            fichier = Fichier(*piece) if piece is not None else None
            n = 0
            for numero in batch:
                famille = familles.get(numero)
                if famille is None:
                    continue
                service.ecrire_a_la_famille(
                    request,
                    famille,
                    objet,
                    texte,
                    structure=structure,
                    fichier=fichier,
                    par=par,
                    groupe=groupe,
                )
                n += 1
            return n

        envoyees += essayer(tm, ecrire)
    return groupe, envoyees


# --- The job: one message to each family, by the workers -------------------------


def mettre_en_file(
    request, context, numeros_familles, objet, texte, libelle, structure=None, piece=None, par=""
):
    """Queue the group message (in the request's transaction); returns the
    Travail.  The attachment is stored once, with the job, and shared by
    every family's message."""
    fichier = Fichier(*piece) if piece is not None else None
    translate = request.localizer.translate
    titre = translate(
        _(
            "Message groupé « ${objet} » : ${cible}",
            mapping={"objet": objet, "cible": libelle},
        )
    )
    parametres = {
        "objet": objet,
        "texte": texte,
        "structure": structure,
        "fichier": fichier,
        "par": par,
        "groupe": uuid.uuid4().hex,
    }
    lot = request.registry.settings.get("portail.messages_lot")
    return queue(
        request,
        find_root(context),
        GENRE,
        list(numeros_familles),
        parametres,
        titre,
        lot=int(lot) if lot else None,
    )


def traiter(request, root, travail, numeros_familles):
    """Write the message to the families of one chunk (the worker's
    transaction); a number that is no longer a family is noted and skipped."""
    p = travail.parametres
    familles = root["familles"]
    envoyees = 0
    for numero in numeros_familles:
        famille = familles.get(numero)
        if famille is None:
            travail.noter_erreur(
                request.localizer.translate(
                    _(
                        "Famille n° ${numero} introuvable : message non envoyé.",
                        mapping={"numero": numero},
                    )
                )
            )
            continue
        service.ecrire_a_la_famille(
            request,
            famille,
            p["objet"],
            p["texte"],
            structure=p["structure"],
            fichier=p["fichier"],
            par=p["par"],
            groupe=p["groupe"],
        )
        envoyees += 1
    travail.resultat = dict(
        travail.resultat, envoyees=travail.resultat.get("envoyees", 0) + envoyees
    )


def envois_recents(context, n=5):
    """The ``n`` latest group messages queued (their jobs), newest first:
    the form shows their progress."""
    file = file_de(find_root(context))
    if file is None:
        return []
    return [t for t in file.recents(RECENTS) if t.genre == GENRE][:n]


def unite(numero):
    return _("Famille n° ${numero}", mapping={"numero": numero})


def retour(request, travail):
    return request.sdiapi.mgmt_path(find_root(request.context), "@@message-groupe")


GENRE_TRAVAIL = Genre(
    GENRE,
    _("Message groupé"),
    traiter,
    P.MESSAGERIE_TRAITER,
    lot=LOT,
    unite=unite,
    retour=retour,
)
