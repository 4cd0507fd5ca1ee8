/**
 * The parent's handle on `bench/jt808-load-client.ts` run as a child process, so the terminals' CPU, memory
 * and descriptors are their own: one command at a time, answered by one report.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { packagePath } from '../schema/index.js';
import type { ClientCommand, ClientReport } from './jt808-load-client.js';

/** From source through tsx, also when `vigil bench` itself runs compiled (dist/). */
const CLIENT = packagePath('bench', 'jt808-load-client.ts');

export class LoadClientProcess {
  private readonly child: ChildProcess;
  private waiting: ((r: ClientReport) => void) | undefined;

  constructor() {
    this.child = fork(CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: ClientReport) => this.waiting?.(r));
  }

  async ask<E extends ClientReport['event']>(command: ClientCommand): Promise<Extract<ClientReport, { event: E }>> {
    const reply = new Promise<ClientReport>((resolve) => (this.waiting = resolve));
    this.child.send(command);
    return (await reply) as Extract<ClientReport, { event: E }>;
  }

  /** Sends a command that gets no report of its own (`stop`: the report answers the `load` under way). */
  tell(command: ClientCommand): void {
    this.child.send(command);
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ cmd: 'close' } satisfies ClientCommand);
    await exited;
  }
}
