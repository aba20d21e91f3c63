// The built user interface as static files: only files inside the renderer folder, each with its type,
// and a plain sentence instead of a blank page when the UI has not been built yet.
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { rejectRequest, respond } from './responses';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const NOT_BUILT =
  'The Sockpit user interface has not been built yet: run "npm run build" in the Sockpit folder, then reload this page.';

/** Answers a GET or HEAD for a file of the built UI; the Host and the method were checked before. */
export async function serveStatic(rendererDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawPath = (req.url ?? '').split(/[?#]/, 1)[0]!;
  // Only origin-form targets ("/x"): an absolute URL or "*" has no business here.
  if (!rawPath.startsWith('/'))
    return rejectRequest(res, { status: 400, text: 'Bad request: the path must start with "/".' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return rejectRequest(res, { status: 400, text: 'Bad request: the path is not valid percent-encoding.' });
  }
  if (decoded.includes('\0'))
    return rejectRequest(res, { status: 400, text: 'Bad request: the path contains a NUL character.' });

  const indexFile = path.join(rendererDir, 'index.html');
  const built = await stat(indexFile).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!built) return respond(res, 503, `${NOT_BUILT}\n`);

  const wanted = decoded === '/' ? '/index.html' : decoded;
  // Resolve, then make sure the result is still inside the renderer folder (no "..", no absolute jump).
  const target = path.resolve(rendererDir, `.${wanted}`);
  const relative = path.relative(rendererDir, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return rejectRequest(res, { status: 403, text: 'Forbidden: that path is outside the user interface.' });
  }
  const file = await stat(target).then(
    (s) => (s.isFile() ? s : undefined),
    () => undefined,
  );
  if (!file) return respond(res, 404, 'Not found.\n');
  const body = await readFile(target);
  const type = CONTENT_TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream';
  respond(res, 200, body, { 'Content-Type': type });
}
