#!/usr/bin/env python3
"""A loopback OpenAI-compatible server for the perf scripts: answers every POST with one fixed body.

As a module: start(body, content_type, on_request) serves on 127.0.0.1 in a background thread and returns the server
and its endpoint (coldstart_chat.py streams a reply and notes when each request arrives). As a script (package-split.sh's
hosted apps): answers chat completions, not streamed, with a short reply; prints its endpoint
(http://127.0.0.1:PORT/v1) on the first line, then serves until killed. Usage: fake_openai.py
"""
import http.server
import json
import threading

CHAT_COMPLETION = json.dumps({
    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Avoid peanuts and nut dishes."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 500, "completion_tokens": 6, "total_tokens": 506},
}).encode()


def start(body, content_type, on_request=None):
    """Serves body to every POST on 127.0.0.1 (a port the system picks); returns (server, "http://127.0.0.1:PORT/v1")."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            if on_request:
                on_request()
            # The whole request is read before the reply (a connection closed on unread data may be reset).
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                    self.rfile.read(size + 2)
                self.rfile.readline()
            else:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


if __name__ == "__main__":
    server, endpoint = start(CHAT_COMPLETION, "application/json")
    print(endpoint, flush=True)
    threading.Event().wait()
