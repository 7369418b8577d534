"""Drafting a coding from a policy text: reader, splitter, classifier, rule layer (issue 11).

Nothing heavy is imported here; scikit-learn loads when a draft is made.
"""

from __future__ import annotations

from .core import Draft, draft
from .reader import read_policy_text

__all__ = ["Draft", "draft", "read_policy_text"]
