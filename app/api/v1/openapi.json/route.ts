import { openApiDocument } from "@/lib/server/api-v1/openapi";
import { apiJson, preflight, publicOrigin } from "@/lib/server/api-v1/http";

export const GET = (req: Request) =>
  apiJson(openApiDocument(publicOrigin(req.headers, new URL(req.url).origin)), 200, { "cache-control": "public, max-age=300" });

export const OPTIONS = () => preflight("GET");
