"""Security suite: each area keeps its fixtures in its own `<area>_support.py` module.

Tests here reproduce an attack against the real services and fail on the defect they name.
"""
