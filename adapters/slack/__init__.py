"""factbot in Slack: Socket Mode with an app token, else HTTP mode at `POST /slack/events`.

A question's path, top to bottom: `adapter` (the connection) → `listeners`
(acknowledge, read the payload with `translate`) → `answering` (the desk,
progress, the report or the error) → `render` (Block Kit) → `reply` (post,
then update in place). `controls` names the buttons, `mrkdwn` and
`blockkit` are the text and block helpers.
"""

from adapters.slack.adapter import EVENTS_PATH, SlackAdapter

__all__ = ["EVENTS_PATH", "SlackAdapter"]
