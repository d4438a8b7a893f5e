"""Browser tests (a package, so that this directory's conftest.py and test
modules do not shadow tests/conftest.py or other test modules of the same
name under pytest's default "prepend" import mode)."""
