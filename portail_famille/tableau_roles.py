"""The README's table of what each staff role may do in the management
interface, made from the role table (``security.ROLE_TABLE``), so that the
two never disagree.

    python -m portail_famille.tableau_roles README.md

rewrites the table between its two markers in README.md (without an
argument: prints it); ``tests/unit/test_tableau_roles.py`` fails while the
README's table is not the one this module makes.
"""

import sys

from .security import (
    FAMILLE_PERMISSIONS,
    GROUPE_ADMINS,
    GROUPE_AGENTS,
    GROUPE_EDITEURS,
    GROUPE_REGISSEURS,
    PUBLIC_ACL,
    ROLE_TABLE,
    P,
    Permission,
)

DEBUT = "<!-- tableau des rôles : python -m portail_famille.tableau_roles README.md -->"
FIN = "<!-- fin du tableau des rôles -->"

COLONNES = (GROUPE_AGENTS, GROUPE_REGISSEURS, GROUPE_EDITEURS, GROUPE_ADMINS)
PARTOUT = "everywhere"
RIEN = "—"

# What each permission opens, in the table's order (a permission without a
# line here comes last and shows its id).
DESCRIPTIONS = {
    P.SDI_VIEW: "open `/manage` and the objects' tabs",
    P.TABLEAU_VOIR: "land on the dashboard of the day (`/manage/@@tableau`)",
    P.SDI_EDIT: "edit an object's properties",
    P.SDI_ADD: "add content",
    P.SDI_MANAGE_CONTENTS: "use a folder's contents tab",
    P.FAMILLE_VOIR: "read a family's record",
    P.FAMILLE_RECHERCHER: "search the families by name, number, email or phone",
    P.FAMILLE_MODIFIER: "change a family's record, enrolments and parent accounts",
    P.SANTE_VOIR: "read children's health data (allergies, PAI, diet, doctor)",
    P.SANTE_MODIFIER: "change children's health data directly, with a reason (journaled)",
    P.FAMILLE_IBAN_VOIR: "read a family's full bank details",
    P.DEMANDES_VOIR: "open the requests' queue",
    P.DEMANDE_TRAITER_COMPTE: "accept or refuse the requests about a family's record",
    P.DEMANDE_TRAITER_FINANCES: "accept or refuse the requests about money (bank, CAF, tax)",
    P.PLANNING_TRAITER: "accept or refuse reservations and absences",
    P.PLANNING_VOIR: "see the children expected on a day",
    P.PLANNING_POINTER: "record attendance (pointage)",
    P.STATISTIQUES_VOIR: "read and export the CAF's statistics (hours, children per day)",
    P.INSCRIPTION_OUVRIR: "open an activity for online enrolment (dates, places, documents)",
    P.MESSAGERIE_TRAITER: "read and answer families' messages; group messages",
    P.TRAVAUX_SUIVRE: "follow the long jobs queued for the workers (tab Travaux longs)",
    P.FACTURE_VOIR: "read invoices, credit notes, payments and their PDFs",
    P.FACTURATION_GERER: (
        "bill, set tariffs, record payments and credit notes, cancel payments, refund credit"
    ),
    P.MANDAT_REVOQUER: "revoke a family's SEPA mandate, with a reason (journaled)",
    P.CAISSE_VOIR: "read the régie's cash journal, deposit slips and monthly summary",
    P.CAISSE_GERER: "make the deposit slips of cheques and cash",
    P.PES_VOIR: "see the invoices due to the Trésor public (PES V2) and the files sent",
    P.PES_GERER: "send unpaid invoices to the Trésor public (a PES V2 file)",
    P.IMPAYES_VOIR: "read and export the unpaid invoices across families",
    P.RELANCES_ENVOYER: "send the reminders of unpaid invoices",
    P.PRELEVEMENT_LOT_VOIR: "read the direct-debit batches (tab Prélèvements) and their files",
    P.PRELEVEMENT_LOT_GERER: "build direct-debit batches, mark them sent or done, record rejects",
    P.DOCUMENT_VOIR: "read every document, whatever its audience",
    P.ACTUALITE_PUBLIER: "publish and archive news",
    P.JOURNAL_VOIR: "read the journal of staff actions",
    P.AUDIT_VOIR: "read the RGPD audit (root tab Audit RGPD)",
    P.COMMUNE_MODIFIER: "set the town's name, logo, contacts and public pages (root tab Commune)",
    # A parent's, on his own family.
    P.DEMANDE_CREER: "send requests",
    P.FACTURE_PAYER: "pay invoices online",
    P.MESSAGE_ECRIRE: "write to the service",
    P.FAMILLE_DONNEES_TELECHARGER: "download Mes données",
    P.RAPPELS_MODIFIER: "choose its reminders by mail and SMS (Mes rappels)",
    P.FAMILLE_COMPTE_INVITER: "invite the other responsable to an account of her own",
}


def _lieux(groupe, permission):
    """Where ``groupe`` holds ``permission``: 'everywhere', '/familles, ...'
    or '—'."""
    if groupe == GROUPE_ADMINS:
        return PARTOUT
    lieux = [lieu for lieu, perms in ROLE_TABLE.get(groupe, {}).items() if permission in perms]
    if "" in lieux:
        return PARTOUT
    return ", ".join("`/%s`" % lieu for lieu in lieux) or RIEN


def lignes():
    """The permissions of the table: those the role table grants, and those
    of administrators only (neither public nor a parent's)."""
    accordees = {p for places in ROLE_TABLE.values() for perms in places.values() for p in perms}
    publiques = {permission for _allow, _who, permission in PUBLIC_ACL}
    ordre = [*DESCRIPTIONS, *(p for p in Permission if p not in DESCRIPTIONS)]
    return [
        p for p in ordre if p in accordees or (p not in publiques and p not in FAMILLE_PERMISSIONS)
    ]


def tableau():
    """The markdown table, between its markers, then the parents' line."""
    texte = [DEBUT, "", "| may | " + " | ".join("`%s`" % g for g in COLONNES) + " |"]
    texte.append("|---|" + "---|" * len(COLONNES))
    for permission in lignes():
        description = DESCRIPTIONS.get(permission, "`%s`" % permission.value)
        cellules = [_lieux(groupe, permission) for groupe in COLONNES]
        texte.append("| %s | %s |" % (description, " | ".join(cellules)))
    texte.append("")
    parents = "; ".join(DESCRIPTIONS.get(p, "`%s`" % p.value) for p in FAMILLE_PERMISSIONS)
    texte.append("A parent may, on his own family only: %s." % parents)
    texte += ["", FIN]
    return "\n".join(texte)


def dans_le_readme(readme):
    """The table found between the markers of ``readme`` (text), or None."""
    debut, fin = readme.find(DEBUT), readme.find(FIN)
    if debut < 0 or fin < debut:
        return None
    return readme[debut : fin + len(FIN)]


def mettre_a_jour(readme):
    """``readme`` (text) with its table replaced by the current one."""
    ancien = dans_le_readme(readme)
    if ancien is None:
        raise ValueError("no role table markers (%s ... %s) in the README" % (DEBUT, FIN))
    return readme.replace(ancien, tableau())


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if len(argv) < 2:
        print(tableau())
        return 0
    with open(argv[1], encoding="utf-8") as fp:
        ancien = fp.read()
    nouveau = mettre_a_jour(ancien)
    if nouveau != ancien:
        with open(argv[1], "w", encoding="utf-8") as fp:
            fp.write(nouveau)
    return 0


if __name__ == "__main__":
    sys.exit(main())
