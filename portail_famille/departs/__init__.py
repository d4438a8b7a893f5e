"""A family or a child that leaves the service is archived, never deleted.

Its numbered documents (invoices, credit notes, payments) must exist
forever, and so must the family and the children they name
(``facturation.permanence``).  Archiving gives the Famille or the Enfant
the state "partie" with its date (``partie_le``); archiving a family
archives its children still present, on the same date.  What it changes:

- the family side: nothing new may be asked (the object's ACL denies
  ``P.DEMANDE_CREER`` to everybody: no booking, absence, inscription or
  change of the record, whatever the URL); the parents still log in, see
  their invoices, payments, statement and data, pay what is due and write
  to the service;
- the child's days holding a place after the date give it back (to the
  first ones waiting), except days already invoiced (a credit note
  corrects those); its days up to the date stay, and invoicing runs still
  bill them;
- staff: no new inscription (``inscriptions.erreurs``), and the child is
  no longer among the enrolled children of a day after the date
  (``planning.sdi``);
- the RGPD retention counts its three years from the date
  (``rgpd.retention.depart``).

Refused for a date to come, and while a request of the family (or about
the child) is waiting: the agents process it first.  "Réactiver" (a family
that comes back) ends the state; freed days are not booked again.

The Familles folder keeps the departures in an index (``DEPARTS``:
(N° famille, child's name or "") -> date) that the SDI tab lists, reading
only the archived ones.
"""

import datetime

from substanced.util import get_oid

from .. import dates
from ..demandes.cycle import EN_COURS
from ..facturation.service import facturees
from ..familles.resources import IEnfant, IFamille
from ..i18n import _
from ..planning.service import changer, jours_occupes, promouvoir
from ..util import arbre

DEPARTS = "departs"  # the Familles folder's index of departures


class DepartRefuse(Exception):
    """``args[0]``: the French reason."""


def famille_de(obj):
    return obj if IFamille.providedBy(obj) else obj.__parent__.__parent__


def enfants_concernes(obj):
    """The children ``obj`` (a Famille or an Enfant) archives: itself, or
    the family's children still present."""
    if IEnfant.providedBy(obj):
        return [obj]
    enfants = obj.get("enfants")
    return [e for e in (enfants.values() if enfants is not None else ()) if e.partie_le is None]


def demandes_en_cours(obj):
    """The requests of the family (or about the child) still waiting."""
    demandes = famille_de(obj).get("demandes")
    found = [d for d in (demandes.values() if demandes is not None else ()) if d.etat in EN_COURS]
    if IEnfant.providedBy(obj):
        found = [d for d in found if d.enfant == obj.__name__]
    return found


def _a_liberer(enfant, depuis):
    """The (Prestation, day) holding a place from ``depuis`` on that no
    invoice has billed."""
    found = []
    for prestation, day in jours_occupes(enfant, depuis):
        if not facturees(enfant, get_oid(prestation), day, day):
            found.append((prestation, day))
    return found


def _lendemain(jour):
    return jour + datetime.timedelta(days=1)


def erreurs(obj, jour, today=None):
    """The French reason archiving ``obj`` on ``jour`` is refused, or None."""
    today = today or dates.today()
    if obj.partie_le is not None:
        return _(
            "Fiche déjà archivée : partie le ${date}.",
            mapping={"date": dates.courte(obj.partie_le)},
        )
    if jour is None:
        return _("Date de départ invalide (jj/mm/aaaa).")
    if jour > today:
        return _("La date de départ ne peut pas être à venir : archivez le jour du départ.")
    attente = demandes_en_cours(obj)
    if attente:
        return _(
            "${nombre} demande(s) en attente : traitez-les avant d'archiver.",
            mapping={"nombre": len(attente)},
        )
    return None


def bilan(obj, jour):
    """What archiving ``obj`` on ``jour`` does, for the confirmation page:
    {enfants (titles), jours (days given back), factures (the family's
    invoices kept), conserves (days after the date already invoiced)}."""
    famille = famille_de(obj)
    enfants = enfants_concernes(obj)
    depuis = _lendemain(jour)
    liberes = sum(len(_a_liberer(e, depuis)) for e in enfants)
    occupes = sum(len(jours_occupes(e, depuis)) for e in enfants)
    numeros = []
    for name in ("factures", "reglements"):
        folder = famille.get(name)
        numeros += list(folder.keys()) if folder is not None else []
    return {
        "enfants": [e.title for e in enfants],
        "jours": liberes,
        "conserves": occupes - liberes,
        "documents": numeros,
    }


def _noter(obj, jour):
    famille = famille_de(obj)
    index = arbre(famille.__parent__, DEPARTS, create=True)
    key = (famille.__name__, "" if IFamille.providedBy(obj) else obj.__name__)
    if jour is None:
        index.pop(key, None)
    else:
        index[key] = jour


def archiver(obj, jour, request=None, today=None):
    """Give ``obj`` (a Famille or an Enfant) the state "partie" on
    ``jour``; raises DepartRefuse (nothing written).  Returns how many
    days were given back."""
    found = erreurs(obj, jour, today)
    if found is not None:
        raise DepartRefuse(found)
    liberes = []
    for enfant in enfants_concernes(obj):
        days = _a_liberer(enfant, _lendemain(jour))
        for prestation, day in days:
            changer(enfant, prestation, day, None)
        liberes += days
        if enfant is not obj:
            _marquer(enfant, jour)
    _marquer(obj, jour)
    if request is not None:
        for prestation, day in liberes:
            promouvoir(prestation, day, request)
    return len(liberes)


def _marquer(obj, jour):
    obj.partie_le = jour
    obj.update_acl()
    _noter(obj, jour)


def reactiver(obj):
    """End the state "partie" of ``obj`` (and, for a family, of the
    children archived with it, on its date)."""
    if obj.partie_le is None:
        raise DepartRefuse(_("Cette fiche n'est pas archivée."))
    if IEnfant.providedBy(obj) and famille_de(obj).partie_le is not None:
        raise DepartRefuse(_("La famille est partie : réactivez la famille."))
    jour = obj.partie_le
    if IFamille.providedBy(obj):
        enfants = obj.get("enfants")
        for enfant in enfants.values() if enfants is not None else ():
            if enfant.partie_le == jour:
                _marquer(enfant, None)
    _marquer(obj, None)


def departs(familles, debut=0, nombre=50):
    """(total, [(famille, enfant or None, date)]) of the index, latest
    first: the rows ``debut`` to ``debut + nombre`` only are loaded."""
    index = arbre(familles, DEPARTS)
    keys = sorted(
        (index.items() if index is not None else ()),
        key=lambda item: (item[1], item[0]),
        reverse=True,
    )
    found = []
    for (numero, nom), jour in keys[debut : debut + nombre]:
        famille = familles.get(numero)
        enfant = famille["enfants"].get(nom) if famille is not None and nom else None
        if famille is not None and (enfant is not None or not nom):
            found.append((famille, enfant, jour))
    return len(keys), found
