"""A local stand-in for the national address base's geocoder (BAN on the Géoplateforme), over real HTTP.

`GET /search/?q=...&limit=...` answers a GeoJSON FeatureCollection as the real service does, from a small
address book: every word of the query (accents and case aside) must be in an address's label. One address of
the book lies outside the served territory, so that the server's cut can be seen. `mode` makes it misbehave.
"""

import json
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Address:
    housenumber: str
    street: str
    postcode: str
    city: str
    citycode: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.housenumber} {self.street} {self.postcode} {self.city}"


ADDRESSES = (
    Address("12", "Grande Rue", "26000", "Valence", "26362", 44.933210, 4.891520),
    Address("3", "Place des Clercs", "26000", "Valence", "26362", 44.932780, 4.890040),
    Address("40", "Avenue Victor Hugo", "26000", "Valence", "26362", 44.926400, 4.893700),
    Address("5", "Rue Jacquemart", "26100", "Romans-sur-Isère", "26281", 45.044700, 5.051500),
    # Outside the served territory: the server must not offer it.
    Address("12", "Grande Rue", "69002", "Lyon", "69382", 45.762900, 4.834000),
)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _feature(address: Address, score: float) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [address.lon, address.lat]},
        "properties": {
            "label": address.label,
            "score": score,
            "housenumber": address.housenumber,
            "id": f"{address.citycode}_0000_{address.housenumber.zfill(5)}",
            "name": f"{address.housenumber} {address.street}",
            "postcode": address.postcode,
            "citycode": address.citycode,
            "x": 0,
            "y": 0,
            "city": address.city,
            "context": "26, Drôme, Auvergne-Rhône-Alpes",
            "type": "housenumber",
            "importance": 0.6,
            "street": address.street,
        },
    }


def answer(query: str, limit: int) -> dict[str, Any]:
    words = _folded(query).replace(",", " ").split()
    found = [a for a in ADDRESSES if all(word in _folded(a.label).split() for word in words)]
    features = [_feature(a, round(0.97 - 0.05 * rank, 4)) for rank, a in enumerate(found[:limit])]
    return {
        "type": "FeatureCollection",
        "version": "draft",
        "features": features,
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": query,
        "limit": limit,
    }


class FakeBan:
    """Serves on 127.0.0.1 on a free port; `url` is what VALENCE_GEOCODER_URL takes. `requests` keeps each
    request's query parameters; `mode` is "ok", "error" (500), "garbage" (200, not JSON)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, list[str]]] = []
        self.user_agents: list[str] = []
        self.mode = "ok"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                target = urlsplit(self.path)
                params = parse_qs(target.query)
                fake.requests.append(params)
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                if target.path != "/search/":
                    self._send(404, b'{"code": 404, "message": "Not found"}')
                elif fake.mode == "error":
                    self._send(500, b'{"code": 500, "message": "Internal error"}')
                elif fake.mode == "garbage":
                    self._send(200, b"<html>maintenance</html>", "text/html")
                else:
                    query = params.get("q", [""])[0]
                    limit = int(params.get("limit", ["5"])[0])
                    self._send(200, json.dumps(answer(query, limit)).encode())

            def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def queries(self) -> list[str]:
        return [params.get("q", [""])[0] for params in self.requests]


@contextmanager
def fake_ban() -> Iterator[FakeBan]:
    server = FakeBan()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
