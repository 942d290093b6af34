"""The layer that imports no app: pieces every app uses (tabular files, text normalisation,
optimistic locking, cache, downloads, form helpers, Italian formatting). Modules here may import
Django and third-party libraries, never `territorio`, `accounts` or any other app of Zona:
zona/tests/test_architettura.py holds the order."""
