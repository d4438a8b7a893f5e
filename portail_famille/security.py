"""Permission names, the group -> permission table and the ACL helpers.

Every view names one of the permissions below (never a bare string).  Staff
groups receive their permissions from ``ROLE_TABLE`` on the folders it names;
a parent receives ``FAMILLE_PERMISSIONS`` on his own Famille only, through
that Famille's ACL.
"""

import enum

from pyramid.interfaces import IAuthorizationPolicy
from pyramid.security import (
    ALL_PERMISSIONS,
    DENY_ALL,
    Allow,
    Authenticated,
    Everyone,
)
from substanced.util import find_service, get_oid, set_acl


class Permission(enum.StrEnum):
    """``<scope>:<resource>:<action>``, kept alphabetized."""

    ACTUALITE_PUBLIER = "actualites:actualite:publier"
    AUDIT_VOIR = "rgpd:audit:voir"
    # The régie's cash journal, deposit slips and monthly summary (a
    # Régie's tabs Caisse, Bordereaux de remise, Récapitulatif mensuel):
    # régisseurs, administrators; making a deposit slip: the same.
    CAISSE_GERER = "caisse:bordereau:gerer"
    CAISSE_VOIR = "caisse:journal:voir"
    # The town's name, logo, contacts and public pages (root tab
    # "Commune"): administrators only, in no role below.
    COMMUNE_MODIFIER = "portail:commune:modifier"
    COMPTE_MOT_DE_PASSE_MODIFIER = "compte:mot-de-passe:modifier"
    DEMANDE_CREER = "demande:demande:creer"
    DEMANDE_TRAITER_COMPTE = "demande:compte:traiter"
    DEMANDE_TRAITER_FINANCES = "demande:finances:traiter"
    DEMANDES_VOIR = "demande:file:voir"
    DOCUMENT_VOIR = "documents:document:voir"
    # A parent invites the family's other responsable to her own account
    # (``comptes.invitation``): the family's parents.
    FAMILLE_COMPTE_INVITER = "famille:compte:inviter"
    FAMILLE_DONNEES_TELECHARGER = "famille:donnees:telecharger"
    FAMILLE_IBAN_VOIR = "famille:iban:voir"
    FAMILLE_MODIFIER = "famille:fiche:modifier"
    # The staff's search by name (root view ``@@recherche``): agents,
    # régisseurs, administrators; not editors (no family record).
    FAMILLE_RECHERCHER = "famille:recherche:voir"
    FAMILLE_VOIR = "famille:fiche:voir"
    FACTURATION_GERER = "facturation:regie:gerer"
    FACTURE_PAYER = "facturation:facture:payer"
    FACTURE_VOIR = "facturation:facture:voir"
    # The unpaid invoices across families (the Régies' tab "Impayés"):
    # régisseurs, administrators, agents (they read invoices).
    IMPAYES_VOIR = "relances:impayes:voir"
    # Opening a prestation for online enrolment (its tab "Inscription en
    # ligne": dates, places, questions, documents, règlement): agents.
    INSCRIPTION_OUVRIR = "inscription:ouverture:gerer"
    JOURNAL_VOIR = "journal:journal:voir"
    # Revoking a family's SEPA mandate from its file, with a reason: staff
    # who process the money requests (agents, régisseurs), administrators.
    MANDAT_REVOQUER = "prelevement:mandat:revoquer"
    MESSAGE_ECRIRE = "messagerie:message:ecrire"
    MESSAGERIE_TRAITER = "messagerie:boite:traiter"
    PAIEMENT_RETOUR = "paiement:retour:recevoir"
    # A régie's titres de recettes to the Trésor public (PES V2): see them
    # and the files sent; make a file.  Régisseurs, administrators.
    PES_GERER = "pes:fichier:gerer"
    PES_VOIR = "pes:fichier:voir"
    PLANNING_FLUX = "planning:flux:voir"
    PLANNING_POINTER = "planning:pointage:modifier"
    PLANNING_TRAITER = "planning:demande:traiter"
    PLANNING_VOIR = "planning:effectifs:voir"
    PORTAIL_PUBLIC = "portail:public:voir"
    # /sante and /metriques: everybody, then the address allow-list (surveillance)
    SURVEILLANCE_SONDER = "surveillance:sonde:lire"
    # A family's reminder choices (Mon compte > Mes rappels): the family
    # only (staff read the page with FAMILLE_VOIR).
    RAPPELS_MODIFIER = "famille:rappels:modifier"
    # Sending the reminders due (the tab "Impayés"): régisseurs, administrators.
    RELANCES_ENVOYER = "relances:relance:envoyer"
    # A régie's direct-debit batches (tab "Prélèvements"): régisseurs,
    # administrators.  VOIR reads them and downloads their files; GERER
    # builds a batch, marks it sent or done, records a reject.
    PRELEVEMENT_LOT_GERER = "prelevement:lot:gerer"
    PRELEVEMENT_LOT_VOIR = "prelevement:lot:voir"
    # A child's health data (allergies, PAI, diet, doctor): the family,
    # agents, administrators; not régisseurs (RGPD minimisation).
    SANTE_VOIR = "famille:sante:voir"
    # Changing it directly, with a reason (the family's file, ``fiche``):
    # agents, administrators.
    SANTE_MODIFIER = "famille:sante:modifier"
    SDI_ADD = "sdi.add-content"
    SDI_ADD_USER = "sdi.add-user"
    SDI_EDIT = "sdi.edit-properties"
    SDI_MANAGE_CONTENTS = "sdi.manage-contents"
    # SubstanceD's folder operations but delete (rename, copy, move,
    # duplicate, paste, reorder): administrators only, in no role below.
    SDI_ORGANISER = "sdi:dossier:organiser"
    SDI_VIEW = "sdi.view"
    # SubstanceD's Services tab (catalogs, principals...): administrators only.
    SDI_VIEW_SERVICES = "sdi.view-services"
    # The staff's dashboard (root view ``@@tableau``), where staff land:
    # agents, régisseurs, editors (each block by its own permission).
    TABLEAU_VOIR = "accueil:tableau:voir"
    # The CAF's figures (hours per child, month, activity and age band;
    # children per day), with children's names: agents, régisseurs,
    # administrators (the Structures folder's tab).
    STATISTIQUES_VOIR = "planning:statistiques:voir"
    # Follow the long jobs (a group message...) queued for workers (root
    # views @@travail, @@travaux), each one only with its kind's permission
    # too: agents, régisseurs, administrators.
    TRAVAUX_SUIVRE = "travaux:travail:suivre"


