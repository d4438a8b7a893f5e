"""The systemd units of etc/systemd as the tests read them: a unit's
settings, its command lines, and the console scripts setup.py declares."""

import re
import shlex
from pathlib import Path

RACINE = Path(__file__).parents[1]
SYSTEMD = RACINE / "etc" / "systemd"
INSTALLATION = "/srv/portail"
VENV = INSTALLATION + "/.venv"
EXEC = ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecReload")


def scripts_console():
    """{console script: "module:function"} of setup.py."""
    texte = (RACINE / "setup.py").read_text()
    return dict(re.findall(r'"(portail-famille-[a-z-]+) = ([a-z_.]+:[a-z_]+)"', texte))


def reglages(unite):
    """{key: [values]} of the unit file ``unite`` (every section)."""
    trouve = {}
    for ligne in Path(unite).read_text().splitlines():
        if not ligne or ligne.startswith(("#", "[")):
            continue
        cle, _, valeur = ligne.partition("=")
        trouve.setdefault(cle, []).append(valeur)
    return trouve


def commandes(unite):
    """The command lines of ``unite``'s Exec*= lines (split like a shell)."""
    lignes = []
    for cle, valeurs in reglages(unite).items():
        if cle in EXEC:
            lignes += [shlex.split(valeur.lstrip("-+!@:")) for valeur in valeurs]
    return lignes
