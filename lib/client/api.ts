/** Browser-side JSON calls to the studio routes, with the server's translated error kept intact. */
export interface ApiError {
  code: string;
  message: string;
  fields: Record<string, string>;
  status: number;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export async function apiFetch<T>(
  url: string,
  init: { method?: string; body?: unknown; networkErrorMessage?: string } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, error: { code: "network", message: init.networkErrorMessage ?? "Network error", fields: {}, status: 0 } };
  }
  const json = (await res.json().catch(() => null)) as { error?: Partial<ApiError> } | null;
  if (!res.ok) {
    return {
      ok: false,
      error: {
        code: json?.error?.code ?? "internal",
        message: json?.error?.message ?? res.statusText,
        fields: json?.error?.fields ?? {},
        status: res.status,
      },
    };
  }
  return { ok: true, data: json as T };
}
