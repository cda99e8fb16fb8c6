"""A minimal webhook receiver for trying push delivery: verifies each delivery's Standard Webhooks
signature and prints its id, type and case, dropping a webhook-id it has seen (redeliveries).

    .venv/bin/python scripts/webhook_receiver.py --port 9000 --secret whsec_...
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    arguments.add_argument("--port", type=int, default=9000)
    arguments.add_argument(
        "--secret", action="append", required=True, help="whsec_...; repeat while rotating"
    )
    options = arguments.parse_args()
    seen: set[str] = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            payload = None
            for secret in options.secret:
                try:
                    payload = Webhook(secret).verify(body, dict(self.headers.items()))
                    break
                except WebhookVerificationError:
                    continue
            self.send_response(401 if payload is None else 204)
            self.end_headers()
            webhook_id = self.headers["webhook-id"]
            if payload is not None and webhook_id not in seen:
                seen.add(webhook_id)
                print(
                    json.dumps(
                        {
                            "webhook_id": webhook_id,
                            "type": payload["type"],
                            "case_id": payload["data"].get("case_id"),
                        }
                    ),
                    flush=True,
                )

        def log_message(self, *_: object) -> None:  # one line per delivery is printed above
            pass

    ThreadingHTTPServer(("127.0.0.1", options.port), Receiver).serve_forever()


if __name__ == "__main__":
    main()
