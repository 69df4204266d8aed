"""Custom action calls reuse their connections; everything else about them is Rasa's."""

import asyncio
import inspect

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot.server import action_connections


async def _calls(endpoint: EndpointConfig, count: int) -> tuple:
    """`count` requests through Rasa's EndpointConfig.request to a local server:
    the answers, the client ports seen (one per connection) and the headers of the last call."""
    ports, headers = [], {}

    async def answer(request: web.Request) -> web.Response:
        ports.append(request.transport.get_extra_info("peername")[1])
        headers.update(request.headers)
        return web.json_response({"events": [], "echo": await request.json()})

    app = web.Application()
    app.router.add_post("/webhook", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint.url = f"http://127.0.0.1:{port}/webhook"
    try:
        answers = [await endpoint.request(json={"n": n}, method="post") for n in range(count)]
    finally:
        await action_connections.close_all()
        await runner.cleanup()
    return answers, set(ports), headers


def test_kept_alive_endpoint_uses_one_connection_for_many_calls():
    action_connections.install()
    endpoint = EndpointConfig(headers={"X-Secret": "s3"}, keep_alive=True)
    answers, connections, headers = asyncio.run(_calls(endpoint, 5))
    assert [a["echo"]["n"] for a in answers] == [0, 1, 2, 3, 4]
    assert len(connections) == 1
    assert headers["X-Secret"] == "s3"


def test_other_endpoints_keep_rasas_session_per_call():
    action_connections.install()
    answers, connections, _ = asyncio.run(_calls(EndpointConfig(), 3))
    assert len(answers) == 3
    assert len(connections) == 3


def test_the_action_endpoint_is_marked_and_installed_once():
    action_connections.install()
    action_connections.install()
    assert action_connections.installed()
    from rasa.core.utils import AvailableEndpoints

    assert AvailableEndpoints.read_endpoints("endpoints.yml").action.kwargs.get("keep_alive") is True


def test_rasa_still_requests_through_session():
    # version sync point: if Rasa stops opening its requests with self.session(), this fails first
    assert "async with self.session() as session" in inspect.getsource(EndpointConfig.request)
