"""A caption that follows every pen move lays its text out at a readable pace: the first
text at once, a burst at most once per interval, and the last text of a burst always."""

from __future__ import annotations

from digitpad.ui.widgets import Caption


def laid_out(caption: Caption) -> str:
    return caption._document.toPlainText()


def test_a_burst_of_texts_shows_the_first_at_once_and_the_last_soon_after(qtbot):
    caption = Caption(height=40)
    qtbot.addWidget(caption)
    caption.setText("<b>one</b>")
    assert laid_out(caption) == "one" and caption.text() == "<b>one</b>"

    for word in ("two", "three", "four"):  # faster than the interval: one move each
        caption.setText(f"<b>{word}</b>")
    assert caption.text() == "<b>four</b>"  # what was asked for last
    assert laid_out(caption) == "one"  # not laid out three times in a row
    qtbot.waitUntil(lambda: laid_out(caption) == "four", timeout=2 * Caption.INTERVAL_MS + 500)


def test_going_back_to_the_text_shown_cancels_the_pending_one(qtbot):
    caption = Caption(height=40)
    qtbot.addWidget(caption)
    caption.setText("same")
    caption.setText("other")
    caption.setText("same")
    qtbot.wait(2 * Caption.INTERVAL_MS)
    assert laid_out(caption) == "same" and caption.text() == "same"


def test_after_a_pause_a_new_text_shows_at_once(qtbot):
    caption = Caption(height=40)
    qtbot.addWidget(caption)
    caption.setText("first")
    qtbot.wait(Caption.INTERVAL_MS + 20)
    caption.setText("second")
    assert laid_out(caption) == "second"
