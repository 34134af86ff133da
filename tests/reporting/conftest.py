"""The reporting tests share the executed year of tests/conftest.py."""
