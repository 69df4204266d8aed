"""Run in the portal's own environment (.venv/portal): sign a new staff member in to a running
portal and fetch pages as them. The end-to-end tests run in the assistant's environment, which
cannot import the portal, so they call this as a program:

    .venv/portal/bin/python -m tests.support.portal_staff <base url> <role> <path> [<path> ...]

with the portal's PORTAL_DB_URL and PORTAL_DATA_KEY in the environment. Prints one JSON object:
path -> {"status": ..., "content_type": ..., "text": ...}.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.portal.helpers import Server, logged_in


def main(argv: list[str]) -> int:
    base_url, role, paths = argv[0], argv[1], argv[2:]
    server = Server(base_url, os.environ["PORTAL_DB_URL"], dict(os.environ), subprocess.Popen(["true"]), None,
                    "sqlite")
    client, _ = logged_in(server, None, role)
    pages = {}
    for path in paths:
        response = client.get(path)
        pages[path] = {"status": response.status_code, "content_type": response.headers.get("content-type", ""),
                       "text": response.text if response.headers.get("content-type", "").startswith("text") else
                       f"<{len(response.content)} bytes>"}
    client.close()
    print(json.dumps(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
