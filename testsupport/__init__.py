"""Test-only support code of Zona: nothing here is imported by the application.

- `testsupport.fixtures`: pytest fixtures shared by the tests of several apps, declared as a
  plugin in the root conftest.py (so no test imports another app's conftest).
- `testsupport.fabbriche`: small factories of registry, knowledge-base and plan objects.
- `testsupport.rotte`: the sample URL arguments (`ESEMPI`) of the tests that request every route.
- `testsupport.ostile`: hostile text written into every free-text field, and its detection.
"""
