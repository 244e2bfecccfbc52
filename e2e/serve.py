"""A static file server that states its caching: `python3 serve.py PORT DIR CACHE_CONTROL`.

measure.mjs serves daxlab and the blank app with it. `python3 -m http.server` sends only
Last-Modified, so the browser's cache keeps a file fresh for a tenth of its age: files built a
minute before the run were revalidated on every load, files built an hour before were not,
and the first-render figures moved with the build's age. With an explicit Cache-Control both
apps are served alike whenever they were built.
"""

import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    cache_control = "no-cache"

    def end_headers(self):
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def log_message(self, *args):
        pass


def main():
    port, directory, cache_control = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    Handler.cache_control = cache_control
    handler = functools.partial(Handler, directory=directory)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()


if __name__ == "__main__":
    main()
