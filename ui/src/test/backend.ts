// A stand-in for the Tauri backend in tests: records every command and answers from handlers.
import { mockIPC } from "@tauri-apps/api/mocks";

export type Call = { cmd: string; args: unknown };
type Handler = (args: Record<string, unknown>) => unknown;

/** Commands every screen calls on its own, answered with "nothing" unless a test says otherwise:
 *  no notices waiting, no change recorded. */
const quiet: Record<string, Handler> = {
  take_notices: () => [],
  account_changes: (args) => ({ account: args.id, unseen: 0, changes: [] }),
};

/** Mocks the IPC (events included: `emit` from @tauri-apps/api/event reaches `listen`). */
export function mockBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd] ?? quiet[cmd];
      if (!handler) throw new Error(`the test did not expect the command ${cmd}`);
      return handler((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function callsTo(calls: Call[], cmd: string): unknown[] {
  return calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}
