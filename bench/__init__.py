"""`make bench`: the app's speed on a large seeded organisation.

``python -m bench`` (see ``bench.run``) has three parts: page query counts, speed
and memory in a small and a large organisation (``bench.org``, ``bench.pages``);
the pages of issue 19 through gunicorn, each as a ratio to a bare page measured in
the same run (``bench.http``); generation and the reminder sweep against their
floors (``bench.floors``). ``bench.goals`` judges the ratios, ``bench.seeding``
times the seeding of a throwaway organisation.
"""
