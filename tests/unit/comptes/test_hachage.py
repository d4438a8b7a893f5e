"""The cost of the password hashes: bcrypt's 12 rounds in production
(SubstanceD's User), 4 in the tests (tests/conftest.py)."""

import bcrypt
from substanced.principal import User

from ...conftest import HACHAGE


def test_production_hashes_passwords_at_bcrypt_cost_12():
    hashed = HACHAGE.__func__("Bonbons31400")
    assert hashed.startswith(b"$2b$12$")
    assert bcrypt.checkpw(b"Bonbons31400", hashed)


def test_the_tests_hash_at_cost_4_and_check_as_production_does():
    user = User("Bonbons31400")
    assert user.password.startswith(b"$2b$04$")
    assert user.check_password("Bonbons31400")
    assert not user.check_password("Bonbons31401")
