"""Upstream fixes: every change the portal makes to its libraries' own code
(a monkey-patch), in one place, applied at start by ``installer()``.

One function per fix, in one module per upstream project; its docstring
says what upstream does wrong, what it did to us (the figure or the bug
seen), and where upstream's code is (project, pinned version, file and
function, an upstream issue when one was found).  ``AMONT`` fingerprints
the upstream code each fix was written against: tests/unit/
test_correctifs.py fails the day an upgrade changes it, so that somebody
checks whether the fix still fits, or can go.

- ``chameleon.compilation_une_a_la_fois``: Chameleon's ``BaseTemplate._cook``
- ``chameleon.ast_parse_un_a_la_fois``: CPython's ``ast.parse``
- ``chameleon.copie_de_scope_rapide``: Chameleon's ``Scope.copy``
- ``substanced.minuteurs_sans_statsd``: ``substanced.stats.donothing``
- ``substanced.json_de_grille_sans_balise``: ``JsonDict.__str__``
- ``substanced.noms_selon_la_regle``: ``Folder.validate_name``, ``check_name``
- ``substanced.grille_echappee``: ``FolderContents.get_default_columns``,
  ``_folder_contents``
- ``substanced.flash_echappe``: ``sdiapi.flash``
- ``substanced.annuler_sans_comptable``: ``UndoViews._undoable_transactions``,
  ``undo_multiple``, ``undo_recent``, ``sdiapi.get_flash_with_undo_snippet``
- ``substanced.mots_de_passe_argon2``: ``User.hash_new_password``,
  ``User.check_password``
- ``onglets.onglets_sans_chemins_inutiles``: ``substanced.sdi.sdi_mgmt_views``
  (and its copies: ``sdiapi``'s, ``ManagementViews``', the folder views')
- ``zeo.oids_oublies_a_la_reconnexion``: ``ClientStorage.notify_connected``
- ``requetes.extensions_en_classe_partagee``: Pyramid's
  ``apply_request_extensions`` (and its copies in the router and scripting)

Overrides elsewhere (not monkey-patches: a subclass given through
configuration, a view registered under SubstanceD's own name, a
subscriber, a setting; each stays in its domain; ``AILLEURS`` fingerprints
the upstream code those that lean on upstream internals were written
against):

- ``courriels.EnvoiTransactionnel`` (through ``courriels.Mailer``):
  repoze.sendmail 4.5's ``MailDataManager.abort`` raises ``TPC_InProgress``
  when a commit fails at its vote (https://github.com/repoze/repoze.sendmail/
  issues/31, open fix https://github.com/repoze/repoze.sendmail/pull/35).
- ``stockage.sans_transaction_fantome`` (before each retry): pyramid_tm 2.6
  leaves ``tm.active`` in the environ when beginning the transaction fails
  (none found upstream).
- ``corps_multipart.analyser`` (the limits tween): WebOb 1.8.11 reads a
  multipart body line by line through ``cgi``; the form read by
  python-multipart is given to WebOb as its parsed form
  (``webob._parsed_post_vars``).
- ``sdi.subscribers``: SubstanceD's CSRF tokens (the Undo link's query
  string, deform's ``_csrf_token_``) moved to the header Pyramid 1.10's
  ``check_csrf_token`` reads; the transaction's user set after traversal
  (``tm.annotate_user = false``).
- ``stockage.marquer_deconnexions``, ``stockage.creer_application``:
  psycopg2's disconnections retryable; SubstanceD's start retried when it
  conflicts.
- Views registered under SubstanceD's names: ``sdi.fichiers`` (File add,
  upload, view), ``sdi.contenu`` (the contents tab), ``sdi.garde``,
  ``comptes.sdi.connexion`` (password screens, Add User); ``catalogue_systeme``
  (the system catalog's text index); ``comptes.auth.PortailUserLocator``;
  ``comptes.flashes`` (Pyramid's cookie session, bounded); ``sdi.flux``
  (the contents grid's ``auditstream-sse``: an empty stream).
- Templates and scripts of SubstanceD replaced by the portal's copy
  (``override_asset``):
  ``GABARITS`` fingerprints the upstream file each copy was made from.
- ``locale/fr/LC_MESSAGES/substanced.po``: SubstanceD's French catalog
  corrected (plural markers "one:"/"other:") and completed;
  ``deform.po``: deform's ("Time"); ``outils``: the administrator's forms
  of SubstanceD (add a lock, a group; search a catalog) in French.
"""

from . import chameleon, onglets, outils, requetes, substanced, zeo
from .amont import Amont

CORRECTIFS = (
    chameleon.compilation_une_a_la_fois,
    chameleon.ast_parse_un_a_la_fois,
    chameleon.copie_de_scope_rapide,
    substanced.minuteurs_sans_statsd,
    substanced.json_de_grille_sans_balise,
    substanced.noms_selon_la_regle,
    substanced.grille_echappee,
    substanced.flash_echappe,
    substanced.annuler_sans_comptable,
    substanced.proprietes_en_francais,
    outils.outils_en_francais,
    substanced.mots_de_passe_argon2,
    onglets.onglets_sans_chemins_inutiles,
    zeo.oids_oublies_a_la_reconnexion,
    requetes.extensions_en_classe_partagee,
)

AMONT = (
    chameleon.AMONT + substanced.AMONT + outils.AMONT + onglets.AMONT + zeo.AMONT + requetes.AMONT
)

AILLEURS = (
    Amont(
        "repoze.sendmail.delivery:MailDataManager.abort",
        "repoze.sendmail",
        "4.5",
        "500ba27e0cd98683",
    ),
    Amont("pyramid_tm:tm_tween_factory", "pyramid_tm", "2.6", "e829c0707b8f2d9d"),
    Amont("webob.request:BaseRequest.POST.fget", "WebOb", "1.8.11", "41002b0c2cf3f4af"),
    Amont("pyramid.csrf:check_csrf_token", "pyramid", "1.10.8", "39e136edad28e735"),
)

# SubstanceD's templates the portal replaces with a copy: the asset, and
# the sha256 (first 16 hex digits) of upstream's file the copy was made from.
GABARITS = {
    # sdi/templates/master.pt: lang, no English alt or tooltip (issue 18)
    "substanced.sdi.views:templates/master.pt": ("substanced", "1.0b1", "9126126ba60b5193"),
    # sdi/static/folder.js (a static file): the grid's messages in French
    "substanced.folder:static/js/folder.js": ("substanced", "1.0b1", "32e6b0679cbb8df0"),
    # folder/templates/multiupload.pt and its script: the Upload tab in French
    "substanced.folder:templates/multiupload.pt": ("substanced", "1.0b1", "55ce99f1ca22bde4"),
    "substanced.folder:static/js/multiupload.js": ("substanced", "1.0b1", "962bb34e07544de0"),
    # folder/static/js/slickgrid-config.js: the grid's dates in French
    "substanced.folder:static/js/slickgrid-config.js": ("substanced", "1.0b1", "30a6b3eaf6e67dca"),
}


def installer():
    """Apply every fix; again, nothing changes.

    Called first by ``portail_famille.main`` (before the storage is opened:
    a ZEO client is patched before it connects) and by ``includeme`` (the
    tests build the application without ``main``): before SubstanceD's
    include and the scans, so no template is compiled, no object named and
    no SDI page drawn before."""
    for correctif in CORRECTIFS:
        correctif()
