"""Accounts in the SDI: SubstanceD's own login and password screens replaced
by ours.

- The SDI's login and logout go to the portal's own pages (one login, one
  throttle, one policy); a logged-in member refused gets a real 403.
- SubstanceD's "Request Password Reset" (anonymous, unthrottled, mails any
  account) and the links it made go to the portal's forgotten password
  page: one reset flow, throttled, single use, with the password policy.
- "Change Password" of an account checks the staff member's own password
  (throttled as a login), applies the policy, makes the new password a
  temporary one for somebody else's account, and ends every session of
  the account.
- "Add User" (administrators) applies the password policy too; the new
  password is a temporary one.
- "Accès": staff disable or re-enable an account; disabling ends every
  session of the account on the server (re-enabling revives none).
"""

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED, Authenticated
from substanced.form import FormView
from substanced.interfaces import IPasswordReset, IUser, IUsers
from substanced.principal import views as principal_views
from substanced.schema import Schema
from substanced.sdi import mgmt_view

from ...i18n import _
from ...security import P
from ...skin.views import forbidden
from .. import avis, passwords, sessions
from ..tentatives import Tentative, delay_text
from ..views import MAX_FIELD

FORM = "substanced.sdi:views/templates/form.pt"
ERROR_PAGE = "portail_famille.skin:templates/error.pt"


@mgmt_view(
    name="login", tab_condition=False, permission=NO_PERMISSION_REQUIRED, renderer=ERROR_PAGE
)
@mgmt_view(
    context=HTTPForbidden,
    tab_condition=False,
    permission=NO_PERMISSION_REQUIRED,
    renderer=ERROR_PAGE,
)
@mgmt_view(
    context=HTTPForbidden,
    effective_principals=Authenticated,
    tab_condition=False,
    permission=NO_PERMISSION_REQUIRED,
    renderer=ERROR_PAGE,
)
def sdi_login(request):
    """Anonymous: to the portal's login page; logged in: a real 403."""
    return forbidden(request)


@mgmt_view(name="logout", tab_condition=False, permission=NO_PERMISSION_REQUIRED)
def sdi_logout(request):
    # Logging out writes (it ends the server session): a POST from our page.
    return HTTPFound(request.resource_path(request.root, "deconnexion"))


def _to_forgotten_password(context, request):
    return HTTPFound(request.resource_path(request.root, "mot-de-passe-oublie"))


@mgmt_view(
    name="resetpassword",
    tab_condition=False,
    renderer=FORM,
    permission=NO_PERMISSION_REQUIRED,
)
def sdi_reset_request(context, request):
    return _to_forgotten_password(context, request)


@mgmt_view(
    context=IPasswordReset,
    name="",
    tab_condition=False,
    renderer=FORM,
    permission=NO_PERMISSION_REQUIRED,
)
def sdi_reset_link(context, request):
    return _to_forgotten_password(context, request)


class ChangePasswordSchema(Schema):
    current = colander.SchemaNode(
        colander.String(),
        title=_("Votre mot de passe actuel"),
        validator=colander.Length(max=MAX_FIELD),
        widget=deform.widget.PasswordWidget(redisplay=False),
    )
    password = colander.SchemaNode(
        colander.String(),
        title=_("Nouveau mot de passe du compte"),
        validator=passwords.validator,
        widget=deform.widget.CheckedPasswordWidget(redisplay=False),
    )


@mgmt_view(
    context=IUser,
    name="change_password",
    tab_title=_("Mot de passe"),
    permission=P.SDI_EDIT,
    renderer=FORM,
)
class ChangePasswordView(FormView):
    title = _("Changer le mot de passe du compte")
    schema = ChangePasswordSchema()
    buttons = (deform.Button("changer", _("Changer")),)

    def _flash(self, message, kind):
        self.request.sdiapi.flash(self.request.localizer.translate(message), kind)

    def changer_success(self, appstruct):
        request, user = self.request, self.context
        me = request.user
        attempt = Tentative(request, me.__name__)
        back = HTTPFound(request.sdiapi.mgmt_path(user, "@@change_password"))
        wait = attempt.wait()
        if wait:
            delay = request.localizer.translate(delay_text(wait))
            self._flash(
                _("Trop de tentatives : réessayez dans ${delai}.", mapping={"delai": delay}),
                "danger",
            )
            return back
        attempt.count()
        if not me.check_password(appstruct["current"]):
            self._flash(_("Mot de passe actuel incorrect."), "danger")
            return back
        attempt.succeed()
        user.set_password(appstruct["password"])
        if user is me:
            sessions.close_all(user, keep=request.authenticated_token)
            avis.mot_de_passe_modifie(request, user, avis.GESTION)
        else:
            # Chosen by somebody else: the person must change it at login.
            user.must_change_password = True
            sessions.close_all(user)
            avis.mot_de_passe_modifie(request, user, avis.PERSONNEL)
        self._flash(_("Mot de passe changé ; les sessions du compte sont terminées."), "success")
        return back


class AddUserSchema(principal_views.AddUserSchema):
    password = colander.SchemaNode(
        colander.String(),
        title=_("Mot de passe provisoire (à changer à la première connexion)"),
        validator=passwords.validator,
        widget=deform.widget.CheckedPasswordWidget(),
    )
    validator = passwords.without_login("name")


@mgmt_view(
    context=IUsers,
    name="add_user",
    permission=P.SDI_ADD_USER,
    renderer=FORM,
    tab_condition=False,
)
class AddUserView(principal_views.AddUserView):
    """SubstanceD's "Add User", under the password policy."""

    title = _("Ajouter un compte")
    schema = AddUserSchema()
    buttons = (deform.Button("add", _("Ajouter")),)


@mgmt_view(
    context=IUser,
    name="acces",
    tab_title=_("Accès"),
    permission=P.SDI_EDIT,
    renderer=FORM,
)
class AccesView(FormView):
    schema = Schema()

    def __init__(self, context, request):
        super().__init__(context, request)
        if getattr(context, "disabled", False):
            self.title = _("Compte désactivé : la personne ne peut plus se connecter.")
            self.buttons = (deform.Button("reactiver", _("Réactiver le compte")),)
        else:
            self.title = _("Compte actif.")
            self.buttons = (deform.Button("desactiver", _("Désactiver le compte")),)

    def _done(self, message):
        request = self.request
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(request.sdiapi.mgmt_path(self.context, "@@acces"))

    def desactiver_success(self, appstruct):
        if self.context is self.request.user:
            self.request.sdiapi.flash(
                self.request.localizer.translate(
                    _("Vous ne pouvez pas désactiver votre propre compte.")
                ),
                "danger",
            )
            return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@acces"))
        self.context.disabled = True
        sessions.close_all(self.context)
        return self._done(_("Compte désactivé ; toutes ses sessions sont terminées."))

    def reactiver_success(self, appstruct):
        self.context.disabled = False
        return self._done(_("Compte réactivé."))
