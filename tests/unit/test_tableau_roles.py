"""The README's table of what each role may do is the one the role table
makes (portail_famille.tableau_roles): it fails as soon as they disagree."""

from pathlib import Path

from portail_famille import security, tableau_roles
from portail_famille.security import GROUPE_EDITEURS, P

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_role_table():
    dans_le_readme = tableau_roles.dans_le_readme(README.read_text(encoding="utf-8"))
    assert dans_le_readme is not None, "no role table in README.md's Access control"
    assert dans_le_readme == tableau_roles.tableau(), (
        "README.md's role table is not security.ROLE_TABLE's: run "
        "`python -m portail_famille.tableau_roles README.md`"
    )


def _ligne(texte, description):
    (ligne,) = [x for x in texte.splitlines() if x.startswith("| %s |" % description)]
    return [cellule.strip() for cellule in ligne.strip("|").split("|")]


def test_the_table_follows_the_role_table(monkeypatch):
    sante = tableau_roles.DESCRIPTIONS[P.SANTE_VOIR]
    avant = tableau_roles.tableau()
    assert _ligne(avant, sante) == [sante, "`/familles`", "—", "—", "everywhere"]
    # Editors given health data on the structures: the table says so.
    table = {g: dict(places) for g, places in security.ROLE_TABLE.items()}
    table[GROUPE_EDITEURS]["structures"] = (P.SANTE_VOIR,)
    monkeypatch.setattr(tableau_roles, "ROLE_TABLE", table)
    apres = tableau_roles.tableau()
    assert _ligne(apres, sante) == [sante, "`/familles`", "—", "`/structures`", "everywhere"]
    # And the README, rewritten, holds the new table.
    readme = tableau_roles.mettre_a_jour(README.read_text(encoding="utf-8"))
    assert tableau_roles.dans_le_readme(readme) == apres != avant
