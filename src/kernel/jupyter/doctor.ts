/**
 * The connection doctor: why connecting to a Jupyter server failed, in the user's terms, with the command that
 * fixes it. Pure (no DOM, no fetch) so that Node tests cover each cause; rest.ts turns what fetch saw into a
 * {@link ConnectFailure}.
 *
 * A page cannot tell "nothing listens there" from "the server refused this origin (CORS)": the browser reports both
 * as the same network error, on purpose. The doctor names both, with the one command that fixes either.
 */

export type ConnectFailure =
  /** The URL is not an http(s) URL. */
  | { kind: 'bad-url' }
  /** An https app and an http server on another machine: the browser blocks it before sending anything. */
  | { kind: 'mixed-content' }
  /** fetch failed without a response: no server there, or one that refused this app's origin. */
  | { kind: 'network' }
  /** The server answered with an error status. */
  | { kind: 'http'; status: number; message?: string }
  /** Something answered, but not a Jupyter server's API (no JSON where it should be). */
  | { kind: 'not-jupyter' }
  /** The server started the kernel, and it died before it was ready. */
  | { kind: 'kernel-died'; kernelName: string }
  /** The kernel's WebSocket could not be opened (the REST API worked). */
  | { kind: 'websocket' };

export type Cause = 'bad-url' | 'mixed-content' | 'unreachable' | 'token' | 'not-jupyter' | 'kernel-died' | 'websocket' | 'server-error';

export interface Diagnosis {
  cause: Cause;
  /** One sentence: what is wrong. */
  title: string;
  /** What to do about it. */
  detail: string;
  /** A command that fixes it, to copy into a terminal on the server's machine. */
  fix?: string;
}

export interface DoctorContext {
  /** This app's origin, e.g. `http://127.0.0.1:4173`: what the server must allow. */
  appOrigin: string;
  /** The server URL as the user typed it. */
  serverUrl: string;
  /** The token the user gave (shown only in this device's own UI, in the fix command). */
  token: string;
}

/** Hosts that a browser treats as this machine (trustworthy even over http). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '[::1]';
}

/** Single-quoted for a POSIX shell. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that starts a Jupyter server this app can use. `ServerApp.token` works in jupyter-server 1.x (Debian 12
 * ships 1.23) and 2.x (where IdentityProvider.token is the new name and ServerApp.token still works).
 */
export function serverCommand(ctx: DoctorContext): string {
  const parts = ['jupyter server', `--ServerApp.allow_origin=${shellQuote(ctx.appOrigin)}`];
  parts.push(`--ServerApp.token=${shellQuote(ctx.token || '<choose a token>')}`);
  let url: URL | null = null;
  try {
    url = new URL(ctx.serverUrl);
  } catch {
    url = null;
  }
  if (url?.port && url.port !== '8888') parts.push(`--ServerApp.port=${url.port}`);
  if (url && !isLoopback(url.hostname)) parts.push(`--ServerApp.ip=0.0.0.0`);
  return parts.join(' ');
}

export function diagnose(failure: ConnectFailure, ctx: DoctorContext): Diagnosis {
  switch (failure.kind) {
    case 'bad-url':
      return {
        cause: 'bad-url',
        title: `“${ctx.serverUrl}” is not a server address.`,
        detail: 'Give the address Jupyter printed when it started, e.g. http://127.0.0.1:8888/.',
      };
    case 'mixed-content':
      return {
        cause: 'mixed-content',
        title: 'This app is served over https and the server over http: the browser blocks that (mixed content).',
        detail:
          'Serve Jupyter over https (--ServerApp.certfile and --ServerApp.keyfile), reach it through an https tunnel, or run it on this machine (http://127.0.0.1 is allowed).',
        fix: `${serverCommand(ctx)} --ServerApp.certfile=cert.pem --ServerApp.keyfile=key.pem`,
      };
    case 'network':
      return {
        cause: 'unreachable',
        title: `No answer from ${ctx.serverUrl}: either no Jupyter server is running there, or it refused this app's origin (CORS: allow_origin is not set to ${ctx.appOrigin}).`,
        detail: 'Start (or restart) the server with this app allowed as an origin:',
        fix: serverCommand(ctx),
      };
    case 'http':
      if (failure.status === 401 || failure.status === 403) {
        return {
          cause: 'token',
          title: `The server refused the token (HTTP ${failure.status}).`,
          detail: 'Copy the token from the server’s start-up message (or run `jupyter server list` on its machine), or restart it with a token you choose:',
          fix: serverCommand(ctx),
        };
      }
      if (failure.status === 404) {
        return {
          cause: 'not-jupyter',
          title: `${ctx.serverUrl} answered, but has no Jupyter API there (HTTP 404).`,
          detail: 'Give the server’s base URL (with its base_url path, if it has one), not a notebook’s or lab’s page.',
        };
      }
      return {
        cause: 'server-error',
        title: `The Jupyter server failed (HTTP ${failure.status}${failure.message ? `: ${failure.message}` : ''}).`,
        detail: 'Its terminal says why.',
      };
    case 'not-jupyter':
      return {
        cause: 'not-jupyter',
        title: `${ctx.serverUrl} answered, but it is not a Jupyter server's API.`,
        detail: 'Give the address Jupyter printed when it started, e.g. http://127.0.0.1:8888/.',
      };
    case 'kernel-died':
      return {
        cause: 'kernel-died',
        title: `The “${failure.kernelName}” kernel died as it started.`,
        detail: 'Its kernelspec or environment is broken: the server’s terminal shows its error. Check it with:',
        fix: `jupyter console --kernel=${shellQuote(failure.kernelName)}`,
      };
    case 'websocket':
      return {
        cause: 'websocket',
        title: "The kernel started, but its connection (WebSocket) was refused: the server may not allow this app's origin for WebSockets.",
        detail: 'Restart the server with this app allowed as an origin:',
        fix: serverCommand(ctx),
      };
  }
}

/**
 * A diagnosis as one line of text for the kernel's `reason`, which goes into the document: without the fix command,
 * since that holds the token (the picker shows it on this device only).
 */
export function diagnosisText(d: Diagnosis): string {
  return d.title;
}
