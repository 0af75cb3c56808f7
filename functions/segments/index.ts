import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { previewSegment } from "./segments.handlers.ts";
import { segmentRoutes } from "./segments.routes.ts";

/**
 * Segments: saved audiences, and previews of any tree. The preview route is registered first so
 * `POST /api/segments/preview` is never taken for a create.
 */
export const segmentsGroup = withCrud(
  createGroup().openapi(segmentRoutes.preview, previewSegment),
  segmentRoutes,
  (r) => r.segments,
  "segment",
);

/** Deployable alone: `wrangler deploy functions/segments/index.ts`. */
export default toWorker(createWorker([segmentsGroup], "Edge CRM API: segments"));
