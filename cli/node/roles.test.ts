import { describe, expect, it } from 'vitest';
import { checkRoleConfig, partsOf, RoleConfigError } from './roles.js';

const CLUSTER = { kafka: { brokers: 'k:9092' }, postgresUrl: 'postgres://vigil@pg/vigil' };

describe('roles', () => {
  it('runs every part in role all and only its own in the others', () => {
    expect(partsOf('all')).toEqual({ gateways: true, rules: true, centre: true });
    expect(partsOf('gateway')).toEqual({ gateways: true, rules: false, centre: false });
    expect(partsOf('stream')).toEqual({ gateways: false, rules: true, centre: false });
    expect(partsOf('center')).toEqual({ gateways: false, rules: false, centre: true });
  });

  it('lets the whole node run embedded, and every other role only on Kafka and a PostgreSQL server', () => {
    expect(() => checkRoleConfig('all', {})).not.toThrow();
    for (const role of ['gateway', 'stream', 'center'] as const) {
      expect(() => checkRoleConfig(role, CLUSTER)).not.toThrow();
      expect(() => checkRoleConfig(role, { postgresUrl: CLUSTER.postgresUrl })).toThrow(
        new RoleConfigError(
          `--role ${role} needs --kafka-brokers: processes of separate roles pass events to each other only through Kafka`,
        ),
      );
      expect(() => checkRoleConfig(role, { kafka: CLUSTER.kafka })).toThrow(`--role ${role} needs --postgres-url`);
    }
  });

  it('keeps the upward JT/T 809 link on the centre', () => {
    const upward = { ...CLUSTER, jt809Upward: { host: 'upper', port: 9 } };
    expect(() => checkRoleConfig('center', upward)).not.toThrow();
    expect(() => checkRoleConfig('gateway', upward)).toThrow('--jt809-upward is served by the center role');
    expect(() => checkRoleConfig('stream', upward)).toThrow('not by --role stream');
  });

  it('polls a GTFS-Realtime feed on the centre, once per cluster', () => {
    const poll = { ...CLUSTER, gtfsRtUrl: 'https://bus.example/vehicle-positions' };
    expect(() => checkRoleConfig('center', poll)).not.toThrow();
    expect(() => checkRoleConfig('all', { gtfsRtUrl: poll.gtfsRtUrl })).not.toThrow();
    expect(() => checkRoleConfig('gateway', poll)).toThrow(
      new RoleConfigError(
        "--gtfs-rt-url is polled by the center node running the cluster's jobs (once per cluster), not by --role gateway",
      ),
    );
    expect(() => checkRoleConfig('stream', poll)).toThrow('not by --role stream');
  });
});
