from programmazione.tests.conftest import approvato, bozza, utente  # noqa: F401  (shared fixtures)
