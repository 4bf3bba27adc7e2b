"""Personal-data protection under UU 27/2022 (UU PDP): the inventory, the processing register,
the access log, data-subject requests, breaches, retention and consent.

This app sits at the foundation next to ``core`` and imports no domain app. Apps contribute by
declaration: each has a ``personal_data.py`` module (autodiscovered at start-up) that declares
its personal-data fields with :func:`melayani.privacy.inventory.declare` — class of data,
purpose, lawful basis, masking, retention, how to find one person's rows — and may register a
verifier of citizens' codes. The format, with an example, is in ``README.md`` next to this file.
"""
