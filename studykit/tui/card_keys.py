"""The keys every screen showing one card offers (the review and browse screens): edit the
card's text, see its source. Each screen implements `action_edit` and `action_source`."""

from __future__ import annotations

from textual.binding import Binding

CARD_BINDINGS = [
    Binding("e", "edit", "Edit"),
    Binding("o", "source", "Source"),
]
