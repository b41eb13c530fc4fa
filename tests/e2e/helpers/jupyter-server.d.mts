export function startJupyter(opts: { port: number; token: string; allowOrigin: string }): Promise<{ url: string; token: string; stop: () => Promise<void> }>;
