"""A corpus changed under a running server: re-indexed in the background while /healthz and
questions stay fast, then answered from."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from answers import RedisStore
from answers.backends.corpus import CorpusBackend
from tests.adapters.http.conftest import serve_api
from tests.answers.backends.corpus_samples import write_sample_corpus


def big_document(sections: int = 2500) -> str:
    """About 1.3 MB of Markdown about kettles: most of a second of parsing."""
    paragraph = (
        "A stovetop kettle whistles when the water boils, because steam escapes through a "
        "small reed in its spout. Descale it every month in hard-water areas. "
    )
    return "# The kettle handbook\n\n" + "\n\n".join(
        f"## Kettle chapter {i}\n\n{paragraph * 5}" for i in range(sections)
    )


async def test_healthz_stays_fast_while_a_changed_corpus_is_re_indexed(
    redis_store: RedisStore, tmp_path: Path
) -> None:
    folder = write_sample_corpus(tmp_path / "kb")
    backend = CorpusBackend(folder, index_path=tmp_path / "index.sqlite3", recheck_interval=0.05)
    await backend.refresh()  # what `factbot run` does before serving
    async with serve_api(redis_store, backend=backend) as rig:  # type: ignore[arg-type]
        asked = await rig.client.post("/v1/answers", json={"question": "How is tea brewed?"})
        assert asked.status == 200
        namespace = backend.cache_namespace

        (folder / "kettles.md").write_text(big_document())
        slowest, probes = 0.0, 0
        deadline = time.monotonic() + 60
        while backend.cache_namespace == namespace:
            assert time.monotonic() < deadline, "the new document was never indexed"
            started = time.monotonic()
            health = await rig.client.get("/healthz")
            cached = await rig.client.post("/v1/answers", json={"question": "How is tea brewed?"})
            slowest = max(slowest, time.monotonic() - started)
            probes += 1
            assert (health.status, cached.status) == (200, 200)
            await asyncio.sleep(0.02)
        assert probes >= 5  # the re-index took a while, and the server answered all along
        assert slowest < 0.5  # an index built on the event loop would stall it for seconds

        kettle = await rig.client.post(
            "/v1/answers", json={"question": "Why does a stovetop kettle whistle?"}
        )
        body = await kettle.json()
        assert any("kettles.md" in source["url"] for source in body["sources"])
    await backend.aclose()
