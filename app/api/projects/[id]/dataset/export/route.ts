import { exportCsv } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ user, params }) => {
  const csv = await exportCsv(user!.id, params.id);
  return new Response(`\uFEFF${csv}`, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="dataset.csv"' },
  });
});
