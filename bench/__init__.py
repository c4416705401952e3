"""`make bench`: page query counts, speed and memory on a large seeded organisation.

``python -m bench`` (see ``bench.run``) prepares two dedicated databases, a small
organisation and a large one, renders every page declared in ``bench.pages`` in
both through Django's test client, and fails when a page's number of SQL queries
grows with the data or a page misses its time or memory budget.
"""
