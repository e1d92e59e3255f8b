"""Cold-path benchmark of the web research backend against fakes of fixed latency.

    .venv/bin/python bench/bench_research.py [--runs N]

Fakes on 127.0.0.1: SearxNG answering in 200 ms, nine pages on nine sites
answering in 300-800 ms, an OpenAI-compatible LLM answering in 1.5 s. Each
run asks a fresh question through the real engine (empty cache), so every
stage runs. Prints the total beside the critical path (search + slowest page
inside the budget + LLM), their ratio, the LLM calls per fresh answer and the
prompt tokens (the fake counts them as characters / 4, as servers without a
tokenizer estimate). Runs with and without LLM query planning.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answers import AnswerEngine, MemoryStore
from answers.backends.research import (
    FetchBudget,
    FetchGuard,
    PageFetcher,
    ResearchBackend,
    SearxngSearch,
)
from answers.backends.research.llm import LLMWriter

SEARCH_SECONDS = 0.2
PAGE_SECONDS = [0.3 + i * 0.5 / 8 for i in range(9)]  # 300 ms .. 800 ms
LLM_SECONDS = 1.5
SITES = [f"site{i}.bench" for i in range(len(PAGE_SECONDS))]
QUESTION = "Does green tea contain more caffeine than coffee"

PARAGRAPHS = [
    "Green tea contains caffeine, although a typical cup holds less than a cup of brewed coffee.",
    "Measurements of brewed cups show that caffeine in green tea varies with leaf, water "
    "temperature and steeping time, and between brands.",
    "Coffee beans carry more caffeine by weight, and a brewed cup of coffee usually delivers "
    "two to three times the caffeine of a cup of green tea.",
    "Green tea also contains L-theanine, an amino acid that researchers link to calm alertness.",
    "Decaffeinated green tea keeps a small amount of caffeine, so it is not caffeine free.",
    "Health agencies suggest adults keep total daily caffeine moderate, counting tea and coffee.",
]


def page_html(i: int) -> str:
    body = "".join(
        f"<h2>Part {j + 1}</h2>"
        + "".join(f"<p>{PARAGRAPHS[(i + j + k) % 6]} ({j}.{k})</p>" for k in range(3))
        for j in range(4)
    )
    return (
        f"<html><head><title>Tea and coffee report {i}</title></head><body>"
        f"<nav>Home | News | About</nav><article><h1>Tea and coffee report {i}</h1>{body}"
        f"</article><footer>Site {i}</footer></body></html>"
    )


class BenchResolver(AbstractResolver):
    """Every bench site is the fake web server on loopback."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


class Fakes:
    def __init__(self) -> None:
        self.llm_calls = 0
        self.prompt_tokens = 0
        self.web_port = 0

    async def web(self, request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        await asyncio.sleep(PAGE_SECONDS[i])
        return web.Response(text=page_html(i), content_type="text/html")

    async def searx(self, request: web.Request) -> web.Response:
        await asyncio.sleep(SEARCH_SECONDS)
        results = [
            {
                "url": f"http://{site}:{self.web_port}/page/{i}",
                "title": f"Report {i}",
                "content": "",
            }
            for i, site in enumerate(SITES)
        ]
        return web.json_response({"query": request.query["q"], "results": results})

    async def llm(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.llm_calls += 1
        tokens = sum(len(m["content"]) for m in body["messages"]) // 4
        self.prompt_tokens += tokens
        await asyncio.sleep(LLM_SECONDS)
        if body["response_format"]["json_schema"]["name"] == "queries":
            content: dict[str, Any] = {"queries": ["green tea caffeine", "coffee caffeine cup"]}
        else:
            ids = [e["id"] for e in json.loads(body["messages"][1]["content"])["evidence"]]
            content = _report(ids)
        return web.json_response(
            {
                "choices": [{"message": {"role": "assistant", "content": json.dumps(content)}}],
                "usage": {"prompt_tokens": tokens, "completion_tokens": 400},
            }
        )


def _report(ids: list[str]) -> dict[str, Any]:
    def cite(i: int) -> list[str]:
        return [ids[i % len(ids)]]

    return {
        "summary": [
            {"text": "Green tea contains caffeine, less than coffee.", "cites": cite(0)},
            {"text": "The amount in a cup varies with brewing.", "cites": cite(1)},
        ],
        "sections": [
            {
                "heading": f"Finding {n}: what the sources report",
                "claims": [
                    {"text": "The sources describe caffeine in tea and coffee.", "cites": cite(n)}
                ],
            }
            for n in range(4)
        ],
        "limitations": [{"text": "The sources do not measure every brand.", "cites": []}],
        "follow_ups": [f"Follow-up question {n}?" for n in range(5)],
    }


async def run(runs: int, *, plan_with_llm: bool) -> dict[str, Any]:
    fakes = Fakes()
    web_app = web.Application()
    web_app.router.add_get("/page/{i}", fakes.web)
    search_app = web.Application()
    search_app.router.add_get("/search", fakes.searx)
    llm_app = web.Application()
    llm_app.router.add_post("/v1/chat/completions", fakes.llm)
    servers = [TestServer(app, host="127.0.0.1") for app in (web_app, search_app, llm_app)]
    for server in servers:
        await server.start_server()
    web_server, search_server, llm_server = servers
    fakes.web_port = web_server.port or 0
    totals: list[float] = []
    try:
        for n in range(runs):
            backend = ResearchBackend(
                SearxngSearch(str(search_server.make_url(""))),
                PageFetcher(
                    guard=FetchGuard.allowing(SITES),
                    budget=FetchBudget(),
                    resolver=BenchResolver(),
                ),
                LLMWriter(
                    str(llm_server.make_url("/v1")),
                    model="bench",
                    timeout=10,
                    max_retries=0,
                    max_tokens=4096,
                ),
                store=MemoryStore(),
                plan_with_llm=plan_with_llm,
            )
            engine = AnswerEngine(backend, MemoryStore())
            started = time.perf_counter()
            answer = await engine.ask(f"{QUESTION} (run {n})?")
            totals.append(time.perf_counter() - started)
            await engine.aclose()
            assert answer.engine.writer == "llm:bench", answer.engine
    finally:
        for server in servers:
            await server.close()
    llm_stages = 2 if plan_with_llm else 1
    critical = SEARCH_SECONDS + max(PAGE_SECONDS) + LLM_SECONDS * llm_stages
    return {
        "median": statistics.median(totals),
        "best": min(totals),
        "critical": critical,
        "llm_calls": fakes.llm_calls / runs,
        "prompt_tokens": fakes.prompt_tokens / runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        f"fakes: search {SEARCH_SECONDS * 1000:.0f} ms, {len(PAGE_SECONDS)} pages "
        f"{PAGE_SECONDS[0] * 1000:.0f}-{PAGE_SECONDS[-1] * 1000:.0f} ms, LLM {LLM_SECONDS * 1000:.0f} ms;"
        f" {args.runs} cold runs each"
    )
    for plan in (False, True):
        figures = asyncio.run(run(args.runs, plan_with_llm=plan))
        label = "LLM-planned queries" if plan else "rule-based queries "
        print(
            f"{label}: total median {figures['median']:.3f} s (best {figures['best']:.3f} s) | "
            f"critical path {figures['critical']:.3f} s | ratio {figures['median'] / figures['critical']:.2f} | "
            f"LLM calls/answer {figures['llm_calls']:.1f} | prompt tokens/answer "
            f"{figures['prompt_tokens']:.0f}"
        )


if __name__ == "__main__":
    main()