P = Permission

# Groups, beside SubstanceD's own ``admins``.
GROUPE_FAMILLES = "familles"
GROUPE_AGENTS = "agents"
GROUPE_REGISSEURS = "regisseurs"
GROUPE_EDITEURS = "editeurs"
GROUPE_ADMINS = "admins"
GROUPES_PERSONNEL = (GROUPE_AGENTS, GROUPE_REGISSEURS, GROUPE_EDITEURS, GROUPE_ADMINS)
GROUPES = (GROUPE_FAMILLES,) + GROUPES_PERSONNEL

# What a parent may do on his own Famille (and everything inside it).
FAMILLE_PERMISSIONS = (
    P.FAMILLE_VOIR,
    P.DEMANDE_CREER,
    P.FACTURE_VOIR,
    P.FACTURE_PAYER,
    P.MESSAGE_ECRIRE,
    # "Mes données": everything held about the family (RGPD right of access).
    P.FAMILLE_DONNEES_TELECHARGER,
    # Its children's health data.
    P.SANTE_VOIR,
    # Its reminders by mail and SMS (rappels).
    P.RAPPELS_MODIFIER,
    # Invite the other responsable to an account of her own.
    P.FAMILLE_COMPTE_INVITER,
)

# group -> {folder under the root ('' is the root itself) -> permissions}.
# ``admins`` hold ALL_PERMISSIONS on the root (SubstanceD's own rule).
ROLE_TABLE = {
    GROUPE_FAMILLES: {},
    GROUPE_AGENTS: {
        "": (
            P.SDI_VIEW,
            P.DEMANDES_VOIR,
            P.MESSAGERIE_TRAITER,
            P.FAMILLE_RECHERCHER,
            P.TABLEAU_VOIR,
            P.TRAVAUX_SUIVRE,
        ),
        "familles": (
            P.FAMILLE_VOIR,
            # Allergies, PAI, diets: canteen and activities need them.
            P.SANTE_VOIR,
            P.SANTE_MODIFIER,
            P.FAMILLE_MODIFIER,
            P.FAMILLE_IBAN_VOIR,
            P.DEMANDE_TRAITER_COMPTE,
            P.DEMANDE_TRAITER_FINANCES,
            P.MANDAT_REVOQUER,
            P.PLANNING_TRAITER,
            P.FACTURE_VOIR,
            P.MESSAGERIE_TRAITER,
            P.SDI_EDIT,
            P.SDI_ADD,
            # No SDI_MANAGE_CONTENTS: a family or a child that leaves is
            # archived (tab Départ), never deleted by an agent.
        ),
        # Activities and calendar: structures, prestations, school years,
        # closures and corrections of days; the expected children of a day
        # and the attendance sheet.
        "structures": (
            P.SDI_VIEW,
            P.SDI_EDIT,
            P.SDI_ADD,
            P.SDI_MANAGE_CONTENTS,
            P.PLANNING_VOIR,
            P.PLANNING_POINTER,
            P.STATISTIQUES_VOIR,
            P.INSCRIPTION_OUVRIR,
        ),
        "calendrier": (P.SDI_VIEW, P.SDI_EDIT, P.SDI_ADD, P.SDI_MANAGE_CONTENTS),
        # Agents publish documents and news too (the service's forms).
        "documents": (P.SDI_VIEW, P.SDI_EDIT, P.SDI_ADD, P.SDI_MANAGE_CONTENTS, P.DOCUMENT_VOIR),
        "actualites": (
            P.SDI_VIEW,
            P.SDI_EDIT,
            P.SDI_ADD,
            P.SDI_MANAGE_CONTENTS,
            P.ACTUALITE_PUBLIER,
        ),
        # They read invoices: the unpaid list too (not the reminders).
        "regies": (P.IMPAYES_VOIR,),
    },
    # Régisseurs process the requests about money (bank details, CAF,
    # fiscal information), run the invoicing, record payments and credit
    # notes, set the tariffs; nothing else (no health data: P.SANTE_VOIR).
    GROUPE_REGISSEURS: {
        # The service's messaging too: families write about their invoices.
        "": (
            P.SDI_VIEW,
            P.DEMANDES_VOIR,
            P.FAMILLE_RECHERCHER,
            P.TABLEAU_VOIR,
            P.MESSAGERIE_TRAITER,
            P.TRAVAUX_SUIVRE,
        ),
        "familles": (
            P.FAMILLE_VOIR,
            P.FAMILLE_IBAN_VOIR,
            P.DEMANDE_TRAITER_FINANCES,
            P.FACTURE_VOIR,
            P.FACTURATION_GERER,
            P.MESSAGERIE_TRAITER,
            P.MANDAT_REVOQUER,
        ),
        # The régie's journal reads every family's numbered documents.
        "regies": (
            P.SDI_VIEW,
            P.SDI_EDIT,
            P.SDI_ADD,
            P.SDI_MANAGE_CONTENTS,
            P.FACTURE_VOIR,
            P.FACTURATION_GERER,
            P.CAISSE_VOIR,
            P.CAISSE_GERER,
            P.PES_VOIR,
            P.PES_GERER,
            P.IMPAYES_VOIR,
            P.RELANCES_ENVOYER,
            P.PRELEVEMENT_LOT_VOIR,
            P.PRELEVEMENT_LOT_GERER,
        ),
        "structures": (P.SDI_VIEW, P.FACTURATION_GERER, P.STATISTIQUES_VOIR),
    },
    # Editors reach documents and news only: no family record.
    GROUPE_EDITEURS: {
        # Their landing page (documents and news to publish), nothing else
        # of the root.
        "": (P.TABLEAU_VOIR,),
        "documents": (P.SDI_VIEW, P.SDI_EDIT, P.SDI_ADD, P.SDI_MANAGE_CONTENTS, P.DOCUMENT_VOIR),
        "actualites": (
            P.SDI_VIEW,
            P.SDI_EDIT,
            P.SDI_ADD,
            P.SDI_MANAGE_CONTENTS,
            P.ACTUALITE_PUBLIER,
        ),
    },
}

