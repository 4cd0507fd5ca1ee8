/**
 * Which of the map's source layers a wall leaves out: `?hide=taxis,buses,vessels` in the wall's address. A kiosk has
 * no mouse, so a layer is switched off where the wall is configured — in its address, like `?layout=` and `?render=`.
 * A centre whose wall is crowded by a city's thousands of taxis drops them; its legend then drops them too. An
 * unknown name is a configuration error, named rather than ignored.
 */
export const OVERLAYS = ['taxis', 'buses', 'vessels'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export function hiddenOverlaysFromSearch(search: string): ReadonlySet<Overlay> {
  const value = new URLSearchParams(search).get('hide');
  if (value === null || value.trim() === '') return new Set();
  const names = value.split(',').map((name) => name.trim());
  for (const name of names)
    if (!(OVERLAYS as readonly string[]).includes(name))
      throw new Error(`hide=${value}: ${JSON.stringify(name)} is not one of ${OVERLAYS.join(', ')}`);
  return new Set(names as Overlay[]);
}
