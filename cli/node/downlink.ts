/**
 * The node's downlink steps when it is split into roles: a gateway relays the centre's commands to the terminals
 * whose sessions it holds, and a centre of its own sends its commands through Kafka to whichever gateway that is.
 * The whole node calls its own gateway and runs neither.
 */
import { hostname } from 'node:os';
import { RemoteTerminalLink, REMOTE_TERMINAL_LINK_DEFAULTS } from '../../center/index.js';
import { DownlinkRelay, GATEWAY_DEFAULTS, type Jt808Gateway } from '../../ingest/index.js';
import type { EventLog } from '../../stream/index.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';
import type { Observe } from './stores.js';

/** Tails the commands topic before the step returns, so no command sent once the gateway is ready is missed. */
export async function startDownlinkRelay(
  deps: { log: EventLog; gateway: Jt808Gateway; jt808Port: number },
  { logger, metrics }: Observe,
): Promise<Started<DownlinkRelay>> {
  const relay = new DownlinkRelay({
    log: deps.log,
    gateway: deps.gateway,
    gatewayId: `${hostname()}:${deps.jt808Port}`,
    logger: logger.child({ component: 'downlink' }),
    metrics,
  });
  await relay.start();
  return { value: relay, close: () => relay.stop() };
}

export async function startRemoteTerminals(
  config: NodeConfig,
  deps: { log: EventLog },
  { logger }: Observe,
): Promise<Started<RemoteTerminalLink>> {
  const link = new RemoteTerminalLink(
    { log: deps.log, logger: logger.child({ component: 'downlink' }) },
    {
      ...REMOTE_TERMINAL_LINK_DEFAULTS,
      // The gateway's own timeout decides; the margin covers the answer's way back through Kafka.
      answerTimeoutMs:
        (config.jt808DownlinkTimeoutMs ?? GATEWAY_DEFAULTS.downlinkTimeoutMs) +
        REMOTE_TERMINAL_LINK_DEFAULTS.acceptTimeoutMs,
    },
  );
  await link.start();
  return { value: link, close: () => link.stop() };
}