# Granted to everybody / every logged-in person on the root.
PUBLIC_ACL = [
    (Allow, Everyone, P.PORTAIL_PUBLIC),
    # A child's iCalendar feed: a calendar app has no session; the family's
    # secret token in the URL is the check (planning.ical).
    (Allow, Everyone, P.PLANNING_FLUX),
    # The payment provider's server notifies a payment: it has no session;
    # the notification is verified with the provider (paiement).  The
    # simulated bank's page (development and demos only) stands for the
    # provider's site: its order is signed, so it is the same permission.
    (Allow, Everyone, P.PAIEMENT_RETOUR),
    # The load balancer's probe and Prometheus have no session: the address
    # allow-list is the check (surveillance.views).
    (Allow, Everyone, P.SURVEILLANCE_SONDER),
    (Allow, Authenticated, P.COMPTE_MOT_DE_PASSE_MODIFIER),
]


def principals_of(user):
    """The principals a logged-in ``user`` acts as (for a permission check
    before its cookie exists, e.g. just after login)."""
    return [Everyone, Authenticated, get_oid(user), *user.groupids]


def login(request):
    """Who acts, as journals and documents record it (``par``): the login
    of the request's user (its userid when the user is gone)."""
    user = getattr(request, "user", None)
    return getattr(user, "__name__", None) or str(request.authenticated_userid)


