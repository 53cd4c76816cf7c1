#!/usr/bin/env python3
"""A loopback OpenAI-compatible server for perf/package-split.sh's hosted apps: answers every POST (chat
completions, not streamed) with a short fixed reply. Prints its endpoint (http://127.0.0.1:PORT/v1) on the first
line, then serves until killed. Usage: fake_openai.py"""
import http.server
import json

BODY = json.dumps({
    "id": "chatcmpl-split", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Avoid peanuts and nut dishes."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 500, "completion_tokens": 6, "total_tokens": 506},
}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        # The whole request is read before the reply (a connection closed on unread data may be reset).
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                self.rfile.read(size + 2)
            self.rfile.readline()
        else:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
server.serve_forever()
