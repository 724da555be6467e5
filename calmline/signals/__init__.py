"""DETECT: read customer messages into signals with evidence.

``base`` defines the detector interface, ``detectors`` the built-in detectors,
``reader`` runs them with the shipped models, ``state`` tracks a conversation.
"""
