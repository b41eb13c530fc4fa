import type { IncomingMessage, ServerResponse } from 'node:http';

export declare const CONTENT_TYPES: Record<string, string>;
export declare const ISOLATION_HEADERS: Record<string, string>;
export declare function staticHandler(opts: {
  root: () => string;
  prefix?: string;
  isolate?: boolean;
  onRequest?: (rel: string) => void;
  onFile?: (rel: string, size: number) => void;
}): (req: IncomingMessage, res: ServerResponse) => void;
