/**
 * The runtime agent's command line: `anode-runtime "<room link>" [--server URL --token T] [--kernel NAME]
 * [--name Ada] [--signaling URL]...`. Pure (no process, no network), so every mistake an operator can make gets its
 * message from a unit test.
 */
import { canEditWith, parseShareLink, type RoomKey } from '../sync/room-index';
import { cleanName, parseSignalingUrls, sameOriginSignalingUrl, MAX_NAME_LENGTH } from '../sync/settings';

export interface AgentArgs {
  room: RoomKey;
  /** A Jupyter server to use, or null: the agent starts its own on 127.0.0.1. */
  server: { url: string; token: string } | null;
  kernel: string;
  /** The operator's name, as in "Ada's runtime on gpu-box". */
  name: string;
  signaling: string[];
}

export type ParsedArgs = { ok: true; args: AgentArgs } | { ok: false; message: string } | { ok: 'help' };

export const USAGE = `Usage: anode-runtime "<room link>" [options]

Joins the room from this machine and runs its code on a Jupyter kernel here.

  --name NAME         who runs it: peers see "NAME’s runtime on <host>" (default: $USER)
  --server URL        use this Jupyter server (default: start one on 127.0.0.1)
  --token TOKEN       its token (default: $JUPYTER_TOKEN)
  --kernel NAME       the kernelspec (default: python3)
  --signaling URL     a signaling server (repeatable; default: the one beside the app in the link)
  -h, --help          this text`;

const VALUED = new Set(['--name', '--server', '--token', '--kernel', '--signaling']);

/** Parses `argv` (without node and the script); `env` supplies the defaults ($USER, $JUPYTER_TOKEN). */
export function parseAgentArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { ok: 'help' };
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUED.has(flag)) {
      const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') return { ok: false, message: `${flag} needs a value.` };
      values.set(flag, [...(values.get(flag) ?? []), value]);
    } else if (arg.startsWith('-')) {
      return { ok: false, message: `Unknown option ${arg}. Try --help.` };
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    return { ok: false, message: positional.length ? 'Give one room link (quote it: it contains #).' : 'Give the room link (Share → Copy link in the app).' };
  }
  const link = positional[0]!;
  const room = parseShareLink(link);
  if (!room) return { ok: false, message: `Not a room link: expected …#/r/<room>/<secret> (quote it in the shell: it contains #).` };
  // Peers drop a viewer's writes: with a view link the agent's outputs would reach nobody.
  if (!canEditWith(room)) return { ok: false, message: 'This is a "can view" link: a runtime writes outputs into the notebook, so it needs the "can edit" link (Share → Can edit).' };
  const one = (flag: string): string | undefined => values.get(flag)?.at(-1);
  const serverUrl = one('--server');
  let server: AgentArgs['server'] = null;
  if (serverUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(serverUrl);
    } catch {
      return { ok: false, message: `--server ${serverUrl} is not a URL (e.g. http://127.0.0.1:8888/).` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: `--server must be an http(s) URL.` };
    const token = one('--token') ?? env.JUPYTER_TOKEN ?? '';
    if (!token) return { ok: false, message: '--server needs --token (or $JUPYTER_TOKEN).' };
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    server = { url: url.href, token };
  } else if (one('--token') !== undefined) {
    return { ok: false, message: '--token goes with --server (without it the agent starts its own server and token).' };
  }
  const name = cleanName(one('--name') ?? env.USER ?? env.USERNAME ?? 'Someone');
  if (!name) return { ok: false, message: `--name must be 1-${MAX_NAME_LENGTH} characters.` };
  let signaling: string[];
  const given = values.get('--signaling');
  if (given) {
    signaling = parseSignalingUrls(given.join(' '));
    if (signaling.length !== given.length) return { ok: false, message: '--signaling takes ws:// or wss:// URLs.' };
  } else {
    const own = /^https?:/.test(link) ? sameOriginSignalingUrl(link.replace(/[?#].*$/, '')) : null;
    if (!own) return { ok: false, message: 'The link has no http(s) address to find signaling beside the app: give --signaling ws://…' };
    signaling = [own];
  }
  return { ok: true, args: { room, server, kernel: one('--kernel') ?? 'python3', name, signaling } };
}

/** The name peers see: "Ada’s runtime on gpu-box", cut to the presence limit. */
export function runtimeName(name: string, host: string): string {
  const full = `${name}’s runtime on ${host}`;
  return full.length <= MAX_NAME_LENGTH ? full : `${full.slice(0, MAX_NAME_LENGTH - 1)}…`;
}
