/**
 * `/api/docs`: the OpenAPI document of the HTTP API, generated from the endpoint declarations (and the
 * foundation's routes documented beside them), so it cannot drift from what the server accepts.
 */
import type { Router } from '../http/router.js';
import { openApiDocument, type Api } from './api-spec.js';

export function documentFoundationRoutes(api: Api): void {
  api.document({
    method: 'GET',
    path: '/api/health',
    tag: 'system',
    summary: 'Readiness, with the body of older clients (see /api/health/ready)',
    roles: 'public',
    returns: '{status: "ok"} when ready; 503 {status: "not_ready", failing: [{part, reason, since}]} when not',
  });
  api.document({
    method: 'GET',
    path: '/api/health/live',
    tag: 'system',
    summary: 'Liveness: the process answers',
    roles: 'public',
    returns: '{status: "alive"}',
  });
  api.document({
    method: 'GET',
    path: '/api/health/ready',
    tag: 'system',
    summary: 'Readiness: starting or stopping, sinks failing, operational store silent, disk low, log queues full',
    roles: 'public',
    returns: '{status: "ready"}; 503 {status: "not_ready", failing: [{part, reason, since}]} when a part fails',
  });
  api.document({
    method: 'POST',
    path: '/api/auth/login',
    tag: 'accounts',
    summary:
      'Log in (a new token every time). Any failure is 401 invalid_credentials; repeated failures per account or per address are answered 429 login_throttled with Retry-After',
    roles: 'public',
    body: {
      username: { type: 'string', description: 'login name', required: true },
      password: { type: 'string', description: 'password', required: true },
    },
    returns: '{token, expires_at, user}',
  });
  api.document({
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'accounts',
    summary:
      "Revoke the caller's token (a wall kiosk cannot: its token is shared by the centre's walls; an admin revokes it)",
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
    returns: '{status: "logged_out"}',
  });
  api.document({
    method: 'GET',
    path: '/api/me',
    tag: 'accounts',
    summary: 'The caller',
    roles: 'any',
    returns: '{id, username, role, org_code, enterprise_id}',
  });
  api.document({
    method: 'POST',
    path: '/api/sql',
    tag: 'analytics',
    summary: 'Read-only SQL on ClickHouse (tables telemetry, alarms, alarm_actions, work_order_events, ...)',
    roles: ['admin', 'analyst', 'leader'],
    body: { sql: { type: 'string', description: 'one SELECT', required: true } },
    returns: '{columns: [{name, type}], rows: [[...]]}',
  });
  api.document({
    method: 'GET',
    path: '/api/geo/henan',
    tag: 'system',
    summary: "GeoJSON of Henan's divisions for the wall's map",
    roles: 'any',
    returns: 'GeoJSON FeatureCollection',
  });
  api.document({
    method: 'GET',
    path: '/metrics',
    tag: 'system',
    summary: 'Prometheus metrics',
    roles: 'public',
    returns: 'text/plain; version=0.0.4',
  });
  api.document({
    method: 'GET',
    path: '/api/docs',
    tag: 'system',
    summary: 'This document',
    roles: 'public',
    returns: 'OpenAPI 3.1 JSON',
  });
}

export function registerApiDocs(router: Router, api: Api): void {
  router.add('GET', '/api/docs', () => ({
    body: openApiDocument(api.endpoints, {
      title: 'Vigil command-centre API',
      version: '1',
      description:
        'Accounts, org units, alarm handling and work orders of the province/city/county command centres. Authenticate with a bearer token from POST /api/auth/login. Errors are {error, detail} with a named reason.',
    }),
  }));
}
