import { openApiDocument } from "@/lib/server/api-v1/openapi";
import { apiJson, preflight } from "@/lib/server/api-v1/http";
import { configuredPublicOrigin } from "@/lib/server/public-url";

// The same document for every caller (STUDIO_PUBLIC_URL or a relative server, never a request
// header), so a shared cache may keep it.
export const GET = () => apiJson(openApiDocument(configuredPublicOrigin()), 200, { "cache-control": "public, max-age=300" });

export const OPTIONS = () => preflight("GET");
