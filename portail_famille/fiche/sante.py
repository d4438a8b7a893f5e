"""The staff's direct changes of a child's file from the family's file:
its health data ("Données sanitaires", ``P.SANTE_MODIFIER``: agents and
administrators) and its authorisations with the persons authorised to
pick it up ("Autorisations", ``P.FAMILLE_MODIFIER``).

A parent asks for such a change by a request the service accepts; an
agent on the phone changes it at once.  Either way the child's section is
written where accepting the request writes it (``Enfant.section_modifiable``,
then ``signaler_modification``), so a request still pending on that
section shows the agent who processes it that the record changed since.
Each change needs a reason ("Motif"), kept in the site's journal with the
names of the fields changed, never their values; a change of health data
is also an entry of the RGPD audit, as reading it is.
"""

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from .. import journal
from ..demandes.cycle import signaler_modification
from ..demandes.types import TYPES
from ..familles import schemas
from ..familles.resources import IEnfant
from ..i18n import _
from ..journal import audit
from ..security import P
from .sdi import ancre

FORM = "templates/formulaire.pt"
MOTIF_MAX = 500
SANITAIRES = "sanitaires"
AUTORISATIONS = "autorisations"
# The journal's actions, as the SDI's Journal tab names them.
ACTIONS = {
    "SanitairesModifiees": _("Données sanitaires modifiées par le service"),
    "AutorisationsModifiees": _("Autorisations modifiées par le service"),
}
QUOI = {SANITAIRES: "SanitairesModifiees", AUTORISATIONS: "AutorisationsModifiees"}


def _motif():
    return colander.SchemaNode(
        colander.String(),
        name="motif",
        title=_("Motif de la modification"),
        description=_("Obligatoire : il est gardé dans le journal des actions."),
        validator=colander.Length(
            min=1,
            max=MOTIF_MAX,
            min_err=_("Indiquez le motif de la modification."),
            max_err=_("${max} caractères au plus.", mapping={"max": MOTIF_MAX}),
        ),
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        missing_msg=_("Indiquez le motif de la modification."),
        widget=deform.widget.TextAreaWidget(rows=2),
    )


class SanitairesSchema(schemas.SanitairesSchema):
    motif = _motif()


class AutorisationsSchema(schemas.AutorisationsSchema):
    motif = _motif()


def famille_de(enfant):
    return enfant.__parent__.__parent__


VIDES = (None, "", [])


def _change(avant, apres):
    """Whether a field changes (an empty field stored as nothing stays so)."""
    return avant != apres and not (avant in VIDES and apres in VIDES)


def modifier(request, enfant, section, valeurs, motif):
    """Write ``valeurs`` into the child's ``section``, journal the change
    with ``motif`` and the titles of the fields changed, as the staff read
    them (and audit it, for health data); the names of those fields, in
    the form's order."""
    stored = enfant.section_modifiable(section)
    titres = TYPES[section].titles()
    changes = [
        name for name in titres if name in valeurs and _change(stored.get(name), valeurs[name])
    ]
    if not changes:
        return []
    for name in changes:
        stored[name] = valeurs[name]
    signaler_modification(request.registry, enfant)
    famille = famille_de(enfant)
    journal.noter(
        request,
        QUOI[section],
        enfant,
        famille=famille,
        enfant=enfant,
        ecran=request.path_info[:200],
        details={
            "motif": motif,
            "champs": ", ".join(request.localizer.translate(titres[name]) for name in changes),
        },
    )
    if section == SANITAIRES:
        audit.noter(request, famille, audit.SANITAIRES, enfant=enfant)
    return changes


class _Modifier(FormView):
    """One section of the child's file, with its reason; back to the
    family's file."""

    section = None
    buttons = (deform.Button("enregistrer", _("Enregistrer")),)

    @property
    def title(self):
        return self.request.localizer.translate(
            _(
                "${section} de ${enfant}",
                mapping={
                    "section": self.request.localizer.translate(self.titre),
                    "enfant": self.context.title,
                },
            )
        )

    def show(self, form):
        if self.section == SANITAIRES:
            # The form shows the health data: audited (a write on GET, on purpose).
            audit.noter(self.request, famille_de(self.context), audit.SANITAIRES, self.context)
        appstruct = {
            node.name: getattr(self.context, self.section).get(node.name, colander.null)
            for node in self.schema
            if node.name not in ("_csrf_token_", "motif")
        }
        return self.page(form.render(appstruct))

    def failure(self, e):
        self.request.response.status = 400
        return self.page(e.render())

    def page(self, form):
        return {
            "form": form,
            "retour": self.request.sdiapi.mgmt_path(famille_de(self.context), "@@fiche"),
        }

    def enregistrer_success(self, appstruct):
        request = self.request
        motif = appstruct.pop("motif")
        changes = modifier(request, self.context, self.section, appstruct, motif)
        translate = request.localizer.translate
        if changes:
            message = _(
                "${section} de ${enfant} enregistrées.",
                mapping={"section": translate(self.titre), "enfant": self.context.title},
            )
        else:
            message = _("Aucune modification.")
        request.sdiapi.flash(translate(message), "success")
        url = request.sdiapi.mgmt_path(famille_de(self.context), "@@fiche")
        return HTTPFound(url + "#" + ancre(self.context))


@mgmt_view(
    context=IEnfant,
    name="modifier-sanitaires",
    permission=P.SANTE_MODIFIER,
    renderer=FORM,
    tab_condition=False,
)
class ModifierSanitaires(_Modifier):
    section = SANITAIRES
    titre = _("Données sanitaires")
    schema = SanitairesSchema()


@mgmt_view(
    context=IEnfant,
    name="modifier-autorisations",
    permission=P.FAMILLE_MODIFIER,
    renderer=FORM,
    tab_condition=False,
)
class ModifierAutorisations(_Modifier):
    section = AUTORISATIONS
    titre = _("Autorisations")
    schema = AutorisationsSchema()
