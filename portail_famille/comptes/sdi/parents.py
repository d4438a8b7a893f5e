"""SDI tab "Comptes parents" of a Famille: the accounts that reach it.

An agent creates a parent's account here (login, email, temporary
password): it joins the ``familles`` group, is linked to this Famille (whose
ACL then names it), and must choose its own password at first login.
"""

import colander
import deform.widget
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import find_service

from ...familles.resources import IFamille
from ...familles.validators import email
from ...i18n import _
from ...sdi import noms
from ...security import GROUPE_FAMILLES, P
from .. import passwords


@colander.deferred
def login_libre(node, kw):
    users = find_service(kw["context"], "principals", "users")

    def validator(node, value):
        message = noms.probleme(value, login=True)
        if message is not None:
            raise colander.Invalid(node, message)
        if value in users:
            raise colander.Invalid(node, _("Cet identifiant est déjà pris."))

    return validator


class CompteParentSchema(Schema):
    login = colander.SchemaNode(colander.String(), title=_("Identifiant"), validator=login_libre)
    email = colander.SchemaNode(colander.String(), title=_("Email"), validator=email)
    password = colander.SchemaNode(
        colander.String(),
        title=_("Mot de passe provisoire (à changer à la première connexion)"),
        validator=passwords.validator,
        widget=deform.widget.TextInputWidget(),
    )
    validator = passwords.without_login("login")


@mgmt_view(
    context=IFamille,
    name="comptes",
    tab_title=_("Comptes parents"),
    permission=P.FAMILLE_MODIFIER,
    renderer="portail_famille.comptes:templates/comptes.pt",
)
class ComptesParentsView(FormView):
    title = _("Créer le compte d'un parent")
    schema = CompteParentSchema()
    buttons = ("creer",)

    def show(self, form):
        result = super().show(form)
        result["parents"] = self.context.parents()
        return result

    def failure(self, e):
        result = super().failure(e)
        result["parents"] = self.context.parents()
        return result

    def creer_success(self, appstruct):
        principals = find_service(self.context, "principals")
        user = principals.add_user(appstruct["login"], appstruct["password"], appstruct["email"])
        user.must_change_password = True
        principals["groups"][GROUPE_FAMILLES].memberids.connect([user])
        self.context.rattacher_parent(user)
        self.request.sdiapi.flash(
            self.request.localizer.translate(_("Compte créé et rattaché à la famille.")),
            "success",
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@comptes"))
