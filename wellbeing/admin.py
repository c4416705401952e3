"""Deliberately empty.

Check-ins and wellbeing notes are confidential to the people they belong to, so
neither model is registered: the admin site must not be a side door to them
(tested in wellbeing/tests/test_admin.py). Retention and "delete all" cover the
housekeeping an administrator would otherwise do here.
"""
