import { jsx } from "hono/jsx/jsx-runtime";
import { LandingPage, type PageView, pageView } from "../../functions/landing/landing-page.tsx";

/**
 * One render of a landing page, exactly as `showPage` (functions/landing/landing.handlers.tsx) does
 * it on a cache miss: `String(await (<LandingPage view={view} />).toString())`. Written with the JSX
 * runtime's `jsx()` (what that expression compiles to) so that this file is plain TypeScript, which
 * `tsconfig.node.json` type-checks (it includes `bench/**\/*.ts` only).
 */
export async function renderPage(view: PageView): Promise<string> {
  return String(await jsx(LandingPage, { view }).toString());
}

export { type PageView, pageView };
