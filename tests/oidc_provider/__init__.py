"""A real OpenID Connect provider for the login tests (django-oauth-toolkit on loopback).

It is its own Django project, run by the tests in a subprocess with its own settings
and SQLite file; it plays a kommune's Entra ID tenant.
"""
