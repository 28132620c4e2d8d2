/** Lower-case words joined by `-`: `GET /api/users/{id}` → `get-api-users-id`. */
export function slug(text: string, fallback = 'op'): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words || fallback;
}

/** `base`, then `base-2`, `base-3`, ... for names already taken. */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** A name the workload schema accepts for a service: starts with a letter; letters, digits, `. _ -`. */
export function serviceNameFor(raw: string): string {
  const cleaned = raw.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `service-${cleaned || 'unknown'}`;
}

/**
 * An HTTP route or path as a workload path: `{id}` and `<id>` become `:id`, other characters the schema does not allow
 * become `-`. Undefined when nothing usable is left.
 */
export function routePathFor(route: string | undefined): string | undefined {
  if (!route) return undefined;
  const path = route
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .replace(/[{<]([\w.-]+)[}>]/g, ':$1')
    .replace(/[^\w\-./:]+/g, '-');
  if (path === '') return undefined;
  return path.startsWith('/') ? path : `/${path}`;
}

/** The schema knows GET and POST: a safe method reads like GET, anything else changes state like POST. */
export function methodFor(httpMethod: string | undefined): 'GET' | 'POST' {
  if (!httpMethod) return 'GET';
  return httpMethod === 'GET' || httpMethod === 'HEAD' || httpMethod === 'OPTIONS' ? 'GET' : 'POST';
}
