/** Routes declared public with `publicRoute()` (method + exact path); everything else under /api needs a credential. */
const PUBLIC_ROUTES = new Set<string>();

export function registerPublicRoute(method: string, path: string): void {
  PUBLIC_ROUTES.add(`${method.toUpperCase()} ${path}`);
}

export function isPublicRoute(method: string, path: string): boolean {
  return PUBLIC_ROUTES.has(`${method.toUpperCase()} ${path}`);
}
