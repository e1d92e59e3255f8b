"""factbot on Discord: `/factcheck`, mentions, DMs and a message context menu, answered with a
Components V2 report whose buttons keep working after restarts.

`DiscordAdapter` is what `factbot run discord` starts; `sync_commands` is
`factbot discord sync [--guild ID]`; `render_answer` is the pure renderer.
"""

from adapters.discord.adapter import DiscordAdapter, sync_commands, use_api_url
from adapters.discord.render import render_answer

__all__ = ["DiscordAdapter", "render_answer", "sync_commands", "use_api_url"]
