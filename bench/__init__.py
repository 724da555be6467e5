"""Calmline benchmark: quality on data Calmline never trained on, and speed on one core.

    python -m bench.run [--quick] [--data ../shared/data] [--out bench/out/results.json]

See ``bench/README.md``.  Not part of the installed package: it needs the ``bench``
extra (``vaderSentiment``, ``alt-profanity-check``, ``scikit-learn``).
"""
