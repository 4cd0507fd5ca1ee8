/** One index.html serves both pages; the first path segment decides which one this is. */
export type Route = 'wall' | 'console';

export function routeOf(pathname: string): Route {
  return pathname.split('/').find((segment) => segment !== '') === 'console' ? 'console' : 'wall';
}
