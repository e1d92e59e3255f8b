"""factbot on Discord: `/factcheck`, mentions, DMs and a message context menu, answered with a
Components V2 report whose buttons keep working after restarts.

A question's path, top to bottom: `adapter` (the gateway) → `client` (events
and the command tree) → `listeners` (acknowledge; `translate` reads a
message) → `answering` (the desk, then the report or the words) → `render`
(the report as a `LayoutView`; `section_reader` for one section) → `reply`
(defer, progress, the report in place). Each component (`*_button`,
`section_picker`) sits in its own module; `components` builds their ids.

`DiscordAdapter` is what `factbot run discord` starts; `sync_commands` is
`factbot discord sync [--guild ID]`; `render_answer` is the pure renderer.
"""

from adapters.discord.adapter import DiscordAdapter, sync_commands, use_api_url
from adapters.discord.render import render_answer

__all__ = ["DiscordAdapter", "render_answer", "sync_commands", "use_api_url"]
