"""The family's requests about its SEPA mandate, and staff's revocation.

A family asks for direct debit (``demander_mandat``: the account and the
mandate's acceptance) or for its end (``demander_revocation``) from its
page; each is a request (Demande) of the staff's queue, processed like the
other money requests (``P.DEMANDE_TRAITER_FINANCES``).  Accepting the first
signs the mandate with the request's date as its signature date
(``mandats.signer``: the one in force is revoked); accepting the second
revokes the mandate it names.  Refusing one changes nothing.

Staff may also revoke a mandate from the family's file
(``revoquer_par_personnel``, ``P.MANDAT_REVOQUER``): with a reason,
journaled, the family told by mail.
"""

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .. import courriels, dates, journal
from ..demandes import cycle
from ..demandes import service as demandes
from ..demandes.resources import REMPLACEE
from ..demandes.types import CIBLE_MANDAT, ONGLET_COMPTE, TypeDemande
from ..familles.validators import masquer_iban
from ..i18n import _, traduire
from ..security import P
from . import mandats
from .schemas import MandatSchema, RevocationSchema, compact_bic, compact_iban

MANDAT = "mandat_sepa"
REVOCATION = "revocation_mandat"
MANDAT_REVOQUE = "MandatRevoque"
# The journal's actions, as the Journal tab names them.
ACTIONS = {MANDAT_REVOQUE: _("Mandat de prélèvement révoqué")}


class MandatIntrouvable(cycle.DemandeError):
    message = _("Ce mandat n'est plus en vigueur : il a déjà été révoqué ou est caduc.")


def trouver(famille, rum):
    """The family's mandate of reference ``rum``, or None."""
    for mandat in mandats.mandats(famille):
        if mandat.rum == rum:
            return mandat
    return None


def rang(famille, mandat):
    """Its rank among the family's mandates (1 for the first)."""
    return [m.rum for m in mandats.mandats(famille)].index(mandat.rum) + 1


def par_rang(famille, valeur):
    """The mandate of rank ``valeur`` (a string from a URL), or None."""
    liste = mandats.mandats(famille)
    if not isinstance(valeur, str) or not valeur.isdigit() or len(valeur) > 4:
        return None
    index = int(valeur) - 1
    return liste[index] if 0 <= index < len(liste) else None


def bic_de(iban, bic):
    """The BIC given, or the one of the IBAN's bank when known ('' else)."""
    if bic:
        return compact_bic(bic)
    try:
        found = IBAN(iban).bic
    except SchwiftyException:
        return ""
    return str(found) if found is not None else ""


def mandat_en_vigueur(famille):
    """The account of the mandate in force ({} when none): what a request
    for a new mandate replaces, shown beside it to staff."""
    actif = mandats.mandat_actif(famille)
    if actif is None:
        return {}
    return {"titulaire": actif.titulaire, "iban": actif.iban, "bic": actif.bic}


def _deposer(famille, type_demande, valeurs, demandeur, registry, now=None, anciennes=None):
    """A request of the family's mandate; a pending one of the same kind is
    replaced (kept, "remplacée"), as for the record's requests."""
    remplacee = demandes.en_attente(famille, type_demande)
    if remplacee is not None:
        cycle.passer(remplacee, REMPLACEE, demandeur, registry, now)
    demande = registry.content.create(
        "Demande", type_demande, valeurs, anciennes or {}, now or dates.horodatage(), demandeur
    )
    cycle.deposer(demande, famille, registry)
    return demande, remplacee


def demander_mandat(famille, titulaire, iban, bic, demandeur, registry, now=None):
    """The family asks for direct debit on this account (it accepted the
    mandate's text).  Returns (demande, replaced or None)."""
    iban = compact_iban(iban)
    valeurs = {
        "titulaire": " ".join(titulaire.split()),
        "iban": iban,
        "bic": bic_de(iban, bic),
        "accepte": True,
    }
    # Staff see it beside the mandate in force then (and are warned when
    # that mandate changed before they process it).
    anciennes = mandat_en_vigueur(famille)
    return _deposer(famille, MANDAT, valeurs, demandeur, registry, now, anciennes)


