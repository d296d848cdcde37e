// The desktop window's security rules as plain functions over small interfaces, so they are
// unit-tested without the Electron binary (which cannot be downloaded on the build machines):
// which frames may call the API, the CSP, navigation and window-open refusal, and the
// custom protocols that serve the UI and images from fixed folders only.
//
// [Note: Desktop window security]
// Sandbox on, context isolation on, no node integration (STYLE.md rule 3). The page is
// loaded from `tujian-app://app/`, images from `tujian-media://<kind>/<hash>`; both
// protocols resolve inside one folder or refuse. The CSP allows scripts from the app
// origin only. Navigation away and new windows are denied; permission requests (camera,
// notifications, …) are denied. Every IPC call checks that its sender frame is the app page.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { readMediaFile, resolveMediaPath, type MediaLayout } from '../app/media-files.ts';

export const appScheme = 'tujian-app';
export const appOrigin = `${appScheme}://app`;
export const appUrl = `${appOrigin}/index.html`;
export const mediaScheme = 'tujian-media';

export const desktopCsp = [
  "default-src 'none'",
  `script-src ${appOrigin}`,
  `style-src ${appOrigin}`,
  `img-src ${appOrigin} ${mediaScheme}: data:`,
  `font-src ${appOrigin}`,
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Only the app's own top-level page may call the API. */
export function isTrustedSender(frameUrl: string | undefined | null): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    return `${url.protocol}//${url.host}` === appOrigin;
  } catch {
    return false;
  }
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Serves the built renderer on `tujian-app://app/…`; nothing outside `rendererDir`. */
export function createAppProtocolHandler(rendererDir: string) {
  const root = resolve(rendererDir);
  return async (request: { url: string }): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'bad url');
    }
    if (url.host !== 'app') return refuse(404, 'unknown host');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return refuse(400, 'bad escape');
    }
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      return refuse(403, 'outside the app');
    }
    try {
      const body = await readFile(file);
      const headers: Record<string, string> = {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      };
      if (extname(file) === '.html') headers['Content-Security-Policy'] = desktopCsp;
      return new Response(body, { status: 200, headers });
    } catch {
      return refuse(404, 'not found');
    }
  };
}

/** Serves thumbnails and previews on `tujian-media://<kind>/<hash>` from the data folder. */
export function createMediaProtocolHandler(dataRoot: string, layout?: MediaLayout) {
  return async (request: { url: string }): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'bad url');
    }
    // `tujian-media://thumbnail/<hash>`: the kind is the host, the hash the path.
    const media = resolveMediaPath(dataRoot, `${url.host}/${url.pathname}`, layout);
    if (!media.ok) return refuse(403, media.reason);
    const body = await readMediaFile(media.file);
    if (!body) return refuse(404, 'not generated yet');
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': types[extname(media.file)] ?? 'application/octet-stream',
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    });
  };
}

/** The parts of Electron's WebContents the hardening needs. */
export interface WebContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Denies new windows and any navigation away from the app page; links to the web are handed
 * to the system browser (`openExternal`) only when they are http(s).
 */
export function hardenWebContents(
  contents: WebContentsLike,
  openExternal: (url: string) => void,
): void {
  const external = (url: string) => {
    if (/^https?:\/\//i.test(url)) openExternal(url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    external(url);
    return { action: 'deny' };
  });
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!url.startsWith(`${appOrigin}/`)) {
      event.preventDefault();
      external(url);
    }
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** The BrowserWindow webPreferences: sandboxed, isolated, no node, no remote content. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}
