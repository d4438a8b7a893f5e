"""The kinds of request (Demande) a family can make, and who processes them.

Each type names the record section it changes, the colander schema of its
form, the permission needed to process it, and the tab of "Liste des
demandes" it belongs to ("compte" for the family record, "enfants" for the
children, filled as those features land).  What accepting or refusing one
does is not here: the type's own package registers it (``cycle``).
"""

from ..familles import schemas
from ..i18n import _
from ..security import P

ONGLET_COMPTE = "compte"
ONGLET_ENFANTS = "enfants"

# What a type of request changes.
CIBLE_FAMILLE = "famille"  # a section of the Famille
CIBLE_ENFANT = "enfant"  # a section of one child (Demande.enfant)
CIBLE_NOUVEL_ENFANT = "nouvel_enfant"  # creates a child when accepted
CIBLE_JOUR = "jour"  # a day of the child's planning, asked for from its grid
# A SEPA mandate to sign or revoke: asked for from its own page, applied by
# its package (``prelevement``), not a section of the record.
CIBLE_MANDAT = "mandat"
# An enrolment in an activity for a school year, asked for from its own page
# with its documents, applied by its package (``inscription_en_ligne``).
CIBLE_INSCRIPTION = "inscription"

# The record section holding a child's health data (``P.SANTE_VOIR``).
SECTION_SANTE = "sanitaires"
# What such a request shows instead of its values to who may not read them.
SANTE_MASQUEE = _("Données sanitaires : non affichées (réservées à la famille et aux agents).")


class TypeDemande:
    # An agent's decisions as this type names them ({state: label}, e.g.
    # "Absent excusé" for an accepted late absence); none: "Acceptée",
    # "Refusée".
    decisions = {}
    # The SDI view (on the Demande) where an agent decides: a type with its
    # own page (a certificate to read, two decisions with their reason) is
    # neither decided on "Traiter" nor in the queue's selection.
    vue_traitement = "traiter"

    def __init__(
        self,
        nom,
        titre,
        filtre,
        section,
        schema,
        permission,
        onglet,
        cible=CIBLE_FAMILLE,
        decrire=None,
        actuelles=None,
    ):
        self.nom = nom
        self.titre = titre  # "Infos Responsable"
        self.filtre = filtre  # "Informations responsable" (filter link)
        self.section = section
        self.schema = schema
        self.permission = permission
        self.onglet = onglet
        self.cible = cible
        # decrire(request, demande) -> [str]: what the request asks for, in
        # the family's words, for the lists (None: its changed fields).
        self.decrire = decrire
        # actuelles(famille) -> {field: value}: what such a request changes,
        # as it is now, for a type without a section (None: nothing).
        self.actuelles = actuelles

    @property
    def pour_enfant(self):
        return self.cible == CIBLE_ENFANT

    @property
    def nouvel_enfant(self):
        return self.cible == CIBLE_NOUVEL_ENFANT

    @property
    def formulaire(self):
        """Asked for through a form of Mon compte or Mes enfants (a day of
        the planning is asked for from the grid, a mandate from its own
        page)."""
        return self.cible not in (CIBLE_JOUR, CIBLE_MANDAT, CIBLE_INSCRIPTION)

    def titles(self):
        """field name -> title, in the form's order (computed once)."""
        titles = self.__dict__.get("_titles")
        if titles is None:
            titles = self._titles = {
                node.name: node.title for node in self.schema() if node.name != "_csrf_token_"
            }
        return titles


TYPES = {
    t.nom: t
    for t in (
        TypeDemande(
            "responsable",
            _("Infos Responsable"),
            _("Informations responsable"),
            "responsable",
            schemas.PersonneSchema,
            P.DEMANDE_TRAITER_COMPTE,
            ONGLET_COMPTE,
        ),
        TypeDemande(
            "conjoint",
            _("Infos Conjoint"),
            _("Informations conjoint"),
            "conjoint",
            schemas.PersonneSchema,
            P.DEMANDE_TRAITER_COMPTE,
            ONGLET_COMPTE,
        ),
        TypeDemande(
            "fiscales",
            _("Infos Fiscales"),
            _("Informations fiscales"),
            "fiscales",
            schemas.FiscalesSchema,
            P.DEMANDE_TRAITER_FINANCES,
            ONGLET_COMPTE,
        ),
        TypeDemande(
            "caf",
            _("Infos Caf"),
            _("Informations CAF"),
            "caf",
            schemas.CafSchema,
            P.DEMANDE_TRAITER_FINANCES,
            ONGLET_COMPTE,
        ),
        TypeDemande(
            "bancaires",
            _("Coordonnées Bancaires"),
            _("Informations bancaires"),
            "bancaires",
            schemas.BancairesSchema,
            P.DEMANDE_TRAITER_FINANCES,
            ONGLET_COMPTE,
        ),
        TypeDemande(
            "autorisations",
            _("Autorisations"),
            _("Autorisations"),
            "autorisations",
            schemas.AutorisationsSchema,
            P.DEMANDE_TRAITER_COMPTE,
            ONGLET_ENFANTS,
            CIBLE_ENFANT,
        ),
        TypeDemande(
            "sanitaires",
            _("Données sanitaires"),
            _("Données sanitaires"),
            "sanitaires",
            schemas.SanitairesSchema,
            P.DEMANDE_TRAITER_COMPTE,
            ONGLET_ENFANTS,
            CIBLE_ENFANT,
        ),
        TypeDemande(
            "reservation",
            _("Demande de Réservation"),
            _("Réservations"),
            None,
            schemas.PlanningSchema,
            P.PLANNING_TRAITER,
            ONGLET_ENFANTS,
            CIBLE_JOUR,
        ),
        TypeDemande(
            "absence",
            _("Déclaration d'absence"),
            _("Absences"),
            None,
            schemas.PlanningSchema,
            P.PLANNING_TRAITER,
            ONGLET_ENFANTS,
            CIBLE_JOUR,
        ),
        TypeDemande(
            "nouvel_enfant",
            _("Nouvel enfant"),
            _("Nouvel enfant"),
            None,
            schemas.NouvelEnfantSchema,
            P.DEMANDE_TRAITER_COMPTE,
            ONGLET_ENFANTS,
            CIBLE_NOUVEL_ENFANT,
        ),
    )
}


def ajouter(kind):
    """A type of request defined by a domain above this package (from its
    includeme, before the handlers are checked: ``cycle``)."""
    TYPES[kind.nom] = kind


def sante_cachee(request, demande):
    """Does ``demande`` hold a child's health data the reader may not see
    (``P.SANTE_VOIR``: not a régisseur)?  Its values are then not shown."""
    return demande.type.section == SECTION_SANTE and not request.has_permission(
        P.SANTE_VOIR, demande.famille
    )


def types_of(onglet):
    return [t for t in TYPES.values() if t.onglet == onglet]
