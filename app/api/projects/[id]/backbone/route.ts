import { NextResponse } from "next/server";
import { handler } from "@/lib/server/http";
import { getCustomBackbone, saveCustomBackboneSpec, uploadCustomBackbone } from "@/lib/server/custom-backbones";
import { saveCustomBackboneSpecSchema } from "@/lib/schemas/custom-backbone";

/** The project's uploaded backbone (custom-backbone projects), or null. */
export const GET = handler({}, async ({ user, params }) => ({ backbone: await getCustomBackbone(user!.id, params.id) }));

/**
 * multipart/form-data with one or more `files`: a tfjs model folder (model.json + .bin shards),
 * a .zip of one, or a single .onnx file. Checked, packed and stored; replaces an earlier upload.
 */
export const POST = handler({ rawBody: true }, async ({ req, user, params, locale }) => {
  const backbone = await uploadCustomBackbone(
    user!.id,
    params.id,
    { body: req.body, contentType: req.headers.get("content-type"), contentLength: req.headers.get("content-length") },
    locale,
  );
  return NextResponse.json({ backbone }, { status: 201 });
});

/** The settings the owner chose and what the browser measured with them (feature size, layout). */
export const PATCH = handler({ schema: saveCustomBackboneSpecSchema }, async ({ user, params, input }) => ({
  backbone: await saveCustomBackboneSpec(user!.id, params.id, input),
}));
