"""The GPU test suite (see conftest.py). A package, so that its conftest does not shadow the
``conftest`` module of tests/ that every test file imports from."""
