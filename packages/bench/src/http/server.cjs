// Loopback server for the HTTP section, in a process of its own so that only the client's CPU is measured.
// GET/POST /api/items: a small JSON answer (a URL no inference route matches).
// POST /v1/chat/completions?bytes=N: an OpenAI-style SSE stream of about N bytes of chunk events, then a
// finish chunk, a usage chunk and [DONE]. Prints its port on stdout.
'use strict';
const http = require('node:http');

const chunk = (fields) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'big', ...fields })}\n\n`;
const EVENT = chunk({ choices: [{ index: 0, delta: { content: 'x'.repeat(400) }, finish_reason: null }] });
const BLOCK = Buffer.from(EVENT.repeat(Math.floor(65536 / EVENT.length)));
const TAIL = Buffer.from(
  chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }) +
    chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 12345, total_tokens: 12346 } }) +
    'data: [DONE]\n\n',
);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname !== '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    const total = Number(url.searchParams.get('bytes'));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += BLOCK.length;
        if (!res.write(BLOCK)) return void res.once('drain', pump);
      }
      res.end(TAIL);
    };
    pump();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
