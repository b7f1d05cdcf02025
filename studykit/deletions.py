"""Which span of a claim a cloze card blanks out.

The claim's deletable spans (`cloze.deletable`, and not given away by the card's context)
are ranked by the deletion model's value of their features (`deletion_features`, weights
fitted by `training/train_deletions.py` on our labels of blanks: is it a term, name or
number a learner would want to recall?). Spans without features (a table row's cells, a
claim built by hand) keep the order the rules gave them.
"""

from __future__ import annotations

from studykit import cloze, ranker
from studykit.models import Claim


def deletable_targets(claim: Claim) -> list[str]:
    """The spans a cloze of the claim could blank, in the rules' order."""
    return [t for t in claim.cloze_targets if cloze.deletable(claim.sentence, t)
            and not cloze.given_away(t, claim.sentence, claim.context)]


def ranked_targets(claim: Claim, model: ranker.Model | None = None) -> list[str]:
    """The deletable spans, the one a cloze should blank first."""
    targets = deletable_targets(claim)
    if any(t not in claim.target_features for t in targets):
        return targets
    model = model or ranker.load_deletion()
    scored = [(model.value(claim.target_features[t]), -i, t) for i, t in enumerate(targets)]
    return [t for _, _, t in sorted(scored, reverse=True)]
