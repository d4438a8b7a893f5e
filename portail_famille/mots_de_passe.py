"""Password hashes: Argon2id (argon2-cffi), bcrypt's still read.

Every account (parents and staff: SubstanceD's ``User``, whose
``hash_new_password`` and ``check_password`` are replaced by ``hacher``
and ``verifier_compte``, see ``correctifs.substanced.mots_de_passe_argon2``)
gets an Argon2id hash, at OWASP's first setting by default: 19 MiB of
memory, 2 passes, 1 lane (``MEMOIRE``, ``TEMPS``, ``PARALLELISME``;
settings ``portail.argon2_memoire`` in KiB, ``portail.argon2_temps``,
``portail.argon2_parallelisme``: the tests set the cheapest).  About 28 ms
of CPU a check, where bcrypt's 12 rounds cost 220 ms (bench/connexion.py).

A hash made before (bcrypt, ``$2b$``) or at other parameters still
verifies; ``renouveler`` hashes the password again at the current
parameters after a successful login, in that login's transaction.  An
unknown login checks the password against a hash of the same parameters
(``verifier_fictif``): both answers cost the same.

The parameters are the process's (SubstanceD's ``User`` hashes without a
request): ``configurer`` sets them from the application's settings when it
starts.
"""

import bcrypt
from argon2 import PasswordHasher, Type, exceptions, extract_parameters

MEMOIRE = 19 * 1024  # KiB: OWASP's password storage cheat sheet, m = 19 MiB
TEMPS = 2  # passes (t)
PARALLELISME = 1  # lanes (p)
# Longest password checked, as SubstanceD's check_password (bytes of UTF-8).
LONGUEUR_MAX = 4096

ARGON2ID = "$argon2id$"
BCRYPT = ("$2a$", "$2b$", "$2y$")


class Hacheur:
    """Argon2id at (``temps``, ``memoire`` KiB, ``parallelisme``)."""

    def __init__(self, temps=TEMPS, memoire=MEMOIRE, parallelisme=PARALLELISME):
        self.argon2 = PasswordHasher(
            time_cost=temps,
            memory_cost=memoire,
            parallelism=parallelisme,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self.parametres = (temps, memoire, parallelisme)
        # What an unknown login is checked against: the same cost.
        self.fictif = self.argon2.hash("portail-famille")

    def hacher(self, password):
        return self.argon2.hash(_octets(password))

    def verifier(self, hashed, password):
        """True when ``password`` is the one ``hashed`` (Argon2 or bcrypt)."""
        password = _octets(password)
        hashed = _texte(hashed)
        if hashed.startswith(BCRYPT):
            return bcrypt.checkpw(password, hashed.encode("ascii"))
        try:
            return self.argon2.verify(hashed, password)
        except (exceptions.VerificationError, exceptions.InvalidHashError):
            return False

    def a_renouveler(self, hashed):
        """True for a hash that is not Argon2id at these parameters."""
        hashed = _texte(hashed)
        if not hashed.startswith(ARGON2ID):
            return True
        try:
            return self.argon2.check_needs_rehash(hashed)
        except exceptions.InvalidHashError:
            return True


def _octets(password):
    return password.encode("utf-8") if isinstance(password, str) else password


def _texte(hashed):
    if isinstance(hashed, bytes):
        return hashed.decode("ascii", "replace")
    return hashed or ""


_hacheur = None


def hacheur():
    """The process's hasher (OWASP's parameters until ``configurer``)."""
    global _hacheur
    if _hacheur is None:
        _hacheur = Hacheur()
    return _hacheur


def parametres(settings):
    """(t, m KiB, p) from the settings, OWASP's by default."""
    return (
        int(settings.get("portail.argon2_temps") or TEMPS),
        int(settings.get("portail.argon2_memoire") or MEMOIRE),
        int(settings.get("portail.argon2_parallelisme") or PARALLELISME),
    )


def configurer(settings):
    """Hash at the parameters of ``settings`` from now on (the process's)."""
    global _hacheur
    voulus = parametres(settings)
    if _hacheur is None or _hacheur.parametres != voulus:
        _hacheur = Hacheur(*voulus)
    return _hacheur


def hacher(password):
    """``User.hash_new_password``: Argon2id, a str ('$argon2id$v=19$...')."""
    return hacheur().hacher(password)


def verifier(hashed, password):
    """True when ``password`` matches ``hashed`` (any hash this module
    reads); every check of the portal goes through here."""
    return hacheur().verifier(hashed, password)


def verifier_fictif(password):
    """The check of an unknown login: the same work as a real one (an
    Argon2id hash of the current parameters), always False."""
    verifier(hacheur().fictif, password)
    return False


def verifier_compte(user, password):
    """``User.check_password``: SubstanceD's guard against long passwords
    (ValueError), then ``verifier``."""
    if len(password) > LONGUEUR_MAX:
        raise ValueError("Not checking password > %d bytes" % LONGUEUR_MAX)
    return verifier(user.password, password)


def renouveler(user, password):
    """After a successful check of ``password``: the account's hash made
    again at the current parameters when it is bcrypt or older ones.
    True when it changed."""
    if not hacheur().a_renouveler(user.password):
        return False
    user.password = hacher(password)
    return True


def decrire(hashed):
    """'argon2id t=2 m=19456 p=1', 'bcrypt 12': what a hash is (benches)."""
    hashed = _texte(hashed)
    if hashed.startswith(BCRYPT):
        return "bcrypt %d" % int(hashed[4:6])
    found = extract_parameters(hashed)
    return "argon2%s t=%d m=%d p=%d" % (
        found.type.name.lower(),
        found.time_cost,
        found.memory_cost,
        found.parallelism,
    )
