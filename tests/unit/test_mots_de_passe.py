"""Password hashes (portail_famille.mots_de_passe): Argon2id at OWASP's
parameters in production, the cheapest in the tests (tests/conftest.py),
bcrypt's hashes read, and SubstanceD's User hashing through them."""

import bcrypt
import pytest
from argon2 import extract_parameters
from substanced.principal import User

from portail_famille import mots_de_passe
from portail_famille.correctifs import substanced

from ..conftest import HACHAGE

PASSWORD = "Bonbons31400"


def test_production_hashes_with_argon2id_at_owasps_parameters_at_least():
    assert mots_de_passe.parametres({}) == (2, 19 * 1024, 1)
    hashed = mots_de_passe.Hacheur(*mots_de_passe.parametres({})).hacher(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    found = extract_parameters(hashed)
    # OWASP's password storage cheat sheet: m >= 19 MiB with t >= 2, p = 1
    assert found.memory_cost >= 19 * 1024 and found.time_cost >= 2
    assert found.hash_len == 32 and found.salt_len == 16


def test_the_settings_choose_the_parameters():
    settings = {
        "portail.argon2_temps": "3",
        "portail.argon2_memoire": "65536",
        "portail.argon2_parallelisme": "2",
    }
    assert mots_de_passe.parametres(settings) == (3, 65536, 2)
    assert mots_de_passe.parametres(HACHAGE) == (1, 8, 1)


def test_the_tests_accounts_are_argon2id_at_the_cheapest_and_check_as_production():
    user = User(PASSWORD)
    assert user.password.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert user.check_password(PASSWORD)
    assert not user.check_password("Bonbons31401")
    user.set_password("Autre2015pf")
    assert user.check_password("Autre2015pf")
    assert not user.check_password(PASSWORD)


def test_substanceds_user_hashes_and_checks_through_the_portal():
    assert User.hash_new_password is substanced.hash_new_password
    assert User.check_password is substanced.check_password
    with pytest.raises(ValueError):
        User(PASSWORD).check_password("x" * 4097)  # SubstanceD's guard kept


def test_a_bcrypt_hash_still_verifies_and_is_renewed_once():
    user = User()
    user.password = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4))
    assert user.check_password(PASSWORD)
    assert not user.check_password("Bonbons31401")
    assert mots_de_passe.decrire(user.password) == "bcrypt 4"
    assert mots_de_passe.renouveler(user, PASSWORD)
    assert user.password.startswith("$argon2id$")
    assert user.check_password(PASSWORD)
    assert not mots_de_passe.renouveler(user, PASSWORD)  # already current


def test_a_bcrypt_hash_stored_as_text_verifies_too():
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    assert mots_de_passe.verifier(hashed, PASSWORD)
    assert not mots_de_passe.verifier(hashed, "Bonbons31401")


def test_an_argon2_hash_of_other_parameters_verifies_and_is_renewed():
    ancien = mots_de_passe.Hacheur(2, 16, 1).hacher(PASSWORD)
    user = User()
    user.password = ancien
    assert user.check_password(PASSWORD)
    assert mots_de_passe.decrire(ancien) == "argon2id t=2 m=16 p=1"
    assert mots_de_passe.renouveler(user, PASSWORD)
    assert mots_de_passe.decrire(user.password) == "argon2id t=1 m=8 p=1"


def test_a_damaged_or_empty_hash_refuses_without_error():
    for hashed in ("$argon2id$v=19$m=8,t=1,p=1$abc", "", None, b"n'importe quoi"):
        assert not mots_de_passe.verifier(hashed, PASSWORD)


def test_the_unknown_logins_check_is_at_the_current_parameters():
    assert mots_de_passe.verifier_fictif(PASSWORD) is False
    assert mots_de_passe.decrire(mots_de_passe.hacheur().fictif) == "argon2id t=1 m=8 p=1"
