"""Small, fast linear text models shipped with Calmline (numpy-only runtime).

>>> from calmline.models import load_model
>>> m = load_model("emotion")
>>> m.predict_proba(["thanks, that fixed it"]).shape
(1, 7)
"""

from calmline.models._features import FEATURIZER_VERSION, feature_strings, tokenize
from calmline.models._linear import LinearModel, load_model

__all__ = ["FEATURIZER_VERSION", "LinearModel", "feature_strings", "load_model", "tokenize"]