def may(request, user, permission, context):
    policy = request.registry.getUtility(IAuthorizationPolicy)
    return policy.permits(context, principals_of(user), permission)


def group_oid(root, name):
    groups = find_service(root, "principals", "groups")
    return get_oid(groups[name])


def apply_role_table(root, registry=None):
    """(Re)write the ACLs the role table defines, keeping other entries."""
    acls = {"": [(Allow, group_oid(root, GROUPE_ADMINS), ALL_PERMISSIONS)]}
    acls[""].extend(PUBLIC_ACL)
    for group, places in ROLE_TABLE.items():
        oid = group_oid(root, group)
        for place, permissions in places.items():
            acls.setdefault(place, []).append((Allow, oid, tuple(permissions)))
    for place, acl in acls.items():
        target = root if place == "" else root[place]
        set_acl(target, acl, registry=registry)
    # The accounts (users and groups): administrators manage them; anybody
    # else reaches only his own account, whose own ACL (SubstanceD's, set
    # when it is added) lets him see and edit it.  Without this, the staff's
    # ``sdi.view`` on the root showed every account's email and groups.
    set_acl(
        find_service(root, "principals"),
        [(Allow, group_oid(root, GROUPE_ADMINS), ALL_PERMISSIONS), DENY_ALL],
        registry=registry,
    )


def famille_acl(parent_oids):
    """The ACL of one Famille: its parents' accounts get the family
    permissions.  Staff permissions come from the ``familles`` folder."""
    return [(Allow, oid, FAMILLE_PERMISSIONS) for oid in parent_oids]


def includeme(config):
    for permission in Permission:
        config.add_permission(permission.value)
