"""Which span of a claim a cloze card blanks out.

The claim's deletable spans (`cloze.deletable`, and not given away by the card's context)
are ranked by the deletion model's value of their features (`deletion_features`, weights
fitted by `training/train_deletions.py` on our labels of blanks: is it a term, name or
number a learner would want to recall?), the post's own topic last (`order`). The model
also reads the claim's own features (`span_features`): they cannot change which span of a
claim is best, but they say how good that best blank is (`best_blank`), which the
selection weighs. Spans without features (a table row's cells, a claim built by hand)
keep the order the rules gave them.
"""

from __future__ import annotations

from studykit import cloze, ranker
from studykit.models import Claim

BEST_BLANK = "best_blank"  # the claim feature `best_blank` fills
TOPIC_SHARE_FEATURE, MENTIONS_FEATURE = "del_topic_share", "del_mentions"  # `deletion_features.in_post` fills them
TOPIC_SHARE = 0.9  # the topic: said 90% as often as the most-said term, and `deletion_features.MAX_MENTIONS` times


def order(values: list[float], features: list[ranker.Features]) -> list[int]:
    """The spans' indices (their values, their `deletion_features`), the one to blank first: by value, the post's
    topic only when nothing else can be blanked (readers throw 'Policy Gradients' away in a post on them)."""
    topic = [f.get(TOPIC_SHARE_FEATURE, 0.0) >= TOPIC_SHARE and f.get(MENTIONS_FEATURE, 0.0) >= 1.0 for f in features]
    return sorted(range(len(values)), key=lambda i: (topic[i], -values[i], i))


def deletable_targets(claim: Claim) -> list[str]:
    """The spans a cloze of the claim could blank, in the rules' order."""
    return [t for t in claim.cloze_targets if cloze.deletable(claim.sentence, t)
            and not cloze.given_away(t, claim.sentence, claim.context)]


def span_features(claim: Claim, target: str) -> ranker.Features:
    """What the deletion model reads of blanking `target`: the claim's features (not the
    value they feed back into) and the span's own."""
    return {name: x for name, x in claim.features.items() if name != BEST_BLANK} | claim.target_features[target]


def best_blank(claim: Claim, model: ranker.Model | None = None) -> float | None:
    """The probability that the claim's best blank is worth recalling; None when the claim
    has no span to blank, or spans without features (then the rules' order picks the blank).

    The same as the model's probability of `span_features` for the span `order` puts first,
    computed as the claim's part once plus that span's part (the two share no feature name)."""
    spans = deletable_targets(claim)
    if not spans or any(t not in claim.target_features for t in spans):
        return None
    model = model or ranker.load_deletion()
    # the model has no weight for best_blank itself (span_features leaves it out)
    claim_part = model.value(claim.features) - model.weights.get(BEST_BLANK, 0.0) * claim.features.get(BEST_BLANK, 0.0)
    parts = [model.value(claim.target_features[t]) - model.bias for t in spans]
    return round(ranker.logistic(claim_part + parts[order(parts, [claim.target_features[t] for t in spans])[0]]), 3)


def ranked_targets(claim: Claim, model: ranker.Model | None = None) -> list[str]:
    """The deletable spans, the one a cloze should blank first."""
    targets = deletable_targets(claim)
    if any(t not in claim.target_features for t in targets):
        return targets
    model = model or ranker.load_deletion()
    # the claim's own features add the same to every span: the span's part alone orders them
    values = [model.value(claim.target_features[t]) for t in targets]
    return [targets[i] for i in order(values, [claim.target_features[t] for t in targets])]