def demander_revocation(famille, mandat, demandeur, registry, now=None):
    """The family asks to stop the direct debit of ``mandat``."""
    return _deposer(famille, REVOCATION, {"rum": mandat.rum}, demandeur, registry, now)


# --- Accepting (the handlers of ``demandes.cycle``) --------------------------


def signer_demande(demande, request, force=False, now=None):
    """The mandate the family asked for, signed at the request's date."""
    valeurs = demande.valeurs
    jour = dates.local(demande.date_demande).date()
    mandats.signer(
        demande.famille,
        valeurs["titulaire"],
        valeurs["iban"],
        valeurs.get("bic", ""),
        jour,
        par=demande.demandeur,
    )
    cycle.signaler_modification(request.registry, demande.famille)


def revoquer_demande(demande, request, force=False, now=None):
    """The mandate the request names, revoked today (when still in force)."""
    mandat = trouver(demande.famille, demande.valeurs.get("rum"))
    if mandat is None or mandat.etat() != mandats.ACTIF:
        raise MandatIntrouvable()
    mandat.revoquer(dates.today(), par=demande.demandeur)
    cycle.signaler_modification(request.registry, demande.famille)


# --- How the lists show them (the family's words) ------------------------------


def decrire_mandat(request, demande):
    valeurs = demande.valeurs
    lignes = [
        traduire(request, _("Demande de prélèvement automatique")),
        "%s : %s" % (traduire(request, _("Titulaire du compte")), valeurs.get("titulaire", "")),
        "%s : %s" % (traduire(request, _("IBAN")), masquer_iban(valeurs.get("iban", ""))),
    ]
    if valeurs.get("bic"):
        lignes.append("%s : %s" % (traduire(request, _("BIC")), valeurs["bic"]))
    if valeurs.get("accepte"):
        lignes.append(traduire(request, _("Mandat de prélèvement SEPA accepté")))
    return lignes


def decrire_revocation(request, demande):
    return [
        traduire(
            request,
            _(
                "Arrêt du prélèvement automatique : mandat ${rum}",
                mapping={"rum": demande.valeurs.get("rum", "")},
            ),
        )
    ]


TYPES_DEMANDES = (
    (
        TypeDemande(
            MANDAT,
            _("Prélèvement automatique"),
            _("Prélèvement automatique"),
            None,
            MandatSchema,
            P.DEMANDE_TRAITER_FINANCES,
            ONGLET_COMPTE,
            CIBLE_MANDAT,
            decrire=decrire_mandat,
            actuelles=mandat_en_vigueur,
        ),
        signer_demande,
    ),
    (
        TypeDemande(
            REVOCATION,
            _("Arrêt du prélèvement automatique"),
            _("Arrêt du prélèvement"),
            None,
            RevocationSchema,
            P.DEMANDE_TRAITER_FINANCES,
            ONGLET_COMPTE,
            CIBLE_MANDAT,
            decrire=decrire_revocation,
        ),
        revoquer_demande,
    ),
)


# --- Staff's revocation ---------------------------------------------------------


def revoquer_par_personnel(request, famille, mandat, motif, par):
    """Staff revoke ``mandat`` today with ``motif``: journaled (who, which
    family and mandate, the reason), the family told by mail."""
    if mandat.etat() != mandats.ACTIF:
        raise MandatIntrouvable()
    jour = dates.today()
    mandat.revoquer(jour, par=par)
    mandat.motif_revocation = motif
    journal.noter(
        request,
        MANDAT_REVOQUE,
        famille,
        par=par,
        famille=famille,
        details={"rum": mandat.rum, "motif": motif},
    )
    cycle.signaler_modification(request.registry, famille)
    responsable = famille.responsable
    if responsable.get("autorisation_courriel") and responsable.get("email"):
        courriels.send(
            request,
            "mandat_revoque",
            [responsable["email"]],
            rum=mandat.rum,
            date=dates.courte(jour),
            motif=motif,
        )
