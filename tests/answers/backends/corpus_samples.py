"""A small corpus of real files in every format, and checks that reports quote it faithfully.

Other tests may use it too: `write_sample_corpus(tmp_path / "kb")` gives a folder the corpus
backend answers "How is green tea brewed?" from.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from answers import AnswerEngine, MemoryStore
from answers.backends.corpus import CorpusBackend
from answers.backends.corpus.documents import read_document
from answers.model import Answer

TEA_MD = """---
title: Brewing green tea
url: https://tea.example.org/green
publisher: Tea Guild
published: 2025-03-14
---

# Green tea

Green tea is made from leaves that are steamed or pan-fired soon after picking, which stops
them from oxidising. Most green tea is brewed at 70 to 80 degrees Celsius, well below boiling.

## Brewing temperature

Boiling water scalds green tea leaves and makes the cup bitter. A kettle left to stand for three
minutes after boiling cools to roughly 80 degrees Celsius.

## Steeping time

Green tea steeps for two to three minutes. Steeping green tea for longer than four minutes draws
out tannins, which taste harsh.

- Japanese sencha needs about one minute.
- Chinese dragon well tea needs two to three minutes.

```sh
brew --temp 80 --minutes 2
```

## Caffeine

A cup of green tea holds about 30 milligrams of caffeine, roughly a third of a cup of coffee.
"""

COFFEE_TXT = """Coffee roasting
===============

Coffee beans are roasted at 190 to 240 degrees Celsius until they crack.
Light roasts keep more of the bean's acidity, and dark roasts taste of the roast itself.

Grinding

Coffee for a French press is ground coarsely, while espresso needs a fine grind.
A burr grinder gives more even grounds than a blade grinder.

Storing beans

- Roasted beans keep their flavour for about a month in an airtight jar.
- Beans stored in the fridge absorb the smells of other food.
"""

VOLCANO_HTML = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Volcanoes of Iceland</title>
<link rel="canonical" href="https://geo.example.org/iceland-volcanoes">
<meta property="og:site_name" content="Geo Notes">
<script>document.write("script text must never be quoted");</script>
<style>body { color: red }</style>
</head>
<body>
<nav>Home | Maps | Navigation text that is never quoted</nav>
<h1>Volcanoes of Iceland</h1>
<p>Iceland has about 130 volcanoes, of which around 30 are active.</p>
<h2>Eyjafjallaj&ouml;kull</h2>
<p>The eruption of Eyjafjallaj&ouml;kull in 2010 closed much of European airspace for six days.
Its ash cloud rose about nine kilometres into the sky.</p>
<h2>Why Iceland has so many volcanoes</h2>
<p>Iceland sits on the Mid-Atlantic Ridge, where the North American and Eurasian plates pull
apart. A hotspot beneath the island adds more magma.</p>
<footer>Footer text that is never quoted</footer>
</body></html>
"""

BIKES_MD = """# Bicycle maintenance

A bicycle chain should be cleaned and oiled about every 300 kilometres.
Tyre pressure is checked weekly, because tyres lose air slowly.

## Brakes

Brake pads are replaced when their grooves are worn away.
Rim brakes wear the rim as well as the pad.
"""

SAMPLE_FILES = {
    "tea.md": TEA_MD,
    "coffee.txt": COFFEE_TXT,
    "volcano.html": VOLCANO_HTML,
    "guides/bikes.md": BIKES_MD,
}


def write_sample_corpus(folder: Path) -> Path:
    for name, text in SAMPLE_FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def documents_by_url(folder: Path) -> dict[str, str]:
    """Each document's plain text, by the URL reports give as its source."""
    texts: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".html"):
            relative = path.relative_to(folder).as_posix()
            document = read_document(relative, path.read_bytes(), folder_name=folder.name)
            texts[document.url] = document.text
    return texts


def assert_quotes_are_verbatim(answer: Answer, folder: Path) -> int:
    """Every cited claim's text appears word for word in each document it cites; returns how many
    (claim, source) pairs were checked."""
    texts = documents_by_url(folder)
    checked = 0
    for claim in answer.all_claims():
        for n in claim.cites:
            url = answer.source(n).url
            assert url in texts, f"source {url!r} is not a document of {folder}"
            assert claim.text in texts[url], f"{claim.text!r} is not in {url}"
            checked += 1
    return checked


async def ask_corpus(folder: Path, question: str, *, checked_on: datetime) -> Answer:
    """The corpus backend's answer from `folder` (index beside it, in-memory cache), checked at
    `checked_on` so reports compare byte for byte."""
    backend = CorpusBackend(folder, index_path=folder.parent / "index.sqlite3")
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: checked_on)
    try:
        return await engine.ask(question)
    finally:
        await engine.aclose()
