import { describe, expect, it } from 'vitest';
import { routeOf } from './route.js';

describe('routeOf', () => {
  it('serves the console under /console and the wall everywhere else', () => {
    expect(routeOf('/wall')).toBe('wall');
    expect(routeOf('/wall/')).toBe('wall');
    expect(routeOf('/console')).toBe('console');
    expect(routeOf('/console/alarms')).toBe('console');
    expect(routeOf('/')).toBe('wall');
  });
});
