"""The terminal review UI (Textual): `studykit review`.

`app.StudykitApp` is the app; one module per screen beside it (home, review, summary,
browse, stats, settings, and the edit, source, export and help modals), one stylesheet
(`studykit.tcss`). `render` and `charts` turn cards and numbers into Rich `Text`.
"""

from studykit.tui.app import StudykitApp

__all__ = ["StudykitApp"]
