"""Mails that tell a parent what changed on her accounts (issue 21, "Told
what changed"): her password changed (padlock, reset link, activation link
used again, or staff), and a parent account was added to her family (by
the other parent's invitation or by staff).

They say when (Europe/Paris), how, and what to do if it was not her; never
a password.  Each goes in the transaction (``courriels.send``): nothing is
sent when the change itself is not committed.  An account without an
email gets none (a letter made it, it never gave one).

The addition of an account is written to the site's journal, with the
login of whoever made it (a parent or an agent) and the new account's; the
family's other accounts are told when it is activated (its first password
chosen), as from then on it reaches the family.
"""

from .. import courriels, dates, journal
from ..adresses import url_absolue
from ..i18n import _
from ..security import login as login_de

# How a password changed (the mail's words).
CADENAS = "cadenas"
LIEN_REINITIALISATION = "reinitialisation"
LIEN_ACTIVATION = "activation"
PERSONNEL = "personnel"
GESTION = "gestion"
MANIERES = {
    CADENAS: _("depuis la page « Changer mon mot de passe » (le cadenas)"),
    LIEN_REINITIALISATION: _("avec un lien de réinitialisation envoyé par email"),
    LIEN_ACTIVATION: _("avec un lien d'activation"),
    PERSONNEL: _(
        "par le service enfance jeunesse (vous choisirez le vôtre à votre prochaine connexion)"
    ),
    GESTION: _("depuis l'onglet « Mot de passe » de l'interface de gestion"),
}

# The journal's actions (``journal.nommer_actions`` in the includeme).
COMPTE_AJOUTE = "CompteParentAjoute"
INVITATION_ENVOYEE = "InvitationParentEnvoyee"
ACTIONS = {
    COMPTE_AJOUTE: _("Compte parent ajouté à une famille"),
    INVITATION_ENVOYEE: _("Invitation d'un parent envoyée"),
}


def _quand():
    return dates.moment_a(dates.horodatage())


def mot_de_passe_modifie(request, user, maniere):
    """Mail ``user`` that her password has just changed, ``maniere`` (one
    of ``MANIERES``)."""
    if not getattr(user, "email", None):
        return
    courriels.send(
        request,
        "mot_de_passe_modifie",
        [user.email],
        login=user.__name__,
        quand=_quand(),
        maniere=request.localizer.translate(MANIERES[maniere]),
        oubli=url_absolue(request, request.root, "mot-de-passe-oublie"),
    )


def compte_ajoute(request, famille, user):
    """The account ``user`` was just linked to ``famille`` (no password
    yet): journaled with who made it, remembered for the mail below."""
    par = login_de(request)
    user._portail_ajoute_par = par
    journal.noter(
        request,
        COMPTE_AJOUTE,
        famille,
        famille=famille,
        details={"compte": user.__name__},
    )


def compte_active(request, famille, user):
    """``user`` chose her first password: from now on she reaches
    ``famille``.  Its other accounts are told by mail (then, not when the
    account was made: until now nobody could use it, and the two accounts
    "Nouvelle famille" makes at once need not tell each other)."""
    par = getattr(user, "_portail_ajoute_par", None)
    if par is not None and any(p.__name__ == par for p in famille.parents()):
        qui = _("à l'invitation de « ${login} »", mapping={"login": par})
    else:
        qui = _("par le service enfance jeunesse")
    qui = request.localizer.translate(qui)
    # Accounts not activated yet are not told: nobody reads them.
    autres = [
        p for p in famille.parents() if p is not user and getattr(p, "email", None) and p.password
    ]
    for parent in autres:
        courriels.send(
            request,
            "compte_parent_ajoute",
            [parent.email],
            login=parent.__name__,
            nouveau=user.__name__,
            numero=famille.numero,
            quand=_quand(),
            qui=qui,
        )
