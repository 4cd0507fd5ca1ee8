/**
 * Which feed messages make the console reload its lists. The feed carries alarm versions, desk steps and work-order
 * changes as they happen; what changed while the console was not connected (the node restarting, the network gone)
 * is never sent as a message. Every (re)connection starts with a snapshot, so a snapshot after the first one means
 * "you may have missed changes": the lists are reloaded at once instead of at their next timed refresh.
 */
const CHANGE_MESSAGES: ReadonlySet<string> = new Set(['alarm', 'alarm_state', 'work_order']);

/** A trigger for one feed connection's life: true when the message of `type` should reload the lists. */
export function feedChangeTrigger(): (type: string) => boolean {
  let snapshots = 0;
  return (type) => {
    if (type === 'snapshot') return ++snapshots > 1;
    return CHANGE_MESSAGES.has(type);
  };
}
