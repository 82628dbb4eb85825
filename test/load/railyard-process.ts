import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Railyard as a child process, the way an operator runs it (`node bin/railyard.js serve`), for the crash and
 * cluster scripts: start it, wait until it is ready, kill it (SIGKILL: no shutdown code runs) or stop it (SIGTERM).
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/railyard.js', import.meta.url));

export interface CreatedMerchantKeys {
  id: string;
  keys: { sk_test: string; pk_test: string; sk_live: string; pk_live: string };
}

/** `railyard merchants create --name <name> --json` against `env.DATABASE_URL` (also migrates the database). */
export function createMerchantWithCli(name: string, env: Record<string, string>): CreatedMerchantKeys {
  const out = spawnSync(process.execPath, [CLI, 'merchants', 'create', '--name', name, '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (out.status !== 0) throw new Error(`merchants create failed (${String(out.status)}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim()) as CreatedMerchantKeys;
}

export interface NodeOptions {
  name: string;
  port: number;
  env: Record<string, string>;
  /** Where the process's stdout and stderr go (appended across restarts). */
  logFile: string;
}

export class RailyardProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private log: WriteStream;
  private expectingExit = false;
  /** Times the process ended without being asked to (a crash of its own). */
  unexpectedExits = 0;
  starts = 0;

  constructor(readonly options: NodeOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Spawns the server and resolves once GET /readyz answers 200 (within timeoutMs). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) throw new Error(`${this.options.name} is already running`);
    this.starts++;
    this.log.write(`\n--- start #${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [CLI, 'serve'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        ...this.options.env,
        PORT: String(this.options.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.expectingExit = false;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.log.write(`--- exit code=${String(code)} signal=${String(signal)}\n`);
        if (!this.expectingExit) this.unexpectedExits++;
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.child) throw new Error(`${this.options.name} exited during start; see ${this.options.logFile}`);
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`${this.options.name} not ready after ${timeoutMs} ms; see ${this.options.logFile}`);
      await sleep(50);
    }
  }

  /** SIGKILL: the process dies at once, whatever it was doing. Resolves when it has exited. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown. Resolves when it has exited (SIGKILL after timeoutMs). */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.signal('SIGTERM');
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((r) => this.log.end(() => r()));
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectingExit = true;
    child.kill(sig);
    await this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port the OS considers free right now (bound and released on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
